"""Optimistic concurrency over HTTP: a record's version as its ETag, and If-Match on writes.

A client that read a record sends its ETag back in `If-Match`; the service compares it with the
row it locked and refuses with a 412 if someone changed the record in between. Without If-Match a
write still works and changes only the fields it sends.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from kliento.core.audit import record_version
from kliento.core.tenancy import TenantModel


def set_etag(response: HttpResponse, record: TenantModel) -> None:
    response["ETag"] = f'"{record_version(record)}"'


def if_match(request: HttpRequest) -> str | None:
    """The version the request's If-Match names; None without one, or with `*` (any version)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    # A client keeps one version of a record; of a list of tags the first is the one it means.
    tag = header.split(",", 1)[0].strip()
    return tag.removeprefix("W/").strip('"')
