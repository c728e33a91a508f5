"""The API's busiest path: what a request with an API key costs and what it skips."""

import pytest
from django.db import connection

from kliento.core.permissions import Role
from tests.api.conftest import bearer

CREATE_CONTACT_QUERY_LIMIT = 23  # 27 before: a new contact cleared lists it cannot have yet


def test_a_request_with_an_api_key_is_judged_by_the_key_alone_not_the_session(alice_client):
    response = alice_client.get("/api/v1/me", **bearer("kl_00000000_unknown"))

    assert response.status_code == 401


def test_a_request_with_an_api_key_gets_no_session_or_csrf_cookie(client, api_key_for):
    response = client.get("/api/v1/me", **bearer(api_key_for(Role.VIEWER)))

    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_the_signed_in_browser_still_uses_the_api_through_its_session(alice_client):
    assert alice_client.get("/api/v1/me").json()["user"]["email"] == "alice@acme.test"


def test_sqlite_keeps_its_connections_between_requests():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL connections come from the psycopg pool")
    assert connection.settings_dict["CONN_MAX_AGE"] is None
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_creating_a_contact_through_the_api_runs_a_bounded_number_of_queries(
    client, api_key_for, django_assert_max_num_queries
):
    headers = bearer(api_key_for(Role.SALESPERSON))
    body = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "emails": [{"email": "ada@example.com"}],
        "phones": [{"number": "+44 20 7946 0001"}],
    }

    with django_assert_max_num_queries(CREATE_CONTACT_QUERY_LIMIT):
        response = client.post("/api/v1/contacts", body, content_type="application/json", **headers)

    assert response.status_code == 201
    assert sorted(e["email"] for e in response.json()["emails"]) == ["ada@example.com"]
