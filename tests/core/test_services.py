import datetime

import pytest
from django.core import mail
from django.utils import timezone

from kliento.core import services
from kliento.core.errors import DomainError, NotAllowed
from kliento.core.models import ApiKey, AuditEntry, Invitation, Membership, Organization, Team
from kliento.core.permissions import Role
from tests.factories import MembershipFactory, TeamFactory, UserFactory


def test_creating_an_organization_makes_its_creator_the_owner(db):
    user = UserFactory()

    organization = services.create_organization(name="Café Olé", owner=user)

    assert organization.slug == "cafe-ole"
    assert Membership.unscoped.get(organization=organization).role == Role.OWNER


def test_organization_slugs_stay_unique(db):
    user = UserFactory()
    services.create_organization(name="Acme", owner=user)

    assert services.create_organization(name="Acme", owner=user).slug == "acme-2"


def test_updating_the_organization_leaves_an_audit_entry_with_old_and_new_values(alice):
    services.update_organization(
        organization=alice.organization, member=alice, changes={"base_currency": "EUR"}
    )

    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, record_type="core.organization")
    assert entry.changes == {"base_currency": ["USD", "EUR"]}
    assert entry.actor == alice.user


def test_an_invalid_currency_is_refused_and_nothing_is_written(alice):
    with pytest.raises(Exception) as raised:
        services.update_organization(
            organization=alice.organization, member=alice, changes={"base_currency": "eu"}
        )

    assert "base_currency" in raised.value.message_dict
    assert Organization.objects.get(pk=alice.organization_id).base_currency == "USD"


def test_a_salesperson_cannot_change_organization_settings(bob):
    with pytest.raises(NotAllowed):
        services.update_organization(organization=bob.organization, member=bob, changes={"name": "Mine"})


def test_inviting_sends_an_email_with_a_link_that_joins_the_organization(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invite_member(
            email="Carol@Example.com", role=Role.MARKETER, member=alice
        )

    assert invitation.email == "carol@example.com"
    assert token in mail.outbox[0].body
    carol = UserFactory(email="carol@example.com")
    membership = services.accept_invitation(invitation=services.pending_invitation(token), user=carol)
    assert membership.role == Role.MARKETER
    assert services.pending_invitation(token) is None


def test_an_invitation_cannot_be_accepted_by_another_address(alice):
    invitation, _token = services.invite_member(email="carol@example.com", role=Role.VIEWER, member=alice)

    with pytest.raises(DomainError):
        services.accept_invitation(invitation=invitation, user=UserFactory(email="mallory@example.com"))
    assert Membership.objects.filter(user__email="mallory@example.com").exists() is False


def test_an_expired_invitation_is_not_pending(alice):
    _invitation, token = services.invite_member(email="carol@example.com", role=Role.VIEWER, member=alice)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    assert services.pending_invitation(token) is None


def test_an_admin_cannot_invite_an_owner(alice):
    admin = MembershipFactory(organization=alice.organization, role=Role.ADMIN)

    with pytest.raises(NotAllowed):
        services.invite_member(email="x@example.com", role=Role.OWNER, member=admin)
    assert Invitation.objects.exists() is False


def test_inviting_an_existing_member_is_refused_naming_the_email(alice, bob):
    with pytest.raises(DomainError) as raised:
        services.invite_member(email="bob@acme.test", role=Role.VIEWER, member=alice)

    assert raised.value.field == "email"


def test_the_last_owner_cannot_be_demoted(alice):
    with pytest.raises(DomainError):
        services.change_member_role(membership=alice, role=Role.ADMIN, member=alice)

    alice.refresh_from_db()
    assert alice.role == Role.OWNER


def test_an_admin_cannot_demote_an_owner(alice):
    admin = MembershipFactory(organization=alice.organization, role=Role.ADMIN)

    with pytest.raises(NotAllowed):
        services.change_member_role(membership=alice, role=Role.VIEWER, member=admin)


def test_changing_a_role_is_audited(alice, bob):
    services.change_member_role(membership=bob, role=Role.SALES_MANAGER, member=alice)

    entry = AuditEntry.objects.get(record_type="core.membership", record_id=bob.pk, action="update")
    assert entry.changes == {"role": ["salesperson", "sales_manager"]}


def test_a_removed_member_loses_access_but_keeps_their_history(alice, bob):
    services.remove_member(membership=bob, member=alice)

    bob.refresh_from_db()
    assert bob.is_active is False
    assert Membership.objects.active().filter(pk=bob.pk).exists() is False


def test_a_salesperson_cannot_remove_anyone(alice, bob):
    with pytest.raises(NotAllowed):
        services.remove_member(membership=alice, member=bob)


def test_an_api_key_authenticates_until_revoked(alice):
    key, raw_key = services.create_api_key(name="Website", role=Role.VIEWER, member=alice)

    assert services.authenticate_api_key(raw_key) == key
    services.revoke_api_key(key=key, member=alice)
    assert services.authenticate_api_key(raw_key) is None


def test_an_api_key_is_stored_hashed(alice):
    _key, raw_key = services.create_api_key(name="Website", role=Role.VIEWER, member=alice)

    stored = ApiKey.objects.get()
    assert raw_key not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == services._token_hash(raw_key)


def test_using_an_api_key_records_when_it_was_last_used(alice):
    _key, raw_key = services.create_api_key(name="Website", role=Role.VIEWER, member=alice)

    services.authenticate_api_key(raw_key)

    assert ApiKey.objects.get().last_used_at is not None


@pytest.mark.parametrize("raw", ["", "nonsense", "kl_deadbeef_wrong", "kl_"])
def test_an_unknown_api_key_does_not_authenticate(alice, raw):
    services.create_api_key(name="Website", role=Role.VIEWER, member=alice)

    assert services.authenticate_api_key(raw) is None


def test_a_key_with_the_right_prefix_but_a_wrong_secret_does_not_authenticate(alice):
    _key, raw_key = services.create_api_key(name="Website", role=Role.VIEWER, member=alice)

    assert services.authenticate_api_key(raw_key[:-3] + "xyz") is None


def test_a_sales_manager_cannot_create_api_keys(alice):
    manager = MembershipFactory(organization=alice.organization, role=Role.SALES_MANAGER)

    with pytest.raises(NotAllowed):
        services.create_api_key(name="Mine", role=Role.VIEWER, member=manager)


def test_deleting_a_team_moves_it_to_the_trash_and_restore_brings_it_back(alice):
    team = services.create_team(name="North", member=alice)

    services.delete_team(team=team, member=alice)
    assert Team.objects.filter(pk=team.pk).exists() is False
    services.restore_team(team=Team.with_trash.get(pk=team.pk), member=alice)

    assert Team.objects.get(pk=team.pk).deleted_at is None
    actions = list(
        AuditEntry.objects.filter(record_id=team.pk, record_type="core.team").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "delete", "restore"]


def test_a_team_name_is_unique_in_the_organization(alice):
    services.create_team(name="North", member=alice)

    with pytest.raises(DomainError) as raised:
        services.create_team(name="north", member=alice)
    assert raised.value.field == "name"


def test_the_same_team_name_is_fine_in_another_organization(alice, olga):
    TeamFactory(organization=olga.organization, name="North")

    assert services.create_team(name="North", member=alice).name == "North"


def test_setting_team_members_is_audited(alice, bob):
    team = services.create_team(name="North", member=alice)

    services.set_team_members(team=team, users=[bob.user], member=alice)

    entry = AuditEntry.objects.filter(record_type="core.team", action="update").get()
    assert entry.changes == {"members": [[], [bob.user_id]]}


# Service hygiene --------------------------------------------------------------------------------


def test_a_refusal_by_role_is_no_domain_error():
    assert issubclass(NotAllowed, DomainError) is False
    assert NotAllowed("No.").message == "No."


def test_a_refusal_by_role_is_a_403_problem_in_the_api_and_changes_nothing(alice, bob, bob_client):
    response = bob_client.delete(f"/api/v1/members/{alice.pk}")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Your role does not allow this."
    alice.refresh_from_db()
    assert alice.is_active is True


def test_an_admin_demoting_an_owner_on_the_members_page_is_told_why(alice):
    from django.test import Client
    from django.urls import reverse

    admin = MembershipFactory(organization=alice.organization, role=Role.ADMIN)
    client = Client()
    client.force_login(admin.user)

    response = client.post(
        reverse("core:member-change-role", args=[alice.pk]), {"role": Role.VIEWER}, follow=True
    )

    assert "Only an owner can make or unmake an owner." in response.content.decode()
    alice.refresh_from_db()
    assert alice.role == Role.OWNER


def test_adding_a_member_is_audited(alice):
    dan = UserFactory(email="dan@acme.test")

    membership = services.add_member(organization=alice.organization, user=dan, role=Role.MARKETER)

    entry = AuditEntry.objects.get(record_type="core.membership", record_id=membership.pk)
    assert (entry.action, entry.changes["role"]) == ("create", [None, Role.MARKETER])


def test_adding_a_removed_member_again_reactivates_them_with_an_entry(alice, bob):
    services.remove_member(membership=bob, member=alice)

    services.add_member(organization=alice.organization, user=bob.user, role=Role.VIEWER)

    bob.refresh_from_db()
    assert (bob.is_active, bob.role) == (True, Role.VIEWER)
    entry = AuditEntry.objects.filter(record_type="core.membership", record_id=bob.pk).latest("id")
    assert entry.changes == {"role": [Role.SALESPERSON, Role.VIEWER], "is_active": [False, True]}


def test_adding_a_member_with_an_unknown_role_is_refused_naming_the_role(alice):
    with pytest.raises(DomainError) as raised:
        services.add_member(organization=alice.organization, user=UserFactory(), role="emperor")

    assert raised.value.field == "role"


def test_the_invitation_job_is_queued_with_ids_only(alice, monkeypatch, django_capture_on_commit_callbacks):
    from kliento.core import tasks

    queued = []
    monkeypatch.setattr(tasks, "send_invitation_email", lambda *args, **kwargs: queued.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invite_member(email="carol@example.com", role=Role.VIEWER, member=alice)

    assert queued == [((invitation.pk, alice.organization_id), {})]
    stored = Invitation.objects.get(pk=invitation.pk)
    assert token not in str(vars(stored))


def test_the_invitation_job_rebuilds_the_link_that_joins(alice):
    from kliento.core.tasks import send_invitation_email

    invitation, token = services.invite_member(email="carol@example.com", role=Role.VIEWER, member=alice)

    send_invitation_email.call_local(invitation.pk, alice.organization_id)

    assert token in mail.outbox[0].body
    assert services.pending_invitation(token) == invitation
