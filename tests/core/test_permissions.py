import pytest

from kliento.core.permissions import Permission, Role, role_can, role_covers, roles_grantable_by

P = Permission
# The whole matrix, written out so a change to what a role may do is a visible change here.
EXPECTED = {
    Role.OWNER: set(P),
    Role.ADMIN: set(P),
    Role.SALES_MANAGER: set(P) - {P.MANAGE_ORGANIZATION, P.MANAGE_MEMBERS, P.MANAGE_API_KEYS},
    Role.SALESPERSON: {P.VIEW_MEMBERS, P.EDIT_CUSTOMERS, P.EDIT_SALES, P.EDIT_TASKS, P.VIEW_ANALYTICS},
    Role.SUPPORT_AGENT: {P.VIEW_MEMBERS, P.EDIT_CUSTOMERS, P.EDIT_TICKETS, P.EDIT_TASKS},
    Role.MARKETER: {P.VIEW_MEMBERS, P.EDIT_CAMPAIGNS, P.EDIT_TASKS, P.VIEW_ANALYTICS, P.SEE_ALL_RECORDS},
    Role.VIEWER: {P.VIEW_MEMBERS, P.VIEW_ANALYTICS, P.SEE_ALL_RECORDS},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_each_role_has_exactly_its_permissions(role, permission):
    assert role_can(role, permission) is (permission in EXPECTED[role])


def test_an_unknown_role_may_do_nothing():
    assert not any(role_can("intern", permission) for permission in Permission)


def test_only_an_owner_can_grant_the_owner_role():
    assert Role.OWNER in roles_grantable_by(Role.OWNER)
    assert Role.OWNER not in roles_grantable_by(Role.ADMIN)
    assert Role.ADMIN in roles_grantable_by(Role.ADMIN)


@pytest.mark.parametrize(
    "role", [Role.SALES_MANAGER, Role.SALESPERSON, Role.SUPPORT_AGENT, Role.MARKETER, Role.VIEWER]
)
def test_roles_that_cannot_manage_members_grant_nothing(role):
    assert roles_grantable_by(role) == []


def test_a_salesperson_in_an_own_and_team_organization_does_not_see_all_records(alice, bob):
    alice.organization.record_visibility = "own_and_team"
    alice.organization.save()
    bob.refresh_from_db()

    assert bob.sees_all_records is False
    assert alice.sees_all_records is True


def test_team_member_ids_include_the_member_and_their_teammates(alice, bob):
    from tests.factories import TeamFactory, UserFactory, add_team_members

    mate = UserFactory()
    team = TeamFactory(organization=alice.organization, manager=alice.user)
    add_team_members(team, bob.user, mate)

    assert bob.team_member_ids() == {bob.user_id, mate.pk, alice.user_id}


@pytest.mark.parametrize(
    ("role", "other", "covers"),
    [
        (Role.OWNER, Role.OWNER, True),
        (Role.OWNER, Role.ADMIN, True),
        (Role.ADMIN, Role.OWNER, False),
        (Role.ADMIN, Role.ADMIN, True),
        (Role.SALES_MANAGER, Role.ADMIN, False),
        (Role.SALES_MANAGER, Role.VIEWER, True),
        (Role.SALESPERSON, Role.SUPPORT_AGENT, False),
        (Role.SUPPORT_AGENT, Role.SALESPERSON, False),
        (Role.MARKETER, Role.VIEWER, True),
        (Role.VIEWER, Role.MARKETER, False),
        (Role.OWNER, "nobody", False),
    ],
)
def test_a_role_covers_another_when_it_may_do_all_the_other_may(role, other, covers):
    assert role_covers(role, other) is covers
