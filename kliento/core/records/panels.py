"""The panels a record's card is built from: each app registers its own in its AppConfig.ready().

A panel is a part (`core/parts.py`): a template and a function that gives it its context. The
card page (`core/records/cards.py`) asks every panel registered for its record's kind, in order,
whose permission the member has, and renders each inside the same frame, so deals, orders, the
timeline or tasks join a contact's card without editing another app's template:

    register_card_panel(
        "contact",
        key="deals",
        title=_("Deals"),
        template="sales/_panel_deals.html",
        context=lambda request, contact: {"deals": open_deals_of(contact)[:20]},
        order=40,
    )

The kind is a key of the record-kind registry (`core/records/kinds.py`), registered before its
panels. The context function gets the request (with `request.member`) and the record, runs the
queries the panel needs (a fixed number of them, whatever the record's size: cards pin their query
counts), and returns a dict the template sees on top of the card's own context (`record`, the
record under its kind's key, `kind`, `can`, …), or None to leave the panel out. `column` puts a
panel in the wide main column (default) or the narrow side column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from kliento.core.parts import Part, PartOnPage, PartRegistry
from kliento.core.permissions import Permission
from kliento.core.records.kinds import get_kind, kind_of_model
from kliento.core.requests import OrgRequest

COLUMNS = ("main", "side")

PanelContext = Callable[[OrgRequest, Any], dict[str, Any] | None]
PanelOnCard = PartOnPage["CardPanel"]


@dataclass(frozen=True)
class CardPanel(Part):
    kind: str = ""
    column: str = "main"


_panels: dict[str, PartRegistry[CardPanel]] = {}


def register_card_panel(
    kind: str,
    *,
    key: str,
    title: str | Promise,
    template: str,
    context: PanelContext,
    order: int = 100,
    permission: Permission | None = None,
    column: str = "main",
) -> None:
    """Add a panel to every card of a kind; registering the same key again replaces it."""
    get_kind(kind)  # an unknown kind (a typo, or registered too late) fails here, not on a page
    if column not in COLUMNS:
        raise ValueError(f"Unknown card column {column!r}; use one of {COLUMNS}.")
    panel = CardPanel(
        key=key,
        title=title,
        template=template,
        context=context,
        order=order,
        permission=permission,
        kind=kind,
        column=column,
    )
    _panels.setdefault(kind, PartRegistry()).register(panel)


def unregister_card_panel(kind: str, key: str) -> None:
    if kind in _panels:
        _panels[kind].unregister(key)


def card_panels(kind: str) -> list[CardPanel]:
    """Every panel registered for a kind, in order."""
    return _panels[kind].in_order() if kind in _panels else []


def panels_for(request: OrgRequest, kind: str, record: Any) -> dict[str, list[PanelOnCard]]:
    """The panels this member may see on this record, with their contexts, by column."""
    columns: dict[str, list[PanelOnCard]] = {column: [] for column in COLUMNS}
    if kind in _panels:
        member = request.member
        for shown in _panels[kind].shown_to(member, request, record):
            columns[shown.part.column].append(shown)
    return columns


# A panel every kind may take -------------------------------------------------------------------


def details_panel(request: OrgRequest, record: Any) -> dict[str, Any] | None:
    """A record's custom field values (in the organization's order, empty ones as a dash) and its
    tags; left out when its kind has neither. Two queries at most, however many fields."""
    from kliento.core.records.fields.values import definitions_for, display_value, has_custom_fields
    from kliento.core.records.tags import tag_names

    kind = kind_of_model(type(record))
    fields = []
    if has_custom_fields(kind):
        values = getattr(record, kind.custom_fields_column) or {}
        fields = [
            (
                definition.label,
                display_value(definition, values[definition.key]) if definition.key in values else "",
            )
            for definition in definitions_for(kind.key)
        ]
    tags = tag_names(record) if kind.tag_link is not None else []
    if not fields and kind.tag_link is None:
        return None
    return {"detail_fields": fields, "detail_tags": tags}


def register_details_panel(kind: str, *, order: int = 50, column: str = "side") -> None:
    """Give a kind's cards the kit's "Details" panel: its custom fields and tags."""
    from django.utils.translation import gettext_lazy as _

    register_card_panel(
        kind,
        key="details",
        title=_("Details"),
        template="core/_panel_details.html",
        context=details_panel,
        order=order,
        column=column,
    )
