"""The API's global search: every searchable kind, grouped, as the top bar shows it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from kliento.api.schemas import CheckedTextSchema
from kliento.core.records.kinds import UnknownKind
from kliento.core.records.search import MAX_LIMIT, MAX_QUERY_LENGTH, search_records, searchable_kind
from kliento.core.requests import OrgRequest

router = Router(tags=["search"])


class SearchParams(CheckedTextSchema):
    q: str = Field(
        "", max_length=MAX_QUERY_LENGTH, description="A fragment of a name, an email, a phone number"
    )
    kind: str = Field("", description="Only this kind of record (a key from the groups' `kind`)")
    limit: int = Field(10, ge=1, le=MAX_LIMIT, description="Results per kind")


class SearchResultOut(Schema):
    id: int | None = Field(..., description="The record's id in its kind's endpoints")
    title: str
    subtitle: str
    badge: str = Field(..., description="A short state, such as a lifecycle stage, in the reader's language")
    score: float = Field(..., description="How well it matches, 0 to 1")
    url: str = Field(..., description="Path of the record's card page")


class SearchGroupOut(Schema):
    kind: str
    label: str
    has_more: bool = Field(..., description="The kind has more results than `limit`")
    results: list[SearchResultOut]


class SearchOut(Schema):
    groups: list[SearchGroupOut] = Field(..., description="The group with the best match first")


@router.get("/search", response=SearchOut)
def search(request: OrgRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Records of every kind the member may see, by a fragment of a name, an email or a phone
    number: up to `limit` of each kind, best first."""
    member = request.member
    try:
        kinds = [searchable_kind(member, params.kind)] if params.kind else None
    except UnknownKind:
        raise ValidationError({"kind": [_("No kind of record you may search is called that.")]}) from None
    groups = search_records(member, params.q, limit=params.limit, kinds=kinds)
    return {
        "groups": [
            {
                "kind": group.kind.key,
                "label": str(group.kind.label_plural),
                "has_more": group.has_more,
                "results": [
                    {
                        "id": result.record_id,
                        "title": result.title,
                        "subtitle": result.subtitle,
                        "badge": str(result.badge),
                        "score": result.score,
                        "url": result.url,
                    }
                    for result in group.results
                ],
            }
            for group in groups
        ]
    }
