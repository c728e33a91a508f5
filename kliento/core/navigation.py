"""The main navigation: each app registers its entries in its AppConfig.ready(); a member sees
only what their role allows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.functional import Promise

from kliento.core.models import Membership
from kliento.core.permissions import Permission


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    permission: Permission | None = None
    order: int = 100

    @cached_property
    def url(self) -> str:
        # Reversed once per process: the menu asks three times per entry on every page.
        return reverse(self.url_name)


_items: list[NavItem] = []


def register_nav_item(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda entry: entry.order)


def nav_items_for(member: Membership | None) -> list[NavItem]:
    if member is None:
        return []
    return [item for item in _items if item.permission is None or member.can(item.permission)]
