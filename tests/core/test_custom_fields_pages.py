"""The custom field settings pages: list, add, change, delete, and the field on forms and cards."""

import pytest
from django.urls import reverse

from kliento.core.models import AuditEntry
from kliento.core.permissions import Role
from kliento.core.records.fields.models import CustomField
from kliento.customers import services
from tests.customers.factories import ContactFactory, CustomFieldFactory
from tests.factories import MembershipFactory, UserFactory

LIST = reverse("core:custom-field-list")
NEW = reverse("core:custom-field-edit", args=[0])


def field_data(**fields):
    data = {
        "entity": "contact",
        "label": "Shoe size",
        "key": "shoe_size",
        "field_type": "number",
        "choices": "",
        "position": "0",
        "help_text": "",
    }
    data.update(fields)
    return data


def test_the_list_shows_the_fields_of_contacts_and_companies(alice_client, alice):
    CustomFieldFactory(organization=alice.organization, entity="contact", key="size", label="Shoe size")
    CustomFieldFactory(organization=alice.organization, entity="company", key="vat", label="VAT number")

    response = alice_client.get(LIST)

    groups = {
        entity: [field.label for field in fields] for entity, _label, fields in response.context["groups"]
    }
    # Specimens are the test suite's own kind (tests/recordkit): every kind with custom values is listed.
    assert {key: groups.pop(key) for key in ("contact", "company", "specimen")} == {
        "contact": ["Shoe size"],
        "company": ["VAT number"],
        "specimen": [],
    }
    assert all(fields == [] for fields in groups.values())  # other apps' kinds


def test_an_empty_list_says_what_to_add(alice_client, alice):
    content = alice_client.get(LIST).content.decode()

    assert "No custom fields for contacts yet" in content
    assert f'href="{NEW}?entity=company"' in content


def test_the_organization_settings_link_to_custom_fields_for_managers_only(alice_client, bob_client):
    assert f'href="{LIST}"' in alice_client.get(reverse("core:members")).content.decode()
    assert f'href="{LIST}"' not in bob_client.get(reverse("core:members")).content.decode()


def test_adding_a_choice_field_stores_one_choice_per_line(alice_client, alice):
    response = alice_client.post(
        NEW,
        field_data(
            label="Plan",
            key="plan",
            field_type="choice",
            choices="Basic\n Gold \n\nPlatinum",
            is_required="on",
            help_text="What they pay for",
        ),
    )

    field = CustomField.objects.get()
    assert response["Location"] == LIST
    assert (field.key, field.field_type, field.choices, field.is_required, field.is_unique) == (
        "plan",
        "choice",
        ["Basic", "Gold", "Platinum"],
        True,
        False,
    )
    assert AuditEntry.objects.filter(record_type="core.customfield", action="create").count() == 1


def test_a_new_field_gets_its_key_from_the_label_when_left_empty(alice_client, alice):
    alice_client.post(NEW, field_data(label="Membership number", key="", field_type="text"))

    assert CustomField.objects.get().key == "membership_number"


def test_a_new_field_for_companies_starts_after_the_last_position(alice_client, alice):
    CustomFieldFactory(organization=alice.organization, entity="company", key="vat", position=4)

    response = alice_client.get(NEW, {"entity": "company"})

    assert response.context["form"].initial == {"entity": "company", "position": 5}


def test_a_key_already_used_is_an_error_on_the_key(alice_client, alice):
    CustomFieldFactory(organization=alice.organization, key="shoe_size")

    response = alice_client.post(NEW, field_data())

    assert response.status_code == 400
    assert response.context["form"].errors["key"] == ["Another field already uses this key."]
    assert CustomField.objects.count() == 1


def test_a_choice_field_without_choices_is_an_error_on_the_choices(alice_client, alice):
    response = alice_client.post(NEW, field_data(field_type="multi_choice", choices="\n \n"))

    assert response.status_code == 400
    assert response.context["form"].errors["choices"] == ["List at least one choice."]
    assert CustomField.objects.exists() is False


def test_editing_a_field_changes_its_label_and_rules_but_not_its_key(alice_client, alice):
    field = CustomFieldFactory(organization=alice.organization, key="size", label="Size", field_type="number")

    response = alice_client.post(
        reverse("core:custom-field-edit", args=[field.pk]),
        field_data(label="Shoe size", key="hacked", entity="company", is_unique="on", position="3"),
    )

    field.refresh_from_db()
    assert response.status_code == 302, response.context["form"].errors
    assert (field.label, field.key, field.entity, field.is_unique, field.position) == (
        "Shoe size",
        "size",
        "contact",
        True,
        3,
    )


def test_a_field_whose_values_repeat_cannot_be_made_unique_and_the_form_says_why(alice_client, alice):
    field = CustomFieldFactory(organization=alice.organization, key="size", label="Size", field_type="number")
    for _twice in range(2):
        ContactFactory(organization=alice.organization, custom_fields={"size": 42})

    response = alice_client.post(
        reverse("core:custom-field-edit", args=[field.pk]), field_data(label="Size", is_unique="on")
    )

    field.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors["is_unique"] == [
        "Some records share a value of this field; make them differ first."
    ]
    assert field.is_unique is False


def test_deleting_a_field_asks_first_then_removes_it(alice_client, alice):
    field = CustomFieldFactory(organization=alice.organization, key="size", label="Size")
    url = reverse("core:custom-field-delete", args=[field.pk])

    asked = alice_client.get(url)

    assert asked.status_code == 200
    assert "Delete the field" in asked.content.decode()
    assert CustomField.objects.count() == 1

    response = alice_client.post(url)

    assert response["Location"] == LIST
    assert CustomField.objects.exists() is False
    assert AuditEntry.objects.filter(record_type="core.customfield", action="purge").count() == 1


def test_a_new_field_appears_on_the_contact_form_and_card(alice_client, alice):
    alice_client.post(NEW, field_data(label="Shoe size", key="shoe_size", field_type="number"))
    contact = services.create_contact(
        member=alice, data={"first_name": "Ada", "custom_fields": {"shoe_size": 38}}
    )

    form = alice_client.get(reverse("customers:contact-edit", args=[contact.pk])).content.decode()
    card = alice_client.get(reverse("customers:contact-detail", args=[contact.pk])).content.decode()

    assert 'name="cf_shoe_size" value="38"' in form
    assert "Shoe size" in card and ">38<" in card
    assert reverse("customers:contact-inline-edit", args=[contact.pk, "cf_shoe_size"]) in card


def test_a_company_field_appears_on_the_company_form(alice_client, alice):
    alice_client.post(NEW, field_data(entity="company", label="VAT number", key="vat", field_type="text"))

    content = alice_client.get(reverse("customers:company-create")).content.decode()

    assert 'name="cf_vat"' in content


@pytest.mark.parametrize("role", [Role.SALES_MANAGER, Role.SALESPERSON, Role.VIEWER])
def test_only_organization_managers_may_change_custom_fields(client, alice, acme, role):
    field = CustomFieldFactory(organization=acme, key="size", label="Size")
    client.force_login(MembershipFactory(organization=acme, user=UserFactory(), role=role).user)

    assert client.get(LIST).status_code == 403
    assert client.post(NEW, field_data(key="other")).status_code == 403
    assert client.post(reverse("core:custom-field-delete", args=[field.pk])).status_code == 403
    assert list(CustomField.objects.values_list("key", flat=True)) == ["size"]


def test_another_organizations_field_is_not_found(olga_client, alice):
    field = CustomFieldFactory(organization=alice.organization, key="size", label="Size")

    assert olga_client.get(reverse("core:custom-field-edit", args=[field.pk])).status_code == 404
    assert olga_client.post(reverse("core:custom-field-delete", args=[field.pk])).status_code == 404
    assert CustomField.unscoped.filter(pk=field.pk).exists() is True
