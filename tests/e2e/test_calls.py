"""The call screen in a real browser: a call sent through the signed webhook pops up with the caller
within two seconds, and its outcome is logged there onto the contact's timeline."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from kliento.activities import telephony
from kliento.activities.models import Call
from tests.e2e.test_customers import TIMEOUT, signed_in_as_alice

pytestmark = pytest.mark.e2e


def ring(server_url: str, organization, number: str, call_id: str = "e2e-1") -> None:
    secret = telephony.generic_secret(telephony.settings_of(organization))
    body = json.dumps(
        {"call_id": call_id, "from": number, "direction": "inbound", "status": "ringing"}
    ).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        f"{server_url}/api/v1/telephony/generic/?organization={organization.slug}",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            telephony.TIMESTAMP_HEADER: str(timestamp),
            telephony.SIGNATURE_HEADER: telephony.sign_generic(secret, body, timestamp),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_a_webhook_rings_and_the_pop_up_appears_then_the_call_is_logged(
    page: Page, server_url: str, alice, records
):
    signed_in_as_alice(page, server_url)
    page.goto(f"{server_url}/calls/")
    expect(page.get_by_test_id("no-calls")).to_be_visible(timeout=TIMEOUT)

    ring(server_url, alice.organization, "+49 (30) 123-4567")  # Layla's number, written otherwise

    popup = page.get_by_test_id("call-popup")
    expect(popup).to_be_visible(timeout=2_000)
    expect(popup.get_by_test_id("caller-name")).to_have_text("Layla Haddad")
    popup.get_by_label("Notes").fill("Asked about the Gold plan")
    popup.get_by_test_id("call-log-save").click()

    expect(page.get_by_test_id("call-popup")).to_have_count(0, timeout=TIMEOUT)
    call = Call.unscoped.get()
    assert (call.activity.subject_id, call.activity.body) == (
        records["contact"].pk,
        "Asked about the Gold plan",
    )
    page.goto(f"{server_url}/contacts/{records['contact'].pk}/")
    expect(page.get_by_test_id("timeline-entries")).to_contain_text(
        "Asked about the Gold plan", timeout=TIMEOUT
    )


def test_an_unknown_caller_gets_a_new_contact_button(page: Page, server_url: str, alice, records):
    signed_in_as_alice(page, server_url)
    page.goto(f"{server_url}/calls/")

    ring(server_url, alice.organization, "+1 202 555 0147", call_id="e2e-2")

    expect(page.get_by_test_id("unknown-caller")).to_be_visible(timeout=2_000)
    page.get_by_test_id("unknown-action-new-contact").click()
    expect(page.locator("input[name='phones-0-number']")).to_have_value("+12025550147", timeout=TIMEOUT)
