"""Cursor (keyset) pagination for every list, page or endpoint: no OFFSET scans, no COUNT(*).

The cursor is an opaque token holding the sort values of the last row served; the next page
starts strictly after it, so pages stay correct while rows are added.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from kliento.core.errors import InvalidInput

T = TypeVar("T", bound=Model | dict[str, Any])  # model instances, or rows of .values()

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as error:
        raise InvalidInput(_("This cursor is not valid."), field="cursor") from error
    if not isinstance(values, list) or len(values) != size:
        raise InvalidInput(_("This cursor is not valid."), field="cursor")
    return values


def _value_of(row: Model | dict[str, Any], path: str) -> Any:
    if isinstance(row, dict):
        return row[path]
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, part) if value is not None else None
    return value.pk if isinstance(value, Model) else value


def keyset_page(
    queryset: QuerySet[T], *, ordering: Sequence[str], cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> Page[T]:
    """One page of rows in `ordering`, which must end with a unique field (such as "id")."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(_("The limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT}, field="limit")
    fields = [(name.lstrip("-"), name.startswith("-")) for name in ordering]
    queryset = queryset.order_by(*ordering)
    if cursor:
        values = _decode(cursor, len(fields))
        conditions = []
        for index, (name, descending) in enumerate(fields):
            equal_before = {fields[i][0]: values[i] for i in range(index)}
            lookup = f"{name}__lt" if descending else f"{name}__gt"
            conditions.append(Q(**equal_before, **{lookup: values[index]}))
        queryset = queryset.filter(reduce(or_, conditions))
    rows = list(queryset[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode([_value_of(rows[-1], name) for name, _descending in fields]) if has_more else None
    return Page(items=rows, next_cursor=next_cursor)
