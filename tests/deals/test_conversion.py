import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kliento.core.errors import InvalidInput
from kliento.customers.models import Contact
from kliento.deals.models import Deal
from kliento.leads import services as leads


def _qualified(member, **data):
    lead = leads.create_lead(member=member, data={"name": "Ada Lovelace", "email": "ada@example.com", **data})
    leads.qualify_lead(lead=lead, member=member)
    return lead


def test_converting_a_lead_can_open_a_deal_for_the_new_customer(alice, stages):
    lead = _qualified(alice, company_name="Engines Ltd")

    conversion = leads.convert_lead(lead=lead, member=alice, extras={"deal": {"amount": "1200"}})

    deal = Deal.objects.get()
    assert conversion.extras["deal"] == deal
    assert (deal.title, deal.contact, deal.company, deal.amount) == (
        "Engines Ltd", conversion.contact, conversion.company, Decimal("1200")
    )  # fmt: skip
    assert deal.stage == stages["New"]


def test_the_deal_takes_a_title_given(alice, stages):
    lead = _qualified(alice)

    leads.convert_lead(lead=lead, member=alice, new_company_name="", extras={"deal": {"title": "Pilot"}})

    assert Deal.objects.get().title == "Pilot"


def test_a_refused_deal_option_writes_nothing_and_names_the_option(alice, stages):
    lead = _qualified(alice)

    with pytest.raises(InvalidInput) as refused:
        leads.convert_lead(lead=lead, member=alice, extras={"deal": {"currency": "XXY"}})

    assert refused.value.field == "extras.deal.currency"
    assert not Contact.objects.exists() and not Deal.objects.exists()


def test_an_unknown_deal_option_is_refused(alice, stages):
    lead = _qualified(alice)

    with pytest.raises(ValidationError) as refused:
        leads.convert_lead(lead=lead, member=alice, extras={"deal": {"colour": "red"}})

    assert "extras.deal.colour" in refused.value.message_dict


def test_the_conversion_api_opens_a_deal(api, alice, stages):
    lead = _qualified(alice)

    response = api.post(
        f"/api/v1/leads/{lead.pk}/convert",
        json.dumps({"extras": {"deal": {"amount": "300"}}}),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert Deal.objects.get().contact_id == response.json()["contact_id"]


def test_the_conversion_form_offers_the_deal(alice_client, alice, stages):
    lead = _qualified(alice)

    content = alice_client.get(reverse("leads:lead-detail", args=[lead.pk])).content.decode()
    alice_client.post(reverse("leads:lead-convert", args=[lead.pk]), {"company": "none", "extra_deal": "on"})

    assert 'name="extra_deal"' in content
    assert Deal.objects.get().title == "Ada Lovelace"
