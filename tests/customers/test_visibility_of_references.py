"""Under "own and team" visibility, a write may only point at records the member may see, and
totals count only the rows the member may see: a company someone else owns answers exactly like
one that does not exist, so walking ids reveals neither its name nor that it exists."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from kliento.customers import services
from kliento.customers.models import Contact
from tests.customers.factories import CompanyFactory, ContactFactory

MISSING_ID = 987_654


@pytest.fixture
def hidden_company(alice, bob):
    """A company Alice owns, in an organization where Bob sees only his own and his team's records."""
    alice.organization.record_visibility = "own_and_team"
    alice.organization.save()
    return CompanyFactory(organization=alice.organization, name="Secret Holdings", owner=alice.user)


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _without_instance(response) -> dict:
    body = response.json()
    body.pop("instance")
    return body


def test_creating_a_contact_at_a_company_the_member_cannot_see_answers_as_for_a_missing_one(
    bob_client, hidden_company
):
    hidden = _post(bob_client, "/api/v1/contacts", {"last_name": "Spy", "company_id": hidden_company.pk})
    missing = _post(bob_client, "/api/v1/contacts", {"last_name": "Spy", "company_id": MISSING_ID})

    assert hidden.status_code == missing.status_code == 422
    assert _without_instance(hidden) == _without_instance(missing)
    assert "Secret Holdings" not in hidden.content.decode()
    assert Contact.objects.exists() is False


def test_moving_a_contact_to_a_company_the_member_cannot_see_answers_as_for_a_missing_one(
    bob_client, bob, hidden_company
):
    contact = services.create_contact(member=bob, data={"last_name": "Spy"})

    hidden = bob_client.patch(
        f"/api/v1/contacts/{contact.pk}",
        json.dumps({"company_id": hidden_company.pk}),
        content_type="application/json",
    )
    missing = bob_client.patch(
        f"/api/v1/contacts/{contact.pk}",
        json.dumps({"company_id": MISSING_ID}),
        content_type="application/json",
    )

    assert hidden.status_code == missing.status_code == 422
    assert _without_instance(hidden) == _without_instance(missing)
    contact.refresh_from_db()
    assert contact.company_id is None


def test_the_contact_form_refuses_a_company_the_member_cannot_see_as_a_missing_one(
    bob_client, hidden_company
):
    form = {
        "last_name": "Spy",
        "emails-0-email": "",
        "emails-0-label": "work",
        "emails-primary": "0",
        "phones-0-number": "",
        "phones-0-label": "mobile",
        "phones-primary": "0",
        "lifecycle_stage": "lead",
    }

    hidden = bob_client.post(reverse("customers:contact-create"), {**form, "company": hidden_company.pk})
    missing = bob_client.post(reverse("customers:contact-create"), {**form, "company": MISSING_ID})

    assert hidden.status_code == missing.status_code == 400
    assert hidden.context["form"].errors["company"] == missing.context["form"].errors["company"]
    assert "Secret Holdings" not in hidden.content.decode()
    assert Contact.objects.exists() is False


@pytest.fixture
def shared_company(alice, bob, hidden_company):
    """A company Bob owns, with two contacts of his and three of Alice's (one an active customer)."""
    company = CompanyFactory(organization=alice.organization, name="Shared Ltd", owner=bob.user)
    for owner, stage in [
        (bob, "lead"),
        (bob, "active"),
        (alice, "lead"),
        (alice, "active"),
        (alice, "loyal"),
    ]:
        ContactFactory(
            organization=alice.organization, company=company, owner=owner.user, lifecycle_stage=stage
        )
    return company


def test_the_company_card_counts_only_the_contacts_the_member_can_see(bob_client, shared_company):
    response = bob_client.get(reverse("customers:company-detail", args=[shared_company.pk]))

    panel = next(p for p in response.context["panels"]["main"] if p.key == "contacts")
    assert panel.context["totals"] == {"contacts": 2, "active": 1, "leads": 1}


def test_the_company_in_the_api_counts_only_the_contacts_the_member_can_see(bob_client, shared_company):
    response = bob_client.get(f"/api/v1/companies/{shared_company.pk}")

    assert response.json()["totals"] == {"contacts": 2, "active": 1, "leads": 1}


def test_the_company_card_counts_every_contact_for_a_member_who_sees_all(alice_client, shared_company):
    response = alice_client.get(reverse("customers:company-detail", args=[shared_company.pk]))

    panel = next(p for p in response.context["panels"]["main"] if p.key == "contacts")
    assert panel.context["totals"] == {"contacts": 5, "active": 3, "leads": 2}
