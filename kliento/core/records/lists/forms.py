"""Forms of a list: bulk actions on a selection, and saving a view.

The filter bar is not a form class: its parameters are read by the kind's filters (filters.py),
which the API shares, so there is one parser and one set of error messages.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.core.forms import StyledForm
from kliento.core.models import MAX_ID
from kliento.core.records.lists.page import ListPage
from kliento.core.records.lists.spec import BulkAction, BulkInput

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


def bulk_inputs(actions: list[BulkAction] | tuple[BulkAction, ...]) -> list[tuple[BulkInput, list[str]]]:
    """Each input once, with the actions that use it, in the order the actions come."""
    inputs: dict[str, tuple[BulkInput, list[str]]] = {}
    for action in actions:
        if action.input is not None:
            inputs.setdefault(action.input.name, (action.input, []))[1].append(action.key)
    return list(inputs.values())


class BulkActionForm(StyledForm, forms.Form):
    ids = IdListField(label=_("Selection"))
    action = forms.ChoiceField(label=_("Action"))

    def __init__(self, *args: Any, actions: tuple[BulkAction, ...], page: ListPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions = {action.key: action for action in actions}
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            (action.key, action.label) for action in actions
        ]
        asks_reason = False
        for bulk_input, _keys in bulk_inputs(actions):
            field = bulk_input.field(page)
            field.required = False
            field.label = str(bulk_input.label)  # the form is made in the request's language
            self.fields[bulk_input.name] = field
            asks_reason = asks_reason or bulk_input.reason
        if asks_reason:
            self.fields["reason"] = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        action = self.actions.get(cleaned.get("action", ""))
        reason = cleaned.get("reason") or ""
        cleaned["value"] = None
        cleaned["reason"] = ""
        if action is None or action.input is None:
            return cleaned
        name = action.input.name
        if cleaned.get(name) in (None, ""):
            self.add_error(name, _("This action needs a value."))
        else:
            cleaned["value"] = cleaned[name]
        if action.input.reason:
            cleaned["reason"] = reason
        return cleaned


class SavedViewForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    shared = forms.BooleanField(label=_("Share with everyone"), required=False)
    query = forms.CharField(required=False, max_length=4000)  # the list's query string
    columns = forms.CharField(required=False, max_length=2000)
