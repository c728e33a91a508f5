"""Lead pages: the inbox (the list kit's, sorted by waiting time), the card and its actions, the
form, the contact card's "Came from lead" panel, the settings page and the global search."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kliento.core.models import SavedView
from kliento.customers.models import Contact
from kliento.leads import services
from kliento.leads.models import DisqualifyReason, Lead, WebForm
from tests.leads.factories import DisqualifyReasonFactory, LeadFactory


def _settled(client) -> None:
    client.get(reverse("web:home"))  # the first page of a session also saves the session


def test_the_inbox_shows_the_longest_waiting_first_with_the_waiting_time(alice_client, alice):
    now = timezone.now()
    LeadFactory(
        organization=alice.organization, name="Recent", created_at=now - datetime.timedelta(minutes=20)
    )
    LeadFactory(
        organization=alice.organization, name="Long ago", created_at=now - datetime.timedelta(hours=6)
    )
    LeadFactory(
        organization=alice.organization, name="Answered", status="contacted",
        created_at=now - datetime.timedelta(days=2), first_response_at=now - datetime.timedelta(days=1),
    )  # fmt: skip

    html = alice_client.get(reverse("leads:lead-list")).content.decode()

    assert html.index("Long ago") < html.index("Recent") < html.index("Answered")
    assert "waiting 6" in html and "answered after 1" in html


def test_the_inbox_filters_by_owner_status_and_source(alice_client, alice, bob):
    LeadFactory(organization=alice.organization, name="Phoned in", source="phone", owner=bob.user)
    LeadFactory(organization=alice.organization, name="Emailed", source="email", owner=alice.user)

    by_source = alice_client.get(reverse("leads:lead-list"), {"source": "phone"}).content.decode()
    by_owner = alice_client.get(reverse("leads:lead-list"), {"owner": alice.user_id}).content.decode()
    by_status = alice_client.get(reverse("leads:lead-list"), {"status": "qualified"}).content.decode()

    assert "Phoned in" in by_source and "Emailed" not in by_source
    assert "Emailed" in by_owner and "Phoned in" not in by_owner
    assert "Phoned in" not in by_status and "Emailed" not in by_status


def test_a_saved_view_of_the_inbox(alice_client, alice):
    response = alice_client.post(
        reverse("core:saved-view-save", args=["lead"]),
        {"name": "New from the web", "query": "status=new&source=web_form"},
    )

    assert response.status_code in (200, 302)
    assert SavedView.objects.get().kind == "lead"


@pytest.mark.parametrize("rows", [5, 60])
def test_the_inbox_runs_the_same_few_queries_for_5_or_60_leads(
    alice_client, alice, rows, django_assert_max_num_queries
):
    for _index in range(rows):
        LeadFactory(organization=alice.organization, owner=alice.user)
    _settled(alice_client)

    with django_assert_max_num_queries(12):
        response = alice_client.get(reverse("leads:lead-list"))

    assert response.status_code == 200


def test_the_card_shows_the_request_score_and_actions(alice_client, alice):
    DisqualifyReasonFactory(organization=alice.organization, label="No budget")
    lead = services.create_lead(
        member=alice,
        data={
            "name": "Ada",
            "email": "ada@example.com",
            "message": "Call me",
            "last_touch": {"campaign": "spring"},
        },
    )

    html = alice_client.get(reverse("leads:lead-detail", args=[lead.pk])).content.decode()

    for text in (
        "Call me",
        "ada@example.com",
        "Left an email address",
        "No budget",
        "spring",
        "Mark as answered",
    ):
        assert text in html


def test_the_card_runs_a_fixed_number_of_queries(alice_client, alice, django_assert_max_num_queries):
    lead = services.create_lead(
        member=alice, data={"name": "Ada", "email": "ada@example.com", "tags": ["a", "b"]}
    )
    services.qualify_lead(lead=lead, member=alice)
    _settled(alice_client)

    with django_assert_max_num_queries(14):
        assert alice_client.get(reverse("leads:lead-detail", args=[lead.pk])).status_code == 200


def test_creating_a_lead_on_its_form(alice_client, alice):
    response = alice_client.post(
        reverse("leads:lead-create"),
        {"name": "Ada", "email": "ada@example.com", "source": "phone", "owner": alice.user_id, "tags": "vip"},
    )

    lead = Lead.objects.get()
    assert response.status_code == 302 and response.url == reverse("leads:lead-detail", args=[lead.pk])
    assert [tag.name for tag in lead.tags.all()] == ["vip"]


def test_a_bad_email_on_the_form_is_shown_next_to_it(alice_client, alice):
    response = alice_client.post(
        reverse("leads:lead-create"), {"name": "Ada", "email": "nope", "source": "phone"}
    )

    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode() or "is-invalid" in response.content.decode()
    assert Lead.objects.exists() is False


def test_editing_a_lead(alice_client, alice):
    lead = services.create_lead(member=alice, data={"name": "Ada"})
    form = alice_client.get(reverse("leads:lead-edit", args=[lead.pk]))
    version = form.context["form"]["version"].value()

    alice_client.post(
        reverse("leads:lead-edit", args=[lead.pk]), {"name": "Ada L.", "source": "email", "version": version}
    )

    lead.refresh_from_db()
    assert (lead.name, lead.source) == ("Ada L.", "email")


def test_status_disqualify_and_respond_from_the_card(alice_client, alice):
    reason = DisqualifyReasonFactory(organization=alice.organization)
    lead = services.create_lead(member=alice, data={"name": "Ada"})
    status_url = reverse("leads:lead-status", args=[lead.pk])

    alice_client.post(reverse("leads:lead-respond", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.status == "contacted" and lead.first_response_at is not None

    refused = alice_client.post(status_url, {"status": "disqualified"}, follow=True)
    assert "Choose a reason" in refused.content.decode()
    alice_client.post(status_url, {"status": "disqualified", "reason": reason.pk})
    lead.refresh_from_db()
    assert (lead.status, lead.disqualify_reason_id) == ("disqualified", reason.pk)


def test_converting_from_the_card_opens_the_contact_card_with_the_lead_and_its_history(alice_client, alice):
    lead = services.create_lead(
        member=alice, data={"name": "Ada Lovelace", "company_name": "Engines", "message": "Hello"}
    )
    services.qualify_lead(lead=lead, member=alice)

    response = alice_client.post(
        reverse("leads:lead-convert", args=[lead.pk]), {"company": "lead"}, follow=True
    )

    contact = Contact.objects.get()
    assert response.redirect_chain[-1][0] == reverse("customers:contact-detail", args=[contact.pk])
    html = response.content.decode()
    assert 'data-testid="came-from-lead"' in html and "Hello" in html and "Qualified" in html
    assert contact.company.name == "Engines"


def test_converting_an_unqualified_lead_from_the_card_says_why(alice_client, alice):
    lead = services.create_lead(member=alice, data={"name": "Ada"})

    response = alice_client.post(
        reverse("leads:lead-convert", args=[lead.pk]), {"company": "none"}, follow=True
    )

    assert "qualify it first" in response.content.decode()
    assert Contact.objects.exists() is False


def test_a_contact_not_made_from_a_lead_has_no_such_panel(alice_client, alice):
    from kliento.customers import services as customer_services

    contact = customer_services.create_contact(member=alice, data={"last_name": "Plain"})

    html = alice_client.get(reverse("customers:contact-detail", args=[contact.pk])).content.decode()

    assert "came-from-lead" not in html


def test_a_salesperson_cannot_open_the_settings_but_may_work_leads(bob_client, bob, alice):
    lead = LeadFactory(organization=alice.organization, owner=bob.user)

    assert bob_client.get(reverse("leads:settings")).status_code == 403
    assert bob_client.post(reverse("leads:lead-respond", args=[lead.pk])).status_code == 302


def test_the_settings_page_turns_on_the_form_and_shows_its_code(alice_client, alice):
    alice_client.post(reverse("leads:settings-enable-form"))
    web_form = WebForm.objects.get()

    html = alice_client.get(reverse("leads:settings")).content.decode()

    assert f"/forms/lead/{web_form.token}/" in html
    assert "&lt;form" in html and 'name="website"' not in html.split('data-testid="embed-snippet"')[0][-50:]


def test_rotating_the_token(alice_client, alice):
    alice_client.post(reverse("leads:settings-enable-form"))
    old = WebForm.objects.get().token

    alice_client.post(reverse("leads:settings-rotate-token"))

    assert WebForm.objects.get().token != old


def test_reasons_are_added_and_withdrawn_in_settings(alice_client, alice):
    alice_client.post(reverse("leads:settings-default-reasons"))
    alice_client.post(reverse("leads:settings-add-reason"), {"label": "Wrong country"})
    reason = DisqualifyReason.objects.get(label="Wrong country")

    alice_client.post(reverse("leads:settings-toggle-reason", args=[reason.pk]))

    assert DisqualifyReason.objects.count() == 6
    assert DisqualifyReason.objects.get(pk=reason.pk).is_active is False


def test_the_global_search_finds_leads(alice_client, alice, olga):
    LeadFactory(organization=alice.organization, name="Zebulon Quartz", company_name="Quartzworks")
    LeadFactory(organization=olga.organization, name="Zebulon Other")

    html = alice_client.get(reverse("core:search"), {"q": "zebulon"}).content.decode()

    assert "Zebulon Quartz" in html and "Zebulon Other" not in html
