"""A record's card page, for any registered kind: a header (name, badges, actions), the panels
registered for the kind (`core/records/panels.py`) in two columns, and tabs, History among them.

Every kind gets a card from the frame (`core/card.html`) with no more than its registration; a kind
that wants more says so once, in its app's AppConfig.ready():

    register_card_page(
        "deal",
        template="sales/deal_card.html",  # extends "core/card.html" and fills its blocks
        context=lambda request, deal: {"stage": deal.stage},
        access=access_deal,  # access_deal(member=…, record_id=…, write=…)
        edit_url_name="sales:deal-edit",
        delete_url_name="sales:deal-delete",
    )

Without `access`, a record is looked up among the kind's model's rows the member may see (its
queryset's `visible_to(member)` where it has one, the organization's rows otherwise), and refused
without the kind's view (or, to write, edit) permission. The History tab reads the record's audit
entries through `core/history.py`, at one URL pattern for every kind (`core:record-history`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from kliento.core.models import Membership
from kliento.core.records.kinds import RecordKind, UnknownKind, get_kind
from kliento.core.records.panels import panels_for
from kliento.core.requests import OrgRequest

CardContext = Callable[[OrgRequest, Any], dict[str, Any]]
RecordAccess = Callable[..., Any]  # (*, member, record_id, write) -> the record, or 404/403


@dataclass(frozen=True)
class CardPage:
    """How one kind's card differs from the frame's defaults."""

    kind: str
    template: str = "core/card.html"
    context: CardContext | None = None  # what the kind's own template adds to the frame's context
    access: RecordAccess | None = None
    edit_url_name: str | None = None  # reversed with the record's primary key, like the kind's URL
    delete_url_name: str | None = None  # a POST moving the record to the trash


_pages: dict[str, CardPage] = {}


def register_card_page(
    kind: str,
    *,
    template: str = "core/card.html",
    context: CardContext | None = None,
    access: RecordAccess | None = None,
    edit_url_name: str | None = None,
    delete_url_name: str | None = None,
) -> None:
    """Say how a kind's card differs from the frame's; registering a kind again replaces it."""
    get_kind(kind)
    _pages[kind] = CardPage(
        kind=kind,
        template=template,
        context=context,
        access=access,
        edit_url_name=edit_url_name,
        delete_url_name=delete_url_name,
    )


def unregister_card_page(kind: str) -> None:
    _pages.pop(kind, None)


def card_page(kind: str) -> CardPage:
    return _pages.get(kind) or CardPage(kind=kind)


def kind_or_404(key: str) -> RecordKind:
    """The kind a URL names; a name no app registered is a page that does not exist."""
    try:
        return get_kind(key)
    except UnknownKind:
        raise Http404 from None


def access_record(kind: RecordKind, *, member: Membership, record_id: int, write: bool = False) -> Any:
    """The record of this kind if the member may see it (and change it, if write); 404 or 403."""
    page = card_page(kind.key)
    if page.access is not None:
        return page.access(member=member, record_id=record_id, write=write)
    if kind.view_permission is not None and not member.can(kind.view_permission):
        raise PermissionDenied
    records = kind.model._default_manager.all()
    visible_to = getattr(records, "visible_to", None)
    if visible_to is not None:
        records = visible_to(member)
    record = records.filter(pk=record_id).first()
    if record is None:
        raise Http404
    if write and kind.edit_permission is not None and not member.can(kind.edit_permission):
        raise PermissionDenied
    return record


def _url_if_allowed(url_name: str | None, record: Any, member: Membership, permission: Any) -> str:
    if url_name is None or (permission is not None and not member.can(permission)):
        return ""
    return reverse(url_name, args=[record.pk])


def card_context(request: OrgRequest, kind: RecordKind, record: Any) -> dict[str, Any]:
    """What the frame shows of a record: itself (as `record` and under its kind's key), its kind,
    its panels by column, where its history loads from and the actions the member may take."""
    member: Membership = request.member
    page = card_page(kind.key)
    context = {
        "record": record,
        kind.key: record,
        "kind": kind,
        "panels": panels_for(request, kind.key, record),
        "history_url": reverse("core:record-history", args=[kind.key, record.pk]),
        "edit_url": _url_if_allowed(page.edit_url_name, record, member, kind.edit_permission),
        "delete_url": _url_if_allowed(page.delete_url_name, record, member, kind.delete_permission),
    }
    if page.context is not None:
        context.update(page.context(request, record))
    return context
