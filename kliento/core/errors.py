"""Errors a user can cause: a translated message, and the field it concerns if there is one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A business rule refused the request (the API answers 409, pages show the message)."""

    status_code = 409

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The member's role does not allow this action (the API answers 403)."""

    status_code = 403


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
