"""Forms of the deal pages: a deal, a move on the board, won/lost, and the sales settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from kliento.catalog.forms import amount_input, currency_choices, split_tags
from kliento.core.errors import DomainError
from kliento.core.forms import VERSION_FIELD, StyledForm, add_version_field
from kliento.core.records.fields.models import CustomField
from kliento.deals.models import TEXT_MAX, TITLE_MAX, Deal, StageKind

CUSTOM_PREFIX = "cf_"
FORM_FIELD_FOR = {"owner_id": "owner", "contact_id": "contact", "company_id": "company", "stage_id": "stage"}


def _style(field: forms.Field) -> forms.Field:
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return field


def optional_id() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(coerce=int, empty_value=None, required=False)


class DealForm(StyledForm, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_MAX)
    amount = amount_input(gettext_lazy("Amount"))
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=currency_choices)
    expected_close_on = forms.DateField(
        label=gettext_lazy("Expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    stage = forms.TypedChoiceField(label=gettext_lazy("Stage"), coerce=int, empty_value=None, required=False)
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner"), coerce=int, empty_value=None, required=False)
    company = forms.TypedChoiceField(
        label=gettext_lazy("Company"), coerce=int, empty_value=None, required=False
    )
    contact = forms.TypedChoiceField(
        label=gettext_lazy("Contact"), coerce=int, empty_value=None, required=False
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separate tags with commas."),
    )
    description = forms.CharField(
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
        instance: Deal | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs["initial"] = {
                "title": instance.title,
                "amount": instance.amount,
                "currency": instance.currency,
                "expected_close_on": instance.expected_close_on,
                "owner": instance.owner_id,
                "company": instance.company_id,
                "contact": instance.contact_id,
                "tags": ", ".join(tags or []),
                "description": instance.description,
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
        if instance is not None:
            del self.fields["stage"]  # a deal changes stage on the board or its card, recorded as a move
            add_version_field(self, instance)
        for definition in definitions:
            self.fields[CUSTOM_PREFIX + definition.key] = _style(definition.type.form_field())

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
            elif name in ("owner", "company", "contact", "stage"):
                if name == "stage" and value is None:
                    continue
                if self.instance is None or getattr(self.instance, f"{name}_id") != value:
                    data[f"{name}_id"] = value
            elif name == "amount":
                data["amount"] = value if value is not None else 0
            else:
                data[name] = value
        return data


def apply_service_error(form: forms.Form, error: ValidationError | DomainError) -> None:
    if isinstance(error, DomainError):
        key = error.field or ""
        name = (
            CUSTOM_PREFIX + key.partition(".")[2]
            if key.startswith("custom_fields.")
            else FORM_FIELD_FOR.get(key, key)
        )
        form.add_error(name if name in form.fields else None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        name = (
            CUSTOM_PREFIX + key.partition(".")[2]
            if key.startswith("custom_fields.")
            else FORM_FIELD_FOR.get(key, key)
        )
        form.add_error(name if name in form.fields else None, ValidationError(errors).messages)


class PipelineForm(StyledForm, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    is_default = forms.BooleanField(label=gettext_lazy("Default pipeline"), required=False)


class StageForm(StyledForm, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=StageKind.choices)
    probability = forms.IntegerField(
        label=gettext_lazy("Win probability (%)"), min_value=0, max_value=100, initial=0
    )
    stale_after_days = forms.IntegerField(
        label=gettext_lazy("Stale after days"), min_value=1, max_value=3650, required=False
    )
    position = forms.IntegerField(
        label=gettext_lazy("Position"), min_value=0, max_value=10_000, required=False
    )


class LostReasonForm(StyledForm, forms.Form):
    name = forms.CharField(label=gettext_lazy("Reason"), max_length=100)
