"""Writes on specimens, as a domain app's services would make them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from kliento.core.audit import audit_batch, bulk_update_records
from kliento.core.models import Membership
from kliento.core.permissions import Permission
from kliento.core.records.kinds import get_kind
from kliento.core.records.search import SearchResult
from kliento.core.services import require
from tests.recordkit.models import Specimen


@transaction.atomic
def set_status(*, member: Membership, ids: Sequence[int], value: str, reason: str = "") -> int:
    """Give the specimens a status, with an entry on each one changed under one batch id."""
    require(member, Permission.EDIT_CUSTOMERS)
    # It trusts its ids, so that the isolation tests prove the list kit passes only visible rows.
    with audit_batch():
        return len(bulk_update_records(Specimen, list(ids), {"status": value}, actor=member.user))


def search(member: Membership, query: str, limit: int) -> list[SearchResult]:
    """Specimens whose name starts with the query, as a kind's search provider answers."""
    found = Specimen.objects.filter(name__istartswith=query).order_by("name", "id")[:limit]
    return [
        SearchResult(title=specimen.name, url=get_kind("specimen").url_of(specimen), score=0.5)
        for specimen in found
    ]
