"""Forms of the timeline's composers and the call screen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kliento.activities.models import BODY_MAX, Call, Direction
from kliento.core.forms import StyledForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); the services check the limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class NoteForm(StyledForm, forms.Form):
    prefix = "note"  # the card holds the call form too, with fields of the same names
    body = forms.CharField(
        label=_("Note"),
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _("Write a note; type @ and a name to mention a colleague"),
                "hx-get": reverse_lazy("activities:mention-options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#mention-options",
                "hx-include": "#mention-options",
            }
        ),
    )
    attachments = MultipleFileField(label=_("Attach files"), required=False)


def mention_ids(values: list[str]) -> list[int] | None:
    """The ids the mention checkboxes sent, or None when one is not an id at all."""
    try:
        ids = [int(value) for value in values]
    except ValueError:
        return None
    return ids if all(0 < value < 2**63 for value in ids) else None


class CallForm(StyledForm, forms.Form):
    prefix = "call"
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Call.Outcome.choices, initial=Call.Outcome.ANSWERED
    )
    duration_minutes = forms.DecimalField(
        label=_("Duration (minutes)"), min_value=0, max_value=1440, decimal_places=2, required=False
    )
    body = forms.CharField(
        label=_("Notes"), max_length=BODY_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_at = forms.DateTimeField(
        label=_("Follow up at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    follow_up_note = forms.CharField(label=_("Follow-up"), max_length=300, required=False)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        minutes = data.get("duration_minutes")
        return {
            "direction": data["direction"],
            "outcome": data["outcome"],
            "duration_seconds": int(minutes * 60) if minutes is not None else None,
            "body": data.get("body") or "",
            "follow_up_at": data.get("follow_up_at"),
            "follow_up_note": data.get("follow_up_note") or "",
        }
