"""Forms of the catalogue pages: a product (with a price per currency), a price, a price list and
its items, an exchange rate."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.catalog.models import NAME_MAX, TEXT_MAX, Product
from kliento.catalog.money import AMOUNT_PLACES, RATE_PLACES
from kliento.core.errors import DomainError
from kliento.core.forms import VERSION_FIELD, StyledForm, add_version_field
from kliento.core.models import CURRENCY_CODES
from kliento.core.records.fields.models import CustomField

CUSTOM_PREFIX = "cf_"
PRICE_PREFIX = "price_"


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in sorted(CURRENCY_CODES)]


def split_tags(text: str) -> list[str]:
    names: list[str] = []
    for part in text.split(","):
        name = part.strip()
        if name and name.casefold() not in {existing.casefold() for existing in names}:
            names.append(name)
    return names


def _style(field: forms.Field) -> forms.Field:
    widget = field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return field
    css = (
        "form-check-input"
        if isinstance(widget, forms.CheckboxInput)
        else ("form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control")
    )
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return field


def amount_input(label: Any, *, required: bool = False, places: int = AMOUNT_PLACES) -> forms.DecimalField:
    # Negative amounts are refused by the service, whose message names the rule.
    return forms.DecimalField(
        label=label,
        required=required,
        decimal_places=places,
        max_digits=places + 16,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class ProductForm(StyledForm, forms.Form):
    sku = forms.CharField(label=gettext_lazy("SKU"), max_length=64)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=NAME_MAX)
    category = forms.CharField(label=gettext_lazy("Category"), max_length=100, required=False)
    unit = forms.CharField(
        label=gettext_lazy("Unit"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("For example: piece, hour, kg."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separate tags with commas."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        definitions: list[CustomField],
        currencies: Iterable[str],
        instance: Product | None = None,
        prices: dict[str, Decimal] | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            initial = {
                name: getattr(instance, name)
                for name in ("sku", "name", "category", "unit", "is_active", "description")
            }
            initial["tags"] = ", ".join(tags or [])
            initial.update({PRICE_PREFIX + code: amount for code, amount in (prices or {}).items()})
            for definition in definitions:
                initial[CUSTOM_PREFIX + definition.key] = definition.type.initial(
                    instance.custom_fields.get(definition.key)
                )
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.definitions = {definition.key: definition for definition in definitions}
        self.currencies = list(dict.fromkeys([*currencies, *(prices or {})]))
        for code in self.currencies:
            self.fields[PRICE_PREFIX + code] = _style(
                amount_input(_("Price in %(currency)s") % {"currency": code})
            )
        for definition in definitions:
            self.fields[CUSTOM_PREFIX + definition.key] = _style(definition.type.form_field())
        if instance is not None:
            add_version_field(self, instance)

    def price_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(PRICE_PREFIX)]

    def custom_fields_shown(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(CUSTOM_PREFIX)]

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"prices": {}}
        for name, value in self.cleaned_data.items():
            if name == VERSION_FIELD:
                continue
            if name.startswith(PRICE_PREFIX):
                if value is not None:
                    data["prices"][name[len(PRICE_PREFIX) :]] = value
            elif name.startswith(CUSTOM_PREFIX):
                key = name[len(CUSTOM_PREFIX) :]
                data.setdefault("custom_fields", {})[key] = self.definitions[key].type.from_form(value)
            elif name == "tags":
                data["tags"] = split_tags(value or "")
            else:
                data[name] = value
        return data


def form_field_for(key: str) -> str:
    """The form field a service's error key names."""
    if key.startswith("prices."):
        return PRICE_PREFIX + key.partition(".")[2]
    if key.startswith("custom_fields."):
        return CUSTOM_PREFIX + key.partition(".")[2]
    return {"product_id": "product"}.get(key, key)


def apply_service_error(form: forms.Form, error: ValidationError | DomainError) -> None:
    """Put a service's refusal beside the field it names, else above the form."""
    if isinstance(error, DomainError):
        name = form_field_for(error.field or "")
        form.add_error(name if name in form.fields else None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        name = form_field_for(key)
        form.add_error(name if name in form.fields else None, ValidationError(errors).messages)


class PriceForm(StyledForm, forms.Form):
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=currency_choices)
    amount = amount_input(gettext_lazy("Price"), required=False)


class PriceListForm(StyledForm, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=currency_choices)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class PriceListItemForm(StyledForm, forms.Form):
    product = forms.TypedChoiceField(label=gettext_lazy("Product"), coerce=int)
    amount = amount_input(gettext_lazy("Price on this list"), required=False)

    def __init__(self, *args: Any, products: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(str(pk), label) for pk, label in products]  # type: ignore[attr-defined]  # a TypedChoiceField


class ExchangeRateForm(StyledForm, forms.Form):
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=currency_choices)
    rate = amount_input(gettext_lazy("Rate"), required=True, places=RATE_PLACES)
    valid_from = forms.DateField(
        label=gettext_lazy("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
