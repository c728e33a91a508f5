import json

import pytest

from kliento.core.models import ApiKey, AuditEntry, Invitation, Membership, Organization
from kliento.core.permissions import Role
from kliento.core.services import create_api_key, revoke_api_key
from tests.api.conftest import bearer
from tests.factories import MembershipFactory

PROBLEM = "application/problem+json"


def test_me_with_an_api_key_names_the_organization_the_role_and_the_key(client, alice):
    key, raw_key = create_api_key(name="Website", role=Role.VIEWER, member=alice)

    body = client.get("/api/v1/me", **bearer(raw_key)).json()

    assert body["organization"]["slug"] == "acme"
    assert body["role"] == "viewer"
    assert body["api_key"] == {"id": key.pk, "name": "Website"}
    assert "members.view" in body["permissions"]


def test_me_with_the_browser_session_names_the_user(alice_client):
    body = alice_client.get("/api/v1/me").json()

    assert body["user"]["email"] == "alice@acme.test"
    assert body["role"] == "owner"


def test_no_credentials_is_a_401_problem(client, db):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 401


@pytest.mark.parametrize("raw", ["kl_00000000_unknown", "not-a-key"])
def test_an_unknown_api_key_is_a_401(client, db, raw):
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_a_revoked_api_key_is_a_401(client, alice):
    key, raw_key = create_api_key(name="Old", role=Role.VIEWER, member=alice)
    revoke_api_key(key=key, member=alice)

    assert client.get("/api/v1/me", **bearer(raw_key)).status_code == 401


def test_a_session_write_without_csrf_token_is_refused(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)

    response = client.patch("/api/v1/organization", {"name": "Hacked"}, content_type="application/json")

    assert response.status_code in (401, 403)
    assert Organization.objects.get(pk=alice.organization_id).name == "Acme"


def test_reading_and_updating_the_organization(admin_api, alice):
    response = admin_api.patch(
        "/api/v1/organization", {"base_currency": "EUR"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["base_currency"] == "EUR"
    assert admin_api.get("/api/v1/organization").json()["base_currency"] == "EUR"


def test_a_wrong_typed_field_is_a_422_problem_naming_the_field(admin_api, alice):
    response = admin_api.patch(
        "/api/v1/organization", {"base_currency": "euro"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert [error["field"] for error in response.json()["errors"]] == ["base_currency"]
    assert Organization.objects.get(pk=alice.organization_id).base_currency == "USD"


def test_an_invalid_time_zone_is_a_422_naming_the_field(admin_api, alice):
    response = admin_api.patch(
        "/api/v1/organization", {"time_zone": "Mars/Olympus"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "time_zone"


def test_malformed_json_is_a_400_problem(admin_api, alice):
    response = admin_api.patch("/api/v1/organization", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_a_viewer_key_cannot_change_the_organization(client, api_key_for, alice):
    response = client.patch(
        "/api/v1/organization",
        {"name": "Mine"},
        content_type="application/json",
        **bearer(api_key_for(Role.VIEWER)),
    )

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert Organization.objects.get(pk=alice.organization_id).name == "Acme"


def test_members_are_listed_with_a_cursor(admin_api, alice):
    for _member in range(4):
        MembershipFactory(organization=alice.organization)

    first = admin_api.get("/api/v1/members?limit=3").json()
    second = admin_api.get(f"/api/v1/members?limit=3&cursor={first['next_cursor']}").json()

    ids = [item["id"] for item in first["items"] + second["items"]]
    assert ids == sorted(Membership.objects.values_list("pk", flat=True))
    assert second["next_cursor"] is None


def test_a_broken_cursor_is_a_problem_naming_the_cursor(admin_api):
    response = admin_api.get("/api/v1/members?cursor=%%%")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_a_limit_out_of_range_is_refused(admin_api):
    response = admin_api.get("/api/v1/members?limit=100000")

    assert response.json()["errors"][0]["field"] == "limit"


def test_inviting_by_api_creates_an_invitation(admin_api, alice):
    response = admin_api.post(
        "/api/v1/members/invitations",
        {"email": "dan@example.com", "role": "marketer"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Invitation.objects.get().role == "marketer"


def test_inviting_with_a_bad_email_names_the_field(admin_api):
    response = admin_api.post(
        "/api/v1/members/invitations",
        {"email": "not-an-email", "role": "marketer"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"
    assert Invitation.objects.exists() is False


def test_inviting_with_an_unknown_role_names_the_field(admin_api):
    response = admin_api.post(
        "/api/v1/members/invitations",
        {"email": "dan@example.com", "role": "king"},
        content_type="application/json",
    )

    assert response.json()["errors"][0]["field"] == "role"


def test_a_missing_field_names_the_field(admin_api):
    response = admin_api.post("/api/v1/members/invitations", {}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"


def test_changing_and_removing_a_member_by_api(admin_api, bob):
    changed = admin_api.patch(
        f"/api/v1/members/{bob.pk}", {"role": "viewer"}, content_type="application/json"
    )
    removed = admin_api.delete(f"/api/v1/members/{bob.pk}")

    assert changed.json()["role"] == "viewer"
    assert removed.status_code == 204
    assert Membership.objects.active().filter(pk=bob.pk).exists() is False


def test_an_admin_key_cannot_demote_the_owner(admin_api, alice):
    response = admin_api.patch(
        f"/api/v1/members/{alice.pk}", {"role": "viewer"}, content_type="application/json"
    )

    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.role == Role.OWNER


def test_api_key_life_cycle_through_the_api(admin_api, client, alice):
    created = admin_api.post(
        "/api/v1/api-keys", {"name": "CI", "role": "viewer"}, content_type="application/json"
    )
    raw_key = created.json()["key"]
    assert client.get("/api/v1/me", **bearer(raw_key)).status_code == 200

    listed = admin_api.get("/api/v1/api-keys").json()["items"]
    assert "key" not in listed[0]
    assert admin_api.delete(f"/api/v1/api-keys/{created.json()['id']}").status_code == 204

    assert client.get("/api/v1/me", **bearer(raw_key)).status_code == 401
    assert ApiKey.objects.get(pk=created.json()["id"]).revoked_at is not None


def test_an_admin_key_cannot_create_an_owner_key(admin_api):
    response = admin_api.post(
        "/api/v1/api-keys", {"name": "Root", "role": "owner"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert ApiKey.objects.filter(name="Root").exists() is False


def test_changes_through_an_api_key_are_audited(admin_api, alice):
    admin_api.patch("/api/v1/organization", {"name": "Acme Ltd"}, content_type="application/json")

    entry = AuditEntry.objects.get(record_type="core.organization", action="update")
    assert entry.changes == {"name": ["Acme", "Acme Ltd"]}


def test_the_openapi_document_lists_the_endpoints(client, db):
    document = json.loads(client.get("/api/openapi.json").content)

    assert "/api/v1/me" in document["paths"]
    assert "/api/v1/members" in document["paths"]


def test_the_api_docs_page_is_served_without_outside_resources(client, db):
    response = client.get("/api/docs")

    assert response.status_code == 200
    assert "cdn." not in response.content.decode()
