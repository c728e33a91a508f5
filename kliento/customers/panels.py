"""The panels a customer card is built from: each app registers its own in its AppConfig.ready().

A panel is a template and a function that gives it its context. The card page asks every panel
registered for its entity ("contact" or "company"), in order, whose permission the member has,
and renders each inside the same frame, so deals, orders, the timeline or tasks join a card
without editing another app's template:

    register_card_panel(
        "contact",
        key="deals",
        title=_("Deals"),
        template="sales/_panel_deals.html",
        context=lambda request, contact: {"deals": open_deals_of(contact)[:20]},
        order=40,
    )

The context function gets the request (with `request.member`) and the record, runs the queries
the panel needs (a fixed number of them, whatever the record's size: the card pins its query
count), and returns a dict the template sees on top of the card's own context (`record`,
`contact` or `company`, `can`, …). `column` puts a panel in the wide main column (default) or the
narrow side column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

from kliento.core.permissions import Permission

ENTITIES = ("contact", "company")
COLUMNS = ("main", "side")

PanelContext = Callable[[HttpRequest, Any], dict[str, Any]]


@dataclass(frozen=True)
class CardPanel:
    entity: str
    key: str
    title: str | Promise
    template: str
    context: PanelContext
    order: int = 100
    permission: Permission | None = None
    column: str = "main"


@dataclass
class PanelOnCard:
    """A panel with the context it computed for one record, ready for `{% card_panel %}`."""

    panel: CardPanel
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.panel.key

    @property
    def title(self) -> str | Promise:
        return self.panel.title


_panels: dict[tuple[str, str], CardPanel] = {}


def register_card_panel(
    entity: str,
    *,
    key: str,
    title: str | Promise,
    template: str,
    context: PanelContext,
    order: int = 100,
    permission: Permission | None = None,
    column: str = "main",
) -> None:
    """Add a panel to every card of an entity; registering the same key again replaces it."""
    if entity not in ENTITIES:
        raise ValueError(f"Unknown card entity {entity!r}; use one of {ENTITIES}.")
    if column not in COLUMNS:
        raise ValueError(f"Unknown card column {column!r}; use one of {COLUMNS}.")
    _panels[(entity, key)] = CardPanel(
        entity=entity,
        key=key,
        title=title,
        template=template,
        context=context,
        order=order,
        permission=permission,
        column=column,
    )


def unregister_card_panel(entity: str, key: str) -> None:
    _panels.pop((entity, key), None)


def card_panels(entity: str) -> list[CardPanel]:
    """Every panel registered for an entity, in order (then by key, so the order is stable)."""
    return sorted(
        (panel for (panel_entity, _key), panel in _panels.items() if panel_entity == entity),
        key=lambda panel: (panel.order, panel.key),
    )


def panels_for(request: HttpRequest, entity: str, record: Any) -> dict[str, list[PanelOnCard]]:
    """The panels this member may see on this record, with their contexts, by column."""
    member = request.member  # type: ignore[attr-defined]
    columns: dict[str, list[PanelOnCard]] = {column: [] for column in COLUMNS}
    for panel in card_panels(entity):
        if panel.permission is not None and not member.can(panel.permission):
            continue
        columns[panel.column].append(PanelOnCard(panel=panel, context=panel.context(request, record)))
    return columns
