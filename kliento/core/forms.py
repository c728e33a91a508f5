from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from kliento.core import throttling
from kliento.core.audit import record_version
from kliento.core.errors import StaleRecord
from kliento.core.models import AuditEntry, Organization, Team, User
from kliento.core.permissions import Role
from kliento.core.text import text_errors


@dataclass(frozen=True)
class ErrorLink:
    """One line of a form's error summary: the field's label, the message, and the id of the input
    it links to (empty for an error of the whole form)."""

    label: str
    message: str
    target: str


class StyledBoundField(forms.BoundField):
    """Marks an invalid input with Bootstrap's is-invalid (Django adds aria-invalid), whenever the
    error was added: by the form's own checks or afterwards from a service's refusal."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            widget = widget or self.field.widget
            css = attrs.get("class", widget.attrs.get("class", ""))
            attrs["class"] = f"{css} is-invalid".strip()
        return attrs


if TYPE_CHECKING:
    # The mixin is placed before a Django form class, which gives it its fields and errors.
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class StyledForm(_FormBase):
    """Gives every widget Bootstrap's classes, and marks invalid fields visibly and for screen readers."""

    bound_field_class: type[forms.BoundField] | None = StyledBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        if hasattr(self, "cleaned_data"):
            self._check_text()

    def _check_text(self) -> None:
        """The text checks the API applies too (`core.text`); text areas may hold line breaks."""
        fields = self.fields
        values = {
            name: value
            for name, value in self.cleaned_data.items()
            if name in fields and not isinstance(fields[name].widget, forms.PasswordInput)
        }
        multiline = frozenset(name for name in values if isinstance(fields[name].widget, forms.Textarea))
        for name, message in text_errors(values, multiline=multiline).items():
            self.add_error(name, message)


VERSION_FIELD = "version"


def add_version_field(form: forms.Form, instance: Any) -> None:
    """A hidden field with the version of the record the form was opened on, so that saving can
    refuse to overwrite a change someone made meanwhile (the service raises StaleRecord)."""
    form.fields[VERSION_FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, initial=record_version(instance)
    )


def expected_version(form: forms.Form) -> str | None:
    """The version a valid form was opened on, if it has the field."""
    return form.cleaned_data.get(VERSION_FIELD) or None


def show_conflict(form: forms.Form, error: StaleRecord, instance: Any) -> None:
    """Say above the form that the record changed meanwhile, and carry the version stored now, so
    that saving again is a deliberate choice to replace the other person's change."""
    consequence = _("Saving again replaces their changes with the values below.")
    form.add_error(None, f"{error.message} {consequence}")
    data = cast(QueryDict, form.data).copy()  # a bound form of a request: its POST
    data[form.add_prefix(VERSION_FIELD)] = record_version(instance)
    form.data = data


class SignInForm(StyledForm, forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        email, password = cleaned.get("email"), cleaned.get("password")
        if not email or not password:
            return cleaned
        client = throttling.client_address(self.request)
        if not throttling.begin_sign_in(email=email, client=client):
            raise forms.ValidationError(
                _("Too many failed attempts. Wait a few minutes, or reset your password."), code="throttled"
            )
        user = authenticate(self.request, username=email, password=password)
        if user is None:
            raise forms.ValidationError(_("This email and password do not match an account."), code="invalid")
        throttling.sign_in_succeeded(email=email, client=client)
        self.user = user
        return cleaned


class OrganizationSettingsForm(StyledForm, forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = [
            "name",
            "base_currency",
            "default_locale",
            "time_zone",
            "default_region",
            "record_visibility",
        ]


class InviteForm(StyledForm, forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SALESPERSON)

    def __init__(self, *args: object, grantable: list[Role], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (role.value, role.label) for role in grantable
        ]


class RoleForm(StyledForm, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiKeyForm(StyledForm, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What uses this key, e.g. “Website form”.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args: object, grantable: list[Role], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (role.value, role.label) for role in grantable
        ]


class TeamForm(StyledForm, forms.ModelForm[Team]):
    class Meta:
        model = Team
        fields = ["name", "manager", "members"]
        widgets = {"members": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args: object, users: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        user_ids = [user.pk for user in users]
        cast(forms.ModelChoiceField[User], self.fields["manager"]).queryset = User.objects.filter(
            pk__in=user_ids
        )
        cast(forms.ModelChoiceField[User], self.fields["members"]).queryset = User.objects.filter(
            pk__in=user_ids
        )

    def validate_unique(self) -> None:
        """Name clashes are the service's rule (it also checks trashed teams on restore)."""


class ProfileForm(StyledForm, forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone"]


class AcceptInvitationForm(StyledForm, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password, User(email=self.email))
        return password


class AuditFilterForm(StyledForm, forms.Form):
    """The audit log's filters, read from the query string; every one is optional."""

    actor = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    record_type = forms.ChoiceField(label=_("Kind of record"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, people: list[User], kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = ("", _("Everyone"))
        cast(forms.ChoiceField, self.fields["actor"]).choices = [
            everyone,
            *((user.pk, str(user)) for user in people),
        ]
        cast(forms.ChoiceField, self.fields["record_type"]).choices = [("", _("All kinds")), *kinds]
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("All actions")),
            *AuditEntry.Action.choices,
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned


class PasswordChangeForm(StyledForm, auth_forms.PasswordChangeForm):
    """Django's own check of the current password and the password validators, in our styles."""
