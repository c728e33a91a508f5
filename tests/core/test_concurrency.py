"""Core rules under simultaneous requests: the last owner stays, a deletion is audited once, and
profile changes leave history."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from kliento.core.models import AuditEntry, Membership, SavedView, User
from kliento.core.permissions import Role
from kliento.core.records.lists import saved_views
from kliento.core.tenancy import active_organization
from tests.customers.factories import CustomFieldFactory
from tests.factories import MembershipFactory, UserFactory
from tests.parallel import in_parallel

parallel = pytest.mark.django_db(transaction=True)


@pytest.fixture
def carol(alice) -> Membership:
    """A second owner of Acme."""
    return MembershipFactory(
        organization=alice.organization, user=UserFactory(full_name="Carol"), role=Role.OWNER
    )


def signed_in(member: Membership) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def owners(organization_id: int) -> list[str]:
    with active_organization(organization_id):
        members = Membership.objects.active().filter(role=Role.OWNER)
        return [str(member.user) for member in members]


@parallel
def test_two_owners_demoting_each_other_at_once_leave_one_owner(alice, carol):
    alice_client, carol_client = signed_in(alice), signed_in(carol)

    def demote(client: Client, membership: Membership):
        return client.patch(
            f"/api/v1/members/{membership.pk}", json.dumps({"role": "admin"}), content_type="application/json"
        )

    responses = in_parallel(lambda: demote(alice_client, carol), lambda: demote(carol_client, alice))

    assert sorted(response.status_code for response in responses) == [200, 403]
    assert len(owners(alice.organization_id)) == 1


@parallel
def test_two_owners_removing_each_other_at_once_leave_one_owner(alice, carol):
    alice_client, carol_client = signed_in(alice), signed_in(carol)

    responses = in_parallel(
        lambda: alice_client.delete(f"/api/v1/members/{carol.pk}"),
        lambda: carol_client.delete(f"/api/v1/members/{alice.pk}"),
    )

    # The loser is refused while waiting on the owners' lock (403), or, if the winner committed
    # before the loser's request was authenticated, as no longer a member (401).
    codes = sorted(response.status_code for response in responses)
    assert codes in ([204, 401], [204, 403])
    assert len(owners(alice.organization_id)) == 1


@parallel
def test_two_owners_demoting_themselves_at_once_leave_one_owner(alice, carol):
    def demote_self(member: Membership):
        return signed_in(member).patch(
            f"/api/v1/members/{member.pk}", json.dumps({"role": "admin"}), content_type="application/json"
        )

    responses = in_parallel(lambda: demote_self(alice), lambda: demote_self(carol))

    assert sorted(response.status_code for response in responses) == [200, 409]
    assert len(owners(alice.organization_id)) == 1


@parallel
def test_a_custom_field_deleted_twice_at_once_is_deleted_and_audited_once(alice):
    field = CustomFieldFactory(organization=alice.organization, key="shoe_size")
    client = signed_in(alice)

    responses = in_parallel(*[lambda: client.delete(f"/api/v1/custom-fields/{field.pk}")] * 2)

    assert sorted(response.status_code for response in responses) == [204, 404]
    purged = AuditEntry.objects.filter(action=AuditEntry.Action.PURGE, record_id=field.pk)
    assert purged.count() == 1


@parallel
def test_a_saved_view_deleted_twice_at_once_is_audited_once(alice):
    view = saved_views.save_view(
        member=alice, kind="contact", name="Leads", query={"stage": "lead"}, columns=[], shared=False
    )

    def delete():
        with active_organization(alice.organization_id):
            stale = SavedView.objects.get(pk=view.pk)
            return saved_views.delete_view(member=alice, view=stale)

    in_parallel(delete, delete)

    assert AuditEntry.objects.filter(action=AuditEntry.Action.PURGE, record_id=view.pk).count() == 1


# Profile changes -------------------------------------------------------------------------------


def test_changing_ones_profile_is_audited_with_old_and_new_values(alice, alice_client):
    alice_client.post(
        reverse("core:profile"), {"full_name": "Alice Baker", "language": "es", "time_zone": "Europe/Madrid"}
    )

    entry = AuditEntry.objects.get(record_type="core.user", record_id=alice.user_id)
    assert entry.changes == {
        "full_name": ["Alice Adams", "Alice Baker"],
        "language": ["", "es"],
        "time_zone": ["", "Europe/Madrid"],
    }
    assert User.objects.get(pk=alice.user_id).full_name == "Alice Baker"


def test_switching_the_interface_language_is_audited(alice, alice_client):
    alice_client.post(reverse("web:set-language"), {"language": "ar", "next": "/"})

    entry = AuditEntry.objects.get(record_type="core.user", record_id=alice.user_id)
    assert entry.changes == {"language": ["", "ar"]}


def test_a_profile_change_is_audited_in_each_organization_of_the_user(alice, alice_client, olga):
    MembershipFactory(organization=olga.organization, user=alice.user, role=Role.VIEWER)

    alice_client.post(reverse("core:profile"), {"full_name": "Alice Baker", "language": "", "time_zone": ""})

    entries = AuditEntry.unscoped.filter(record_type="core.user", record_id=alice.user_id)
    assert sorted(entries.values_list("organization_id", flat=True)) == sorted(
        [alice.organization_id, olga.organization_id]
    )
