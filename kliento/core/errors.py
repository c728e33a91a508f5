"""Errors a user can cause: a translated message, and the field it concerns if there is one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


class DomainError(Exception):
    """A business rule refused the request (the API answers 409, pages show the message)."""

    status_code = 409

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(PermissionDenied):
    """The member's role does not allow this action: not a rule the request could satisfy by
    changing its data, so it is no DomainError, and no `except DomainError` shows it as a form
    error. Pages answer 403 (Django's PermissionDenied), the API a 403 problem."""

    status_code = 403

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """A value the request carried cannot be used (the API answers 422)."""

    status_code = 422


class StaleRecord(DomainError):
    """The record changed after the version the request was based on (the API answers 412)."""

    status_code = 412


def collect_errors(*checks: Callable[[], Any]) -> list[Any]:
    """Run every check and return their results; if any refused, raise one ValidationError with
    all their errors, so a form shows every invalid field at once rather than one per submit."""
    results: list[Any] = []
    errors: dict[str, list[Any]] = {}
    for check in checks:
        try:
            results.append(check())
        except ValidationError as error:
            results.append(None)
            for key, messages in error.update_error_dict({}).items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return results
