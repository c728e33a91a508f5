"""Cursor (keyset) pagination for every list, page or endpoint: no OFFSET scans, no COUNT(*).

The cursor is an opaque token holding the sort values of the last row served; the next page
starts strictly after it, so pages stay correct while rows are added.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import or_
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.core.errors import InvalidInput
from kliento.core.models import MAX_ID
from kliento.core.text import text_problem

T = TypeVar("T", bound=Model | dict[str, Any])  # model instances, or rows of .values()

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_INTEGER_TYPES = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField",
}  # fmt: skip


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _invalid_cursor() -> InvalidInput:
    return InvalidInput(_("This cursor is not valid."), field="cursor")


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as error:
        raise _invalid_cursor() from error
    if not isinstance(values, list) or len(values) != size:
        raise _invalid_cursor()
    return values


def _checked(value: Any, field: Field[Any, Any]) -> Any:
    """A cursor value as the sort column holds it. A cursor is only ever made by `_encode`, so
    anything else (null, a word for a number, a number too large for the column, a control
    character the database refuses) is a tampered one: refused here rather than inside the query."""
    kind = field.get_internal_type()
    if kind in _INTEGER_TYPES:
        if isinstance(value, int) and not isinstance(value, bool) and -MAX_ID - 1 <= value <= MAX_ID:
            return value
    elif kind in ("FloatField", "DecimalField"):
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return value
        if kind == "DecimalField" and isinstance(value, str):  # `_encode` writes a Decimal as text
            return _checked_decimal(value, field)
    elif isinstance(value, str) and text_problem(value) is None:  # dates, moments and text
        try:
            parsed = field.to_python(value)
        except ValidationError:
            raise _invalid_cursor() from None
        if not isinstance(parsed, datetime.datetime) or timezone.is_aware(parsed):
            return parsed
    raise _invalid_cursor()


def _checked_decimal(value: str, field: Field[Any, Any]) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _invalid_cursor() from None
    digits, places = getattr(field, "max_digits", None), getattr(field, "decimal_places", None)
    if not number.is_finite() or (
        digits is not None and places is not None and abs(number) >= Decimal(10) ** (digits - places)
    ):
        raise _invalid_cursor()
    return number


def _sort_fields(queryset: QuerySet[Any], names: list[str]) -> list[Field[Any, Any]]:
    query = queryset.query.chain()  # resolving may add joins: never on the query that runs
    return [query.resolve_ref(name).output_field for name in names]


def _value_of(row: Model | dict[str, Any], path: str) -> Any:
    if isinstance(row, dict):
        return row[path]
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, part) if value is not None else None
    return value.pk if isinstance(value, Model) else value


def keyset_page(
    queryset: QuerySet[Any, T],
    *,
    ordering: Sequence[str],
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[T]:
    """One page of rows in `ordering`, which must end with a unique field (such as "id")."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(_("The limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT}, field="limit")
    fields = [(name.lstrip("-"), name.startswith("-")) for name in ordering]
    queryset = queryset.order_by(*ordering)
    if cursor:
        columns = _sort_fields(queryset, [name for name, _descending in fields])
        decoded = _decode(cursor, len(fields))
        values = [_checked(value, column) for value, column in zip(decoded, columns, strict=True)]
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
