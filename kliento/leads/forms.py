"""The lead form, the conversion form and the lead settings' forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.core.forms import VERSION_FIELD, StyledForm, add_version_field
from kliento.core.models import Membership, Team
from kliento.core.records.fields.models import CustomField
from kliento.customers.forms import CUSTOM_PREFIX, custom_form_field, owner_choices, split_tags
from kliento.leads.models import MESSAGE_MAX, NAME_MAX, Lead, LeadSource

# Service error keys that a form shows under another name.
FORM_FIELD_FOR = {"owner_id": "owner", "company_id": "company", "reason_id": "reason"}


class LeadForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    company_name = forms.CharField(label=_("Company"), max_length=NAME_MAX, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the person asked for, in their words."),
    )
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices, initial=LeadSource.OTHER)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1000, help_text=_("Separate tags with commas.")
    )

    multiline_fields = frozenset({"message"})

    def __init__(
        self,
        *args: Any,
        member: Membership,
        definitions: list[CustomField],
        instance: Lead | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs.setdefault("initial", self._initial_from(instance, definitions))
        else:
            kwargs.setdefault("initial", {"owner": member.user_id})
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.definitions = {definition.key: definition for definition in definitions}
        for definition in definitions:
            self.fields[CUSTOM_PREFIX + definition.key] = custom_form_field(definition)
        choices = owner_choices()
        if instance is not None and instance.owner_id and str(instance.owner_id) not in dict(choices):
            choices.append((str(instance.owner_id), str(instance.owner)))  # a former member
        cast(forms.ChoiceField, self.fields["owner"]).choices = choices
        if instance is not None:
            add_version_field(self, instance)

    @staticmethod
    def _initial_from(lead: Lead, definitions: list[CustomField]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(lead, name)
            for name in ("name", "company_name", "email", "phone", "message", "source")
        }
        initial["owner"] = lead.owner_id
        initial["tags"] = ", ".join(tag.name for tag in lead.tags.all())
        for definition in definitions:
            initial[CUSTOM_PREFIX + definition.key] = definition.type.initial(
                lead.custom_fields.get(definition.key)
            )
        return initial

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
            elif name == "owner":
                data["owner_id"] = value
            else:
                data[name] = value
        return data


class ReasonForm(StyledForm, forms.Form):
    label = forms.CharField(label=_("New reason"), max_length=100)


class WebFormSettingsForm(StyledForm, forms.Form):
    is_enabled = forms.BooleanField(label=_("Accept submissions"), required=False)
    team = forms.TypedChoiceField(
        label=_("Team receiving the leads"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Its members get the form's leads in turn; without a team, leads arrive unassigned."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = [("", "—"), *((str(team.pk), team.name) for team in Team.objects.order_by("name"))]
        cast(forms.ChoiceField, self.fields["team"]).choices = teams
