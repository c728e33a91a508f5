"""Custom field types: one class per type, and the registry they are found in.

A type knows, for one field definition, everything that depends on what kind of value it holds:

- `coerce(value)`: the value in its stored JSON form, or a ValidationError saying why not; pages,
  the API, imports and list filters all go through it;
- `form_field()`, `initial(stored)`, `from_form(cleaned)`: the input that asks for it;
- `display(stored)`: the text a card or the history shows, in the reader's language;
- `cell(stored)`: the (cell kind, value) a list row writes (kinds: text, number, date, bool);
- `index_values(stored)`: the rows of `CustomValue` that let a list filter by it without reading
  every record's JSON; `filter(...)` the Q that reads them; `sort_expression(...)` its order;
- `filter_widget`, `filter_input_type`, `filter_options()`: how the filter bar asks for it.

A new type is one subclass and one call, in the registering app's AppConfig.ready():

    class EmailType(TextType):
        key = "email"
        label = gettext_lazy("Email address")

        def coerce(self, value):
            ...

    register_field_type(EmailType)

Stored values outlive a change of type (a text field made a number keeps its texts), so whatever
reads a stored value (display, cell, index) accepts one that does not fit and shows it as it is.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, Expression, FloatField, OuterRef, Q, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Exact
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.core.json_fields import JSONKeyText

if TYPE_CHECKING:
    from kliento.core.records.fields.models import CustomField

TEXT_LIMIT = 1000
# How much of a text the filter index keeps: a btree entry has a size limit, and equality on a
# longer text is checked against the record's own value as well.
INDEXED_TEXT = 200
BLANK = [("", "—")]
# From how many matching records a filter walks the list's order instead of starting from them.
WALK_FROM = 5_000
# Rows without a value sort as the smallest number or empty text, so a keyset cursor never meets NULL.
LOWEST_NUMBER = -1e300


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class FieldType:
    """The behaviour of one type, bound to one field definition."""

    key: ClassVar[str]
    label: ClassVar[str | Promise]
    has_choices: ClassVar[bool] = False  # the definition lists its choices
    is_numeric: ClassVar[bool] = False  # sorts as a number, aligned as one in lists
    filter_widget: ClassVar[str] = "text"  # "text" (equals), "range" (from / up to) or "select"
    filter_input_type: ClassVar[str] = "text"  # the HTML input type of a text or range filter

    def __init__(self, definition: CustomField) -> None:
        self.definition = definition

    # Values ---------------------------------------------------------------------------------------

    def coerce(self, value: Any) -> Any:
        raise NotImplementedError

    def display(self, stored: Any) -> str:
        return "" if is_empty(stored) else str(stored)

    def cell(self, stored: Any) -> tuple[str, Any]:
        return ("text", "" if is_empty(stored) else str(stored))

    # Forms ----------------------------------------------------------------------------------------

    def form_field(self) -> forms.Field:
        return forms.CharField(**self.form_options(), max_length=TEXT_LIMIT)

    def form_options(self) -> dict[str, Any]:
        definition = self.definition
        return {
            "label": definition.label,
            "required": definition.is_required,
            "help_text": definition.help_text,
        }

    def initial(self, stored: Any) -> Any:
        """A stored value as its input shows it."""
        return stored

    def from_form(self, cleaned: Any) -> Any:
        """A cleaned input value as the services take it; empty means "no value"."""
        return "" if cleaned is None else cleaned

    # Lists: filters and sort ----------------------------------------------------------------------

    def filter_options(self) -> list[tuple[str, str]]:
        """(value, label) pairs of a select filter."""
        return []

    def filter_value(self, text: str) -> Any:
        """A filter parameter's value, ready for `filter`; a ValidationError if it cannot match."""
        return self.coerce(text)

    def index_values(self, stored: Any) -> list[tuple[str | None, float | None]]:
        """The (text, number) rows `CustomValue` keeps for a stored value; none for one that no
        longer fits the type."""
        try:
            value = self.coerce(stored)
        except ValidationError:
            return []
        return [(str(value)[:INDEXED_TEXT], None)]

    def filter(self, bounds: Mapping[str, Any], *, column: str) -> Q:
        """Records whose value equals `bounds["eq"]`, or (types filtered by a range) lies from
        `bounds["min"]` up to `bounds["max"]`; each value as `filter_value` gives it. One index
        range per field, so that the database can tell how many records it holds."""
        return self.indexed(text_value=str(bounds["eq"])[:INDEXED_TEXT])

    def sort_expression(self, column: str) -> Expression:
        return Coalesce(JSONKeyText(column, self.definition.key), Value(""), output_field=TextField())

    def indexed(self, **lookup: Any) -> Q:
        """Records with a `CustomValue` row of this field matching the lookup: an index range, however
        many records the organization has."""
        from kliento.core.records.fields.models import CustomValue

        rows = CustomValue.objects.filter(field_id=self.definition.pk, **lookup)
        if rows[:WALK_FROM].count() < WALK_FROM:
            # Few records hold the value: start from their index rows and sort only them.
            return Q(pk__in=rows.values("record_id"))
        # Many do: walking the list in its own order and checking each record fills a page sooner.
        # Said as EXISTS, since SQLite always starts from the rows of an `id IN (…)`, however many.
        return Q(Exists(rows.filter(record_id=OuterRef("pk"))))


class TextType(FieldType):
    key = "text"
    label = gettext_lazy("Text")

    def coerce(self, value: Any) -> Any:
        text = str(value).strip()
        if len(text) > TEXT_LIMIT:
            raise ValidationError(_("At most %(limit)s characters.") % {"limit": TEXT_LIMIT})
        return text

    def filter(self, bounds: Mapping[str, Any], *, column: str) -> Q:
        value = bounds["eq"]
        matches = self.indexed(text_value=value[:INDEXED_TEXT])
        if len(value) >= INDEXED_TEXT:  # the index holds a prefix: the whole text decides
            return matches & Q(Exact(Cast(JSONKeyText(column, self.definition.key), TextField()), value))
        return matches


class NumberType(FieldType):
    key = "number"
    label = gettext_lazy("Whole number")
    is_numeric = True
    filter_widget = "range"
    filter_input_type = "number"

    def coerce(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValidationError(_("Enter a whole number."))
        try:
            number = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation as error:
            raise ValidationError(_("Enter a whole number.")) from error
        if not number.is_finite() or number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number."))
        return int(number)

    def display(self, stored: Any) -> str:
        if is_empty(stored):
            return ""
        try:
            return formats.number_format(decimal.Decimal(str(stored)), use_l10n=True, force_grouping=True)
        except decimal.InvalidOperation:
            return str(stored)

    def cell(self, stored: Any) -> tuple[str, Any]:
        if is_empty(stored):
            return ("text", "")
        try:
            return ("number", self.number(stored))
        except (ValueError, decimal.InvalidOperation):
            return ("text", str(stored))  # written before the field changed type: shown as it is

    def number(self, stored: Any) -> Any:
        return int(stored)

    def form_field(self) -> forms.Field:
        return forms.IntegerField(**self.form_options())

    def filter_value(self, text: str) -> Any:
        return float(self.coerce(text))

    def index_values(self, stored: Any) -> list[tuple[str | None, float | None]]:
        try:
            return [(None, float(self.coerce(stored)))]
        except (ValidationError, OverflowError):
            return []

    def filter(self, bounds: Mapping[str, Any], *, column: str) -> Q:
        return self.indexed(**_range_lookups("number_value", bounds))

    def sort_expression(self, column: str) -> Expression:
        return Coalesce(Cast(JSONKeyText(column, self.definition.key), FloatField()), Value(LOWEST_NUMBER))


class DecimalType(NumberType):
    key = "decimal"
    label = gettext_lazy("Decimal number")

    def coerce(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValidationError(_("Enter a number."))
        try:
            number = decimal.Decimal(str(value).strip().replace(",", "."))
        except decimal.InvalidOperation as error:
            raise ValidationError(_("Enter a number.")) from error
        if not number.is_finite():
            raise ValidationError(_("Enter a number."))
        return str(number)

    def number(self, stored: Any) -> Any:
        return decimal.Decimal(str(stored))

    def form_field(self) -> forms.Field:
        return forms.DecimalField(**self.form_options(), widget=forms.NumberInput(attrs={"step": "any"}))

    def from_form(self, cleaned: Any) -> Any:
        return "" if cleaned is None else str(cleaned)


def _range_lookups(column: str, bounds: Mapping[str, Any]) -> dict[str, Any]:
    lookups = {"eq": column, "min": f"{column}__gte", "max": f"{column}__lte"}
    return {lookups[bound]: value for bound, value in bounds.items()}


class DateType(FieldType):
    key = "date"
    label = gettext_lazy("Date")
    filter_widget = "range"
    filter_input_type = "date"

    def coerce(self, value: Any) -> Any:
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError as error:
            raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from error

    def display(self, stored: Any) -> str:
        if is_empty(stored):
            return ""
        try:
            return formats.date_format(datetime.date.fromisoformat(stored), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(stored)

    def cell(self, stored: Any) -> tuple[str, Any]:
        if is_empty(stored):
            return ("text", "")
        try:
            return ("date", datetime.date.fromisoformat(str(stored)))
        except ValueError:
            return ("text", str(stored))

    def form_field(self) -> forms.Field:
        return forms.DateField(
            **self.form_options(), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )

    def from_form(self, cleaned: Any) -> Any:
        return "" if cleaned is None else cleaned.isoformat()

    def filter(self, bounds: Mapping[str, Any], *, column: str) -> Q:
        return self.indexed(**_range_lookups("text_value", bounds))  # ISO dates sort as text


class BooleanType(FieldType):
    key = "boolean"
    label = gettext_lazy("Yes/no")
    filter_widget = "select"

    def coerce(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes", "on"}:
            return True
        if text in {"false", "0", "no", "off"}:
            return False
        raise ValidationError(_("Enter yes or no."))

    def display(self, stored: Any) -> str:
        if is_empty(stored):
            return ""
        return _("Yes") if stored else _("No")

    def cell(self, stored: Any) -> tuple[str, Any]:
        return ("text", "") if is_empty(stored) else ("bool", bool(stored))

    def form_field(self) -> forms.Field:
        return forms.ChoiceField(
            **self.form_options(), choices=[*BLANK, ("true", _("Yes")), ("false", _("No"))]
        )

    def initial(self, stored: Any) -> Any:
        if stored is None:
            return None
        return "true" if stored else "false"

    def filter_options(self) -> list[tuple[str, str]]:
        return [("true", _("Yes")), ("false", _("No"))]

    def index_values(self, stored: Any) -> list[tuple[str | None, float | None]]:
        try:
            return [("true" if self.coerce(stored) else "false", None)]
        except ValidationError:
            return []

    def filter(self, bounds: Mapping[str, Any], *, column: str) -> Q:
        return self.indexed(text_value="true" if bounds["eq"] else "false")


class ChoiceType(FieldType):
    key = "choice"
    label = gettext_lazy("Choice")
    has_choices = True
    filter_widget = "select"

    def coerce(self, value: Any) -> Any:
        if str(value) not in self.definition.choices:
            raise ValidationError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(self.definition.choices)}
            )
        return str(value)

    def form_field(self) -> forms.Field:
        return forms.ChoiceField(
            **self.form_options(), choices=BLANK + [(c, c) for c in self.definition.choices]
        )

    def filter_options(self) -> list[tuple[str, str]]:
        return [(choice, choice) for choice in self.definition.choices]

    def index_values(self, stored: Any) -> list[tuple[str | None, float | None]]:
        # A choice removed from the list since stays findable under its old value.
        return (
            []
            if is_empty(stored) or isinstance(stored, list | dict)
            else [(str(stored)[:INDEXED_TEXT], None)]
        )


class MultiChoiceType(ChoiceType):
    key = "multi_choice"
    label = gettext_lazy("Several choices")

    def coerce(self, value: Any) -> Any:
        values = (
            value if isinstance(value, list | tuple) else [part.strip() for part in str(value).split(",")]
        )
        unknown = [str(item) for item in values if str(item) not in self.definition.choices]
        if unknown:
            raise ValidationError(
                _("Choose among: %(choices)s.") % {"choices": ", ".join(self.definition.choices)}
            )
        return [str(item) for item in values]

    def display(self, stored: Any) -> str:
        if is_empty(stored):
            return ""
        return ", ".join(str(item) for item in stored) if isinstance(stored, list) else str(stored)

    def cell(self, stored: Any) -> tuple[str, Any]:
        return ("text", self.display(stored))

    def form_field(self) -> forms.Field:
        return forms.MultipleChoiceField(
            **self.form_options(),
            choices=[(c, c) for c in self.definition.choices],
            widget=forms.CheckboxSelectMultiple,
        )

    def index_values(self, stored: Any) -> list[tuple[str | None, float | None]]:
        items = stored if isinstance(stored, list) else [stored]
        return [(str(item)[:INDEXED_TEXT], None) for item in dict.fromkeys(items) if not is_empty(item)]

    def filter(self, bounds: Mapping[str, Any], *, column: str) -> Q:
        """Records holding every one of the chosen values."""
        held = Q()
        for choice in bounds["eq"]:
            held &= self.indexed(text_value=choice[:INDEXED_TEXT])
        return held


# The registry ------------------------------------------------------------------------------------

_types: dict[str, type[FieldType]] = {}


class UnknownFieldType(LookupError):
    pass


def register_field_type(field_type: type[FieldType]) -> type[FieldType]:
    registered = _types.get(field_type.key)
    if registered is not None and registered is not field_type:
        raise ValueError(f"The field type {field_type.key!r} is already registered as {registered.__name__}.")
    _types[field_type.key] = field_type
    return field_type


def get_field_type(key: str) -> type[FieldType]:
    try:
        return _types[key]
    except KeyError:
        raise UnknownFieldType(key) from None


def all_field_types() -> Iterator[type[FieldType]]:
    yield from _types.values()


def field_type_choices() -> list[tuple[str, str | Promise]]:
    return [(field_type.key, field_type.label) for field_type in _types.values()]


for _builtin in (TextType, NumberType, DecimalType, DateType, BooleanType, ChoiceType, MultiChoiceType):
    register_field_type(_builtin)
