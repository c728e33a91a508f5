"""Forms of the customer pages: contacts and companies (whole, or one field group at a time for
inline editing on the cards), their repeated email and phone rows, and custom field definitions.

The forms check shapes (lengths, numbers, dates, choices); the services decide everything else
and their ValidationError keys (`emails.1.email`, `custom_fields.size`, `owner_id`) are put back
on the field they name by `apply_service_error`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

from kliento.core.countries import country_choices
from kliento.core.errors import DomainError
from kliento.core.forms import VERSION_FIELD, ErrorLink, StyledForm, add_version_field
from kliento.core.models import LANGUAGE_CHOICES, Membership
from kliento.core.records.fields.models import CustomField
from kliento.customers.models import (
    NAME_MAX,
    TEXT_MAX,
    Channel,
    Company,
    ContactEmail,
    ContactPhone,
    CustomerEntity,
    LifecycleStage,
    Source,
)
from kliento.customers.normalize import format_phone
from kliento.customers.services import MAX_EMAILS, sort_key

BLANK = [("", "—")]
ADDRESS_FIELDS = ("street", "postal_code", "city", "region", "country")
CUSTOM_PREFIX = "cf_"
# Service error keys that a form shows under another name.
FORM_FIELD_FOR = {"owner_id": "owner", "company_id": "company"}


def _styled(form_field: forms.Field) -> forms.Field:
    """The Bootstrap classes StyledForm gives fields declared on the class, for fields added later."""
    widget = form_field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return form_field
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form_field


def split_tags(text: str) -> list[str]:
    """Comma-separated tag names, trimmed, without empties or repeats (case-insensitively)."""
    names: list[str] = []
    for part in text.split(","):
        name = part.strip()
        if name and name.casefold() not in {existing.casefold() for existing in names}:
            names.append(name)
    return names


def owner_choices() -> list[tuple[str, str]]:
    """Active members of the organization, by name, for owner selects."""
    memberships = Membership.objects.active().select_related("user")
    users = sorted((membership.user for membership in memberships), key=lambda user: str(user).casefold())
    return BLANK + [(str(user.pk), str(user)) for user in users]


# Custom fields on record forms ------------------------------------------------------------


def custom_form_field(definition: CustomField) -> forms.Field:
    """The input a custom field needs, by type, with its label, help text and required marker."""
    return _styled(definition.type.form_field())


# Contact and company forms ----------------------------------------------------------------


class CustomerForm(StyledForm, forms.Form):
    """What contact and company forms share: custom fields, owner choices, inline field groups."""

    entity: ClassVar[str]
    # Fields edited together when one value on the card is edited inline.
    INLINE_GROUPS: ClassVar[dict[str, tuple[str, ...]]]

    source = forms.ChoiceField(label=_("Source"), choices=[*BLANK, *Source.choices], required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)
    lifecycle_stage = forms.ChoiceField(
        label=_("Lifecycle stage"), choices=LifecycleStage.choices, initial=LifecycleStage.LEAD
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1000, help_text=_("Separate tags with commas.")
    )
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    # Choices are set per form, in the language of the request.
    country = forms.ChoiceField(
        label=_("Country"), required=False, widget=forms.Select(attrs={"autocomplete": "country"})
    )
    description = forms.CharField(
        label=_("Notes"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        member: Membership,
        definitions: list[CustomField],
        instance: Any = None,
        only: Iterable[str] | None = None,
        region: str = "",
        **kwargs: Any,
    ) -> None:
        # The phone region, not the address field of that name: Django keeps fields in self.fields.
        self.region = region  # type: ignore[assignment]
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = self.initial_from(instance, definitions)
        elif instance is None:
            kwargs["initial"] = {"owner": member.user_id, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.member = member
        self.instance = instance
        self.definitions = {definition.key: definition for definition in definitions}
        for definition in definitions:
            self.fields[CUSTOM_PREFIX + definition.key] = custom_form_field(definition)
        if instance is not None:
            del self.fields["lifecycle_stage"]
        if only is not None:
            keep = set(only)
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]
        if instance is not None:
            add_version_field(self, instance)
        if "country" in self.fields:
            cast(forms.ChoiceField, self.fields["country"]).choices = BLANK + country_choices()
        if "owner" in self.fields:
            choices = owner_choices()
            if instance is not None and instance.owner_id and str(instance.owner_id) not in dict(choices):
                choices.append((str(instance.owner_id), str(instance.owner)))  # a former member
            cast(forms.ChoiceField, self.fields["owner"]).choices = choices

    @classmethod
    def from_posted(cls, data: QueryDict, **kwargs: Any) -> Self:
        """An unbound form showing what was posted: for a re-render that is not a save."""
        form = cls(**kwargs)
        form.initial = {
            name: form_field.widget.value_from_datadict(data, {}, form.add_prefix(name))
            for name, form_field in form.fields.items()
        }
        return form

    @classmethod
    def inline_fields(cls, group: str, definitions: Iterable[CustomField]) -> tuple[str, ...]:
        """The form fields one inline edit shows; 404 for a group the card does not have."""
        if group in cls.INLINE_GROUPS:
            return cls.INLINE_GROUPS[group]
        if group.startswith(CUSTOM_PREFIX) and group[len(CUSTOM_PREFIX) :] in {d.key for d in definitions}:
            return (group,)
        raise Http404

    def initial_from(self, instance: Any, definitions: list[CustomField]) -> dict[str, Any]:
        initial = {name: getattr(instance, name) for name in self.declared_fields if hasattr(instance, name)}
        initial["owner"] = instance.owner_id
        initial["tags"] = ", ".join(tag.name for tag in instance.tags.all())
        for definition in definitions:
            stored = instance.custom_fields.get(definition.key)
            initial[CUSTOM_PREFIX + definition.key] = definition.type.initial(stored)
        return initial

    def custom_fields_shown(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(CUSTOM_PREFIX)]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values in the shape the services take, for the fields this form has."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == VERSION_FIELD:
                continue  # not a value of the record: the service's expected_version
            if name.startswith(CUSTOM_PREFIX):
                key = name[len(CUSTOM_PREFIX) :]
                data.setdefault("custom_fields", {})[key] = self.definitions[key].type.from_form(value)
            elif name == "tags":
                data["tags"] = split_tags(value or "")
            elif name in ("owner", "company"):
                # Unchanged links are left alone: a former member or a trashed company stays.
                if self.instance is None or getattr(self.instance, f"{name}_id") != value:
                    data[f"{name}_id"] = value
            else:
                data[name] = value
        return data

    def label_for(self, key: str) -> str:
        """A readable name for a service error key the form has no field for."""
        if key.startswith("custom_fields."):
            definition = self.definitions.get(key.split(".", 1)[1])
            return definition.label if definition else key
        name = FORM_FIELD_FOR.get(key, key)
        declared = self.declared_fields.get(name)
        return str(declared.label) if declared is not None and declared.label else key


class ContactForm(CustomerForm):
    entity = CustomerEntity.CONTACT
    INLINE_GROUPS = {
        "name": ("first_name", "last_name"),
        "job_title": ("job_title",),
        "birthday": ("birthday",),
        "preferred_language": ("preferred_language",),
        "preferred_channel": ("preferred_channel",),
        "source": ("source",),
        "owner": ("owner",),
        "tags": ("tags",),
        "address": ADDRESS_FIELDS,
        "description": ("description",),
    }

    first_name = forms.CharField(
        label=_("First name"),
        max_length=NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # The company's id; the page picks it with a search box (never a select of every company).
    company = forms.IntegerField(label=_("Company"), required=False, widget=forms.HiddenInput)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    birthday = forms.DateField(
        label=_("Birthday"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=BLANK + list(LANGUAGE_CHOICES), required=False
    )
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=[*BLANK, *Channel.choices], required=False
    )
    field_order = ["first_name", "last_name", "company", "job_title"]

    def initial_from(self, instance: Any, definitions: list[CustomField]) -> dict[str, Any]:
        initial = super().initial_from(instance, definitions)
        initial["company"] = instance.company_id
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Without a pick from the suggestions, a typed name that names one company is enough.
        typed = str(self.data.get("company_search", "")).strip()
        if "company" in self.fields and cleaned.get("company") is None and typed:
            matches = list(
                Company.objects.visible_to(self.member)
                .filter(sort_name=sort_key(typed))
                .values_list("pk", flat=True)[:2]
            )
            if len(matches) == 1:
                cleaned["company"] = matches[0]
            else:
                self.add_error("company", _("Pick the company from the suggestions."))
        return cleaned


class CompanyForm(CustomerForm):
    entity = CustomerEntity.COMPANY
    INLINE_GROUPS = {
        "name": ("name",),
        "website": ("website",),
        "industry": ("industry",),
        "employees": ("employees",),
        "email": ("email",),
        "phone": ("phone",),
        "source": ("source",),
        "owner": ("owner",),
        "tags": ("tags",),
        "address": ADDRESS_FIELDS,
        "description": ("description",),
    }

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    website = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    field_order = ["name", "website", "industry", "employees", "email", "phone"]

    def initial_from(self, instance: Any, definitions: list[CustomField]) -> dict[str, Any]:
        initial = super().initial_from(instance, definitions)
        initial["phone"] = format_phone(instance.phone, self.region)
        return initial


# Email and phone rows ---------------------------------------------------------------------


@dataclass
class RowEntry:
    value: str = ""
    label: str = ""
    errors: list[str] = field(default_factory=list)


ROW_KINDS: dict[str, tuple[str, Any]] = {
    "emails": ("email", ContactEmail.Label),
    "phones": ("number", ContactPhone.Label),
}


@dataclass
class Rows:
    """A contact's emails or phones as repeated inputs: `emails-0-email`, `emails-0-label` and one
    `emails-primary` radio group, so rows are added and removed without a formset's counters."""

    kind: str
    entries: list[RowEntry]
    primary: int = 0
    errors: list[str] = field(default_factory=list)
    index_map: dict[int, int] = field(default_factory=dict)  # service index -> row

    @property
    def value_field(self) -> str:
        return ROW_KINDS[self.kind][0]

    @property
    def label_choices(self) -> list[tuple[str, str]]:
        choices: list[tuple[str, str]] = ROW_KINDS[self.kind][1].choices
        return choices

    @property
    def can_add(self) -> bool:
        return len(self.entries) < MAX_EMAILS

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(entry.errors for entry in self.entries)

    @classmethod
    def empty(cls, kind: str) -> Rows:
        return cls(kind=kind, entries=[RowEntry()])

    @classmethod
    def from_records(cls, kind: str, records: Iterable[Any], *, region: str = "") -> Rows:
        entries, primary = [], 0
        for index, record in enumerate(records):
            value = record.email if kind == "emails" else format_phone(record.number, region)
            entries.append(RowEntry(value=value, label=record.label))
            if record.is_primary:
                primary = index
        return cls(kind=kind, entries=entries or [RowEntry()], primary=primary)

    @classmethod
    def from_data(cls, kind: str, data: Mapping[str, Any]) -> Rows:
        value_field = ROW_KINDS[kind][0]
        pattern = re.compile(rf"^{kind}-(\d+)-{value_field}$")
        indexes = sorted({int(match.group(1)) for key in data if (match := pattern.match(key))})[:MAX_EMAILS]
        entries = [
            RowEntry(
                value=str(data.get(f"{kind}-{index}-{value_field}", "")).strip(),
                label=str(data.get(f"{kind}-{index}-label", "")),
            )
            for index in indexes
        ]
        chosen = str(data.get(f"{kind}-primary", ""))
        primary = indexes.index(int(chosen)) if chosen.isdigit() and int(chosen) in indexes else 0
        return cls(kind=kind, entries=entries, primary=primary)

    def add_row(self) -> None:
        if self.can_add:
            self.entries.append(RowEntry())

    def remove_row(self, index: int) -> None:
        if 0 <= index < len(self.entries):
            del self.entries[index]
            if self.primary == index:
                self.primary = 0
            elif self.primary > index:
                self.primary -= 1
        if not self.entries:
            self.entries.append(RowEntry())

    def service_entries(self) -> list[dict[str, Any]]:
        """The filled rows as the services take them; remembers which row each one came from."""
        entries: list[dict[str, Any]] = []
        self.index_map = {}
        for row, entry in enumerate(self.entries):
            if not entry.value:
                continue
            self.index_map[len(entries)] = row
            entries.append(
                {self.value_field: entry.value, "label": entry.label, "is_primary": row == self.primary}
            )
        if entries and not any(entry["is_primary"] for entry in entries):
            entries[0]["is_primary"] = True
        return entries

    def error_links(self) -> list[ErrorLink]:
        """The rows' errors for the form's error summary, each linked to its row's input."""
        first = f"{self.kind}-0-{self.value_field}"
        links = [ErrorLink(str(self.legend), message, first) for message in self.errors]
        for index, entry in enumerate(self.entries, start=1):
            label = (
                _("Email address %(number)s") if self.kind == "emails" else _("Phone number %(number)s")
            ) % {"number": index}
            target = f"{self.kind}-{index - 1}-{self.value_field}"
            links += [ErrorLink(str(label), message, target) for message in entry.errors]
        return links

    @property
    def legend(self) -> str:
        return str(_("Email addresses") if self.kind == "emails" else _("Phone numbers"))

    def add_service_error(self, key: str, messages: list[str]) -> None:
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) in self.index_map:
            self.entries[self.index_map[int(parts[1])]].errors.extend(messages)
        else:
            self.errors.extend(messages)


def apply_rows_action(action: str, rows: Mapping[str, Rows]) -> None:
    """`add:emails` or `remove:phones:2`, from the rows' add and remove buttons."""
    verb, _sep, rest = action.partition(":")
    kind, _sep, index = rest.partition(":")
    if kind not in rows:
        return
    if verb == "add":
        rows[kind].add_row()
    elif verb == "remove" and index.isdigit():
        rows[kind].remove_row(int(index))


def apply_service_error(
    form: CustomerForm | forms.Form,
    error: ValidationError | DomainError,
    rows: Mapping[str, Rows] | None = None,
) -> None:
    """Put a service's refusal next to the field it names (rows included); else above the form."""
    rows = rows or {}
    if isinstance(error, DomainError):
        name = FORM_FIELD_FOR.get(error.field or "", error.field or "")
        form.add_error(name if name in form.fields else None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        messages = ValidationError(errors).messages
        head = key.split(".", 1)[0]
        if head in rows:
            rows[head].add_service_error(key, messages)
            continue
        if key.startswith("custom_fields."):
            name = CUSTOM_PREFIX + key.split(".", 1)[1]
        else:
            name = FORM_FIELD_FOR.get(key, key)
        if name in form.fields:
            form.add_error(name, messages)
        elif key == "__all__":
            form.add_error(None, messages)
        else:
            label = form.label_for(key) if isinstance(form, CustomerForm) else key
            form.add_error(None, [f"{label}: {message}" for message in messages])


# Custom field definitions ------------------------------------------------------------------
