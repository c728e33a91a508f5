"""The contact and company forms as people meet them: every problem reported at once with a
summary linking each field, help and errors that screen readers find, Enter that saves, a country
picker, and addresses laid out per country."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kliento.core.countries import address_lines, country_choices
from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.customers import services
from kliento.customers.models import Company, Contact

CREATE = reverse("customers:contact-create")
COMPANY_CREATE = reverse("customers:company-create")


@pytest.fixture(autouse=True)
def _german_numbers(acme):
    acme.default_region = "DE"
    acme.save()


def form_data(**fields):
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


def described_ids(html: str) -> set[str]:
    return {part for value in re.findall(r'aria-describedby="([^"]*)"', html) for part in value.split()}


def ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_a_bad_email_and_a_bad_phone_are_reported_together(alice_client):
    data = form_data(**{"emails-0-email": "not an email", "phones-0-number": "12"})

    response = alice_client.post(CREATE, data)

    assert response.status_code == 400
    assert response.context["emails"].entries[0].errors
    assert response.context["phones"].entries[0].errors
    assert Contact.objects.exists() is False


def test_a_bad_birthday_does_not_hide_a_bad_email(alice_client):
    data = form_data(birthday="not a date", **{"emails-0-email": "not an email"})

    response = alice_client.post(CREATE, data)

    assert response.status_code == 400
    assert response.context["form"].errors["birthday"]
    assert response.context["emails"].entries[0].errors


def test_the_service_names_every_bad_field_of_a_contact_at_once(alice):
    data = {"first_name": "", "emails": ["nope"], "phones": ["12"], "country": "ZZ"}

    with pytest.raises(ValidationError) as caught:
        services.create_contact(member=alice, data=data)

    assert set(caught.value.message_dict) == {"last_name", "emails.0.email", "phones.0.number", "country"}


def test_an_invalid_form_starts_with_a_summary_linking_each_invalid_field(alice_client):
    data = form_data(birthday="not a date", **{"emails-0-email": "not an email"})

    html = alice_client.post(CREATE, data).content.decode()

    summary = html[html.index('data-testid="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'href="#id_birthday"' in summary
    assert 'href="#emails-0-email"' in summary
    assert html.index('data-testid="error-summary"') < html.index('id="id_first_name"')


@pytest.mark.parametrize(
    ("fields", "described"),
    [
        ({"first_name": "", "last_name": ""}, {"id_last_name_error", "id_tags_helptext"}),
        (
            {"country": "Germany", "tags": "x" * 1001},
            {"id_country_error", "id_tags_helptext", "id_tags_error"},
        ),
    ],
)
def test_every_aria_describedby_of_an_invalid_contact_form_names_an_element_on_the_page(
    alice_client, fields, described
):
    html = alice_client.post(CREATE, form_data(**fields)).content.decode()

    assert described <= described_ids(html)
    assert described_ids(html) - ids(html) == set()


def test_every_aria_describedby_of_a_company_form_names_an_element_on_the_page(alice_client):
    html = alice_client.post(COMPANY_CREATE, {"name": "", "lifecycle_stage": "lead"}).content.decode()

    assert "id_name_error" in described_ids(html)
    assert described_ids(html) - ids(html) == set()


def test_an_invalid_field_gets_bootstraps_visible_invalid_style(alice_client):
    html = alice_client.post(COMPANY_CREATE, {"name": "", "lifecycle_stage": "lead"}).content.decode()

    name_input = re.search(r'<input[^>]*id="id_name"[^>]*>', html).group(0)
    assert "is-invalid" in name_input
    assert 'aria-invalid="true"' in name_input


def test_the_first_submit_button_of_the_contact_form_saves_rather_than_removing_a_row(alice_client):
    html = alice_client.get(CREATE).content.decode()

    form = html[html.index('id="contact-form"') :]
    first_submit = re.search(r'<button[^>]*type="submit"[^>]*>', form).group(0)
    assert "rows_action" not in first_submit


def test_a_form_posted_with_its_first_button_keeps_both_emails(alice_client):
    data = form_data(
        **{
            "emails-0-email": "ada@example.com",
            "emails-1-email": "ada@work.example",
            "emails-1-label": "home",
        }
    )

    response = alice_client.post(CREATE, data)

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert sorted(contact.emails.values_list("email", flat=True)) == ["ada@example.com", "ada@work.example"]


def test_the_country_is_picked_from_a_list_of_names_in_the_page_language(alice_client):
    html = alice_client.get(CREATE, HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert re.search(r'<select[^>]*name="country"', html)
    assert '<option value="DE">ألمانيا</option>' in html


def test_a_country_that_is_not_an_iso_code_is_refused_on_the_form(alice_client):
    response = alice_client.post(COMPANY_CREATE, {"name": "Acme", "lifecycle_stage": "lead", "country": "ZZ"})

    assert response.status_code == 400
    assert response.context["form"].errors["country"]
    assert Company.objects.exists() is False


@pytest.mark.parametrize("path", ["/api/v1/contacts", "/api/v1/companies"])
def test_a_country_that_is_not_an_iso_code_is_a_422_naming_it_in_the_api(alice, path):
    raw_key = create_api_key(name="key", role=Role.ADMIN, member=alice)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    payload = {"first_name": "Ada", "name": "Acme", "country": "ZZ"}
    if path.endswith("contacts"):
        payload.pop("name")
    else:
        payload.pop("first_name")

    response = client.post(path, json.dumps(payload), content_type="application/json")

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["country"]
    assert Contact.objects.exists() is False and Company.objects.exists() is False


def test_a_lower_case_country_code_is_stored_upper_case(alice):
    company = services.create_company(member=alice, data={"name": "Acme", "country": "de"})

    assert Company.objects.get(pk=company.pk).country == "DE"


def test_country_names_follow_the_language():
    assert dict(country_choices("es"))["DE"] == "Alemania"
    assert dict(country_choices("zh-hans"))["DE"] == "德国"
    assert len(country_choices("fil")) == 249


@pytest.mark.parametrize(
    ("address", "lines"),
    [
        (
            {
                "street": "1600 Amphitheatre Pkwy",
                "city": "Mountain View",
                "region": "CA",
                "postal_code": "94043",
            },
            ["1600 Amphitheatre Pkwy", "Mountain View, CA 94043", "United States"],
        ),
        (
            {"street": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117"},
            ["Unter den Linden 1", "10117 Berlin", "Germany"],
        ),
        (
            {"street": "10 Downing St", "city": "London", "postal_code": "SW1A 2AA"},
            ["10 Downing St", "London", "SW1A 2AA", "United Kingdom"],
        ),
        (
            {"street": "丸の内1-1", "city": "千代田区", "region": "東京都", "postal_code": "100-0005"},
            ["〒100-0005", "東京都", "千代田区", "丸の内1-1", "Japan"],
        ),
    ],
)
def test_an_address_is_laid_out_as_its_country_writes_it(address, lines, settings):
    country = {"Mountain View": "US", "Berlin": "DE", "London": "GB", "千代田区": "JP"}[address["city"]]

    assert address_lines(**address, country=country) == lines


def test_the_card_shows_the_address_laid_out_for_its_country_with_the_country_name(alice, alice_client):
    company = services.create_company(
        member=alice,
        data={"name": "Acme", "street": "1 Main St", "city": "Mountain View", "region": "CA",
              "postal_code": "94043", "country": "US"},
    )  # fmt: skip

    html = alice_client.get(reverse("customers:company-detail", args=[company.pk])).content.decode()

    assert "1 Main St\nMountain View, CA 94043\nUnited States" in html
