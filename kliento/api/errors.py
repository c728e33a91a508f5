"""Every API error as RFC 9457 problem details (application/problem+json).

Refusals never tell a record of another organization apart from one that does not exist:
both are a plain 404.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from kliento.core.errors import DomainError, StaleRecord

PROBLEM_CONTENT_TYPE = "application/problem+json"
VALIDATION_PROBLEM = "urn:kliento:problem:invalid-input"
RULE_PROBLEM = "urn:kliento:problem:rule"
STALE_PROBLEM = "urn:kliento:problem:stale-version"

# Where a field came from is the request's shape, not the field's name.
_LOCATION_PARTS = {"body", "query", "path", "header", "cookie", "form", "payload"}


def problem(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    *,
    detail: str = "",
    problem_type: str = "about:blank",
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": problem_type,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in location if str(part) not in _LOCATION_PARTS]
    # Ninja names the body argument itself (e.g. "payload" or "data") first; drop it.
    return ".".join(parts)


def _validation_errors(error: NinjaValidationError) -> list[dict[str, Any]]:
    found = []
    for item in error.errors:
        location = list(item.get("loc", ()))
        if len(location) > 1 and location[0] == "body":
            # What follows the body argument's name are field names, even one called "body".
            location = location[2:] if len(location) > 2 else location[1:]
            field = ".".join(str(part) for part in location)
        else:
            field = _field_path(location)
        found.append({"field": field, "message": str(item.get("msg", "")), "code": item.get("type")})
    return found


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
        return problem(
            api,
            request,
            422,
            detail=_("Some fields are missing or invalid."),
            problem_type=VALIDATION_PROBLEM,
            errors=_validation_errors(error),
        )

    @api.exception_handler(DjangoValidationError)
    def invalid_record(request: HttpRequest, error: DjangoValidationError) -> HttpResponse:
        if hasattr(error, "error_dict"):
            errors = [
                {"field": field if field != "__all__" else "", "message": message}
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "", "message": message} for message in error.messages]
        return problem(
            api,
            request,
            422,
            detail=_("Some fields are missing or invalid."),
            problem_type=VALIDATION_PROBLEM,
            errors=errors,
        )

    @api.exception_handler(DomainError)
    def rule_refused(request: HttpRequest, error: DomainError) -> HttpResponse:
        errors = [{"field": error.field, "message": error.message}] if error.field else None
        kind = VALIDATION_PROBLEM if error.status_code == 422 else RULE_PROBLEM
        if isinstance(error, StaleRecord):
            kind = STALE_PROBLEM
        return problem(
            api, request, error.status_code, detail=error.message, problem_type=kind, errors=errors
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        response = problem(api, request, 401, detail=_("Sign in, or send a valid API key as a Bearer token."))
        response["WWW-Authenticate"] = 'Bearer realm="kliento"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        return problem(api, request, error.status_code, detail=str(error))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
        return problem(api, request, 403, detail=str(error) or _("Your role does not allow this."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Exception | type[Exception]) -> HttpResponse:
        return problem(api, request, 404, detail=_("No such record."))

    api.add_exception_handler(ObjectDoesNotExist, not_found)
