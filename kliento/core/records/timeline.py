"""One timeline on every card: what happened with a record, newest first, from every app that keeps
some of its history.

An app that stores history of a kind of record registers a source for that kind in its
AppConfig.ready(): a function given a `TimelineQuery` that returns the record's newest entries
before the query's cursor (at most `query.limit`, newest first), each with its entry kind, moment,
author, direction, participants, a one-line summary and a template for its details:

    register_entry_kind(EntryKind("stage", _("Stage change"), icon="signpost-split"))
    register_timeline_source(
        "deal",
        TimelineSource(key="stage-moves", entry_kinds=("stage",), entries=stage_moves_of_deal),
    )

    def stage_moves_of_deal(query: TimelineQuery) -> list[TimelineEntry]:
        moves = StageMove.objects.filter(deal=query.record).select_related("created_by")
        return [
            TimelineEntry(kind="stage", occurred_at=move.created_at, id=move.pk,
                          summary=str(move), author=str(move.created_by or ""),
                          template="sales/_timeline_stage.html", details=move)
            for move in newest_before(moves, query, at="created_at")
        ]

A source registered for `ANY_KIND` (the activities app's notes and calls) serves every kind that has a
timeline. A kind has a timeline once `enable_timeline(kind)` was called for it, which also puts the
Timeline panel on its card; registering a source for a kind enables it.

The panel and `core:record-timeline` merge one page from each source (each source is asked once,
for one page more than shown) in the order (moment, source key, row id), newest first; the cursor
holds the last entry served, so the next page starts strictly after it whichever source it came
from. An entry-kind filter skips the sources that have none of the chosen kinds and passes the
choice on to the others.
"""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.core.errors import InvalidInput
from kliento.core.models import MAX_ID, Membership
from kliento.core.parts import Part, PartOnPage, PartRegistry
from kliento.core.permissions import Permission
from kliento.core.records.kinds import get_kind
from kliento.core.requests import OrgRequest
from kliento.core.text import text_problem

ANY_KIND = "*"
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

RowT = TypeVar("RowT", bound=Model)


@dataclass(frozen=True)
class EntryKind:
    """A kind of timeline entry (note, call, lifecycle change…): what the filter offers."""

    key: str
    label: str | Promise
    icon: str = "circle"
    order: int = 100


@dataclass
class TimelineEntry:
    kind: str  # an EntryKind's key
    occurred_at: datetime.datetime
    id: int  # the row's id within its source: with the moment, the entry's place in the order
    summary: str
    author: str = ""
    direction: str = ""  # "inbound", "outbound", or "" for what went nowhere (a note)
    participants: Sequence[str] = ()
    template: str = ""  # the details, rendered with `entry` (this object) in its context
    details: Any = None
    data: dict[str, Any] = field(default_factory=dict)  # the details as JSON, for the API
    source: str = ""  # set by the merge

    @property
    def key(self) -> str:
        return f"{self.source}-{self.id}"

    @property
    def entry_kind(self) -> EntryKind:
        return _entry_kinds.get(self.kind) or EntryKind(self.kind, self.kind)


@dataclass(frozen=True)
class TimelineQuery:
    """What a source is asked: the record, the member reading, the entry kinds wanted (None: all)
    and the place to start: entries strictly older than `before` in (moment, id) order."""

    member: Membership
    kind: str
    record: Any
    limit: int
    before: tuple[datetime.datetime, int] | None = None
    entry_kinds: frozenset[str] | None = None

    def wanted(self, kinds: Iterable[str]) -> list[str]:
        """Of a source's entry kinds, those the reader asked for."""
        return [kind for kind in kinds if self.entry_kinds is None or kind in self.entry_kinds]


TimelineEntries = Callable[[TimelineQuery], list[TimelineEntry]]


@dataclass(frozen=True)
class TimelineSource:
    key: str  # unique among sources; part of the order, so it never changes
    entry_kinds: tuple[str, ...]
    entries: TimelineEntries


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: str | None


_entry_kinds: dict[str, EntryKind] = {}
_sources: dict[str, dict[str, TimelineSource]] = {}
_enabled: set[str] = set()
_composers: PartRegistry[Part] = PartRegistry()


def register_entry_kind(entry_kind: EntryKind) -> None:
    _entry_kinds[entry_kind.key] = entry_kind


def entry_kind(key: str) -> EntryKind | None:
    return _entry_kinds.get(key)


def register_timeline_source(kind: str, source: TimelineSource) -> None:
    """Add a source of entries to a kind's timeline (or to every timeline, with ANY_KIND); the same
    key again replaces it."""
    _sources.setdefault(kind, {})[source.key] = source
    if kind != ANY_KIND:
        enable_timeline(kind)


def unregister_timeline_source(kind: str, key: str) -> None:
    _sources.get(kind, {}).pop(key, None)


def enable_timeline(kind: str) -> None:
    """Give a kind's cards the Timeline panel, fed by the sources for ANY_KIND and its own."""
    from kliento.core.records.panels import register_card_panel

    get_kind(kind)
    if kind in _enabled:
        return
    _enabled.add(kind)
    register_card_panel(
        kind,
        key="timeline",
        title=gettext_lazy("Timeline"),
        template="core/_panel_timeline.html",
        context=timeline_panel,
        order=40,
    )


def has_timeline(kind: str) -> bool:
    return kind in _enabled


def kinds_with_timeline() -> list[str]:
    return sorted(_enabled)


def sources_of(kind: str) -> list[TimelineSource]:
    if kind not in _enabled:
        return []
    merged = {**_sources.get(ANY_KIND, {}), **_sources.get(kind, {})}
    return [merged[key] for key in sorted(merged)]


def entry_kinds_of(kind: str) -> list[EntryKind]:
    """The entry kinds a kind's timeline may hold, for its filter."""
    keys = {key for source in sources_of(kind) for key in source.entry_kinds}
    known = [_entry_kinds.get(key) or EntryKind(key, key) for key in keys]
    return sorted(known, key=lambda item: (item.order, item.key))


def register_timeline_composer(
    key: str,
    *,
    title: str | Promise,
    template: str,
    context: Callable[[OrgRequest, str, Any], dict[str, Any] | None],
    order: int = 100,
    permission: Permission | None = None,
) -> None:
    """A form above every timeline (add a note, log a call), given (request, kind key, record)."""
    _composers.register(
        Part(key=key, title=title, template=template, context=context, order=order, permission=permission)
    )


def newest_before(queryset: QuerySet[Any, RowT], query: TimelineQuery, *, at: str) -> list[RowT]:
    """The query's page of a queryset whose rows are ordered by the moment `at` and their id: the
    shape every source built on a table shares (an index on (…, at desc, id desc) serves it)."""
    if query.before is not None:
        moment, bound = query.before
        queryset = queryset.filter(Q(**{f"{at}__lt": moment}) | Q(**{at: moment, "id__lt": bound}))
    return list(queryset.order_by(f"-{at}", "-id")[: query.limit])


# The cursor: the last entry served, as (moment, source key, id) --------------------------------


def _encode(entry: TimelineEntry) -> str:
    raw = json.dumps([entry.occurred_at.isoformat(), entry.source, entry.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _invalid_cursor() -> InvalidInput:
    return InvalidInput(_("This cursor is not valid."), field="cursor")


def _decode(cursor: str) -> tuple[datetime.datetime, str, int]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as error:
        raise _invalid_cursor() from error
    if not isinstance(values, list) or len(values) != 3:
        raise _invalid_cursor()
    moment_text, source, row_id = values
    if not (isinstance(moment_text, str) and isinstance(source, str) and text_problem(source) is None):
        raise _invalid_cursor()
    if not isinstance(row_id, int) or isinstance(row_id, bool) or not 0 <= row_id <= MAX_ID:
        raise _invalid_cursor()
    try:
        moment = parse_datetime(moment_text)
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise _invalid_cursor()
    return moment, source, row_id


def _bound_for(source: str, after: tuple[datetime.datetime, str, int]) -> tuple[datetime.datetime, int]:
    """Where a source resumes: entries of its own before the last one served, at the same moment
    all of a source that sorts below the last one's, and none of one that sorts above."""
    moment, last_source, last_id = after
    if source == last_source:
        return moment, last_id
    return moment, (MAX_ID if source < last_source else 0)


def timeline_page(
    *,
    member: Membership,
    kind: str,
    record: Any,
    cursor: str | None = None,
    entry_kinds: Iterable[str] | None = None,
    limit: int = PAGE_SIZE,
) -> TimelinePage:
    """One page of a record's timeline, newest first, merged from its sources (one query each)."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(
            _("The limit must be between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE}, field="limit"
        )
    chosen = frozenset(entry_kinds) if entry_kinds else None
    after = _decode(cursor) if cursor else None
    entries: list[TimelineEntry] = []
    for source in sources_of(kind):
        if chosen is not None and not chosen.intersection(source.entry_kinds):
            continue
        query = TimelineQuery(
            member=member,
            kind=kind,
            record=record,
            limit=limit + 1,
            before=_bound_for(source.key, after) if after else None,
            entry_kinds=chosen,
        )
        for entry in source.entries(query):
            entry.source = source.key
            entries.append(entry)
    entries.sort(key=lambda entry: (entry.occurred_at, entry.source, entry.id), reverse=True)
    page = entries[:limit]
    next_cursor = _encode(page[-1]) if len(entries) > limit else None
    return TimelinePage(entries=page, next_cursor=next_cursor)


@dataclass
class TimelineView:
    """What the panel and its pages show: entries, the filter and the composers."""

    page: TimelinePage
    url: str
    entry_kinds: list[EntryKind]
    chosen: list[str] = field(default_factory=list)

    def more_url(self) -> str:
        from urllib.parse import urlencode

        query = [("cursor", self.page.next_cursor or ""), *(("entry_kind", key) for key in self.chosen)]
        return f"{self.url}?{urlencode(query)}"


def timeline_view(
    request: OrgRequest, kind: str, record: Any, *, cursor: str | None = None, chosen: Sequence[str] = ()
) -> TimelineView:
    known = entry_kinds_of(kind)
    keys = {item.key for item in known}
    picked = [key for key in chosen if key in keys]
    page = timeline_page(
        member=request.member, kind=kind, record=record, cursor=cursor, entry_kinds=picked or None
    )
    url = reverse("core:record-timeline", args=[kind, record.pk])
    return TimelineView(page=page, url=url, entry_kinds=known, chosen=picked)


def timeline_panel(request: OrgRequest, record: Any) -> dict[str, Any] | None:
    kind = get_kind_of_record(record)
    if kind is None or not has_timeline(kind):
        return None
    composers: list[PartOnPage[Part]] = _composers.shown_to(request.member, request, kind, record)
    return {
        "timeline": timeline_view(request, kind, record),
        "composers": composers,
    }


def get_kind_of_record(record: Any) -> str | None:
    from kliento.core.records.kinds import UnknownKind, kind_of_model

    try:
        return kind_of_model(type(record)).key
    except UnknownKind:
        return None
