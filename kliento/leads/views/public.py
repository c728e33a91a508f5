"""The public lead form endpoint, `/forms/lead/<token>/`: what a visitor's browser (or a website's
own script) posts to, from any site, without an account.

It is exempt from CSRF by design: CSRF protection stops another site from riding a signed-in
person's session to act in their name, and this endpoint takes anonymous submissions from other
sites on purpose. That is only safe because nothing here acts for whoever is signed in: the view
never reads `request.user`, the session or the member (the organization comes from the token
alone), so a visitor's Kliento session, if they have one, changes nothing. Keep it so: anything
that needs a signed-in person belongs on a CSRF-protected page or the API.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kliento.core.tenancy import active_organization
from kliento.core.throttling import allow, client_address
from kliento.leads import webforms
from kliento.leads.webforms import HONEYPOT, MAX_BODY_BYTES, PublicLeadForm, SubmissionResult

ALLOWED_METHODS = "GET, POST, OPTIONS"


def wants_json(request: HttpRequest) -> bool:
    """JSON for a script (Accept names it before HTML, or it sent JSON without asking for HTML), an
    HTML page for a browser's form."""
    accept = request.headers.get("Accept", "")
    if "application/json" in accept:
        return "text/html" not in accept or accept.index("application/json") < accept.index("text/html")
    return request.content_type == "application/json" and "text/html" not in accept


def _cors(response: HttpResponse) -> HttpResponse:
    # Any site may post the form and read the answer; no cookie is ever read, so none is asked for.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response["Vary"] = "Accept"
    return response


def _answer(
    request: HttpRequest,
    as_json: bool,
    status: int,
    *,
    message: str,
    errors: dict[str, list[str]] | None = None,
    form: PublicLeadForm | None = None,
    token: str = "",
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    if as_json:
        body: dict[str, Any] = {"status": status, "detail": message}
        if errors:
            body["errors"] = [
                {"field": field if field != "__all__" else "", "message": text}
                for field, texts in errors.items()
                for text in texts
            ]
        response: HttpResponse = JsonResponse(body, status=status)
        if status >= 400:
            response["Content-Type"] = "application/problem+json"
    else:
        context = {
            "message": message,
            "form": form,
            "token": token,
            "honeypot": HONEYPOT,
            "accepted": status < 300 and form is None,
        }
        response = render(request, "leads/public_form.html", context, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return _cors(response)


def _fields(request: HttpRequest) -> tuple[QueryDict | dict[str, Any] | None, str]:
    """The submitted fields, or None and why they cannot be read."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None, _("The body is not valid JSON.")
        if not isinstance(data, dict):
            return None, _("Send the fields as one JSON object.")
        return {str(key): "" if value is None else str(value) for key, value in data.items()}, ""
    return request.POST, ""


@csrf_exempt
def lead_form(request: HttpRequest, token: str) -> HttpResponse:
    return handle_submission(request, token, as_json=wants_json(request))


def handle_submission(
    request: HttpRequest, token: str, *, as_json: bool, fields: Mapping[str, Any] | None = None
) -> HttpResponse:
    """The form's answer to one request: a page for a browser, JSON for a script (`as_json`);
    `fields` when the API has read them already."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    if request.method not in ("GET", "POST"):
        response = _answer(request, as_json, 405, message=_("Send the form with POST."))
        response["Allow"] = ALLOWED_METHODS
        return response
    client = client_address(request)
    if request.method == "POST" and not allow(webforms.THROTTLE_SCOPE, client=client):
        return _answer(
            request,
            as_json,
            429,
            message=_("Too many submissions from your address. Wait a few minutes and send it again."),
            headers={"Retry-After": "60"},
        )
    web_form = webforms.web_form_for_token(token)
    if web_form is None:
        return _answer(
            request, as_json, 404, message=_("This form does not exist or no longer takes submissions.")
        )
    if request.method == "GET":
        return _answer(request, as_json, 200, message="", form=PublicLeadForm(), token=token)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return _answer(
            request, as_json, 413, message=_("The submission is too large: shorten the message."), token=token
        )
    if fields is None:
        fields, problem = _fields(request)
    if fields is None:
        return _answer(request, as_json, 400, message=problem, token=token)
    with active_organization(web_form.organization_id):
        result = webforms.submit(
            web_form=web_form,
            fields=fields,
            query=request.GET,
            client=client,
            user_agent=request.headers.get("User-Agent", ""),
        )
    return _result(request, as_json, result, fields, token)


def _result(
    request: HttpRequest, as_json: bool, result: SubmissionResult, fields: Any, token: str
) -> HttpResponse:
    if result.is_accepted:
        created = result.outcome == result.submission.Outcome.CREATED
        return _answer(
            request,
            as_json,
            201 if created else 200,
            message=_("Thank you! We received your request and will answer soon."),
        )
    if result.outcome == result.submission.Outcome.SPAM:
        return _answer(
            request, as_json, 400, message=_("This submission looks automated and was refused."), token=token
        )
    form = PublicLeadForm(data=fields)
    form.is_valid()
    for name, messages in result.errors.items():
        target = {"company_name": "company"}.get(name, name)
        for text in messages:
            if target in form.fields and text not in form.errors.get(target, []):
                form.add_error(target, text)
    return _answer(
        request,
        as_json,
        422,
        message=_("Some fields are missing or invalid."),
        errors=result.errors,
        form=form,
        token=token,
    )
