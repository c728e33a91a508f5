"""Global search: each kind of record registers how it is searched; results come grouped by kind.

    def search_deals(member: Membership, query: str, limit: int) -> list[SearchResult]:
        return [
            SearchResult(title=deal.title, subtitle=deal.company.name, url=deal_url(deal.pk),
                         badge=deal.get_status_display(), score=1.0)
            for deal in deals_matching(member=member, text=query)[:limit]
        ]

    register_search_provider("deal", search_deals)

A provider answers with at most `limit` results, best first, of the records the member may see
(its own visibility rules apply: the registry only skips kinds whose `view_permission` the member
lacks), and runs a fixed number of capped, indexed queries: the top bar searches on every
keystroke. The kind's registration (core/records/kinds.py) gives each group its label, icon and
order. `score` (0 to 1, how well the best result matches) puts the group with the best match first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode

from kliento.core.models import Membership
from kliento.core.records.kinds import RecordKind, UnknownKind, all_kinds

MAX_QUERY_LENGTH = 100
MAX_LIMIT = 100  # results of one kind in one answer


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    subtitle: str = ""
    badge: str | Promise = ""  # a short state (a lifecycle stage, a deal's status)
    badge_class: str = ""  # CSS classes colouring the badge as the kind's own pages do
    score: float = 0.0
    record_id: int | None = None  # what the API answers as the result's id


Provider = Callable[[Membership, str, int], list[SearchResult]]


@dataclass(frozen=True)
class SearchGroup:
    kind: RecordKind
    results: list[SearchResult]
    has_more: bool
    query: str = field(default="", repr=False)

    @property
    def see_all_url(self) -> str:
        return reverse("core:search") + "?" + urlencode({"q": self.query, "kind": self.kind.key})

    @property
    def list_url(self) -> str | None:
        """The kind's list filtered by the same text, where sorting, filters and pages go further."""
        base = self.kind.list_url
        return f"{base}?{urlencode({'q': self.query})}" if base else None


_providers: dict[str, Provider] = {}


def register_search_provider(kind: str, provider: Provider) -> None:
    """Make a registered kind searchable; registering the kind again replaces its provider."""
    _providers[kind] = provider


def unregister_search_provider(kind: str) -> None:
    _providers.pop(kind, None)


def searchable_kinds(member: Membership) -> list[RecordKind]:
    """The kinds with a provider whose records this member may see, in the kinds' order."""
    return [
        kind
        for kind in all_kinds()
        if kind.key in _providers and (kind.view_permission is None or member.can(kind.view_permission))
    ]


def searchable_kind(member: Membership, key: str) -> RecordKind:
    for kind in searchable_kinds(member):
        if kind.key == key:
            return kind
    raise UnknownKind(key)


def clean_query(raw: str) -> str:
    return raw[:MAX_QUERY_LENGTH].strip()


def search_records(
    member: Membership, query: str, *, limit: int, kinds: list[RecordKind] | None = None
) -> list[SearchGroup]:
    """Up to `limit` results of each kind that has any, the group with the best match first
    (kinds' order between equals); a group knows whether its kind has more."""
    query = clean_query(query)
    if not query:
        return []
    groups = []
    for position, kind in enumerate(searchable_kinds(member) if kinds is None else kinds):
        # One more than shown tells whether "see all" has more to offer.
        results = _providers[kind.key](member, query, limit + 1)
        if results:
            group = SearchGroup(
                kind=kind, results=results[:limit], has_more=len(results) > limit, query=query
            )
            groups.append((-max(result.score for result in results), position, group))
    groups.sort(key=lambda entry: entry[:2])
    return [group for _score, _position, group in groups]
