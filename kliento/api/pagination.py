"""The cursor parameters every API list takes; the pages themselves come from core.pagination."""

from __future__ import annotations

from ninja import Schema

from kliento.core.pagination import DEFAULT_LIMIT


class CursorParams(Schema):
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT
