import datetime

from django.urls import reverse
from django.utils import timezone

from kliento.activities.models import Call, Direction
from tests.activities.factories import CallFactory


def _numbers(client):
    response = client.get(reverse("web:home"))
    widget = next((widget for widget in response.context["widgets"] if widget.key == "callbacks"), None)
    return [] if widget is None else [call.customer_number for call in widget.context["calls"]]


def _missed(organization, number, **fields):
    return CallFactory(
        organization=organization,
        customer_number=number,
        from_number=number,
        status=Call.Status.MISSED,
        **fields,
    )


def test_a_missed_call_is_a_callback_on_today(alice_client, alice):
    _missed(alice.organization, "+4930111111")

    assert _numbers(alice_client) == ["+4930111111"]


def test_a_call_made_back_afterwards_clears_the_callback(alice_client, alice):
    _missed(alice.organization, "+4930111111", started_at=timezone.now() - datetime.timedelta(hours=1))
    CallFactory(
        organization=alice.organization,
        customer_number="+4930111111",
        direction=Direction.OUTBOUND,
        status=Call.Status.COMPLETED,
    )

    assert _numbers(alice_client) == []


def test_another_agents_missed_call_is_theirs(alice_client, alice, bob):
    _missed(alice.organization, "+4930111111", agent=bob.user)

    assert _numbers(alice_client) == []


def test_missed_calls_older_than_a_week_are_left_to_the_call_screen(alice_client, alice):
    _missed(alice.organization, "+4930111111", started_at=timezone.now() - datetime.timedelta(days=8))

    assert _numbers(alice_client) == []
