"""The pages refuse crafted input with a clear message, never a 500: tampered cursors on every
list, selections of ids too large for the database, and text the database cannot store."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kliento.core.records.fields.models import CustomField
from kliento.core.records.lists import get_list
from kliento.customers import services
from kliento.customers.models import Company, Contact, CustomerEntity, LifecycleStage, LifecycleTransition
from tests.api.test_crafted_input import TAMPERED
from tests.customers.factories import CompanyFactory, ContactFactory, CustomFieldFactory

HTMX_MORE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-more"}
CURSOR_MESSAGE = "This page link is not valid any more; start again from the first page."
KINDS = {key: get_list(key) for key in ("contact", "company")}
LISTS = pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
SORTS = ["name", "-created", "cf.size", "-cf.plan"]


@pytest.fixture
def rows(alice):
    for entity in CustomerEntity.values:
        CustomFieldFactory(
            organization=alice.organization,
            entity=entity,
            key="size",
            field_type=CustomField.FieldType.NUMBER,
        )
        CustomFieldFactory(organization=alice.organization, entity=entity, key="plan")
    ContactFactory(organization=alice.organization, custom_fields={"size": 1, "plan": "a"})
    CompanyFactory(organization=alice.organization, custom_fields={"size": 1, "plan": "a"})


@LISTS
@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("tampering", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_tampered_cursor_on_any_list_page_says_to_start_again(alice_client, rows, kind, sort, tampering):
    response = alice_client.get(kind.list_url, {"sort": sort, "cursor": tampering})

    assert response.status_code == 400
    assert CURSOR_MESSAGE in response.content.decode()


@LISTS
@pytest.mark.parametrize("tampering", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_tampered_cursor_on_show_more_says_to_start_again(alice_client, rows, kind, tampering):
    response = alice_client.get(kind.list_url, {"cursor": tampering}, **HTMX_MORE)

    assert response.status_code == 400
    assert CURSOR_MESSAGE in response.content.decode()


@LISTS
def test_a_list_filter_with_an_id_too_large_for_the_database_names_the_filter(alice_client, rows, kind):
    response = alice_client.get(kind.list_url, {"company": "99999999999999999999", "owner": "1" + "0" * 20})

    assert response.status_code == 400
    assert "There is no such record." in response.content.decode()


@LISTS
def test_a_list_filter_with_a_control_character_names_the_filter(alice_client, rows, kind):
    response = alice_client.get(kind.list_url, {"tag": "vip\x00"})

    assert response.status_code == 400
    assert [(e.label, e.messages) for e in response.context["errors"]] == [
        ("Tag", ["Remove the control characters."])
    ]


@LISTS
def test_a_bulk_action_on_an_id_too_large_for_the_database_says_the_selection_is_not_valid(
    alice_client, alice, kind
):
    record = CompanyFactory(organization=alice.organization) if kind.kind == "company" else None
    record = record or ContactFactory(organization=alice.organization)

    response = alice_client.post(
        kind.bulk_url,
        {"ids": [str(record.pk), "99999999999999999999"], "action": "change_stage", "stage": "active"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Selection: The selection is not valid." in [str(m) for m in response.context["messages"]]
    record.refresh_from_db()
    assert record.lifecycle_stage == LifecycleStage.LEAD


# Text the database cannot store -------------------------------------------------------------

CONTACT_FORM = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "emails-0-email": "",
    "emails-0-label": "work",
    "emails-primary": "0",
    "phones-0-number": "",
    "phones-0-label": "mobile",
    "phones-primary": "0",
    "lifecycle_stage": "lead",
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "Ada\x00", "Null characters are not allowed."),  # Django's own check comes first
        ("last_name", "Love\x1blace", "Remove the control characters."),
        ("first_name", "Ada\u202egpj", "Remove the characters that change the direction of the text."),
        ("job_title", "Boss\u2066", "Remove the characters that change the direction of the text."),
        ("description", "a\x0bb", "Remove the control characters."),
    ],
)
def test_the_contact_form_shows_unstorable_text_on_its_field(alice_client, field, value, message):
    response = alice_client.post(reverse("customers:contact-create"), {**CONTACT_FORM, field: value})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Contact.objects.exists() is False


def test_the_contact_form_keeps_line_breaks_and_tabs_in_notes(alice_client):
    alice_client.post(reverse("customers:contact-create"), {**CONTACT_FORM, "description": "one\r\n\ttwo"})

    assert Contact.objects.get().description == "one\r\n\ttwo"


def test_the_company_form_shows_a_control_character_in_a_custom_field_on_that_field(alice_client, alice):
    CustomFieldFactory(organization=alice.organization, entity=CustomerEntity.COMPANY, key="code")

    response = alice_client.post(
        reverse("customers:company-create"), {"name": "Navy", "lifecycle_stage": "lead", "cf_code": "A\x07B"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["cf_code"] == ["Remove the control characters."]
    assert Company.objects.exists() is False


def test_a_stage_change_reason_with_a_control_character_is_refused(alice_client, alice):
    contact = services.create_contact(member=alice, data={"last_name": "Hopper"})

    response = alice_client.post(
        reverse("customers:contact-change-stage", args=[contact.pk]),
        {"to_stage": "active", "reason": "signed\x00"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "Remove the control characters." in response.content.decode()
    contact.refresh_from_db()
    assert contact.lifecycle_stage == LifecycleStage.LEAD
    assert LifecycleTransition.objects.filter(contact=contact).count() == 1
