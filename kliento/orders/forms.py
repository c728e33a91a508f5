"""Forms of the order pages: an order with its lines, a status move, and the sales settings.

The lines are repeated inputs (`lines-0-product`, `lines-0-quantity`, …) read by `LineRows`, so
rows are added and removed by the form's own buttons (htmx swaps the lines' fieldset, and without
script the page reloads) without a formset's counters. The service checks the lines and names a
bad one as `lines.N.<field>`, which lands on its row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Self

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.catalog.forms import currency_choices, split_tags
from kliento.core.errors import DomainError
from kliento.core.forms import VERSION_FIELD, ErrorLink, StyledForm, add_version_field
from kliento.core.records.fields.models import CustomField
from kliento.orders.models import MAX_LINES, TEXT_MAX, Order, OrderStatus, Rounding, SalesChannel

CUSTOM_PREFIX = "cf_"
FORM_FIELD_FOR = {"owner_id": "owner", "contact_id": "contact", "company_id": "company", "deal_id": "deal"}
LINE_FIELDS = ("product", "quantity", "unit_price", "discount", "tax_rate", "description")
SERVICE_LINE_FIELD = {"product": "product_id"}
FORM_LINE_FIELD = {"product_id": "product"}
NEW_STATUSES = (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.FULFILLED)


def _style(form_field: forms.Field) -> forms.Field:
    widget = form_field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form_field


def _optional_id(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, empty_value=None, required=False)


class OrderForm(StyledForm, forms.Form):
    contact = _optional_id(gettext_lazy("Contact"))
    company = _optional_id(gettext_lazy("Company"))
    deal = _optional_id(gettext_lazy("Deal"))
    owner = _optional_id(gettext_lazy("Owner"))
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=currency_choices)
    ordered_on = forms.DateField(
        label=gettext_lazy("Order date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label=gettext_lazy("Sales channel"), choices=SalesChannel.choices)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[(status.value, status.label) for status in NEW_STATUSES],
        help_text=gettext_lazy("A paid or fulfilled order counts as a purchase of its customer."),
    )
    external_id = forms.CharField(
        label=gettext_lazy("External ID"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("The order's number in another system (a shop, a till); unique when given."),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separate tags with commas."),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        definitions: list[CustomField],
        choices: dict[str, list[tuple[Any, str]]],
        instance: Order | None = None,
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
                "ordered_on": instance.ordered_on,
                "channel": instance.channel,
                "external_id": instance.external_id,
                "tags": ", ".join(tags or []),
                "notes": instance.notes,
                **{
                    CUSTOM_PREFIX + d.key: d.type.initial(instance.custom_fields.get(d.key))
                    for d in definitions
                },
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.definitions = {definition.key: definition for definition in definitions}
        for name, options in choices.items():
            self.fields[name].choices = options  # type: ignore[attr-defined]  # choice fields, declared above
        if instance is not None:
            del self.fields["status"]  # an order's status moves by the card's buttons, each one recorded
            add_version_field(self, instance)
        for definition in definitions:
            self.fields[CUSTOM_PREFIX + definition.key] = _style(definition.type.form_field())

    @classmethod
    def from_posted(cls, data: QueryDict, **kwargs: Any) -> Self:
        """An unbound form showing what was posted: for a re-render that is not a save."""
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
            elif name in ("owner", "company", "contact", "deal"):
                if self.instance is None or getattr(self.instance, f"{name}_id") != value:
                    data[f"{name}_id"] = value
            elif self.instance is not None and getattr(self.instance, name, None) == value:
                continue  # unchanged: an edit that leaves the date alone does not price the order again
            else:
                data[name] = value
        return data


@dataclass
class LineEntry:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def is_blank(self) -> bool:
        return not any(self.values.get(name, "").strip() for name in LINE_FIELDS if name != "tax_rate")


@dataclass
class LineRows:
    """An order's lines as repeated inputs, with the errors the service reported on each."""

    entries: list[LineEntry]
    errors: list[str] = field(default_factory=list)
    index_map: dict[int, int] = field(default_factory=dict)  # service index -> row

    @property
    def can_add(self) -> bool:
        return len(self.entries) < MAX_LINES

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(entry.errors for entry in self.entries)

    @classmethod
    def empty(cls) -> LineRows:
        return cls(entries=[LineEntry()])

    @classmethod
    def from_lines(cls, lines: list[Any]) -> LineRows:
        entries = [
            LineEntry(
                values={
                    "product": str(line.product_id),
                    "quantity": _plain(line.quantity),
                    "unit_price": _plain(line.unit_price),
                    "discount": _plain(line.discount),
                    "tax_rate": _plain(line.tax_rate),
                    "description": line.description,
                }
            )
            for line in lines
        ]
        return cls(entries=entries or [LineEntry()])

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> LineRows:
        pattern = re.compile(r"^lines-(\d+)-product$")
        indexes = sorted({int(match.group(1)) for key in data if (match := pattern.match(key))})[:MAX_LINES]
        entries = [
            LineEntry(
                values={name: str(data.get(f"lines-{index}-{name}", "")).strip() for name in LINE_FIELDS}
            )
            for index in indexes
        ]
        return cls(entries=entries or [LineEntry()])

    def add_row(self, tax_rate: Decimal | int | None = None) -> None:
        if self.can_add:
            self.entries.append(LineEntry(values={"tax_rate": _plain(tax_rate)} if tax_rate else {}))

    def remove_row(self, index: int) -> None:
        if 0 <= index < len(self.entries):
            del self.entries[index]
        if not self.entries:
            self.entries.append(LineEntry())

    def fill_price(self, index: int, prices: Mapping[int, Decimal]) -> None:
        """The row's unit price from its product's price in the order's currency, when it has one."""
        if not 0 <= index < len(self.entries):
            return
        entry = self.entries[index]
        product = entry.value("product")
        if product.isdigit() and int(product) in prices:
            entry.values["unit_price"] = _plain(prices[int(product)])

    def product_ids(self) -> list[int]:
        return [int(entry.value("product")) for entry in self.entries if entry.value("product").isdigit()]

    def service_lines(self) -> list[dict[str, Any]]:
        """The filled rows as the service takes them (blank values left out, so the service fills
        the product's price and the default tax); remembers which row each came from."""
        lines: list[dict[str, Any]] = []
        self.index_map = {}
        for row, entry in enumerate(self.entries):
            if entry.is_blank:
                continue
            self.index_map[len(lines)] = row
            line: dict[str, Any] = {}
            for name in LINE_FIELDS:
                value = entry.value(name)
                if name == "product":
                    line["product_id"] = int(value) if value.isdigit() and len(value) < 19 else value or None
                elif name == "description":
                    if value:
                        line["description"] = value
                elif value:
                    line[name] = value
            lines.append(line)
        return lines

    def add_service_error(self, key: str, messages: list[str]) -> bool:
        """Put a `lines…` error on its row; False for an error that is not the lines'."""
        parts = key.split(".")
        if parts[0] != "lines":
            return False
        if len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) in self.index_map:
            name = FORM_LINE_FIELD.get(parts[2], parts[2])
            self.entries[self.index_map[int(parts[1])]].errors.setdefault(name, []).extend(messages)
        else:
            self.errors.extend(messages)
        return True

    def error_links(self) -> list[ErrorLink]:
        """The rows' errors for the form's error summary, each linked to its input."""
        links = [ErrorLink(str(_("Lines")), message, "lines-0-product") for message in self.errors]
        for index, entry in enumerate(self.entries):
            for name, messages in entry.errors.items():
                label = _("Line %(number)s") % {"number": index + 1}
                target = f"lines-{index}-{name if name in LINE_FIELDS else 'product'}"
                links += [ErrorLink(label, message, target) for message in messages]
        return links


def _plain(value: Decimal | int | None) -> str:
    """A stored decimal as one types it: 2.000 -> "2", 80.5000 -> "80.5"."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def apply_service_error(form: forms.Form, error: ValidationError | DomainError, rows: LineRows) -> None:
    """Put a service's refusal next to the field or line it names; else above the form."""
    if isinstance(error, DomainError):
        key = error.field or ""
        if rows.add_service_error(key, [error.message]):
            return
        name = _form_field(key)
        form.add_error(name if name in form.fields else None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        messages = ValidationError(errors).messages
        if rows.add_service_error(key, messages):
            continue
        name = _form_field(key)
        form.add_error(name if name in form.fields else None, messages)


def _form_field(key: str) -> str:
    if key.startswith("custom_fields."):
        return CUSTOM_PREFIX + key.partition(".")[2]
    if key == "total":
        return ""
    return FORM_FIELD_FOR.get(key, key)


class SalesSettingsForm(StyledForm, forms.Form):
    rounding = forms.ChoiceField(
        label=gettext_lazy("Rounding"),
        choices=Rounding.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Per line: every line is rounded to the currency's cents and the total is their sum, so the "
            "printed lines always add up. Per total: the exact amounts are added and the totals rounded "
            "once (tax once per rate), as some tax authorities expect."
        ),
    )
    default_tax_rate = forms.DecimalField(
        label=gettext_lazy("Default tax rate (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
        help_text=gettext_lazy("Put on new lines unless a line gives its own rate."),
    )
    quote_valid_days = forms.IntegerField(
        label=gettext_lazy("Quotes valid for (days)"),
        min_value=1,
        max_value=3650,
        help_text=gettext_lazy("A sent quote expires this many days after its date, checked every night."),
    )
    order_prefix = forms.CharField(
        label=gettext_lazy("Order number prefix"),
        max_length=10,
        required=False,
        help_text=gettext_lazy("Shown before every order's number, e.g. “SO-” makes order 42 read SO-42."),
    )
    quote_prefix = forms.CharField(
        label=gettext_lazy("Quote number prefix"),
        max_length=10,
        required=False,
        help_text=gettext_lazy("Shown before every quote's number, e.g. “Q-”."),
    )
    activate_on_first_purchase = forms.BooleanField(
        label=gettext_lazy("A first purchase makes a customer active"),
        required=False,
        help_text=gettext_lazy(
            "When a lead's first order is paid or fulfilled, the lead becomes an active customer; a lost "
            "customer who buys again becomes active again."
        ),
    )
    loyal_purchases = forms.IntegerField(
        label=gettext_lazy("Purchases that make a customer loyal"),
        min_value=0,
        max_value=1000,
        help_text=gettext_lazy(
            "An active customer with this many purchases within the window below becomes loyal; 0 turns "
            "the rule off."
        ),
    )
    loyal_window_days = forms.IntegerField(
        label=gettext_lazy("Loyalty window (days)"),
        min_value=1,
        max_value=3650,
        help_text=gettext_lazy(
            "The purchases counted for loyalty are those within this many days of the last one."
        ),
    )
    lapse_days = forms.IntegerField(
        label=gettext_lazy("Lost after days without a purchase"),
        min_value=0,
        max_value=3650,
        help_text=gettext_lazy(
            "Every night, active and loyal customers whose last purchase is older than this become lost; "
            "0 turns the rule off."
        ),
    )
