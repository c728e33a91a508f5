"""Forms of the contact and company lists: the filter bar, bulk actions on a selection, and saving
a view.

The filter bar is not a form class: its parameters are read by `selectors.parse_list_query`,
which the API shares, so there is one parser and one set of error messages; here are only the
widgets it is drawn with and the labels that name each filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from kliento.core.forms import StyledForm
from kliento.core.models import MAX_ID
from kliento.core.records.fields.models import CustomField
from kliento.customers.models import Company, LifecycleStage, Source

BULK_ACTIONS = [
    ("assign_owner", _("Assign owner")),
    ("add_tag", _("Add tag")),
    ("remove_tag", _("Remove tag")),
    ("change_stage", _("Change stage")),
    ("trash", _("Move to trash")),
]
# Which field carries the action's value.
BULK_VALUE_FIELDS = {"assign_owner": "owner", "add_tag": "tag", "remove_tag": "tag", "change_stage": "stage"}
MAX_SELECTION = 1000


class IdListField(forms.Field):
    """Record ids ticked in a list (`ids=3&ids=7`)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one row."),
        "invalid": _("The selection is not valid."),
        "too_many": _("Select at most %(max)s rows at once."),
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            ids = [int(item) for item in value]
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if not all(0 < record_id <= MAX_ID for record_id in ids):  # no such row; too large for a query
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(ids) > MAX_SELECTION:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": MAX_SELECTION}
            )
        return list(dict.fromkeys(ids))


class BulkActionForm(StyledForm, forms.Form):
    ids = IdListField(label=_("Selection"))
    action = forms.ChoiceField(label=_("Action"), choices=BULK_ACTIONS)
    owner = forms.TypedChoiceField(label=_("New owner"), coerce=int, required=False)
    tag = forms.CharField(label=_("Tag"), max_length=60, required=False)
    stage = forms.ChoiceField(label=_("New stage"), choices=LifecycleStage.choices, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *owners]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        value_field = BULK_VALUE_FIELDS.get(cleaned.get("action", ""))
        if value_field is None:
            cleaned["value"] = None
        elif cleaned.get(value_field) in (None, ""):
            self.add_error(value_field, _("This action needs a value."))
        else:
            cleaned["value"] = cleaned[value_field]
        return cleaned


class SavedViewForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    shared = forms.BooleanField(label=_("Share with everyone"), required=False)
    query = forms.CharField(required=False, max_length=4000)  # the list's query string
    columns = forms.CharField(required=False, max_length=2000)


# The filter bar ----------------------------------------------------------------------------------


FILTER_NAMES = (
    "q", "stage", "owner", "team", "tag", "company", "source",
    "created_from", "created_to", "updated_from", "updated_to",
)  # fmt: skip
DATE_FILTERS = ("created_from", "created_to", "updated_from", "updated_to")
FILTER_LABELS: dict[str, Promise] = {
    "q": gettext_lazy("Search"),
    "stage": gettext_lazy("Stage"),
    "owner": gettext_lazy("Owner"),
    "team": gettext_lazy("Team"),
    "tag": gettext_lazy("Tag"),
    "company": gettext_lazy("Company"),
    "source": gettext_lazy("Source"),
    "created_from": gettext_lazy("Created from"),
    "created_to": gettext_lazy("Created until"),
    "updated_from": gettext_lazy("Changed from"),
    "updated_to": gettext_lazy("Changed until"),
    "sort": gettext_lazy("Sort"),
    "cursor": gettext_lazy("Page"),
}


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool = False


@dataclass(frozen=True)
class Choice:
    """A filter offered as a dropdown of checkboxes (several values mean "any of them")."""

    name: str
    label: str
    options: list[Option]
    invalid: bool = False

    @property
    def selected_count(self) -> int:
        return sum(option.checked for option in self.options)


@dataclass(frozen=True)
class FilterInput:
    name: str
    label: str
    value: str
    input_type: str  # text, number, date, select
    options: list[Option] = field(default_factory=list)
    invalid: bool = False


@dataclass(frozen=True)
class CustomFilter:
    label: str
    inputs: list[FilterInput]


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


def is_filter(name: str) -> bool:
    return name in FILTER_NAMES or name.startswith("cf.")


def filter_values(params: QueryDict) -> list[tuple[str, str]]:
    return [
        (name, value) for name in params if is_filter(name) for value in params.getlist(name) if value.strip()
    ]


def filter_label(name: str, definitions: dict[str, CustomField]) -> str:
    if name in FILTER_LABELS:
        return str(FILTER_LABELS[name])
    if name.startswith("cf."):
        key, _dot, bound = name[3:].partition(".")
        definition = definitions.get(key)
        label = definition.label if definition else key
        if bound == "min":
            return gettext("%(field)s from") % {"field": label}
        if bound == "max":
            return gettext("%(field)s up to") % {"field": label}
        return label
    return name


def value_label(
    name: str,
    value: str,
    *,
    owners: dict[str, str],
    teams: dict[str, str],
    company: Company | None,
    definitions: dict[str, CustomField],
) -> str:
    if name == "stage":
        return str(dict(LifecycleStage.choices).get(value, value))
    if name == "source":
        return str(dict(Source.choices).get(value, value))
    if name == "owner":
        return gettext("Me") if value == "me" else owners.get(value, value)
    if name == "team":
        return teams.get(value, value)
    if name == "company":
        return company.name if company is not None and str(company.pk) == value else value
    if name.startswith("cf."):
        definition = definitions.get(name[3:].partition(".")[0])
        if definition is not None:
            return dict(definition.type.filter_options()).get(value.lower(), value)
    return value


def custom_field_filters(
    definitions: list[CustomField], params: QueryDict, invalid: set[str]
) -> list[CustomFilter]:
    filters = []
    for definition in definitions:
        name = f"cf.{definition.key}"
        field_type = definition.type
        if field_type.filter_widget == "range":
            input_type = field_type.filter_input_type
            inputs = [
                FilterInput(
                    name=f"{name}.{bound}",
                    label=label % {"field": definition.label},
                    value=params.get(f"{name}.{bound}", ""),
                    input_type=input_type,
                    invalid=f"{name}.{bound}" in invalid,
                )
                for bound, label in (("min", gettext("%(field)s from")), ("max", gettext("%(field)s up to")))
            ]
        elif field_type.filter_widget == "text":
            inputs = [
                FilterInput(
                    name,
                    definition.label,
                    params.get(name, ""),
                    field_type.filter_input_type,
                    invalid=name in invalid,
                )
            ]
        else:
            current = params.get(name, "")
            pairs = field_type.filter_options()
            options = [Option("", gettext("Any")), *(Option(v, label, v == current) for v, label in pairs)]
            inputs = [
                FilterInput(name, definition.label, current, "select", options, invalid=name in invalid)
            ]
        filters.append(CustomFilter(label=definition.label, inputs=inputs))
    return filters


def choice_filter(name: str, params: QueryDict, pairs: list[tuple[str, str]], invalid: set[str]) -> Choice:
    selected = set(params.getlist(name))
    options = [Option(value, label, value in selected) for value, label in pairs]
    known = {value for value, _label in pairs}
    options += [Option(value, value, True) for value in params.getlist(name) if value and value not in known]
    return Choice(name=name, label=str(FILTER_LABELS[name]), options=options, invalid=name in invalid)
