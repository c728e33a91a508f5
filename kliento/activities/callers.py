"""What the call screen's pop-up shows about a caller, beyond the contact's own summary: apps add
parts (open deals, open tasks…) in their AppConfig.ready():

    register_caller_part(
        key="open_deals",
        title=_("Open deals"),
        template="sales/_caller_deals.html",
        context=lambda request, contacts: {"deals_by_contact": open_deals_by_contact(contacts)},
    )

The context function gets the request and every contact the pop-up shows at once, so it answers for
all of them in a fixed number of queries; its template is rendered once per contact, with `contact`
and the part's context (`{{ deals_by_contact|for_contact:contact }}` picks one contact's share).
A function returning None leaves its part out.

Unknown callers get buttons: "New contact" is this app's; `register_unknown_caller_action` adds
others (the leads app's "New lead"), each a URL name and a query parameter for the number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise

from kliento.core.parts import Part, PartOnPage, PartRegistry
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest

_parts: PartRegistry[Part] = PartRegistry()


def register_caller_part(
    *,
    key: str,
    title: str | Promise,
    template: str,
    context: Callable[[OrgRequest, list[Any]], dict[str, Any] | None],
    order: int = 100,
    permission: Permission | None = None,
) -> None:
    _parts.register(
        Part(key=key, title=title, template=template, context=context, order=order, permission=permission)
    )


def unregister_caller_part(key: str) -> None:
    _parts.unregister(key)


def caller_parts(request: OrgRequest, contacts: list[Any]) -> list[PartOnPage[Part]]:
    if not contacts:
        return []
    return _parts.shown_to(request.member, request, contacts)


@dataclass(frozen=True)
class UnknownCallerAction:
    key: str
    label: str | Promise
    url_name: str
    number_parameter: str
    icon: str = "person-plus"
    permission: Permission | None = None
    order: int = 100

    def url_for(self, number: str) -> str:
        return f"{reverse(self.url_name)}?{urlencode({self.number_parameter: number})}"


_actions: dict[str, UnknownCallerAction] = {}


def register_unknown_caller_action(action: UnknownCallerAction) -> None:
    _actions[action.key] = action


def unknown_caller_actions(request: OrgRequest, number: str) -> list[tuple[UnknownCallerAction, str]]:
    allowed = [
        action
        for action in _actions.values()
        if action.permission is None or request.member.can(action.permission)
    ]
    return [(action, action.url_for(number)) for action in sorted(allowed, key=lambda a: (a.order, a.key))]
