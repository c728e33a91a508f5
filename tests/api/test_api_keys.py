"""An API key works only while its creator stands behind it, and its changes name it."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kliento.core.models import ApiKey, AuditEntry, Invitation, Membership, User
from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from tests.api.conftest import bearer
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def carol(acme, alice) -> Membership:
    """An administrator at Acme."""
    return MembershipFactory(
        organization=acme, user=UserFactory(email="carol@acme.test", full_name="Carol Clark"), role=Role.ADMIN
    )


@pytest.fixture
def carol_key(carol) -> str:
    return create_api_key(name="Carol's script", role=Role.ADMIN, member=carol)[1]


@pytest.fixture
def owner_api(alice) -> Client:
    return Client(**bearer(create_api_key(name="Owner script", role=Role.OWNER, member=alice)[1]))


def test_after_the_owner_removes_an_admin_the_admins_key_gets_401_on_me(owner_api, client, carol, carol_key):
    assert owner_api.delete(f"/api/v1/members/{carol.pk}").status_code == 204

    assert client.get("/api/v1/me", **bearer(carol_key)).status_code == 401


def test_after_the_owner_removes_an_admin_the_admins_key_cannot_create_keys(
    owner_api, client, carol, carol_key
):
    owner_api.delete(f"/api/v1/members/{carol.pk}")

    response = client.post(
        "/api/v1/api-keys",
        {"name": "Backdoor", "role": "admin"},
        content_type="application/json",
        **bearer(carol_key),
    )

    assert response.status_code == 401
    assert ApiKey.objects.filter(name="Backdoor").exists() is False


def test_after_the_owner_removes_an_admin_the_admins_key_cannot_invite(owner_api, client, carol, carol_key):
    owner_api.delete(f"/api/v1/members/{carol.pk}")

    response = client.post(
        "/api/v1/members/invitations",
        {"email": "mallory@evil.test", "role": "admin"},
        content_type="application/json",
        **bearer(carol_key),
    )

    assert response.status_code == 401
    assert Invitation.objects.filter(email="mallory@evil.test").exists() is False


def test_removing_a_member_by_api_revokes_their_keys_in_the_audit_history(owner_api, alice, carol, carol_key):
    owner_api.delete(f"/api/v1/members/{carol.pk}")

    key = ApiKey.objects.get(name="Carol's script")
    assert key.revoked_at is not None
    entry = AuditEntry.objects.get(record_type="core.apikey", record_id=key.pk, action="update")
    assert entry.actor == alice.user
    assert list(entry.changes) == ["revoked_at"]


def test_demoting_an_admin_by_api_revokes_their_admin_key(owner_api, client, carol, carol_key):
    response = owner_api.patch(
        f"/api/v1/members/{carol.pk}", {"role": "viewer"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert ApiKey.objects.get(name="Carol's script").revoked_at is not None
    assert client.get("/api/v1/me", **bearer(carol_key)).status_code == 401


def test_demoting_an_admin_keeps_their_keys_the_new_role_covers(owner_api, client, carol):
    _key, viewer_key = create_api_key(name="Dashboard", role=Role.VIEWER, member=carol)

    owner_api.patch(f"/api/v1/members/{carol.pk}", {"role": "sales_manager"}, content_type="application/json")

    assert ApiKey.objects.get(name="Dashboard").revoked_at is None
    assert client.get("/api/v1/me", **bearer(viewer_key)).json()["role"] == "viewer"


def test_a_key_fails_once_its_creators_membership_is_deactivated_outside_the_services(
    client, carol, carol_key
):
    Membership.objects.filter(pk=carol.pk).update(is_active=False)

    assert client.get("/api/v1/me", **bearer(carol_key)).status_code == 401


def test_a_key_fails_once_its_creator_is_deactivated(client, carol, carol_key):
    User.objects.filter(pk=carol.user_id).update(is_active=False)

    assert client.get("/api/v1/me", **bearer(carol_key)).status_code == 401


def test_a_key_fails_once_its_creators_role_no_longer_covers_it(client, carol, carol_key):
    Membership.objects.filter(pk=carol.pk).update(role=Role.SALESPERSON)

    assert client.get("/api/v1/me", **bearer(carol_key)).status_code == 401


def test_an_owner_key_fails_once_its_creator_is_only_an_admin(client, alice, carol):
    _key, owner_key = create_api_key(name="Root", role=Role.OWNER, member=alice)
    Membership.objects.filter(pk=alice.pk).update(role=Role.ADMIN)

    assert client.get("/api/v1/me", **bearer(owner_key)).status_code == 401


def test_a_key_fails_once_its_creator_is_deleted(client, carol, carol_key):
    carol.user.delete()

    assert client.get("/api/v1/me", **bearer(carol_key)).status_code == 401


def test_a_key_whose_creator_is_a_member_elsewhere_only_still_fails(client, carol, carol_key, olga):
    MembershipFactory(organization=olga.organization, user=carol.user, role=Role.ADMIN)
    Membership.objects.filter(pk=carol.pk).update(is_active=False)

    assert client.get("/api/v1/me", **bearer(carol_key)).status_code == 401


def test_api_key_authentication_loads_key_and_creator_membership_in_one_query(
    client, carol, carol_key, django_assert_num_queries
):
    ApiKey.objects.update(last_used_at=timezone.now())  # a key used a moment ago is not touched again

    with django_assert_num_queries(1):
        response = client.get("/api/v1/me", **bearer(carol_key))

    assert response.status_code == 200


def test_changes_through_an_api_key_name_the_key_and_its_creator(client, carol, carol_key):
    client.patch(
        "/api/v1/organization", {"name": "Acme Ltd"}, content_type="application/json", **bearer(carol_key)
    )

    entry = AuditEntry.objects.get(record_type="core.organization", action="update")
    assert (entry.actor, entry.api_key) == (carol.user, ApiKey.objects.get(name="Carol's script"))


def test_changes_in_the_browser_name_no_key(alice_client, alice):
    alice_client.post(reverse("core:teams"), {"name": "North"})

    assert AuditEntry.objects.get(record_type="core.team").api_key is None


def test_the_audit_page_shows_the_key_a_change_came_through(alice_client, client, carol, carol_key):
    client.patch(
        "/api/v1/organization", {"name": "Acme Ltd"}, content_type="application/json", **bearer(carol_key)
    )

    content = alice_client.get(reverse("core:audit-log")).content.decode()

    assert "Carol Clark · <span" in content
    assert "through the API key “Carol&#x27;s script”" in content


def test_removing_a_member_in_the_members_page_revokes_their_keys(alice_client, carol, carol_key, client):
    alice_client.post(reverse("core:member-remove", args=[carol.pk]))

    assert ApiKey.objects.get(name="Carol's script").revoked_at is not None
    assert client.get("/api/v1/me", **bearer(carol_key)).status_code == 401


def test_demoting_a_member_in_the_members_page_revokes_the_keys_beyond_their_role(
    alice_client, carol, carol_key
):
    alice_client.post(reverse("core:member-change-role", args=[carol.pk]), {"role": "marketer"})

    assert ApiKey.objects.get(name="Carol's script").revoked_at is not None


def test_a_contact_created_through_a_key_names_the_key_on_its_history_tab(
    alice_client, client, carol, carol_key
):
    created = client.post(
        "/api/v1/contacts", {"last_name": "Lovelace"}, content_type="application/json", **bearer(carol_key)
    )

    response = alice_client.get(
        reverse("customers:contact-history", args=[created.json()["id"]]), HTTP_HX_REQUEST="true"
    )

    assert "Carol Clark · <span" in response.content.decode()
    assert "through the API key “Carol&#x27;s script”" in response.content.decode()


def test_a_key_name_with_markup_is_shown_as_text_in_the_history(alice_client, client, carol):
    _key, raw_key = create_api_key(name='<img src=x onerror="alert(1)">', role=Role.ADMIN, member=carol)
    client.patch(
        "/api/v1/organization", {"name": "Acme Ltd"}, content_type="application/json", **bearer(raw_key)
    )

    content = alice_client.get(reverse("core:audit-log")).content.decode()

    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in content
