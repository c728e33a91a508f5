"""Errors a user can cause: a translated message, and the field it concerns if there is one."""

from __future__ import annotations


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
