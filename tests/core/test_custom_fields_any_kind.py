"""Custom fields serve every registered kind of record: here specimens, a kind only the tests register
(tests/recordkit), which gets fields, checked and unique values and indexed filters by registration
alone."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from kliento.core.records.fields import services as field_services
from kliento.core.records.fields.models import CustomField, CustomValue, UniqueCustomValue
from kliento.core.records.fields.types import TextType, _types
from kliento.core.records.fields.values import (
    clean_custom_values,
    custom_filter,
    definitions_for,
    forget_record_values,
    kinds_with_custom_fields,
    store_custom_values,
)
from tests.customers.factories import ContactFactory
from tests.recordkit.models import Specimen


def _field(alice, **data) -> CustomField:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job that indexes its values
        return field_services.save_custom_field(
            member=alice,
            data={"entity": "specimen", "label": "Serial", "key": "serial", "field_type": "text", **data},
        )


def _specimen(alice, name: str, values: dict) -> Specimen:
    """As a specimen app's service would write one: check the values, save, index."""
    definitions = definitions_for("specimen")
    specimen = Specimen.objects.create(organization=alice.organization, name=name)
    specimen.custom_fields = clean_custom_values("specimen", values, record_id=specimen.pk)
    specimen.save()
    store_custom_values(specimen, definitions)
    return specimen


def test_a_field_is_added_to_a_kind_through_the_api(alice_client):
    response = alice_client.post(
        "/api/v1/custom-fields",
        {
            "entity": "specimen",
            "key": "colour",
            "label": "Colour",
            "field_type": "choice",
            "choices": ["red"],
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert CustomField.objects.get().entity == "specimen"
    listed = alice_client.get("/api/v1/custom-fields", {"entity": "specimen"}).json()
    assert [field["key"] for field in listed] == ["colour"]


def test_a_field_for_an_unregistered_kind_is_refused_naming_the_kind(alice_client):
    response = alice_client.post(
        "/api/v1/custom-fields",
        {"entity": "spaceship", "key": "colour", "label": "Colour", "field_type": "text"},
        content_type="application/json",
    )

    assert response.status_code in (400, 422)
    assert "entity" in response.text
    assert CustomField.objects.exists() is False


def test_a_field_of_an_unregistered_type_is_refused_naming_the_type(alice_client):
    response = alice_client.post(
        "/api/v1/custom-fields",
        {"entity": "specimen", "key": "colour", "label": "Colour", "field_type": "hologram"},
        content_type="application/json",
    )

    assert response.status_code in (400, 422)
    assert "field_type" in response.text
    assert CustomField.objects.exists() is False


def test_the_settings_page_offers_fields_for_every_kind_with_custom_values(alice_client, alice):
    _field(alice)

    response = alice_client.get(reverse("core:custom-field-list"))

    assert response.status_code == 200
    keys = [group[0] for group in response.context["groups"]]
    assert keys == [kind.key for kind in kinds_with_custom_fields()]
    assert {"contact", "company", "specimen"} <= set(keys)
    assert b'data-testid="custom-fields-specimen"' in response.content


def test_a_kinds_values_are_checked_against_its_own_fields(alice):
    _field(alice, field_type="number", key="weight")

    with pytest.raises(ValidationError) as refused:
        clean_custom_values("specimen", {"weight": "heavy"})

    assert list(refused.value.message_dict) == ["custom_fields.weight"]
    with pytest.raises(ValidationError):
        clean_custom_values("contact", {"weight": 3})  # contacts have no such field


def test_two_records_of_a_kind_cannot_share_a_unique_value(alice):
    _field(alice, is_unique=True)
    _specimen(alice, "First", {"serial": "S-1"})

    with pytest.raises(ValidationError) as refused:
        _specimen(alice, "Second", {"serial": "S-1"})

    assert list(refused.value.message_dict) == ["custom_fields.serial"]


def test_a_unique_value_of_one_kind_does_not_clash_with_another_kinds(alice):
    _field(alice, is_unique=True)
    field_services.save_custom_field(
        member=alice,
        data={
            "entity": "contact",
            "label": "Serial",
            "key": "serial",
            "field_type": "text",
            "is_unique": True,
        },
    )
    specimen = _specimen(alice, "First", {"serial": "S-1"})

    contact = ContactFactory(organization=alice.organization, pk=specimen.pk, custom_fields={"serial": "S-1"})

    assert UniqueCustomValue.objects.filter(record_id=contact.pk).count() == 2


def test_making_a_field_unique_is_refused_while_two_records_share_a_value(alice):
    field = _field(alice)
    _specimen(alice, "First", {"serial": "S-1"})
    _specimen(alice, "Second", {"serial": "S-1"})

    with pytest.raises(ValidationError) as refused:
        field_services.save_custom_field(member=alice, field=field, data={"is_unique": True})

    assert list(refused.value.message_dict) == ["is_unique"]
    assert UniqueCustomValue.objects.exists() is False


def test_a_kinds_records_are_filtered_through_the_index(alice):
    field = _field(alice, field_type="number", key="weight")
    _specimen(alice, "Light", {"weight": 2})
    _specimen(alice, "Heavy", {"weight": 20})

    heavy = Specimen.objects.filter(custom_filter(field, {"min": 10.0}))

    assert list(heavy.values_list("name", flat=True)) == ["Heavy"]
    assert CustomValue.objects.filter(field=field).count() == 2


def test_a_new_field_finds_the_values_its_key_already_holds(alice):
    Specimen.objects.create(organization=alice.organization, name="Old", custom_fields={"serial": "S-9"})

    field = _field(alice)

    assert list(
        Specimen.objects.filter(custom_filter(field, {"eq": "S-9"})).values_list("name", flat=True)
    ) == ["Old"]


def test_deleting_a_field_drops_its_index_and_keeps_the_values(alice):
    field = _field(alice, is_unique=True)
    specimen = _specimen(alice, "First", {"serial": "S-1"})

    field_services.delete_custom_field(member=alice, field=field)

    assert CustomValue.objects.exists() is False
    assert UniqueCustomValue.objects.exists() is False
    specimen.refresh_from_db()
    assert specimen.custom_fields == {"serial": "S-1"}


def test_records_deleted_for_good_free_their_values(alice):
    _field(alice, is_unique=True)
    specimen = _specimen(alice, "First", {"serial": "S-1"})

    forget_record_values("specimen", [specimen.pk])

    assert CustomValue.objects.exists() is False
    assert clean_custom_values("specimen", {"serial": "S-1"}) == {"serial": "S-1"}


@pytest.fixture
def email_type():
    """A type an app might add: one class, one registration."""
    from django.core.validators import validate_email

    from kliento.core.records.fields.types import register_field_type

    class EmailType(TextType):
        key = "test_email"
        label = "Email address"
        filter_input_type = "email"

        def coerce(self, value):
            text = super().coerce(value).lower()
            validate_email(text)
            return text

    register_field_type(EmailType)
    yield EmailType
    _types.pop(EmailType.key)


def test_a_new_type_is_one_class(alice, email_type):
    field = _field(alice, field_type="test_email", key="contact_email")

    _specimen(alice, "Mailed", {"contact_email": "Someone@Example.com"})

    with pytest.raises(ValidationError):
        clean_custom_values("specimen", {"contact_email": "not an address"})
    found = Specimen.objects.filter(
        custom_filter(field, {"eq": field.type.filter_value("SOMEONE@example.com")})
    )
    assert list(found.values_list("name", flat=True)) == ["Mailed"]
    assert field.type.form_field().label == "Serial"
