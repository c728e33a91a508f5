import pytest

from kliento.core.models import Membership, Team
from kliento.core.tenancy import (
    NoActiveOrganization,
    activate_organization,
    active_organization,
    forget,
    memoized,
    reset_organization,
)
from tests.factories import TeamFactory


def test_a_tenant_query_without_an_active_organization_fails(db):
    token = activate_organization(None)
    try:
        with pytest.raises(NoActiveOrganization):
            list(Team.objects.all())
    finally:
        reset_organization(token)


def test_a_tenant_query_sees_only_the_active_organization(alice, olga):
    ours = TeamFactory(organization=alice.organization)
    TeamFactory(organization=olga.organization)

    assert list(Team.objects.all()) == [ours]


def test_switching_the_active_organization_switches_what_queries_see(alice, olga):
    theirs = TeamFactory(organization=olga.organization)

    with active_organization(olga.organization_id):
        assert list(Team.objects.all()) == [theirs]
    assert Team.objects.filter(pk=theirs.pk).exists() is False


def test_a_new_record_belongs_to_the_active_organization(alice, bob):
    team = Team.objects.create(name="Field sales")

    assert team.organization_id == alice.organization_id


def test_trashed_records_leave_the_default_manager_but_not_the_trash_manager(alice):
    team = TeamFactory(organization=alice.organization)
    Team.unscoped.filter(pk=team.pk).update(deleted_at="2026-01-01T00:00:00Z")

    assert Team.objects.filter(pk=team.pk).exists() is False
    assert Team.with_trash.in_trash().get() == team


def test_memberships_are_scoped_like_every_tenant_model(alice, olga):
    assert list(Membership.objects.values_list("pk", flat=True)) == [alice.pk]


def test_a_memo_is_computed_once_per_activation(alice):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with active_organization(alice.organization_id):
        assert [memoized("answer", compute), memoized("answer", compute)] == [1, 1]
    with active_organization(alice.organization_id):
        assert memoized("answer", compute) == 2


def test_a_forgotten_memo_is_computed_again(alice):
    values = iter(["before", "after"])

    with active_organization(alice.organization_id):
        memoized("setting", lambda: next(values))
        forget("setting")

        assert memoized("setting", lambda: next(values)) == "after"


def test_a_memo_is_kept_apart_for_each_organization_and_back(alice, olga):
    with active_organization(alice.organization_id):
        memoized("name", lambda: "Acme")
        with active_organization(olga.organization_id):
            assert memoized("name", lambda: "Other") == "Other"

        assert memoized("name", lambda: "computed again") == "Acme"
