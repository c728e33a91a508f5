"""Stored payloads in every free-text field of leads are never emitted as markup (see
test_stored_markup.py, whose reader this reuses): the inbox, the card and its panels, the History
tab, the contact card's "Came from lead" panel, the settings page and the search."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kliento.core.records.fields import services as field_services
from kliento.customers.models import Contact
from kliento.leads import services
from kliento.leads.models import Lead
from tests.security.test_stored_markup import HTMX_HEADERS, PAYLOADS, problems_of, stored

STORED = {
    "lead.name": 150,
    "lead.company_name": 150,
    "lead.message": 5000,
    "lead.tag": 60,
    "lead.cf_text": 5000,
    "lead.first_touch": 200,
    "lead.last_touch": 200,
    "reason.label": 100,
    "converted.name": 150,
    "converted.message": 5000,
}
MARKERS = {name: f"l{index:02d}" for index, name in enumerate(STORED)}


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def world(request, alice):
    payload = PAYLOADS[request.param]
    values = {name: stored(MARKERS[name], payload, length) for name, length in STORED.items()}
    field_services.save_custom_field(
        member=alice, data={"entity": "lead", "key": "notes", "label": "Notes", "field_type": "text"}
    )
    reason = services.add_disqualify_reason(member=alice, label=values["reason.label"])
    lead = services.create_lead(
        member=alice,
        data={
            "name": values["lead.name"],
            "company_name": values["lead.company_name"],
            "message": values["lead.message"],
            "tags": [values["lead.tag"]],
            "custom_fields": {"notes": values["lead.cf_text"]},
            "first_touch": {"campaign": values["lead.first_touch"]},
            "last_touch": {"source": values["lead.last_touch"]},
        },
    )
    services.disqualify_lead(lead=lead, member=alice, reason_id=reason.pk)
    converted = services.create_lead(
        member=alice, data={"name": values["converted.name"], "message": values["converted.message"]}
    )
    services.qualify_lead(lead=converted, member=alice)
    contact = services.convert_lead(lead=converted, member=alice, new_company_name="").contact
    return payload, values, lead, contact


LEAD_TEXT = ("lead.name", "lead.company_name", "lead.message", "lead.tag", "lead.cf_text")


def _pages(lead: Lead, contact: Contact):
    yield "inbox", reverse("leads:lead-list") + "?columns=name,company_name,tags,cf.notes", {}, (
        "lead.name", "lead.company_name", "lead.tag", "lead.cf_text", "converted.name",
    )  # fmt: skip
    yield "card", reverse("leads:lead-detail", args=[lead.pk]), {}, (
        *LEAD_TEXT, "lead.first_touch", "lead.last_touch", "reason.label",
    )  # fmt: skip
    yield (
        "history",
        reverse("leads:lead-history", args=[lead.pk]),
        HTMX_HEADERS,
        ("lead.name", "lead.message"),
    )
    yield "edit", reverse("leads:lead-edit", args=[lead.pk]), {}, ("lead.name", "lead.message")
    yield "contact", reverse("customers:contact-detail", args=[contact.pk]), {}, (
        "converted.name", "converted.message",
    )  # fmt: skip
    yield "settings", reverse("leads:settings"), {}, ("reason.label",)
    yield "search", reverse("core:search") + "?q=l00", {}, ("lead.name",)


def test_no_lead_page_shows_a_stored_payload_as_markup(world, alice_client: Client):
    payload, values, lead, contact = world
    problems = {}
    for name, url, headers, shows in _pages(lead, contact):
        response = alice_client.get(url, **headers)
        if response.status_code != 200:
            problems[name] = [f"answered {response.status_code}"]
        elif found := problems_of(response.content.decode(), payload, {key: values[key] for key in shows}):
            problems[name] = found

    assert problems == {}


def test_every_stored_lead_field_is_looked_for_on_some_page():
    looked_for = {key for _name, _url, _headers, shows in _pages(Lead(pk=1), Contact(pk=1)) for key in shows}

    assert set(STORED) - looked_for == set()
