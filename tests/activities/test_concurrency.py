"""Webhook deliveries and call logging at the same time, on their own connections."""

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from kliento.activities import telephony
from kliento.activities.models import Activity, Call
from kliento.customers import services as customer_services
from tests.activities.factories import CallFactory
from tests.parallel import in_parallel

parallel = pytest.mark.django_db(transaction=True)


def _deliver(secret: str, body: dict):
    raw = json.dumps(body).encode()
    timestamp = int(time.time())
    return Client().post(
        "/api/v1/telephony/generic?organization=acme",
        raw,
        content_type="application/json",
        HTTP_X_KLIENTO_TIMESTAMP=str(timestamp),
        HTTP_X_KLIENTO_SIGNATURE=telephony.sign_generic(secret, raw, timestamp),
    )


@parallel
def test_the_same_call_delivered_at_once_several_times_is_one_call(alice):
    secret = telephony.generic_secret(telephony.settings_of(alice.organization))
    body = {"call_id": "twice", "from": "+12025550100", "direction": "inbound", "status": "ringing"}

    responses = in_parallel(*[lambda: _deliver(secret, body) for _ in range(4)])

    assert [response.status_code for response in responses] == [200] * 4
    assert Call.unscoped.filter(provider_call_id="twice").count() == 1


@parallel
def test_events_of_one_call_arriving_together_end_in_its_last_state(alice):
    secret = telephony.generic_secret(telephony.settings_of(alice.organization))
    base = {"call_id": "c", "from": "+12025550100", "direction": "inbound"}
    events = [
        {**base, "status": "ringing"},
        {**base, "status": "answered", "answered_at": "2026-12-01T10:00:05Z"},
        {**base, "status": "completed", "ended_at": "2026-12-01T10:01:05Z"},
    ]

    in_parallel(*[lambda event=event: _deliver(secret, event) for event in events])

    assert Call.unscoped.get(provider_call_id="c").status == "completed"


@parallel
def test_two_agents_logging_one_call_at_once_log_it_once(alice, bob):
    contact = customer_services.create_contact(member=alice, data={"first_name": "Ida"})
    call = CallFactory(organization=alice.organization, status=Call.Status.ANSWERED)
    data = {f"call-{call.pk}-contact": contact.pk, f"call-{call.pk}-direction": "inbound",
            f"call-{call.pk}-outcome": "answered"}  # fmt: skip
    clients = []
    for member in (alice, bob):
        client = Client()
        client.force_login(member.user)
        clients.append(client)

    responses = in_parallel(
        *[
            lambda client=client: client.post(reverse("activities:call-log", args=[call.pk]), data)
            for client in clients
        ]
    )

    assert sorted(response.status_code for response in responses) == [302, 302]
    assert Activity.unscoped.filter(kind="call").count() == 1
