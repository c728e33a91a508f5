import datetime

from django.urls import reverse
from django.utils import timezone

from kliento.deals.models import StageKind
from kliento.tasks.models import Task
from tests.deals.factories import DealFactory
from tests.tasks.factories import MeetingFactory, TaskFactory


def _deal_titles(client):
    response = client.get(reverse("web:home"))
    widget = next(
        (widget for widget in response.context["widgets"] if widget.key == "deals_no_next_step"), None
    )
    return [] if widget is None else [deal.title for deal, _url in widget.context["deals"]]


def test_today_lists_my_open_deals_without_a_next_step(alice_client, alice, bob):
    DealFactory(organization=alice.organization, owner=alice.user, title="Forgotten")
    DealFactory(organization=alice.organization, owner=bob.user, title="Bob's")
    DealFactory(organization=alice.organization, owner=alice.user, title="Won", status=StageKind.WON)

    assert _deal_titles(alice_client) == ["Forgotten"]


def test_an_open_task_is_a_next_step(alice_client, alice):
    deal = DealFactory(organization=alice.organization, owner=alice.user)
    TaskFactory(organization=alice.organization, related_kind="deal", related_id=deal.pk, assignee=alice.user)

    assert _deal_titles(alice_client) == []


def test_a_done_task_is_not_a_next_step(alice_client, alice):
    deal = DealFactory(organization=alice.organization, owner=alice.user, title="Done with")
    TaskFactory(
        organization=alice.organization, related_kind="deal", related_id=deal.pk, status=Task.Status.DONE
    )

    assert _deal_titles(alice_client) == ["Done with"]


def test_a_meeting_ahead_is_a_next_step_and_a_past_one_is_not(alice_client, alice):
    ahead = DealFactory(organization=alice.organization, owner=alice.user, title="Meeting ahead")
    past = DealFactory(organization=alice.organization, owner=alice.user, title="Met already")
    MeetingFactory(
        organization=alice.organization, organizer=alice.user, related_kind="deal", related_id=ahead.pk
    )
    MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        related_kind="deal",
        related_id=past.pk,
        starts_at=timezone.now() - datetime.timedelta(days=2),
    )

    assert _deal_titles(alice_client) == ["Met already"]


def test_the_plan_link_opens_a_task_for_the_deal(alice_client, alice):
    deal = DealFactory(organization=alice.organization, owner=alice.user)

    content = alice_client.get(reverse("web:home")).content.decode()

    assert f"related_kind=deal&amp;related_id={deal.pk}" in content
