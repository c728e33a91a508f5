"""Telephony providers' webhooks: who sent them (a per-organization secret and signature), what they
say (one generic JSON format, Twilio's voice status callbacks), and the call they update.

The generic format (docs/telephony.md) is a JSON object

    {"call_id": "c-123", "from": "+49 30 901820", "to": "+49 30 555000", "direction": "inbound",
     "status": "ringing", "started_at": "2026-12-01T09:30:00Z", "answered_at": null,
     "ended_at": null, "agent": "bob@acme.test"}

sent to `/api/v1/telephony/generic/?organization=<slug>` with the headers
`X-Kliento-Timestamp: <unix seconds>` and `X-Kliento-Signature: sha256=<hex>`, the HMAC-SHA256 of
`<timestamp>.<body>` keyed with the organization's telephony secret; a timestamp more than five
minutes away from the server's clock is refused, so a captured request cannot be replayed later.

Twilio's status callbacks (application/x-www-form-urlencoded) go to
`/api/v1/telephony/twilio/?organization=<slug>` and are checked as Twilio documents: the
base64 HMAC-SHA1, keyed with the account's auth token, of the full URL followed by each POST
parameter's name and value in the order of the names, compared with `X-Twilio-Signature`.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kliento.activities.models import Call, Direction, TelephonySettings
from kliento.activities.selectors import normalized_number
from kliento.core.audit import column_values, record_change, save_changed_fields
from kliento.core.errors import InvalidInput
from kliento.core.models import AuditEntry, Membership, Organization, User

GENERIC = "generic"
TWILIO = "twilio"
PROVIDERS = (GENERIC, TWILIO)
TIMESTAMP_TOLERANCE = 300  # seconds
SIGNATURE_HEADER = "X-Kliento-Signature"
TIMESTAMP_HEADER = "X-Kliento-Timestamp"
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"

# Where a call may go next: a late "ringing" never undoes an answer, a repeated event changes nothing.
_STATUS_RANK: dict[str, int] = {
    Call.Status.RINGING: 0,
    Call.Status.ANSWERED: 1,
    Call.Status.COMPLETED: 2,
    Call.Status.MISSED: 2,
}
# Twilio's CallStatus values (https://www.twilio.com/docs/voice/api/call-resource#call-status-values).
_TWILIO_STATUS = {
    "queued": Call.Status.RINGING,
    "initiated": Call.Status.RINGING,
    "ringing": Call.Status.RINGING,
    "in-progress": Call.Status.ANSWERED,
    "completed": Call.Status.COMPLETED,
    "busy": Call.Status.MISSED,
    "no-answer": Call.Status.MISSED,
    "failed": Call.Status.MISSED,
    "canceled": Call.Status.MISSED,
}


class WebhookRefused(Exception):
    """The request did not prove it came from the organization's provider: nothing is stored."""


@dataclass(frozen=True)
class CallEvent:
    provider: str
    call_id: str
    from_number: str
    to_number: str
    direction: str
    status: str
    at: datetime.datetime  # when the provider saw this status
    started_at: datetime.datetime | None = None
    answered_at: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None
    duration_seconds: int | None = None
    agent_email: str = ""


# Secrets -----------------------------------------------------------------------------------------


def _fernet() -> Fernet:
    key = hashlib.sha256(f"kliento-telephony-token:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_token(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode() if token else ""


def decrypt_token(stored: str) -> str:
    """The provider's token, or "" when none is stored or the server's key changed since."""
    if not stored:
        return ""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        return ""


def generic_secret(telephony: TelephonySettings) -> str:
    """The generic format's signing secret: derived from the server's key and the salt, so the
    database alone does not hold it; a new salt replaces it."""
    message = f"kliento-telephony:{telephony.organization_id}:{telephony.secret_salt}".encode()
    return "whsec_" + hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def settings_of(organization: Organization) -> TelephonySettings:
    """The organization's telephony settings, made with a fresh salt the first time."""
    existing = TelephonySettings.unscoped.filter(organization=organization).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return TelephonySettings.unscoped.create(
                organization=organization, secret_salt=secrets.token_hex(16)
            )
    except IntegrityError:  # made by a parallel request a moment ago
        return TelephonySettings.unscoped.get(organization=organization)


@transaction.atomic
def rotate_secret(*, member: Membership) -> TelephonySettings:
    telephony = settings_of(member.organization)
    telephony = TelephonySettings.objects.select_for_update().get(pk=telephony.pk)
    telephony.secret_salt = secrets.token_hex(16)
    telephony.updated_by = member.user
    telephony.save(update_fields=["secret_salt", "updated_by", "updated_at"])
    record_change(
        telephony, action=AuditEntry.Action.UPDATE, actor=member.user, changes={"secret": ["…", "…"]}
    )
    return telephony


@transaction.atomic
def set_twilio_token(*, member: Membership, token: str) -> TelephonySettings:
    telephony = settings_of(member.organization)
    telephony = TelephonySettings.objects.select_for_update().get(pk=telephony.pk)
    telephony.twilio_auth_token = encrypt_token(token.strip())
    telephony.updated_by = member.user
    telephony.save(update_fields=["twilio_auth_token", "updated_by", "updated_at"])
    record_change(
        telephony,
        action=AuditEntry.Action.UPDATE,
        actor=member.user,
        changes={"twilio_auth_token": ["…", "…" if token else ""]},
    )
    return telephony


# Signatures --------------------------------------------------------------------------------------


def sign_generic(secret: str, body: bytes, timestamp: int) -> str:
    """The header value a sender puts in X-Kliento-Signature."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def check_generic_signature(secret: str, body: bytes, timestamp: str, signature: str) -> None:
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookRefused("missing or malformed timestamp") from None
    if abs(time.time() - sent_at) > TIMESTAMP_TOLERANCE:
        raise WebhookRefused("timestamp outside the tolerance")
    if not hmac.compare_digest(sign_generic(secret, body, sent_at), signature.strip()):
        raise WebhookRefused("bad signature")


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's X-Twilio-Signature for a POST to `url` with these form parameters."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def check_twilio_signature(token: str, url: str, params: dict[str, str], signature: str) -> None:
    if not token:
        raise WebhookRefused("no Twilio auth token configured")
    if not hmac.compare_digest(twilio_signature(token, url, params), signature.strip()):
        raise WebhookRefused("bad signature")


# Payloads ----------------------------------------------------------------------------------------


def _moment(value: Any, field: str) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or timezone.is_naive(parsed):
        raise InvalidInput(_("Give an ISO 8601 time with its time zone."), field=field)
    return parsed


def _text(data: dict[str, Any], name: str, *, required: bool = True, max_length: int = 100) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_length:
        raise InvalidInput(_("Give a text of at most %(max)s characters.") % {"max": max_length}, field=name)
    return value.strip()


def parse_generic(body: bytes) -> CallEvent:
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidInput(_("The body is not JSON."), field="body") from None
    if not isinstance(data, dict):
        raise InvalidInput(_("The body must be a JSON object."), field="body")
    direction = data.get("direction")
    if direction not in Direction.values:
        raise InvalidInput(_("Give inbound or outbound."), field="direction")
    status = data.get("status")
    if status not in Call.Status.values:
        raise InvalidInput(_("Give ringing, answered, completed or missed."), field="status")
    started_at = _moment(data.get("started_at"), "started_at")
    answered_at = _moment(data.get("answered_at"), "answered_at")
    ended_at = _moment(data.get("ended_at"), "ended_at")
    return CallEvent(
        provider=GENERIC,
        call_id=_text(data, "call_id"),
        from_number=_text(data, "from", max_length=40),
        to_number=_text(data, "to", required=False, max_length=40),
        direction=direction,
        status=status,
        at=ended_at or answered_at or started_at or timezone.now(),
        started_at=started_at,
        answered_at=answered_at,
        ended_at=ended_at,
        agent_email=_text(data, "agent", required=False, max_length=254),
    )


def parse_twilio(params: dict[str, str]) -> CallEvent:
    status = _TWILIO_STATUS.get(params.get("CallStatus", ""))
    if status is None:
        raise InvalidInput(_("Unknown call status."), field="CallStatus")
    at = timezone.now()
    if params.get("Timestamp"):
        try:
            at = parsedate_to_datetime(params["Timestamp"])
        except (TypeError, ValueError):
            raise InvalidInput(_("Unknown time."), field="Timestamp") from None
    duration = params.get("CallDuration", "")
    direction = Direction.INBOUND if params.get("Direction", "inbound") == "inbound" else Direction.OUTBOUND
    return CallEvent(
        provider=TWILIO,
        call_id=_text(params, "CallSid"),
        from_number=_text(params, "From", max_length=40),
        to_number=_text(params, "To", required=False, max_length=40),
        direction=direction,
        status=status,
        at=at,
        duration_seconds=int(duration) if duration.isdigit() else None,
    )


# The call ----------------------------------------------------------------------------------------


def _agent(email: str) -> User | None:
    if not email:
        return None
    membership = Membership.objects.active().filter(user__email__iexact=email).select_related("user").first()
    return membership.user if membership else None


def _apply(call: Call, event: CallEvent) -> None:
    """Move the call forward to what the event says; never backwards."""
    if event.started_at and (call.started_at is None or event.started_at < call.started_at):
        call.started_at = event.started_at
    if _STATUS_RANK[event.status] >= _STATUS_RANK[call.status] and call.status not in (
        Call.Status.COMPLETED,
        Call.Status.MISSED,
    ):
        call.status = event.status
    if event.status == Call.Status.ANSWERED and call.answered_at is None:
        call.answered_at = event.answered_at or event.at
    if event.answered_at and call.answered_at is None:
        call.answered_at = event.answered_at
    if event.status in (Call.Status.COMPLETED, Call.Status.MISSED):
        call.ended_at = call.ended_at or event.ended_at or event.at
        if event.status == Call.Status.COMPLETED and call.answered_at is None and event.duration_seconds:
            # Twilio reports no answer moment: an answered call lasted its duration up to its end.
            call.answered_at = call.ended_at - datetime.timedelta(seconds=event.duration_seconds)
        if event.status == Call.Status.COMPLETED and call.answered_at is None:
            call.status = Call.Status.MISSED  # ended without ever being answered
    if call.status == Call.Status.MISSED and call.answered_at is not None:
        # The news of the answer arrived after the end (deliveries overtake each other).
        call.status = Call.Status.COMPLETED
    if call.ended_at and call.answered_at and not call.duration_seconds:
        call.duration_seconds = event.duration_seconds or max(
            0, int((call.ended_at - call.answered_at).total_seconds())
        )
    elif call.ended_at and call.status == Call.Status.MISSED and call.duration_seconds is None:
        call.duration_seconds = 0


@transaction.atomic
def record_call_event(event: CallEvent, *, organization: Organization) -> Call:
    """Create or update the call the provider names (one row per provider call id, however often
    the webhook fires), under a row lock so two deliveries at once stay one call."""
    label = event.provider.title()
    calls = Call.objects.select_for_update().filter(provider=event.provider, provider_call_id=event.call_id)
    call = calls.first()
    if call is None:
        region = organization.default_region
        customer_side = event.from_number if event.direction == Direction.INBOUND else event.to_number
        fresh = Call(
            organization=organization,
            provider=event.provider,
            provider_call_id=event.call_id,
            direction=event.direction,
            from_number=event.from_number,
            to_number=event.to_number,
            customer_number=normalized_number(customer_side, region),
            status=Call.Status.RINGING,
            started_at=event.started_at or event.at,
            agent=_agent(event.agent_email),
        )
        _apply(fresh, event)
        try:
            with transaction.atomic():
                fresh.save()
        except IntegrityError:  # a parallel delivery made it first: update theirs
            call = calls.get()
        else:
            record_change(
                fresh,
                action=AuditEntry.Action.CREATE,
                actor=None,
                actor_label=label,
                changes={"status": [None, fresh.status], "customer_number": [None, fresh.customer_number]},
            )
            return fresh
    before = column_values(call)
    _apply(call, event)
    if event.agent_email and call.agent_id is None:
        call.agent = _agent(event.agent_email)
    changes = save_changed_fields(call, before, actor=None)
    if changes:
        record_change(call, action=AuditEntry.Action.UPDATE, actor=None, actor_label=label, changes=changes)
    return call
