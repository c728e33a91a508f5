"""Contact and company cards: the create and edit forms, duplicate warnings, inline editing,
lifecycle, consent, history, trash, the panel registry, refusals and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kliento.core.models import AuditEntry, Organization
from kliento.core.permissions import Permission, Role
from kliento.core.records.panels import card_panels, register_card_panel, unregister_card_panel
from kliento.customers import services
from kliento.customers.models import (
    Company,
    Consent,
    Contact,
    ContactEmail,
    LifecycleStage,
    LifecycleTransition,
    Tag,
)
from tests.customers.factories import CompanyFactory, ContactFactory, CustomFieldFactory, TagFactory
from tests.factories import MembershipFactory, UserFactory

CREATE = reverse("customers:contact-create")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _german_numbers(acme):
    """National phone numbers in these tests are German ones."""
    acme.default_region = "DE"
    acme.save()


def form_data(**fields):
    """A contact form as the page posts it: one email row and one phone row unless given."""
    data = {
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
    data.update(fields)
    return data


def make_contact(member, **data):
    data.setdefault("first_name", "Grace")
    data.setdefault("last_name", "Hopper")
    return services.create_contact(member=member, data=data)


def card(client, contact):
    return client.get(reverse("customers:contact-detail", args=[contact.pk]))


def member_with(acme, role):
    return MembershipFactory(organization=acme, user=UserFactory(), role=role)


# Creating through the form ----------------------------------------------------------------------


def test_a_contact_created_through_the_page_has_its_emails_phone_tags_and_custom_field(alice_client, alice):
    CustomFieldFactory(
        organization=alice.organization, key="shoe_size", label="Shoe size", field_type="number"
    )

    response = alice_client.post(
        CREATE,
        form_data(
            **{
                "emails-0-email": "Ada@Example.com",
                "emails-0-label": "work",
                "emails-1-email": "ada@home.example.org",
                "emails-1-label": "home",
                "emails-primary": "1",
                "phones-0-number": "030 12345678",
                "tags": "vip, newsletter, VIP",
                "cf_shoe_size": "38",
                "owner": str(alice.user_id),
            }
        ),
    )

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:contact-detail", args=[contact.pk])
    assert list(contact.emails.order_by("id").values_list("email", "label", "is_primary")) == [
        ("ada@example.com", "work", False),
        ("ada@home.example.org", "home", True),
    ]
    assert list(contact.phones.values_list("number", "label")) == [("+493012345678", "mobile")]
    assert sorted(contact.tags.values_list("name", flat=True)) == ["newsletter", "vip"]
    assert contact.custom_fields == {"shoe_size": 38}
    assert (contact.owner_id, contact.email) == (alice.user_id, "ada@home.example.org")


def test_the_new_contact_form_offers_every_custom_field_with_its_input_and_required_marker(
    alice_client, alice
):
    CustomFieldFactory(organization=alice.organization, key="since", label="Member since", field_type="date")
    CustomFieldFactory(
        organization=alice.organization,
        key="plan",
        label="Plan",
        field_type="choice",
        choices=["Basic", "Gold"],
        is_required=True,
    )
    CustomFieldFactory(
        organization=alice.organization,
        key="sports",
        label="Sports",
        field_type="multi_choice",
        choices=["Yoga", "Boxing"],
    )

    content = alice_client.get(CREATE).content.decode()

    assert 'type="date" name="cf_since"' in content
    assert '<option value="Gold">Gold</option>' in content
    assert 'for="id_cf_plan">Plan <span class="text-danger" aria-hidden="true">*</span>' in content
    assert 'type="checkbox" class="form-check-input" name="cf_sports" value="Boxing"' in content


def test_the_form_never_lists_every_company_but_suggests_them_as_one_types(alice_client, alice):
    CompanyFactory(organization=alice.organization, name="Acme Rockets", city="Berlin")
    CompanyFactory(organization=alice.organization, name="Acme Labs")
    CompanyFactory(organization=alice.organization, name="Globex")

    page = alice_client.get(CREATE).content.decode()
    response = alice_client.get(CREATE, {"company_search": "acme"}, **HTMX)

    assert (
        "Acme Rockets" not in page
        and "<select" not in page.split('id="company-widget"')[1].split("</div>")[0]
    )
    assert [c.name for c in response.context["companies"]] == ["Acme Labs", "Acme Rockets"]


def test_picking_a_suggested_company_puts_its_id_in_the_form(alice_client, alice):
    company = CompanyFactory(organization=alice.organization, name="Acme Rockets")

    response = alice_client.get(CREATE, {"company_pick": company.pk}, **HTMX)

    content = response.content.decode()
    assert f'<input type="hidden" name="company" value="{company.pk}">' in content
    assert "Acme Rockets" in content


def test_a_typed_company_name_that_names_one_company_links_it(alice_client, alice):
    company = CompanyFactory(organization=alice.organization, name="Acme Rockets")

    alice_client.post(CREATE, form_data(company="", company_search="acme rockets"))

    assert Contact.objects.get().company_id == company.pk


def test_a_typed_company_name_that_names_no_company_is_an_error_on_the_company(alice_client, alice):
    response = alice_client.post(CREATE, form_data(company="", company_search="Nowhere Ltd"))

    assert response.status_code == 400
    assert response.context["form"].errors["company"] == ["Pick the company from the suggestions."]
    assert Contact.objects.exists() is False


def test_adding_an_email_row_shows_one_more_row_and_saves_nothing(alice_client, alice):
    response = alice_client.post(
        CREATE, form_data(**{"emails-0-email": "ada@example.com", "rows_action": "add:emails"}), **HTMX
    )

    assert response.status_code == 200
    assert [entry.value for entry in response.context["emails"].entries] == ["ada@example.com", ""]
    assert 'name="emails-1-email"' in response.content.decode()
    assert Contact.objects.exists() is False


def test_the_phone_placeholder_is_a_national_number_of_the_organizations_country(alice_client, alice):
    alice.organization.default_region = "US"
    alice.organization.save()

    content = alice_client.get(CREATE).content.decode()

    assert 'placeholder="(201) 555-0123"' in content
    assert "030" not in content


def test_the_phone_note_names_the_organizations_country_and_shows_a_number_with_its_code(alice_client, alice):
    alice.organization.default_region = "US"
    alice.organization.save()

    content = alice_client.get(CREATE).content.decode()

    assert (
        "Phone numbers without a country code are read as numbers of this organization's country (US). "
        "Write numbers from other countries with + and their country code, as in \u2066+1 201-555-0123\u2069."
    ) in content


def test_a_region_phonenumbers_has_no_example_of_gets_no_phone_placeholder_or_example(alice_client, alice):
    alice.organization.default_region = "XX"
    alice.organization.save()

    response = alice_client.get(CREATE)

    assert (response.context["phone_placeholder"], response.context["phone_hint"]) == ("", "")


def test_the_home_label_of_a_phone_is_not_translated_as_the_home_page(alice_client, alice):
    alice.user.language = "es"
    alice.user.save()

    content = alice_client.get(CREATE).content.decode()

    assert '<option value="home">Casa</option>' in content
    home_link = '<i class="bi bi-house" aria-hidden="true"></i><span class="sidebar-label">Inicio</span></a>'
    assert home_link in content


def test_removing_a_phone_row_keeps_the_others_and_their_primary_choice(alice_client, alice):
    response = alice_client.post(
        CREATE,
        form_data(
            **{
                "phones-0-number": "030 1111111",
                "phones-1-number": "030 2222222",
                "phones-2-number": "030 3333333",
                "phones-primary": "2",
                "rows_action": "remove:phones:0",
            }
        ),
    )

    phones = response.context["phones"]
    assert [entry.value for entry in phones.entries] == ["030 2222222", "030 3333333"]
    assert phones.primary == 1
    assert Contact.objects.exists() is False


# Validation errors: on their field, nothing written ---------------------------------------------


@pytest.fixture
def contact_fields(alice):
    CustomFieldFactory(
        organization=alice.organization, key="member_no", label="Member number", is_unique=True
    )
    CustomFieldFactory(organization=alice.organization, key="plan", label="Plan", is_required=True)
    CustomFieldFactory(organization=alice.organization, key="size", label="Size", field_type="number")
    ContactFactory(organization=alice.organization, custom_fields={"member_no": "M-1", "plan": "x"})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"emails-1-email": "not an email"}, "emails.1", "Enter a valid email address"),
        ({"phones-0-number": "call me"}, "phones.0", "Enter a valid phone number."),
        ({"phones-0-number": "12"}, "phones.0", "This is not a valid phone number for DE."),
        ({"cf_plan": ""}, "cf_plan", "This field is required."),
        ({"cf_member_no": "M-1"}, "cf_member_no", "Another record already has this value."),
        ({"cf_size": "large"}, "cf_size", "Enter a whole number."),
        ({"first_name": "A" * 151}, "first_name", "Ensure this value has at most 150 characters"),
        ({"cf_plan": "x" * 1001}, "cf_plan", "Ensure this value has at most 1000 characters"),
        ({"first_name": "", "last_name": ""}, "last_name", "Give the contact a first or last name."),
        ({"birthday": "31.12.1990"}, "birthday", "Enter a valid date."),
        ({"country": "Germany"}, "country", "Select a valid choice"),
    ],
)
def test_each_invalid_value_is_shown_on_its_own_field_and_nothing_is_written(
    alice_client, alice, contact_fields, fields, field, message
):
    data = form_data(**{"emails-0-email": "ada@example.com", "cf_plan": "Gold", **fields})
    contacts_before = Contact.objects.count()

    response = alice_client.post(CREATE, data)

    assert response.status_code == 400
    if field.startswith(("emails", "phones")):
        kind, row = field.split(".")
        shown = response.context[kind].entries[int(row)].errors
        assert f'data-testid="error-{kind}-{row}"' in response.content.decode()
    else:
        shown = response.context["form"].errors[field]
        assert f'data-testid="error-{field}"' in response.content.decode()
    assert any(error.startswith(message) for error in shown), shown
    assert Contact.objects.count() == contacts_before
    assert ContactEmail.objects.exists() is False
    assert Tag.objects.exists() is False


# Duplicates -------------------------------------------------------------------------------------


def test_saving_a_contact_whose_email_exists_warns_first_and_saves_when_confirmed(alice_client, alice):
    existing = make_contact(alice, emails=["ada@example.com"])
    data = form_data(**{"emails-0-email": "ADA@example.com"})

    warned = alice_client.post(CREATE, data)

    content = warned.content.decode()
    assert warned.status_code == 200
    assert Contact.objects.count() == 1
    assert 'data-testid="duplicate-warning"' in content
    assert reverse("customers:contact-detail", args=[existing.pk]) in content
    assert f'name="confirm_duplicate" value="{existing.pk}"' in content

    confirmed = alice_client.post(CREATE, {**data, "confirm_duplicate": str(existing.pk)})

    assert confirmed.status_code == 302
    assert Contact.objects.count() == 2


def test_a_duplicate_with_another_mistake_shows_the_mistake_before_any_warning(alice_client, alice):
    make_contact(alice, emails=["ada@example.com"])

    response = alice_client.post(
        CREATE, form_data(**{"emails-0-email": "ada@example.com", "phones-0-number": "12"})
    )

    assert response.status_code == 400
    assert response.context["phones"].entries[0].errors == ["This is not a valid phone number for DE."]
    assert 'data-testid="duplicate-warning"' not in response.content.decode()
    assert Contact.objects.count() == 1
    assert Tag.objects.exists() is False


def test_a_phone_typed_another_way_is_still_a_duplicate(alice_client, alice):
    make_contact(alice, phones=["+49 30 12345678"])

    response = alice_client.post(CREATE, form_data(**{"phones-0-number": "030/1234-5678"}))

    assert 'data-testid="duplicate-warning"' in response.content.decode()
    assert Contact.objects.count() == 1


def test_the_duplicate_check_while_typing_links_the_existing_contact(alice_client, alice):
    existing = make_contact(alice, first_name="Ada", emails=["ada@example.com"])

    response = alice_client.get(
        reverse("customers:contact-duplicates"), {"emails-0-email": " Ada@Example.com"}, **HTMX
    )

    content = response.content.decode()
    assert reverse("customers:contact-detail", args=[existing.pk]) in content
    assert "Ada Hopper" in content


def test_the_duplicate_check_stays_quiet_for_new_values(alice_client, alice):
    make_contact(alice, emails=["ada@example.com"])

    response = alice_client.get(
        reverse("customers:contact-duplicates"), {"emails-0-email": "grace@example.com"}, **HTMX
    )

    assert response.content.decode().strip() == ""


def test_a_duplicate_the_member_may_not_see_is_counted_but_not_named(alice_client, alice, bob):
    alice.organization.record_visibility = Organization.RecordVisibility.OWN_AND_TEAM
    alice.organization.save()
    make_contact(alice, first_name="Secret", emails=["ada@example.com"])
    client = alice_client
    client.force_login(bob.user)

    response = client.get(reverse("customers:contact-duplicates"), {"emails-0-email": "ada@example.com"})

    assert response.context["hidden_duplicates"] == 1
    assert "Secret" not in response.content.decode()


def test_editing_a_contact_does_not_warn_about_its_own_email(alice_client, alice):
    contact = make_contact(alice, emails=["ada@example.com"])

    response = alice_client.post(
        reverse("customers:contact-edit", args=[contact.pk]),
        form_data(first_name="Ada", **{"emails-0-email": "ada@example.com"}),
    )

    assert response.status_code == 302


# Editing ----------------------------------------------------------------------------------------


def test_editing_a_contact_replaces_its_values_and_records_the_change(alice_client, alice):
    contact = make_contact(alice, emails=["old@example.com"], tags=["old"], job_title="Analyst")
    data = form_data(
        first_name="Grace",
        last_name="Murray",
        job_title="Rear admiral",
        tags="navy",
        **{"emails-0-email": "grace@example.com", "phones-0-number": "0171 2345678"},
    )
    del data["lifecycle_stage"]

    response = alice_client.post(reverse("customers:contact-edit", args=[contact.pk]), data)

    contact.refresh_from_db()
    assert response.status_code == 302
    assert (contact.full_name, contact.job_title, contact.email) == (
        "Grace Murray",
        "Rear admiral",
        "grace@example.com",
    )
    assert contact.phone == "+491712345678"
    assert list(contact.tags.values_list("name", flat=True)) == ["navy"]
    entry = AuditEntry.objects.filter(record_id=contact.pk, action=AuditEntry.Action.UPDATE).get()
    assert entry.changes["job_title"] == ["Analyst", "Rear admiral"]


def test_the_edit_form_shows_the_contacts_values(alice_client, alice):
    company = CompanyFactory(organization=alice.organization, name="Navy")
    contact = make_contact(
        alice, company_id=company.pk, emails=["grace@example.com"], phones=["+493012345678"], tags=["vip"]
    )

    response = alice_client.get(reverse("customers:contact-edit", args=[contact.pk]))

    content = response.content.decode()
    assert 'value="grace@example.com"' in content
    assert 'value="030 12345678"' in content
    assert f'<input type="hidden" name="company" value="{company.pk}">' in content
    assert 'value="vip"' in content
    assert 'name="lifecycle_stage"' not in content


def test_a_refused_edit_changes_nothing(alice_client, alice):
    contact = make_contact(alice, emails=["grace@example.com"], job_title="Analyst")
    data = form_data(job_title="Admiral", **{"emails-0-email": "grace@example", "tags": "x"})
    del data["lifecycle_stage"]

    response = alice_client.post(reverse("customers:contact-edit", args=[contact.pk]), data)

    contact.refresh_from_db()
    assert response.status_code == 400
    assert (contact.job_title, contact.email) == ("Analyst", "grace@example.com")
    assert Tag.objects.exists() is False


# Inline editing ---------------------------------------------------------------------------------


def inline_url(contact, field):
    return reverse("customers:contact-inline-edit", args=[contact.pk, field])


def test_an_inline_edit_opens_a_small_form_for_that_one_field(alice_client, alice):
    contact = make_contact(alice, job_title="Analyst")

    response = alice_client.get(inline_url(contact, "job_title"), **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    # The version of the contact it was opened on goes along, hidden.
    assert [bound.name for bound in response.context["form"].visible_fields()] == ["job_title"]
    assert 'value="Analyst"' in content and "data-inline-edit" in content


def test_saving_an_inline_edit_changes_only_that_field_and_returns_its_value(alice_client, alice):
    contact = make_contact(alice, job_title="Analyst", emails=["grace@example.com"])

    response = alice_client.post(inline_url(contact, "job_title"), {"job_title": "Admiral"}, **HTMX)

    contact.refresh_from_db()
    assert response.status_code == 200
    assert "Admiral" in response.content.decode() and "<form" not in response.content.decode()
    assert (contact.job_title, contact.email) == ("Admiral", "grace@example.com")


@pytest.mark.parametrize(
    ("field", "data", "expected"),
    [
        ("name", {"first_name": "Amazing", "last_name": "Grace"}, ("first_name", "Amazing")),
        ("birthday", {"birthday": "1906-12-09"}, ("birthday", datetime.date(1906, 12, 9))),
        ("source", {"source": "referral"}, ("source", "referral")),
        ("preferred_language", {"preferred_language": "es"}, ("preferred_language", "es")),
        ("preferred_channel", {"preferred_channel": "sms"}, ("preferred_channel", "sms")),
        ("address", {"city": "Arlington", "country": "US"}, ("country", "US")),
        ("description", {"description": "Invented COBOL"}, ("description", "Invented COBOL")),
    ],
)
def test_each_card_value_can_be_edited_inline(alice_client, alice, field, data, expected):
    contact = make_contact(alice)

    response = alice_client.post(inline_url(contact, field), data, **HTMX)

    contact.refresh_from_db()
    assert response.status_code == 200
    assert getattr(contact, expected[0]) == expected[1]


def test_the_owner_can_be_changed_inline_to_another_member(alice_client, alice, bob):
    contact = make_contact(alice)

    alice_client.post(inline_url(contact, "owner"), {"owner": bob.user_id}, **HTMX)

    contact.refresh_from_db()
    assert contact.owner_id == bob.user_id


def test_a_custom_field_can_be_edited_inline(alice_client, alice):
    CustomFieldFactory(organization=alice.organization, key="size", label="Size", field_type="number")
    contact = make_contact(alice)

    response = alice_client.post(inline_url(contact, "cf_size"), {"cf_size": "42"}, **HTMX)

    contact.refresh_from_db()
    assert contact.custom_fields == {"size": 42}
    assert "42" in response.content.decode()


def test_an_invalid_inline_value_is_shown_in_the_small_form_and_not_saved(alice_client, alice):
    contact = make_contact(alice, birthday=datetime.date(1906, 12, 9))

    response = alice_client.post(inline_url(contact, "birthday"), {"birthday": "someday"}, **HTMX)

    contact.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors["birthday"] == ["Enter a valid date."]
    assert contact.birthday == datetime.date(1906, 12, 9)


def test_a_service_refusal_is_shown_in_the_small_form(alice_client, alice):
    contact = make_contact(alice, first_name="Grace", last_name="Hopper")

    response = alice_client.post(inline_url(contact, "name"), {"first_name": "", "last_name": ""}, **HTMX)

    contact.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors["last_name"] == ["Give the contact a first or last name."]
    assert contact.full_name == "Grace Hopper"


def test_cancelling_an_inline_edit_gives_back_the_value(alice_client, alice):
    contact = make_contact(alice, job_title="Analyst")

    response = alice_client.get(inline_url(contact, "job_title"), {"display": "1"}, **HTMX)

    content = response.content.decode()
    assert "Analyst" in content and "<form" not in content


def test_an_unknown_inline_field_is_not_found(alice_client, alice):
    contact = make_contact(alice)

    assert alice_client.get(inline_url(contact, "lifecycle_stage"), **HTMX).status_code == 404
    assert alice_client.get(inline_url(contact, "cf_nothing"), **HTMX).status_code == 404


# Lifecycle --------------------------------------------------------------------------------------


def test_the_stage_form_offers_only_the_allowed_next_stages(alice_client, alice):
    contact = make_contact(alice)

    response = card(alice_client, contact)

    assert response.context["panels"]["main"][0].context["stage_targets"] == [
        ("active", "Active customer"),
        ("lost", "Lost"),
    ]


def test_a_stage_change_with_a_reason_appears_in_the_transition_history(alice_client, alice):
    contact = make_contact(alice)

    response = alice_client.post(
        reverse("customers:contact-change-stage", args=[contact.pk]),
        {"to_stage": "active", "reason": "Signed the yearly contract"},
        **HTMX,
    )

    contact.refresh_from_db()
    content = response.content.decode()
    assert response.status_code == 200
    assert contact.lifecycle_stage == LifecycleStage.ACTIVE
    transition = LifecycleTransition.objects.filter(contact=contact).latest("id")
    assert (transition.from_stage, transition.to_stage, transition.reason, transition.created_by) == (
        "lead",
        "active",
        "Signed the yearly contract",
        alice.user,
    )
    assert "Signed the yearly contract" in content and "Alice Adams" in content
    assert 'id="stage-badge"' in content and 'hx-swap-oob="true"' in content
    assert [value for value, _label in response.context["stage_targets"]] == ["loyal", "lost"]


def test_the_card_shows_each_transition_with_who_or_which_rule(alice_client, alice):
    contact = make_contact(alice)
    services.change_lifecycle_stage(customer=contact, to_stage="active", actor=None, rule="First order")

    content = card(alice_client, contact).content.decode()

    assert "rule “<bdi>First order</bdi>”" in content
    assert content.count('data-testid="transition"') == 2


def test_a_stage_change_that_is_not_allowed_is_refused_and_changes_nothing(alice_client, alice):
    contact = make_contact(alice)

    response = alice_client.post(
        reverse("customers:contact-change-stage", args=[contact.pk]), {"to_stage": "loyal"}, **HTMX
    )

    contact.refresh_from_db()
    assert response.status_code == 409
    assert "A customer cannot move from Lead to Loyal customer." in response.content.decode()
    assert contact.lifecycle_stage == LifecycleStage.LEAD
    assert LifecycleTransition.objects.filter(contact=contact).count() == 1


def test_changing_stage_without_choosing_one_asks_for_it(alice_client, alice):
    contact = make_contact(alice)

    response = alice_client.post(reverse("customers:contact-change-stage", args=[contact.pk]), {}, **HTMX)

    assert response.status_code == 400
    assert "Choose the stage to move to." in response.content.decode()
    assert LifecycleTransition.objects.filter(contact=contact).count() == 1


def test_a_stage_change_without_htmx_goes_back_to_the_card(alice_client, alice):
    contact = make_contact(alice)

    response = alice_client.post(
        reverse("customers:contact-change-stage", args=[contact.pk]), {"to_stage": "lost"}
    )

    contact.refresh_from_db()
    assert response["Location"] == reverse("customers:contact-detail", args=[contact.pk])
    assert contact.lifecycle_stage == LifecycleStage.LOST


def test_a_company_changes_stage_too(alice_client, alice):
    company = services.create_company(member=alice, data={"name": "Navy"})

    alice_client.post(reverse("customers:company-change-stage", args=[company.pk]), {"to_stage": "active"})

    company.refresh_from_db()
    assert company.lifecycle_stage == LifecycleStage.ACTIVE


# Consent ----------------------------------------------------------------------------------------


def test_consent_given_is_recorded_with_method_and_time(alice_client, alice):
    contact = make_contact(alice)
    before = timezone.now()

    response = alice_client.post(
        reverse("customers:contact-consent", args=[contact.pk]),
        {"channel": "email", "method": "verbal", "granted": "1"},
        **HTMX,
    )

    consent = Consent.objects.get(contact=contact)
    assert response.status_code == 200
    assert (consent.channel, consent.status, consent.method) == ("email", "granted", "verbal")
    assert before <= consent.changed_at <= timezone.now()
    assert services.has_consent(contact, "email") is True
    assert "Said so in person or by phone" in response.content.decode()


def test_consent_withdrawn_replaces_the_given_one(alice_client, alice):
    contact = make_contact(alice)
    url = reverse("customers:contact-consent", args=[contact.pk])
    alice_client.post(url, {"channel": "sms", "method": "verbal", "granted": "1"}, **HTMX)

    alice_client.post(url, {"channel": "sms", "method": "written", "granted": "0"}, **HTMX)

    consent = Consent.objects.get(contact=contact)
    assert (consent.status, consent.method) == ("withdrawn", "written")
    assert services.has_consent(contact, "sms") is False


def test_consent_for_an_unknown_channel_is_refused(alice_client, alice):
    contact = make_contact(alice)

    response = alice_client.post(
        reverse("customers:contact-consent", args=[contact.pk]),
        {"channel": "pigeon", "method": "verbal", "granted": "1"},
        **HTMX,
    )

    assert response.status_code == 400
    assert Consent.objects.exists() is False


# History and trash ------------------------------------------------------------------------------


def test_the_history_tab_lists_the_contacts_audit_entries(alice_client, alice):
    contact = make_contact(alice, job_title="Analyst")
    services.update_contact(contact=contact, member=alice, data={"job_title": "Admiral"})

    response = alice_client.get(reverse("customers:contact-history", args=[contact.pk]), **HTMX)

    content = response.content.decode()
    assert [entry.action for entry in response.context["history"]] == ["update", "create"]
    assert "Analyst" in content and "Admiral" in content


def test_the_history_reads_like_the_card(alice_client, alice, bob):
    CustomFieldFactory(organization=alice.organization, key="size", label="Shoe size", field_type="number")
    contact = make_contact(alice, custom_fields={"size": 38})
    services.update_contact(
        contact=contact, member=alice, data={"owner_id": bob.user_id, "custom_fields": {"size": 39}}
    )
    services.change_lifecycle_stage(customer=contact, to_stage="active", actor=alice.user, member=alice)

    response = alice_client.get(reverse("customers:contact-history", args=[contact.pk]), **HTMX)

    stage, update, create = (entry.changes for entry in response.context["history"])
    assert stage == {"Lifecycle stage": ["Lead", "Active customer"]}
    assert update == {"Owner": ["Alice Adams", "Bob Brown"], "Shoe size": ["38", "39"]}
    assert "Search text" not in create and "search_text" not in create


def test_the_history_shows_the_reason_of_a_stage_change(alice_client, alice):
    contact = make_contact(alice)
    services.change_lifecycle_stage(
        customer=contact,
        to_stage="active",
        actor=alice.user,
        reason="Signed the yearly contract",
        member=alice,
    )

    response = alice_client.get(reverse("customers:contact-history", args=[contact.pk]), **HTMX)

    assert response.context["history"][0].changes == {
        "Lifecycle stage": ["Lead", "Active customer"],
        "Reason": ["Signed the yearly contract"],
    }
    assert '<span class="text-body">Reason</span>: <bdi>Signed the yearly contract</bdi></li>' in (
        response.content.decode()
    )


def test_the_history_writes_phones_as_the_card_does(alice_client, alice):
    contact = make_contact(alice, phones=["030 12345678"])
    services.update_contact(
        contact=contact,
        member=alice,
        data={"phones": [{"number": "030 12345678", "is_primary": True}, {"number": "+1 650 253 0000"}]},
    )

    response = alice_client.get(reverse("customers:contact-history", args=[contact.pk]), **HTMX)

    update, create = (entry.changes for entry in response.context["history"])
    assert update == {"Phone numbers": ["030 12345678", "030 12345678, +1 650-253-0000"]}
    assert create["Phone"] == [None, "030 12345678"]


def test_changing_a_contacts_email_addresses_shows_in_the_history(alice_client, alice):
    contact = make_contact(alice, emails=["ada@example.com"])
    services.update_contact(contact=contact, member=alice, data={"emails": ["ada@engines.example"]})

    response = alice_client.get(reverse("customers:contact-history", args=[contact.pk]), **HTMX)

    assert response.context["history"][0].changes == {
        "Email addresses": ["ada@example.com", "ada@engines.example"],
        "Email": ["ada@example.com", "ada@engines.example"],
    }


def test_the_history_marks_old_and_new_values_for_right_to_left_and_screen_readers(alice_client, alice):
    contact = make_contact(alice, job_title="Analyst")
    services.update_contact(contact=contact, member=alice, data={"job_title": "Admiral"})

    content = alice_client.get(
        reverse("customers:contact-history", args=[contact.pk]), **HTMX
    ).content.decode()

    assert (
        '<span class="text-body">Job title</span>: <bdi>Analyst</bdi> '
        '<i class="bi bi-arrow-right" aria-hidden="true"></i><span class="visually-hidden">changed to</span> '
        "<bdi>Admiral</bdi>"
    ) in content
    assert "→" not in content


def test_a_company_phone_in_the_history_is_written_as_on_the_card(alice_client, alice):
    company = services.create_company(member=alice, data={"name": "Navy", "phone": "030 12345678"})

    response = alice_client.get(reverse("customers:company-history", args=[company.pk]), **HTMX)

    assert response.context["history"][0].changes["Phone"] == [None, "030 12345678"]


def test_a_contact_moved_to_the_trash_can_be_restored_from_the_trash_page(alice_client, alice):
    contact = make_contact(alice)

    response = alice_client.post(reverse("customers:contact-delete", args=[contact.pk]))

    assert response["Location"] == reverse("customers:contact-list")
    assert Contact.objects.exists() is False
    assert card(alice_client, contact).status_code == 404
    assert "Grace Hopper" in alice_client.get(reverse("core:trash")).content.decode()

    alice_client.post(reverse("core:trash-restore", args=["customers.contact", contact.pk]))

    assert Contact.objects.get().pk == contact.pk
    assert card(alice_client, contact).status_code == 200


def test_a_company_moved_to_the_trash_leaves_the_lists(alice_client, alice):
    company = services.create_company(member=alice, data={"name": "Navy"})

    alice_client.post(reverse("customers:company-delete", args=[company.pk]))

    assert Company.objects.exists() is False
    assert Company.with_trash.get().deleted_by == alice.user


# Companies --------------------------------------------------------------------------------------


def test_a_company_created_through_the_page_is_saved_with_a_normalized_phone(alice_client, alice):
    response = alice_client.post(
        reverse("customers:company-create"),
        {
            "name": "Navy Yard",
            "website": "navy.example.org",
            "phone": "030 12345678",
            "email": "Info@Navy.Example.org",
            "tags": "gov",
            "lifecycle_stage": "lead",
        },
    )

    company = Company.objects.get()
    assert response["Location"] == reverse("customers:company-detail", args=[company.pk])
    assert (company.phone, company.email, company.website) == (
        "+493012345678",
        "info@navy.example.org",
        "https://navy.example.org",
    )
    assert list(company.tags.values_list("name", flat=True)) == ["gov"]


def test_an_invalid_company_phone_is_shown_on_the_phone_field(alice_client, alice):
    response = alice_client.post(
        reverse("customers:company-create"), {"name": "Navy", "phone": "12", "lifecycle_stage": "lead"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == ["This is not a valid phone number for DE."]
    assert Company.objects.exists() is False


def test_the_company_card_lists_its_contacts_and_totals(alice_client, alice):
    company = services.create_company(member=alice, data={"name": "Navy"})
    make_contact(alice, first_name="Grace", company_id=company.pk, lifecycle_stage="active")
    make_contact(alice, first_name="Ada", company_id=company.pk, lifecycle_stage="loyal")
    make_contact(alice, first_name="Alan", company_id=company.pk)
    make_contact(alice, first_name="Elsewhere")

    response = alice_client.get(reverse("customers:company-detail", args=[company.pk]))

    panel = response.context["panels"]["main"][0]
    assert panel.key == "contacts"
    assert [c.first_name for c in panel.context["company_contacts"]] == ["Ada", "Alan", "Grace"]
    assert panel.context["totals"] == {"contacts": 3, "active": 2, "leads": 1}
    assert f"{reverse('customers:contact-list')}?company={company.pk}" in response.content.decode()


def test_a_company_value_can_be_edited_inline(alice_client, alice):
    company = services.create_company(member=alice, data={"name": "Navy"})

    response = alice_client.post(
        reverse("customers:company-inline-edit", args=[company.pk, "phone"]),
        {"phone": "030 12345678"},
        **HTMX,
    )

    company.refresh_from_db()
    assert company.phone == "+493012345678"
    assert "030 12345678" in response.content.decode()


def test_adding_a_contact_from_a_company_card_starts_with_that_company(alice_client, alice):
    company = CompanyFactory(organization=alice.organization, name="Navy")

    response = alice_client.get(CREATE, {"company": company.pk})

    assert response.context["company"] == company


# The card ---------------------------------------------------------------------------------------


def test_the_contact_card_shows_the_profile_in_the_organizations_phone_format(alice_client, alice):
    company = CompanyFactory(organization=alice.organization, name="Navy")
    contact = make_contact(
        alice,
        company_id=company.pk,
        emails=["grace@example.com"],
        phones=["+493012345678", "+12025550123"],
        tags=["vip"],
        birthday=datetime.date(1906, 12, 9),
    )

    content = card(alice_client, contact).content.decode()

    assert "030 12345678" in content and "+1 202-555-0123" in content
    assert 'href="tel:+493012345678"' in content
    assert "grace@example.com" in content and "vip" in content and "Navy" in content
    assert "Dec. 9, 1906" in content


def test_the_card_shows_custom_field_values_readably(alice_client, alice):
    CustomFieldFactory(organization=alice.organization, key="member", label="Member", field_type="boolean")
    CustomFieldFactory(
        organization=alice.organization,
        key="sports",
        label="Sports",
        field_type="multi_choice",
        choices=["Yoga", "Boxing"],
    )
    contact = make_contact(alice, custom_fields={"member": True, "sports": ["Yoga", "Boxing"]})

    fields = {
        field.label: field.value
        for field in card(alice_client, contact).context["panels"]["side"][0].context["fields"]
    }

    assert (fields["Member"], fields["Sports"]) == ("Yes", "Yoga, Boxing")


def test_panels_registered_by_other_apps_appear_in_order_and_only_with_their_permission(
    alice_client, alice, acme
):
    register_card_panel(
        "contact",
        key="test-deals",
        title="Deals",
        template="customers/_card_stage_badge.html",
        context=lambda request, record: {"oob": False},
        order=15,
    )
    register_card_panel(
        "contact",
        key="test-secret",
        title="Secret",
        template="customers/_card_stage_badge.html",
        context=lambda request, record: {},
        permission=Permission.MANAGE_ORGANIZATION,
    )
    try:
        contact = make_contact(alice)
        viewer = member_with(acme, Role.VIEWER)
        alice_keys = [p.key for p in card(alice_client, contact).context["panels"]["main"]]
        alice_client.force_login(viewer.user)
        viewer_keys = [p.key for p in card(alice_client, contact).context["panels"]["main"]]
    finally:
        unregister_card_panel("contact", "test-deals")
        unregister_card_panel("contact", "test-secret")

    # "orders" is kliento/orders' own panel (order 39), "deals" kliento/deals' and "timeline"
    # kliento/activities' (both order 40).
    assert alice_keys == ["test-deals", "lifecycle", "consent", "orders", "deals", "timeline", "test-secret"]
    assert viewer_keys == ["test-deals", "lifecycle", "consent", "orders", "deals", "timeline"]
    assert "test-deals" not in [panel.key for panel in card_panels("contact")]


# Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETER])
def test_viewers_and_marketers_see_the_card_without_edit_controls(client, alice, acme, role):
    contact = make_contact(alice)
    client.force_login(member_with(acme, role).user)

    content = card(client, contact).content.decode()

    assert "Grace Hopper" in content
    assert (
        "inline-edit-button" not in content and "stage-form" not in content and "Move to trash" not in content
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("contact-edit", form_data(first_name="Changed")),
        ("contact-inline-edit", {"first_name": "Changed", "last_name": "X"}),
        ("contact-change-stage", {"to_stage": "active"}),
        ("contact-consent", {"channel": "email", "method": "verbal", "granted": "1"}),
        ("contact-delete", {}),
    ],
)
@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETER])
def test_viewers_and_marketers_cannot_change_a_contact(client, alice, acme, role, name, data):
    contact = make_contact(alice)
    client.force_login(member_with(acme, role).user)
    args = [contact.pk, "name"] if name == "contact-inline-edit" else [contact.pk]

    response = client.post(reverse(f"customers:{name}", args=args), data)

    contact.refresh_from_db()
    assert response.status_code == 403
    assert (contact.first_name, contact.lifecycle_stage, contact.deleted_at) == ("Grace", "lead", None)
    assert Consent.objects.exists() is False


def test_a_viewer_cannot_open_the_new_contact_form(client, alice, acme):
    client.force_login(member_with(acme, Role.VIEWER).user)

    assert client.get(CREATE).status_code == 403


def test_a_salesperson_cannot_move_a_contact_to_the_trash(bob_client, bob):
    contact = make_contact(bob)

    response = bob_client.post(reverse("customers:contact-delete", args=[contact.pk]))

    assert response.status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists() is True


def test_a_salesperson_limited_to_own_records_gets_404_for_anothers_contact(bob_client, alice, bob):
    alice.organization.record_visibility = Organization.RecordVisibility.OWN_AND_TEAM
    alice.organization.save()
    contact = make_contact(alice)

    assert card(bob_client, contact).status_code == 404
    assert bob_client.get(reverse("customers:contact-edit", args=[contact.pk])).status_code == 404
    response = bob_client.post(inline_url(contact, "job_title"), {"job_title": "Spy"}, **HTMX)
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.job_title == ""


def test_another_organizations_contact_and_company_are_not_found(olga_client, alice):
    contact = make_contact(alice)
    company = services.create_company(member=alice, data={"name": "Navy"})

    assert card(olga_client, contact).status_code == 404
    assert olga_client.get(reverse("customers:contact-history", args=[contact.pk])).status_code == 404
    assert olga_client.get(reverse("customers:company-detail", args=[company.pk])).status_code == 404
    response = olga_client.post(
        reverse("customers:contact-change-stage", args=[contact.pk]), {"to_stage": "lost"}
    )
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.lifecycle_stage == LifecycleStage.LEAD


def test_company_suggestions_never_show_another_organizations_companies(olga_client, olga, alice):
    CompanyFactory(organization=alice.organization, name="Acme Rockets")

    response = olga_client.get(CREATE, {"company_search": "acme"}, **HTMX)

    assert response.context["companies"] == []


# Query counts -----------------------------------------------------------------------------------


def queries_for(client, url) -> int:
    """Queries of one page view, once the session is settled (the first view also saves it)."""
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_contact_card_issues_a_fixed_number_of_queries(
    alice_client, alice, django_assert_max_num_queries
):
    CustomFieldFactory(organization=alice.organization, key="size", label="Size")
    small = make_contact(alice, emails=["a@example.com"], phones=["+493012345678"], tags=["one"])
    big = make_contact(
        alice,
        company_id=CompanyFactory(organization=alice.organization).pk,
        emails=[f"g{i}@example.com" for i in range(8)],
        phones=[f"+4930123456{i:02d}" for i in range(8)],
        tags=[f"tag {i}" for i in range(12)],
        custom_fields={"size": "M"},
    )
    for stage in ["active", "loyal", "active", "lost", "lead", "active"]:
        services.change_lifecycle_stage(customer=big, to_stage=stage, actor=alice.user, reason="x")
    for channel in ("email", "sms", "phone"):
        services.set_consent(contact=big, channel=channel, granted=True, method="verbal", member=alice)
    url = reverse("customers:contact-detail", args=[big.pk])
    alice_client.get(reverse("web:home"))  # the first page of a session also saves the session

    # The card's own ten; one for each panel other apps add (leads: "Came from lead"; tasks: the open
    # tasks); two for the deals panel (its totals and latest deals); five for the timeline's
    # (tests/activities pin its own: two of them the meetings); three for orders (the latest orders,
    # the timeline's placed and paid orders; the number prefix is read only when there are orders,
    # the purchase summary is read from the contact itself).
    with django_assert_max_num_queries(22):
        alice_client.get(url)
    assert queries_for(alice_client, url) == queries_for(
        alice_client, reverse("customers:contact-detail", args=[small.pk])
    )


def test_the_company_card_issues_a_fixed_number_of_queries(
    alice_client, alice, django_assert_max_num_queries
):
    small = services.create_company(member=alice, data={"name": "Small", "tags": ["a"]})
    big = services.create_company(member=alice, data={"name": "Big", "tags": ["a", "b", "c"]})
    owner = UserFactory()
    MembershipFactory(organization=alice.organization, user=owner)
    for index in range(30):
        ContactFactory(organization=alice.organization, company=big, owner=owner if index % 2 else alice.user)
    for stage in ["active", "loyal", "lost"]:
        services.change_lifecycle_stage(customer=big, to_stage=stage, actor=alice.user)
    url = reverse("customers:company-detail", args=[big.pk])
    alice_client.get(reverse("web:home"))  # the first page of a session also saves the session

    # Nine; the Tasks panel's open tasks; two for the deals panel; three for the timeline's; three
    # for orders (the latest orders, the timeline's placed and paid orders).
    with django_assert_max_num_queries(18):
        alice_client.get(url)
    assert queries_for(alice_client, url) == queries_for(
        alice_client, reverse("customers:company-detail", args=[small.pk])
    )


def test_the_history_tab_issues_a_fixed_number_of_queries(alice_client, alice, bob):
    quiet = make_contact(alice, company_id=CompanyFactory(organization=alice.organization).pk)
    busy = make_contact(alice, company_id=CompanyFactory(organization=alice.organization).pk)
    for index in range(6):
        owner = bob if index % 2 else alice
        services.update_contact(
            contact=busy, member=alice, data={"owner_id": owner.user_id, "job_title": f"T{index}"}
        )

    assert queries_for(alice_client, reverse("customers:contact-history", args=[busy.pk])) == queries_for(
        alice_client, reverse("customers:contact-history", args=[quiet.pk])
    )


def test_the_contact_form_issues_a_fixed_number_of_queries(alice_client, alice, acme):
    for _index in range(5):
        CompanyFactory(organization=acme)
    contact = make_contact(alice, emails=[f"g{i}@example.com" for i in range(5)], tags=["a", "b"])
    few = queries_for(alice_client, reverse("customers:contact-edit", args=[contact.pk]))
    for _index in range(5):
        member_with(acme, Role.SALESPERSON)
    services.update_contact(
        contact=contact,
        member=alice,
        data={"emails": [f"h{i}@example.com" for i in range(9)], "tags": list("abcdefg")},
    )

    assert queries_for(alice_client, reverse("customers:contact-edit", args=[contact.pk])) == few


def test_tags_used_on_the_card_keep_their_colour(alice_client, alice):
    TagFactory(organization=alice.organization, name="vip", color="#dc3545")
    contact = make_contact(alice, tags=["vip"])

    assert 'data-color="#dc3545"' in card(alice_client, contact).content.decode()


def test_the_card_lists_a_transition_time_in_the_users_time_zone(alice_client, alice):
    alice.user.time_zone = "Asia/Tokyo"
    alice.user.save()
    contact = make_contact(alice)
    LifecycleTransition.objects.filter(contact=contact).update(
        created_at=datetime.datetime(2024, 1, 1, 23, 30, tzinfo=datetime.UTC)
    )

    content = card(alice_client, contact).content.decode()

    assert "01/02/2024 8:30 a.m." in content


def test_the_history_lists_changes_in_the_fields_order_whatever_order_they_were_stored_in(alice):
    from kliento.core.history import readable_entries

    entry = AuditEntry(
        action=AuditEntry.Action.UPDATE,
        record_type="customers.contact",
        changes={"reason": [None, "Signed"], "job_title": ["", "CEO"], "lifecycle_stage": ["lead", "active"]},
    )

    [readable] = readable_entries([entry], organization=alice.organization)

    assert list(readable.changes) == ["Lifecycle stage", "Reason", "Job title"]
