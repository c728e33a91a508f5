import pytest
from django.core import mail
from huey.contrib.djhuey import HUEY

from kliento.core.jobs import in_organization, organization_task
from kliento.core.models import AuditEntry, Invitation
from kliento.core.permissions import Role
from kliento.core.services import invite_member
from kliento.core.tenancy import active_organization, active_organization_id, require_active_organization_id

seen: list[tuple[int | None, int]] = []


@organization_task()
def remember_the_organization(organization_id: int, marker: int) -> int:
    seen.append((active_organization_id(), marker))
    return AuditEntry.objects.count()  # a tenant query: it needs the organization active


@organization_task()
def fail_inside_the_organization(organization_id: int) -> None:
    seen.append((active_organization_id(), 0))
    raise RuntimeError("the job broke")


@pytest.fixture
def immediate_huey():
    """Jobs run at once, through the queue's own code path, as the worker would run them."""
    seen.clear()
    was_immediate = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was_immediate


def test_a_job_runs_inside_the_organization_it_was_given(olga, immediate_huey):
    remember_the_organization(olga.organization_id, 1)

    assert seen == [(olga.organization_id, 1)]


def test_the_organization_may_be_given_by_name(olga, immediate_huey):
    remember_the_organization(marker=2, organization_id=olga.organization_id)

    assert seen == [(olga.organization_id, 2)]


def test_a_jobs_tenant_queries_see_only_its_organization(alice, olga, immediate_huey):
    with active_organization(olga.organization_id):
        AuditEntry.objects.create(action=AuditEntry.Action.UPDATE, record_type="core.organization")

    assert remember_the_organization(olga.organization_id, 3)() == 1
    assert remember_the_organization(alice.organization_id, 4)() == 0


def test_after_a_job_the_organization_active_before_is_back(alice, olga, immediate_huey):
    remember_the_organization(olga.organization_id, 5)

    assert active_organization_id() == alice.organization_id


def test_a_job_that_fails_leaves_no_organization_active(olga, immediate_huey):
    assert active_organization_id() is None

    fail_inside_the_organization(olga.organization_id)

    assert seen == [(olga.organization_id, 0)]
    assert active_organization_id() is None


def test_the_organization_is_reset_when_the_job_raises(olga):
    job = in_organization(lambda organization_id: require_active_organization_id() / 0)

    with pytest.raises(ZeroDivisionError):
        job(olga.organization_id)

    assert active_organization_id() is None


@pytest.mark.parametrize("wrong", ["7", None, 7.0, True])
def test_an_organization_id_that_is_not_an_int_runs_nothing(wrong):
    job = in_organization(lambda organization_id: seen.append((organization_id, 0)))
    seen.clear()

    with pytest.raises(TypeError):
        job(wrong)

    assert seen == []


def test_a_job_without_an_organization_id_is_refused_when_declared():
    with pytest.raises(TypeError, match="organization_id"):

        @organization_task()
        def orphan(record_id: int) -> None:
            pass


def test_the_invitation_email_is_sent_by_a_job_inside_the_invitations_organization(
    alice, olga, immediate_huey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite_member(member=alice, email="new@acme.test", role=Role.SALESPERSON)

    assert [message.to for message in mail.outbox] == [["new@acme.test"]]
    assert Invitation.objects.get().email == "new@acme.test"
