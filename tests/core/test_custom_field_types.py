"""Each custom field type: what it accepts, the input it makes, how cards and lists show a value,
and how lists filter and sort on it through the index."""

from __future__ import annotations

import datetime
import decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from kliento.core.records.fields import types
from kliento.core.records.fields.models import CustomField, CustomValue
from kliento.core.records.fields.types import (
    INDEXED_TEXT,
    FieldType,
    TextType,
    UnknownFieldType,
    field_type_choices,
    get_field_type,
    register_field_type,
)
from kliento.core.records.fields.values import custom_filter, custom_sort, rebuild_custom_values
from kliento.customers.models import Contact
from tests.customers.factories import ContactFactory, CustomFieldFactory

Type = CustomField.FieldType


def _definition(field_type: str, **extra) -> CustomField:
    return CustomField(key="k", label="K", entity="contact", field_type=field_type, **extra)


# Coercion: the same rules for forms, the API, imports and filters ----------------------------------


@pytest.mark.parametrize(
    ("field_type", "given", "stored"),
    [
        (Type.TEXT, "  Blue  ", "Blue"),
        (Type.NUMBER, "42", 42),
        (Type.NUMBER, 42.0, 42),
        (Type.DECIMAL, "1,5", "1.5"),
        (Type.DECIMAL, 2, "2"),
        (Type.DATE, "2024-02-29", "2024-02-29"),
        (Type.DATE, datetime.date(2024, 1, 2), "2024-01-02"),
        (Type.BOOLEAN, "yes", True),
        (Type.BOOLEAN, "0", False),
        (Type.BOOLEAN, True, True),
        (Type.CHOICE, "b", "b"),
        (Type.MULTI_CHOICE, "a, b", ["a", "b"]),
        (Type.MULTI_CHOICE, ["b"], ["b"]),
    ],
)
def test_a_type_stores_a_value_in_its_json_form(field_type, given, stored):
    assert _definition(field_type, choices=["a", "b"]).type.coerce(given) == stored


@pytest.mark.parametrize(
    ("field_type", "given"),
    [
        (Type.TEXT, "x" * 1001),
        (Type.NUMBER, "4.5"),
        (Type.NUMBER, True),
        (Type.NUMBER, "NaN"),
        (Type.NUMBER, "Infinity"),
        (Type.DECIMAL, "twelve"),
        (Type.DECIMAL, "Infinity"),
        (Type.DECIMAL, False),
        (Type.DATE, "2023-02-29"),
        (Type.BOOLEAN, "maybe"),
        (Type.CHOICE, "c"),
        (Type.MULTI_CHOICE, ["a", "c"]),
    ],
)
def test_a_type_refuses_a_value_that_does_not_fit(field_type, given):
    with pytest.raises(ValidationError):
        _definition(field_type, choices=["a", "b"]).type.coerce(given)


# Forms --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "form_class", "posted", "service_value"),
    [
        (Type.TEXT, forms.CharField, "Blue", "Blue"),
        (Type.NUMBER, forms.IntegerField, "7", 7),
        (Type.DECIMAL, forms.DecimalField, "2.50", "2.50"),
        (Type.DATE, forms.DateField, "2024-05-01", "2024-05-01"),
        (Type.BOOLEAN, forms.ChoiceField, "true", "true"),
        (Type.CHOICE, forms.ChoiceField, "a", "a"),
        (Type.MULTI_CHOICE, forms.MultipleChoiceField, ["a", "b"], ["a", "b"]),
    ],
)
def test_a_type_makes_its_input_and_hands_the_service_what_it_takes(
    field_type, form_class, posted, service_value
):
    definition = _definition(field_type, choices=["a", "b"], is_required=True, help_text="Help")
    form_field = definition.type.form_field()

    cleaned = form_field.clean(posted)

    assert isinstance(form_field, form_class)
    assert (form_field.label, form_field.required, form_field.help_text) == ("K", True, "Help")
    assert definition.type.from_form(cleaned) == service_value
    assert definition.type.coerce(definition.type.from_form(cleaned)) is not None


@pytest.mark.parametrize(
    ("field_type", "stored", "initial"),
    [(Type.BOOLEAN, True, "true"), (Type.BOOLEAN, False, "false"), (Type.DATE, "2024-05-01", "2024-05-01")],
)
def test_a_stored_value_is_shown_in_its_input(field_type, stored, initial):
    assert _definition(field_type).type.initial(stored) == initial


def test_an_empty_input_means_no_value():
    assert _definition(Type.NUMBER).type.from_form(None) == ""
    assert _definition(Type.DATE).type.from_form(None) == ""


# Cards and lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "stored", "shown"),
    [
        (Type.TEXT, "Blue", "Blue"),
        (Type.NUMBER, 1234567, "1,234,567"),
        (Type.DECIMAL, "1234.5", "1,234.5"),
        (Type.DATE, "2024-05-01", "May 1, 2024"),
        (Type.BOOLEAN, True, "Yes"),
        (Type.BOOLEAN, False, "No"),
        (Type.CHOICE, "a", "a"),
        (Type.MULTI_CHOICE, ["a", "b"], "a, b"),
        (Type.NUMBER, None, ""),
        (Type.MULTI_CHOICE, [], ""),
    ],
)
def test_a_card_shows_a_value_in_the_readers_language(field_type, stored, shown):
    with translation.override("en"):
        assert _definition(field_type).type.display(stored) == shown


def test_a_card_shows_a_number_with_the_readers_separators():
    with translation.override("ru"):
        assert _definition(Type.DECIMAL).type.display("1234.5") == "1\xa0234,5"


@pytest.mark.parametrize(
    ("field_type", "stored", "cell"),
    [
        (Type.TEXT, "Blue", ("text", "Blue")),
        (Type.NUMBER, 7, ("number", 7)),
        (Type.DECIMAL, "2.5", ("number", decimal.Decimal("2.5"))),
        (Type.DATE, "2024-05-01", ("date", datetime.date(2024, 5, 1))),
        (Type.BOOLEAN, False, ("bool", False)),
        (Type.CHOICE, "a", ("text", "a")),
        (Type.MULTI_CHOICE, ["a", "b"], ("text", "a, b")),
        (Type.DATE, None, ("text", "")),
    ],
)
def test_a_list_cell_carries_the_value_as_its_kind(field_type, stored, cell):
    assert _definition(field_type).type.cell(stored) == cell


@pytest.mark.parametrize(
    ("field_type", "stored"),
    [(Type.NUMBER, "tall"), (Type.DECIMAL, "n/a"), (Type.DATE, "soon"), (Type.MULTI_CHOICE, "a")],
)
def test_a_value_written_before_the_field_changed_type_is_shown_as_it_is(field_type, stored):
    field_type = _definition(field_type).type

    assert field_type.display(stored) == stored
    assert field_type.cell(stored) == ("text", stored)


# Filters and sorts, through the index ----------------------------------------------------------------


def _contacts(alice, field_type, values, **extra):
    definition = CustomFieldFactory(
        organization=alice.organization, key="k", field_type=field_type, choices=["a", "b", "c"], **extra
    )
    for name, value in values.items():
        ContactFactory(
            organization=alice.organization, first_name=name, last_name="X", custom_fields={"k": value}
        )
    ContactFactory(organization=alice.organization, first_name="None", last_name="X", custom_fields={})
    return definition


def _matching(definition, bound, text):
    value = definition.type.filter_value(text)
    return sorted(
        Contact.objects.filter(custom_filter(definition, {bound: value})).values_list("first_name", flat=True)
    )


FILTERS = [
    (Type.TEXT, {"Low": "apple", "High": "pear"}, "eq", "pear", ["High"]),
    (Type.NUMBER, {"Low": 7, "High": 42}, "eq", "42", ["High"]),
    (Type.NUMBER, {"Low": 7, "High": 42}, "min", "8", ["High"]),
    (Type.NUMBER, {"Low": 7, "High": 42}, "max", "41", ["Low"]),
    (Type.DECIMAL, {"Low": "1.5", "High": "12.5"}, "min", "2", ["High"]),
    (Type.DECIMAL, {"Low": "1.5", "High": "12.50"}, "eq", "12.5", ["High"]),
    (Type.DATE, {"Low": "2024-05-01", "High": "2024-06-01"}, "min", "2024-05-02", ["High"]),
    (Type.DATE, {"Low": "2024-05-01", "High": "2024-06-01"}, "max", "2024-05-01", ["Low"]),
    (Type.BOOLEAN, {"Low": False, "High": True}, "eq", "false", ["Low"]),
    (Type.CHOICE, {"Low": "a", "High": "b"}, "eq", "b", ["High"]),
    (Type.MULTI_CHOICE, {"Low": ["a"], "High": ["a", "b"], "Other": ["b", "c"]}, "eq", "a,b", ["High"]),
]


@pytest.mark.parametrize(("field_type", "values", "bound", "text", "expected"), FILTERS)
def test_a_filter_keeps_the_matching_records(alice, field_type, values, bound, text, expected):
    definition = _contacts(alice, field_type, values)

    assert _matching(definition, bound, text) == expected


@pytest.mark.parametrize(("field_type", "values", "bound", "text", "expected"), FILTERS)
def test_a_filter_matching_many_records_keeps_the_same_ones(
    alice, monkeypatch, field_type, values, bound, text, expected
):
    monkeypatch.setattr(types, "WALK_FROM", 1)  # every value counts as common: checked row by row
    definition = _contacts(alice, field_type, values)

    assert _matching(definition, bound, text) == expected


def test_a_filter_reads_the_index_not_the_records_values(alice):
    definition = _contacts(alice, Type.CHOICE, {"Low": "a", "High": "b"})
    # Change a record's JSON behind the services' back: the index, not the JSON, answers.
    Contact.objects.filter(first_name="High").update(custom_fields={"k": "a"})

    assert _matching(definition, "eq", "b") == ["High"]

    rebuild_custom_values(definition)

    assert _matching(definition, "eq", "b") == []


def test_a_text_longer_than_the_indexed_part_matches_only_itself(alice):
    head = "x" * INDEXED_TEXT
    definition = _contacts(alice, Type.TEXT, {"One": head + "one", "Two": head + "two"})

    assert CustomValue.objects.filter(field=definition, text_value=head).count() == 2
    assert _matching(definition, "eq", head + "two") == ["Two"]


def test_a_filter_never_matches_another_organizations_records(alice, olga):
    definition = _contacts(alice, Type.CHOICE, {"Ours": "a"})
    ContactFactory(organization=olga.organization, first_name="Theirs", custom_fields={"k": "a"})
    # An index row pointing at their record under our field cannot leak it either.
    theirs = Contact.unscoped.get(first_name="Theirs")
    CustomValue.objects.create(
        organization=alice.organization, field=definition, record_id=theirs.pk, text_value="a"
    )

    assert _matching(definition, "eq", "a") == ["Ours"]


@pytest.mark.parametrize(
    ("field_type", "values", "ascending"),
    [
        (Type.NUMBER, {"Nine": 9, "Ten": 10, "Minus": -3}, ["None", "Minus", "Nine", "Ten"]),
        (Type.DECIMAL, {"Half": "0.5", "Two": "2", "Ten": "10.25"}, ["None", "Half", "Two", "Ten"]),
        (Type.DATE, {"Old": "2020-01-01", "New": "2024-01-01"}, ["None", "Old", "New"]),
        (Type.TEXT, {"B": "banana", "A": "apple"}, ["None", "A", "B"]),
    ],
)
def test_a_sort_orders_numbers_as_numbers_and_puts_records_without_a_value_first(
    alice, field_type, values, ascending
):
    definition = _contacts(alice, field_type, values)

    rows = Contact.objects.annotate(sort=custom_sort(definition)).order_by("sort", "id")

    assert list(rows.values_list("first_name", flat=True)) == ascending


# The registry ---------------------------------------------------------------------------------------


def test_the_built_in_types_are_registered():
    assert [key for key, _label in field_type_choices()][:7] == [
        "text", "number", "decimal", "date", "boolean", "choice", "multi_choice"
    ]  # fmt: skip
    assert get_field_type("decimal").is_numeric is True


def test_an_unknown_type_is_refused():
    with pytest.raises(UnknownFieldType):
        get_field_type("hologram")


def test_a_key_cannot_be_taken_by_a_second_type():
    class Impostor(FieldType):
        key = "text"

    with pytest.raises(ValueError, match="already registered"):
        register_field_type(Impostor)


def test_registering_the_same_type_again_changes_nothing():
    assert register_field_type(TextType) is TextType
