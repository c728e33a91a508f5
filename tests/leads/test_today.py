import datetime

from django.urls import reverse
from django.utils import timezone

from kliento.activities import services as activities
from kliento.activities.models import Call, Direction
from kliento.leads.models import Lead, LeadStatus
from tests.leads.factories import LeadFactory


def _widget(client, key):
    response = client.get(reverse("web:home"))
    return next((widget for widget in response.context["widgets"] if widget.key == key), None)


def test_today_lists_my_and_unassigned_leads_waiting_longest_first(alice_client, alice, bob):
    now = timezone.now()
    LeadFactory(organization=alice.organization, name="Newer mine", owner=alice.user, created_at=now)
    LeadFactory(
        organization=alice.organization, name="Older unassigned", created_at=now - datetime.timedelta(hours=5)
    )
    LeadFactory(organization=alice.organization, name="Bob's", owner=bob.user)

    widget = _widget(alice_client, "leads_waiting")

    assert [lead.name for lead, _waiting in widget.context["leads"]] == ["Older unassigned", "Newer mine"]


def test_answered_leads_leave_today(alice_client, alice):
    LeadFactory(
        organization=alice.organization,
        owner=alice.user,
        first_response_at=timezone.now(),
        queue_rank=Lead.QueueRank.SETTLED,
        status=LeadStatus.CONTACTED,
    )

    assert _widget(alice_client, "leads_waiting") is None


def test_a_waiting_leads_name_is_shown_as_text(alice_client, alice):
    LeadFactory(organization=alice.organization, owner=alice.user, name='<img src=x onerror="alert(1)">')

    content = alice_client.get(reverse("web:home")).content.decode()

    assert "&lt;img src=x" in content and "<img src=x" not in content


def test_a_call_made_to_a_lead_is_its_first_response(alice, django_capture_on_commit_callbacks):
    lead = LeadFactory(organization=alice.organization, owner=alice.user)
    made_at = timezone.now() - datetime.timedelta(minutes=3)

    with django_capture_on_commit_callbacks(execute=True):
        activities.log_call(
            member=alice,
            kind="lead",
            record=lead,
            direction=Direction.OUTBOUND,
            outcome=Call.Outcome.NO_ANSWER,
            occurred_at=made_at,
        )

    lead.refresh_from_db()
    assert (lead.first_response_at, lead.first_response_by) == (made_at, alice.user)
    assert lead.queue_rank == Lead.QueueRank.SETTLED


def test_a_call_from_a_lead_is_not_a_response(alice, django_capture_on_commit_callbacks):
    lead = LeadFactory(organization=alice.organization, owner=alice.user)

    with django_capture_on_commit_callbacks(execute=True):
        activities.log_call(
            member=alice,
            kind="lead",
            record=lead,
            direction=Direction.INBOUND,
            outcome=Call.Outcome.ANSWERED,
            occurred_at=timezone.now(),
        )

    lead.refresh_from_db()
    assert lead.first_response_at is None


def test_a_later_call_keeps_the_first_response(alice, django_capture_on_commit_callbacks):
    lead = LeadFactory(organization=alice.organization, owner=alice.user)
    first = timezone.now() - datetime.timedelta(hours=2)

    for moment in (first, timezone.now()):
        with django_capture_on_commit_callbacks(execute=True):
            activities.log_call(
                member=alice,
                kind="lead",
                record=lead,
                direction=Direction.OUTBOUND,
                outcome=Call.Outcome.ANSWERED,
                occurred_at=moment,
                duration_seconds=30,
            )

    lead.refresh_from_db()
    assert lead.first_response_at == first
