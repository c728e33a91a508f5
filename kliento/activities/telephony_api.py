"""The telephony webhook: `POST /api/v1/telephony/generic/` and `/api/v1/telephony/twilio/`, each
with `?organization=<slug>`. Authentication is the signature (see `telephony.py`): a request that
fails it is refused with a 401, logged, and stores nothing."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router
from ninja.security import APIKeyHeader
from pydantic import BaseModel, Field

from kliento.activities import telephony
from kliento.activities.models import TelephonySettings
from kliento.core.models import Organization
from kliento.core.tenancy import activate_organization

logger = logging.getLogger(__name__)

router = Router(tags=["telephony"])


def _organization(request: HttpRequest) -> tuple[Organization, TelephonySettings] | None:
    slug = request.GET.get("organization", "")
    organization = Organization.objects.filter(slug=slug).first() if slug else None
    if organization is None:
        return None
    telephony_settings = TelephonySettings.unscoped.filter(organization=organization).first()
    if telephony_settings is None:
        return None
    return organization, telephony_settings


def _accept(request: HttpRequest, organization: Organization) -> Organization:
    # Attributes Django's HttpRequest does not declare; the handler reads the organization back.
    request.organization = organization  # type: ignore[attr-defined]
    # The web middleware resets the active organization after the response.
    activate_organization(organization.pk)
    return organization


def _refuse(request: HttpRequest, provider: str, reason: str) -> None:
    logger.warning(
        "Telephony webhook refused (%s, organization %r, from %s): %s",
        provider,
        request.GET.get("organization", "")[:60],
        request.META.get("REMOTE_ADDR", ""),
        reason,
    )


class GenericSignature(APIKeyHeader):
    """`X-Kliento-Signature: sha256=<hex>` over `<X-Kliento-Timestamp>.<body>`, keyed with the
    organization's telephony secret (Settings → Telephony)."""

    param_name = telephony.SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Organization | None:
        found = _organization(request)
        if found is None or not key:
            _refuse(request, telephony.GENERIC, "unknown organization or no signature")
            return None
        organization, telephony_settings = found
        try:
            telephony.check_generic_signature(
                telephony.generic_secret(telephony_settings),
                request.body,
                request.headers.get(telephony.TIMESTAMP_HEADER, ""),
                key,
            )
        except telephony.WebhookRefused as refusal:
            _refuse(request, telephony.GENERIC, str(refusal))
            return None
        return _accept(request, organization)


def twilio_urls(request: HttpRequest) -> list[str]:
    """The URLs Twilio may have signed: as this request arrived, and on the configured base URL
    (behind a proxy the two differ)."""
    return list(
        dict.fromkeys(
            [request.build_absolute_uri(), settings.KLIENTO_BASE_URL.rstrip("/") + request.get_full_path()]
        )
    )


class TwilioSignature(APIKeyHeader):
    """`X-Twilio-Signature`, checked with the account's auth token as Twilio documents."""

    param_name = telephony.TWILIO_SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Organization | None:
        found = _organization(request)
        if found is None or not key:
            _refuse(request, telephony.TWILIO, "unknown organization or no signature")
            return None
        organization, telephony_settings = found
        token = telephony.decrypt_token(telephony_settings.twilio_auth_token)
        params = {name: request.POST.get(name, "") for name in request.POST}
        reason = ""
        for url in twilio_urls(request):
            try:
                telephony.check_twilio_signature(token, url, params, key)
            except telephony.WebhookRefused as refusal:
                reason = str(refusal)
                continue
            return _accept(request, organization)
        _refuse(request, telephony.TWILIO, reason)
        return None


class CallEventOut(BaseModel):
    call_id: int = Field(description="Kliento's id of the call.")
    status: str
    customer_number: str
    matches: int = Field(description="How many contacts have this number.")


GENERIC_EXAMPLE = {
    "call_id": "c-20261201-0001",
    "from": "+49 30 901820",
    "to": "+49 30 555000",
    "direction": "inbound",
    "status": "ringing",
    "started_at": "2026-12-01T09:30:00Z",
    "answered_at": None,
    "ended_at": None,
    "agent": "bob@acme.example",
}


def _answer(request: HttpRequest, event: telephony.CallEvent) -> CallEventOut:
    from kliento.activities.selectors import identify_caller

    organization: Organization = request.organization  # type: ignore[attr-defined]  # set by the signature check
    call = telephony.record_call_event(event, organization=organization)
    matches = (
        identify_caller(call.customer_number, region=organization.default_region)
        if call.customer_number
        else []
    )
    return CallEventOut(
        call_id=call.pk, status=call.status, customer_number=call.customer_number, matches=len(matches)
    )


_TEXT = {"type": "string"}
_MOMENT = {"type": "string", "format": "date-time"}
GENERIC_BODY_SCHEMA = {
    "type": "object",
    "required": ["call_id", "from", "direction", "status"],
    "properties": {
        "call_id": {**_TEXT, "maxLength": 100},
        "from": {**_TEXT, "description": "Any format; read in the organization's region."},
        "to": _TEXT,
        "direction": {**_TEXT, "enum": ["inbound", "outbound"]},
        "status": {**_TEXT, "enum": ["ringing", "answered", "completed", "missed"]},
        "started_at": _MOMENT,
        "answered_at": {**_MOMENT, "nullable": True},
        "ended_at": {**_MOMENT, "nullable": True},
        "agent": {
            **_TEXT,
            "description": "Email of the member it rings for; none: everyone on the call screen.",
        },
    },
}
ORGANIZATION_PARAMETER = {
    "name": "organization",
    "in": "query",
    "required": True,
    "schema": _TEXT,
    "description": "The organization's short name (slug).",
}
TIMESTAMP_PARAMETER = {
    "name": telephony.TIMESTAMP_HEADER,
    "in": "header",
    "required": True,
    "schema": {"type": "integer"},
    "description": "Unix time of sending; refused more than five minutes off the server's clock.",
}


@router.post(
    "/telephony/generic",
    auth=GenericSignature(),
    response=CallEventOut,
    openapi_extra={
        "parameters": [ORGANIZATION_PARAMETER, TIMESTAMP_PARAMETER],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": GENERIC_BODY_SCHEMA,
                    "examples": {"ringing": {"value": GENERIC_EXAMPLE}},
                }
            },
        },
    },
)
def generic_webhook(request: HttpRequest) -> CallEventOut:
    """A call event in Kliento's generic format, signed with the organization's telephony secret.
    The same `call_id` sent again updates the same call (never backwards: a late "ringing" after
    "answered" changes nothing)."""
    return _answer(request, telephony.parse_generic(request.body))


@router.post(
    "/telephony/twilio",
    auth=TwilioSignature(),
    response=CallEventOut,
    openapi_extra={
        "parameters": [ORGANIZATION_PARAMETER],
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {
                        name: {"type": "string"} for name in
                        ("CallSid", "From", "To", "Direction", "CallStatus", "CallDuration", "Timestamp")
                    }},
                    "examples": {"completed": {"value": {
                        "CallSid": "CA0123456789abcdef0123456789abcdef", "From": "+4930901820",
                        "To": "+4930555000", "Direction": "inbound", "CallStatus": "completed",
                        "CallDuration": "95", "Timestamp": "Tue, 01 Dec 2026 09:31:40 +0000",
                    }}},
                }
            },
        },
    },
)  # fmt: skip
def twilio_webhook(request: HttpRequest) -> CallEventOut:
    """Twilio's voice status callback (set the call's StatusCallback to this URL with the events
    initiated, ringing, answered and completed), checked with the account's auth token."""
    params: dict[str, Any] = {name: request.POST.get(name, "") for name in request.POST}
    return _answer(request, telephony.parse_twilio(params))
