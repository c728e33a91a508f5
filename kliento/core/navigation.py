"""The app shell's navigation: areas, their entries, the phone's bottom bar and the top bar's slots.

The left sidebar groups entries by area (customers, sales, activities, inbox, reports, settings);
an area shows only when it has an entry the member may open, so capabilities not built yet take
no room. Each app adds its entries in its AppConfig.ready():

    register_nav_item(
        NavItem(_("Deals"), "sales:deal-list", "kanban", area="sales", permission=None, order=10,
                phone_slot=40)
    )

An entry without an area sits above the areas (Home). `phone_slot` puts an entry in the phone's
bottom bar, which shows the four lowest slots. Every entry is also a "Go to …" command of the
command palette (core/commands.py), so a new page is reachable from the keyboard by registration
alone.

The top bar holds search, the command palette, the organization and user menus, and whatever apps
add with `register_topbar_item` (a notifications menu, say): a template included between search
and the organization menu, shown to members with its permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kliento.core.models import Membership
from kliento.core.permissions import Permission

PHONE_SLOTS = 4


@dataclass(frozen=True)
class NavArea:
    key: str
    label: str | Promise
    icon: str
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    permission: Permission | None = None
    order: int = 100
    area: str = ""  # a NavArea's key; empty: above the areas
    phone_slot: int | None = None  # a place in the phone's bottom bar, lowest first

    @cached_property
    def url(self) -> str:
        # Reversed once per process: the shell asks several times per entry on every page.
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavGroup:
    """An area with the entries a member may open, as the sidebar shows it."""

    area: NavArea | None
    items: list[NavItem]


@dataclass(frozen=True)
class TopBarItem:
    key: str
    template: str
    order: int = 100
    permission: Permission | None = None


_areas: dict[str, NavArea] = {}
_items: list[NavItem] = []
_topbar: dict[str, TopBarItem] = {}


def register_nav_area(area: NavArea) -> None:
    _areas[area.key] = area


def register_nav_item(item: NavItem) -> None:
    if item.area and item.area not in _areas:
        raise ValueError(f"Unknown navigation area {item.area!r}: register it with register_nav_area first.")
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda entry: entry.order)


def register_topbar_item(item: TopBarItem) -> None:
    _topbar[item.key] = item


def _allowed(member: Membership, permission: Permission | None) -> bool:
    return permission is None or member.can(permission)


def nav_items_for(member: Membership | None) -> list[NavItem]:
    if member is None:
        return []
    return [item for item in _items if _allowed(member, item.permission)]


def nav_groups(items: list[NavItem]) -> list[NavGroup]:
    """The entries by area in the areas' order, the area-less ones first; empty areas left out."""
    groups = [NavGroup(area=None, items=[item for item in items if not item.area])]
    for area in sorted(_areas.values(), key=lambda area: (area.order, area.key)):
        groups.append(NavGroup(area=area, items=[item for item in items if item.area == area.key]))
    return [group for group in groups if group.items]


def area_items(items: list[NavItem], area: str) -> list[NavItem]:
    return [item for item in items if item.area == area]


def phone_items(items: list[NavItem]) -> list[NavItem]:
    pinned = [item for item in items if item.phone_slot is not None]
    return sorted(pinned, key=lambda item: item.phone_slot or 0)[:PHONE_SLOTS]


def current_item(items: list[NavItem], path: str) -> NavItem | None:
    """The entry a page belongs to: the longest URL the path starts with (a card belongs to its
    list), the home page only by itself."""
    inside = [item for item in items if path == item.url or (item.url != "/" and path.startswith(item.url))]
    return max(inside, key=lambda item: len(item.url), default=None)


def topbar_items_for(member: Membership | None) -> list[TopBarItem]:
    if member is None:
        return []
    shown = [item for item in _topbar.values() if _allowed(member, item.permission)]
    return sorted(shown, key=lambda item: (item.order, item.key))


def register_default_areas() -> None:
    """The areas every Kliento has, in the sidebar's order; apps fill them."""
    for order, (key, label, icon) in enumerate(
        [
            ("customers", _("Customers"), "people"),
            ("sales", _("Sales"), "graph-up-arrow"),
            ("activities", _("Activities"), "calendar-check"),
            ("inbox", _("Inbox"), "inbox"),
            ("reports", _("Reports"), "bar-chart-line"),
            ("settings", _("Settings"), "gear"),
        ]
    ):
        register_nav_area(NavArea(key=key, label=label, icon=icon, order=(order + 1) * 10))
