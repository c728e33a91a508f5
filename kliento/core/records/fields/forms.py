"""The form that adds or changes a custom field, on its settings pages (views.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from kliento.core.forms import StyledForm
from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.types import field_type_choices
from kliento.core.records.fields.values import kinds_with_custom_fields


def _kinds_with_custom_fields() -> list[tuple[str, Any]]:
    return [(kind.key, kind.label_plural) for kind in kinds_with_custom_fields()]


class CustomFieldForm(StyledForm, forms.Form):
    entity = forms.ChoiceField(label=_("For"), choices=_kinds_with_custom_fields)
    label = forms.CharField(label=_("Label"), max_length=100)
    key = forms.SlugField(
        label=_("Key"),
        max_length=50,
        required=False,
        help_text=_(
            "Used in the API, imports and list filters, e.g. shoe_size. "
            "Left empty, it is made from the label."
        ),
    )
    field_type = forms.ChoiceField(label=_("Type"), choices=field_type_choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One choice per line, for the types Choice and Several choices."),
    )
    is_required = forms.BooleanField(label=_("Required"), required=False)
    is_unique = forms.BooleanField(
        label=_("Unique"), required=False, help_text=_("No two records may have the same value.")
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)
    help_text = forms.CharField(label=_("Help text"), max_length=200, required=False)

    def __init__(self, *args: Any, instance: CustomField | None = None, **kwargs: Any) -> None:
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "entity": instance.entity,
                "label": instance.label,
                "key": instance.key,
                "field_type": instance.field_type,
                "choices": "\n".join(instance.choices or []),
                "is_required": instance.is_required,
                "is_unique": instance.is_unique,
                "position": instance.position,
                "help_text": instance.help_text,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            # Values are stored under the key: changing it or the entity would orphan them.
            for name in ("entity", "key"):
                self.fields[name].disabled = True
            self.fields["key"].help_text = _("The key cannot change: values are stored under it.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance is None and not cleaned.get("key") and cleaned.get("label"):
            key = slugify(cleaned["label"]).replace("-", "_")[:50]
            if key:
                cleaned["key"] = key
            else:
                self.add_error("key", _("Give the field a key in Latin letters, digits and underscores."))
        return cleaned

    def service_data(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        data = {
            "label": cleaned["label"],
            "field_type": cleaned["field_type"],
            "choices": [line.strip() for line in cleaned.get("choices", "").splitlines() if line.strip()],
            "is_required": cleaned["is_required"],
            "is_unique": cleaned["is_unique"],
            "position": cleaned["position"],
            "help_text": cleaned["help_text"],
        }
        if self.instance is None:
            data.update(entity=cleaned["entity"], key=cleaned["key"])
        return data
