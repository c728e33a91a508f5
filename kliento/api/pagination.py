"""The cursor parameters every API list takes; the pages themselves come from core.pagination."""

from __future__ import annotations

from kliento.api.schemas import CheckedTextSchema
from kliento.core.pagination import DEFAULT_LIMIT


class CursorParams(CheckedTextSchema):
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT
