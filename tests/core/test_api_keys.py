"""The services that keep API keys behind their creator: removal and demotion revoke them."""

import pytest

from kliento.core import services
from kliento.core.errors import NotAllowed
from kliento.core.models import ApiKey, AuditEntry
from kliento.core.permissions import Role
from tests.factories import MembershipFactory, UserFactory


def make_admin(organization):
    return MembershipFactory(
        organization=organization, user=UserFactory(full_name="Carol Clark"), role=Role.ADMIN
    )


def test_removing_a_member_revokes_every_key_they_made(alice):
    carol = make_admin(alice.organization)
    first, _raw = services.create_api_key(name="Sync", role=Role.ADMIN, member=carol)
    second, _raw = services.create_api_key(name="Report", role=Role.VIEWER, member=carol)

    services.remove_member(membership=carol, member=alice)

    assert ApiKey.objects.filter(pk__in=[first.pk, second.pk], revoked_at=None).exists() is False


def test_removing_a_member_leaves_other_members_keys_alone(alice):
    carol = make_admin(alice.organization)
    alices, _raw = services.create_api_key(name="Owner's", role=Role.ADMIN, member=alice)

    services.remove_member(membership=carol, member=alice)

    assert ApiKey.objects.get(pk=alices.pk).revoked_at is None


def test_each_revoked_key_has_an_audit_entry_by_whoever_removed_the_member(alice):
    carol = make_admin(alice.organization)
    key, _raw = services.create_api_key(name="Sync", role=Role.ADMIN, member=carol)

    services.remove_member(membership=carol, member=alice)

    entry = AuditEntry.objects.get(record_type="core.apikey", record_id=key.pk, action="update")
    assert (entry.actor, list(entry.changes)) == (alice.user, ["revoked_at"])


def test_demoting_a_member_revokes_only_the_keys_the_new_role_does_not_cover(alice):
    carol = make_admin(alice.organization)
    admin_key, _raw = services.create_api_key(name="Sync", role=Role.ADMIN, member=carol)
    viewer_key, _raw = services.create_api_key(name="Report", role=Role.VIEWER, member=carol)

    services.change_member_role(membership=carol, role=Role.MARKETER, member=alice)

    assert ApiKey.objects.get(pk=admin_key.pk).revoked_at is not None
    assert ApiKey.objects.get(pk=viewer_key.pk).revoked_at is None


def test_a_refused_removal_revokes_nothing(alice):
    carol = make_admin(alice.organization)
    key, _raw = services.create_api_key(name="Owner's", role=Role.OWNER, member=alice)

    with pytest.raises(NotAllowed):
        services.remove_member(membership=alice, member=carol)  # only an owner removes an owner

    assert ApiKey.objects.get(pk=key.pk).revoked_at is None
