"""The quote form: the quote's fields and its lines editor.

Lines are repeated inputs (`lines-0-product`, `lines-0-quantity`, …) rather than a formset, so rows
are added and removed by the form's own buttons (`action=add-line`, `action=remove-line:2`) without
counters or script. A line's unit price left empty is the product's price in the quote's currency:
the page fills it in when a product is chosen (htmx, `orders:quote-line-price`) or the form is shown
again, and the service takes that price when it is still empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Self

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.catalog.forms import currency_choices, split_tags
from kliento.catalog.models import ProductPrice
from kliento.core.errors import DomainError
from kliento.core.forms import VERSION_FIELD, ErrorLink, StyledForm, add_version_field
from kliento.core.records.fields.models import CustomField
from kliento.orders.models import MAX_LINES, TEXT_MAX, Quote

CUSTOM_PREFIX = "cf_"
FORM_FIELD_FOR = {
    "owner_id": "owner",
    "contact_id": "contact",
    "company_id": "company",
    "deal_id": "deal",
}
LINE_INPUTS = ("product", "quantity", "unit_price", "discount", "tax_rate", "description")
LINE_KEY_FOR = {"product_id": "product"}
_LINE_NAME = re.compile(r"^lines-(\d+)-product$")


def _date_input(label: Any, *, required: bool) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class QuoteForm(StyledForm, forms.Form):
    contact = forms.TypedChoiceField(
        label=gettext_lazy("Contact"), coerce=int, empty_value=None, required=False
    )
    company = forms.TypedChoiceField(
        label=gettext_lazy("Company"), coerce=int, empty_value=None, required=False
    )
    deal = forms.TypedChoiceField(label=gettext_lazy("Deal"), coerce=int, empty_value=None, required=False)
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner"), coerce=int, empty_value=None, required=False)
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=currency_choices)
    issued_on = _date_input(gettext_lazy("Date"), required=True)
    valid_until = _date_input(gettext_lazy("Valid until"), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        help_text=gettext_lazy("The language the customer reads the quote in."),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separate tags with commas."),
    )
    terms = forms.CharField(
        label=gettext_lazy("Terms"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        definitions: list[CustomField],
        choices: dict[str, list[tuple[Any, str]]],
        instance: Quote | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs["initial"] = {
                "contact": instance.contact_id,
                "company": instance.company_id,
                "deal": instance.deal_id,
                "owner": instance.owner_id,
                "currency": instance.currency,
                "issued_on": instance.issued_on,
                "valid_until": instance.valid_until,
                "language": instance.language,
                "tags": ", ".join(tags or []),
                "terms": instance.terms,
                "notes": instance.notes,
                **{
                    CUSTOM_PREFIX + d.key: d.type.initial(instance.custom_fields.get(d.key))
                    for d in definitions
                },
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.definitions = {definition.key: definition for definition in definitions}
        for name, options in choices.items():
            self.fields[name].choices = options  # type: ignore[attr-defined]  # choice fields, declared above
        languages: list[tuple[str, str]] = [(code, name) for code, name in settings.LANGUAGES]
        if instance is None:
            languages.insert(0, ("", _("The contact's language")))
        self.fields["language"].choices = languages  # type: ignore[attr-defined]  # a ChoiceField
        if instance is not None:
            self.fields["language"].required = True
            add_version_field(self, instance)
        for definition in definitions:
            custom = definition.type.form_field()
            widget = custom.widget
            if not isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = (
                    "form-check-input"
                    if isinstance(widget, forms.CheckboxInput)
                    else ("form-select" if isinstance(widget, forms.Select) else "form-control")
                )
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            self.fields[CUSTOM_PREFIX + definition.key] = custom

    @classmethod
    def from_posted(cls, data: QueryDict, **kwargs: Any) -> Self:
        """An unbound form showing what was posted: a line added or removed is not a save."""
        form = cls(**kwargs)
        form.initial = {
            name: form_field.widget.value_from_datadict(data, {}, form.add_prefix(name))
            for name, form_field in form.fields.items()
        }
        return form

    def custom_fields_shown(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(CUSTOM_PREFIX)]

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == VERSION_FIELD:
                continue
            if name.startswith(CUSTOM_PREFIX):
                key = name[len(CUSTOM_PREFIX) :]
                data.setdefault("custom_fields", {})[key] = self.definitions[key].type.from_form(value)
            elif name == "tags":
                data["tags"] = split_tags(value or "")
            elif name in FORM_FIELD_FOR.values():
                if self.instance is None or getattr(self.instance, f"{name}_id") != value:
                    data[f"{name}_id"] = value
            elif name in ("valid_until", "language") and not value:
                continue  # the service's default: the validity period, the contact's language
            elif self.instance is None or getattr(self.instance, name) != value:
                data[name] = value
        return data


@dataclass
class LineRow:
    product: str = ""
    quantity: str = "1"
    unit_price: str = ""
    discount: str = ""
    tax_rate: str = ""
    description: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str:
        value: str = getattr(self, name)
        return value


@dataclass
class QuoteLines:
    """The lines editor's rows as typed, their errors, and which service line each row became."""

    rows: list[LineRow]
    errors: list[str] = field(default_factory=list)
    index_map: dict[int, int] = field(default_factory=dict)  # service line -> row

    @classmethod
    def empty(cls) -> QuoteLines:
        return cls(rows=[LineRow()])

    @classmethod
    def from_lines(cls, lines: list[Any]) -> QuoteLines:
        rows = [
            LineRow(
                product=str(line.product_id),
                quantity=_plain(line.quantity),
                unit_price=_plain(line.unit_price),
                discount=_plain(line.discount) if line.discount else "",
                tax_rate=_plain(line.tax_rate),
                description=line.description,
            )
            for line in lines
        ]
        return cls(rows=rows or [LineRow()])

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> QuoteLines:
        indexes = sorted({int(match.group(1)) for key in data if (match := _LINE_NAME.match(key))})[
            :MAX_LINES
        ]
        rows = []
        for index in indexes:
            row = LineRow()
            for name in LINE_INPUTS:
                setattr(row, name, str(data.get(f"lines-{index}-{name}", "")).strip())
            rows.append(row)
        return cls(rows=rows or [LineRow()])

    @property
    def can_add(self) -> bool:
        return len(self.rows) < MAX_LINES

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)

    def apply_action(self, action: str) -> bool:
        """`add-line` or `remove-line:N` from the editor's buttons; True if it was one."""
        if action == "add-line":
            if self.can_add:
                self.rows.append(LineRow())
            return True
        verb, _sep, index = action.partition(":")
        if verb == "remove-line" and index.isdigit():
            if int(index) < len(self.rows):
                del self.rows[int(index)]
            if not self.rows:
                self.rows.append(LineRow())
            return True
        return False

    def fill_prices(self, currency: str) -> None:
        """Rows with a product and no price take the product's price in the currency (one query)."""
        wanted = {int(row.product) for row in self.rows if row.product.isdigit() and not row.unit_price}
        if not wanted:
            return
        prices = dict(
            ProductPrice.objects.filter(product_id__in=wanted, currency=currency).values_list(
                "product_id", "amount"
            )
        )
        for row in self.rows:
            if row.product.isdigit() and not row.unit_price and int(row.product) in prices:
                row.unit_price = _plain(prices[int(row.product)])

    def service_lines(self) -> list[dict[str, Any]]:
        """The rows with a product, as the service takes them; text the service checks and names."""
        lines: list[dict[str, Any]] = []
        self.index_map = {}
        for index, row in enumerate(self.rows):
            if not row.product and not row.unit_price and not row.description:
                continue
            self.index_map[len(lines)] = index
            line: dict[str, Any] = {
                "product_id": int(row.product) if row.product.isdigit() else row.product or None,
                "quantity": row.quantity or None,
                "description": row.description,
            }
            for name in ("unit_price", "discount", "tax_rate"):
                if row.value(name):
                    line[name] = row.value(name)
            lines.append(line)
        return lines

    def add_service_error(self, key: str, messages: list[str]) -> None:
        parts = key.split(".")
        if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) in self.index_map:
            row = self.rows[self.index_map[int(parts[1])]]
            name = LINE_KEY_FOR.get(parts[2], parts[2]) if len(parts) == 3 else "product"
            row.errors.setdefault(name if name in LINE_INPUTS else "product", []).extend(messages)
        else:
            self.errors.extend(messages)

    def error_links(self) -> list[ErrorLink]:
        links = [ErrorLink(str(_("Lines")), message, "lines-0-product") for message in self.errors]
        for index, row in enumerate(self.rows):
            for name, messages in row.errors.items():
                label = _("Line %(number)s") % {"number": index + 1}
                links += [ErrorLink(label, message, f"lines-{index}-{name}") for message in messages]
        return links


def _plain(value: Decimal) -> str:
    """A decimal as a person types it: 80, 2.5, never 80.0000."""
    text = format(value.normalize(), "f")
    return text


def apply_service_error(form: QuoteForm, lines: QuoteLines, error: ValidationError | DomainError) -> None:
    """Put a service's refusal on the field or line it names, else above the form."""
    if isinstance(error, DomainError):
        pairs = [(error.field or "", [error.message])]
    elif hasattr(error, "error_dict"):
        pairs = [(key, ValidationError(errors).messages) for key, errors in error.error_dict.items()]
    else:
        pairs = [("", error.messages)]
    for key, messages in pairs:
        if key == "lines" or key.startswith("lines."):
            lines.add_service_error(key, messages)
            continue
        name = (
            CUSTOM_PREFIX + key.partition(".")[2]
            if key.startswith("custom_fields.")
            else FORM_FIELD_FOR.get(key, key)
        )
        form.add_error(name if name in form.fields else None, messages)
