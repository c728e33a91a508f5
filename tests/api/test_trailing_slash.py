"""Every endpoint answers at its path with a trailing slash too: clients add one by habit."""

from __future__ import annotations

import json

from kliento.api.api import api as ninja_api
from kliento.customers.models import Company
from tests.customers.factories import ContactFactory


def test_a_list_endpoint_answers_with_a_trailing_slash_too(admin_api, alice):
    ContactFactory(organization=alice.organization, first_name="Ada", last_name="Slash")

    response = admin_api.get("/api/v1/contacts/")

    assert response.status_code == 200
    assert [item["full_name"] for item in response.json()["items"]] == ["Ada Slash"]


def test_creating_with_a_trailing_slash_creates_the_record(admin_api):
    response = admin_api.post(
        "/api/v1/companies/", json.dumps({"name": "Slash Co"}), content_type="application/json"
    )

    assert response.status_code == 201
    assert Company.objects.get().name == "Slash Co"


def test_every_endpoint_path_answers_with_a_trailing_slash_too(admin_api, alice):
    contact = ContactFactory(organization=alice.organization)
    for path, operations in ninja_api.get_openapi_schema()["paths"].items():
        if "get" not in operations or ("{" in path and "{contact_id}" not in path):
            continue
        url = path.replace("{contact_id}", str(contact.pk))

        without = admin_api.get(url).status_code
        # The same answer either way: 200, or 422 for an endpoint whose query needs a parameter.
        assert admin_api.get(url + "/").status_code == without, path
        assert without in (200, 422), path
