"""The public lead form: settings (token, team, on or off) and what one submission does.

A submission is stored as it came (`LeadSubmission`), whatever becomes of it; then it is refused
as spam (the honeypot field was filled) or as invalid, recognized as a repeat of one sent within
the last minutes (the same lead is answered, no second one is made), or made into a lead, whose
owner is the next member of the form's team in turn. Submissions to one form run one after the
other (the form's row is locked), so parallel submissions get distinct owners in turn and a
double submit cannot make two leads.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.core.audit import column_values, create_record, lock_record, record_change, save_changed_fields
from kliento.core.forms import StyledForm
from kliento.core.models import AuditEntry, Membership, Team, TeamMember
from kliento.core.permissions import Permission
from kliento.core.services import require
from kliento.core.throttling import Rule
from kliento.leads.models import MESSAGE_MAX, NAME_MAX, UTM_KEYS, LeadSource, LeadSubmission, WebForm
from kliento.leads.services import create_lead

THROTTLE_SCOPE = "lead_form"
HONEYPOT = "website"  # a field people never see: bots fill in every field named like this
REPEAT_WINDOW = datetime.timedelta(minutes=10)
MAX_BODY_BYTES = 16 * 1024  # the largest form body taken: a message of 5,000 characters fits
MAX_RAW_VALUE = 6000  # characters of one stored raw value
MAX_RAW_FIELDS = 40
FIRST_TOUCH_PREFIX = "first_"  # first_utm_source…: what the page's script kept from the first visit


def throttle_rule() -> Rule:
    """A visitor may send ten forms in ten minutes; then each further one waits longer."""
    return Rule(
        limit=10,
        first_delay=datetime.timedelta(minutes=1),
        max_delay=datetime.timedelta(hours=1),
        forget_after=datetime.timedelta(minutes=10),
    )


class PublicLeadForm(StyledForm, forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=NAME_MAX)
    email = forms.CharField(label=gettext_lazy("Email"), max_length=254, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    company = forms.CharField(label=gettext_lazy("Company"), max_length=NAME_MAX, required=False)
    message = forms.CharField(
        label=gettext_lazy("Message"), max_length=MESSAGE_MAX, required=False, widget=forms.Textarea
    )

    multiline_fields = frozenset({"message"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and not self.has_error("email"):
            self.add_error("email", _("Give an email address or a phone number, so we can answer."))
        return data


@dataclass
class SubmissionResult:
    submission: LeadSubmission
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        return self.submission.outcome

    @property
    def is_accepted(self) -> bool:
        return self.outcome in (LeadSubmission.Outcome.CREATED, LeadSubmission.Outcome.REPEATED)


# Settings -----------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(24)


def web_form_of_organization() -> WebForm | None:
    return WebForm.objects.select_related("team").first()


@transaction.atomic
def enable_web_form(*, member: Membership) -> WebForm:
    """The organization's form, made on first use with a fresh token."""
    require(member, Permission.MANAGE_ORGANIZATION)
    existing = WebForm.objects.first()
    if existing is not None:
        return existing
    web_form = WebForm(organization_id=member.organization_id, token=new_token())
    return create_record(web_form, actor=member.user)


@transaction.atomic
def rotate_token(*, member: Membership, web_form: WebForm) -> WebForm:
    """A new token: pages embedding the old one stop working (their form answers "not found")."""
    require(member, Permission.MANAGE_ORGANIZATION)
    lock_record(web_form)
    web_form.token = new_token()
    web_form.token_rotated_at = timezone.now()
    web_form.updated_by = member.user
    web_form.save(update_fields=["token", "token_rotated_at", "updated_by", "updated_at"])
    # The token is a secret: the history says that it changed, never what it is.
    record_change(
        web_form, action=AuditEntry.Action.UPDATE, actor=member.user, changes={"token": [None, "…"]}
    )
    return web_form


@transaction.atomic
def update_web_form(
    *, member: Membership, web_form: WebForm, is_enabled: bool, team_id: int | None
) -> WebForm:
    require(member, Permission.MANAGE_ORGANIZATION)
    if team_id is not None and not Team.objects.filter(pk=team_id).exists():
        raise ValidationError({"team": [_("There is no such team.")]})
    lock_record(web_form)
    before = column_values(web_form)
    web_form.is_enabled, web_form.team_id = is_enabled, team_id
    changes = save_changed_fields(web_form, before, actor=member.user)
    if changes:
        record_change(web_form, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return web_form


# Submissions --------------------------------------------------------------------------------


def web_form_for_token(token: str) -> WebForm | None:
    """The enabled form this token opens, in whichever organization: the token is the only thing a
    visitor has, so the form is found before any organization is active."""
    if not token or len(token) > 64:
        return None
    return WebForm.unscoped.filter(token=token, is_enabled=True).first()


def _storable(value: Any) -> str:
    """A raw value as the database can hold it: text without NUL or lone surrogates, cut short."""
    text = str(value)[:MAX_RAW_VALUE]
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def raw_payload(fields: Mapping[str, Any], query: Mapping[str, Any]) -> dict[str, Any]:
    """What came, as it came (first values of the body's fields, then the query's), within bounds."""
    raw: dict[str, Any] = {}
    for source, values in (("fields", fields), ("query", query)):
        kept = {
            _storable(name)[:100]: _storable(value) for name, value in list(values.items())[:MAX_RAW_FIELDS]
        }
        if kept:
            raw[source] = kept
    return raw


def touches(fields: Mapping[str, Any], query: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """First and last touch from the form's hidden fields (first_utm_source, utm_source, …), the
    last falling back to the query string of the form's address."""
    first = {key: str(fields.get(f"{FIRST_TOUCH_PREFIX}utm_{key}", "")) for key in UTM_KEYS}
    last = {key: str(fields.get(f"utm_{key}") or query.get(f"utm_{key}") or "") for key in UTM_KEYS}
    return {k: v for k, v in first.items() if v.strip()}, {k: v for k, v in last.items() if v.strip()}


def fingerprint(organization_id: int, cleaned: Mapping[str, Any]) -> str:
    typed = [
        str(cleaned.get(name) or "").strip().casefold()
        for name in ("name", "email", "phone", "company", "message")
    ]
    return hashlib.sha256(json.dumps([organization_id, *typed]).encode()).hexdigest()


def _next_owner(web_form: WebForm) -> int | None:
    """The member of the form's team after the last one given a lead, by user id, round the circle."""
    if web_form.team_id is None or not Team.objects.filter(pk=web_form.team_id).exists():
        return None
    team = set(TeamMember.objects.filter(team_id=web_form.team_id).values_list("user_id", flat=True))
    active = sorted(
        Membership.objects.active().filter(user_id__in=team).values_list("user_id", flat=True).distinct()
    )
    if not active:
        return None
    last = web_form.last_assigned_id or 0
    return next((user_id for user_id in active if user_id > last), active[0])


@transaction.atomic
def submit(
    *,
    web_form: WebForm,
    fields: Mapping[str, Any],
    query: Mapping[str, Any] | None = None,
    client: str = "",
    user_agent: str = "",
) -> SubmissionResult:
    """Store one submission of the public form and do what it asks; the form's organization is
    active. Never raises for what a visitor typed: the result says what happened."""
    query = query or {}
    lock_record(web_form)  # one submission of this form at a time: turns and repeats stay exact
    submission = LeadSubmission(
        organization_id=web_form.organization_id,
        web_form=web_form,
        payload=raw_payload(fields, query),
        client=client[:45],
        user_agent=_storable(user_agent)[:300],
    )
    if str(fields.get(HONEYPOT, "")).strip():
        submission.outcome, submission.fingerprint = LeadSubmission.Outcome.SPAM, ""
        submission.save()
        return SubmissionResult(submission, {"": [_("This submission looks automated and was refused.")]})
    form = PublicLeadForm(data=fields)
    if not form.is_valid():
        return _refused(
            submission,
            {name: [str(message) for message in messages] for name, messages in form.errors.items()},
        )
    cleaned = form.cleaned_data
    submission.fingerprint = fingerprint(web_form.organization_id, cleaned)
    earlier = (
        LeadSubmission.objects.filter(
            fingerprint=submission.fingerprint,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
            lead__isnull=False,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if earlier is not None:
        submission.outcome, submission.lead_id = LeadSubmission.Outcome.REPEATED, earlier.lead_id
        submission.save()
        return SubmissionResult(submission)
    first_touch, last_touch = touches(fields, query)
    owner_id = _next_owner(web_form)
    data = {
        "name": cleaned["name"],
        "email": cleaned["email"],
        "phone": cleaned["phone"],
        "company_name": cleaned["company"],
        "message": cleaned["message"],
        "source": LeadSource.WEB_FORM,
        "owner_id": owner_id,
        "first_touch": first_touch,
        "last_touch": last_touch,
    }
    try:
        lead = create_lead(
            member=None, data=data, organization_id=web_form.organization_id, actor_label=_("Web form")
        )
    except ValidationError as error:
        return _refused(submission, error.message_dict)
    if owner_id is not None:
        web_form.last_assigned_id = owner_id
        web_form.save(update_fields=["last_assigned", "updated_at"])
    submission.outcome, submission.lead = LeadSubmission.Outcome.CREATED, lead
    submission.save()
    return SubmissionResult(submission)


def _refused(submission: LeadSubmission, errors: dict[str, list[str]]) -> SubmissionResult:
    submission.outcome = LeadSubmission.Outcome.INVALID
    submission.fingerprint = submission.fingerprint or ""
    submission.save()
    return SubmissionResult(submission, errors)
