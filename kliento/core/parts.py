"""Parts of a page that apps register: a template, a function that gives it its context, an order
and an optional permission.

The home page's widgets (`core/home.py`) and the cards' panels (`core/records/panels.py`) are both
made of parts, so an app adds to either the same way and a page asks its registry the same way:
the parts the member may see, in order, each with the context its function gave (or left out,
where the function gave None). A kind of page adds what only it needs (a widget's width, a
panel's column) by subclassing `Part`.

The context function runs the queries its part needs: a fixed number of them, whatever the size of
the organization or the record, since the pages made of parts pin their query counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from kliento.core.models import Membership
from kliento.core.permissions import Permission

PartContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class Part:
    key: str
    title: str | Promise
    template: str
    context: PartContext
    order: int = 100
    permission: Permission | None = None


PartT = TypeVar("PartT", bound=Part)


@dataclass
class PartOnPage(Generic[PartT]):
    """A part with the context its function computed for one page."""

    part: PartT
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.part.key

    @property
    def title(self) -> str | Promise:
        return self.part.title

    def render(self, request: HttpRequest) -> SafeString:
        """The part's template with its own context only (a card's panels see the card's too,
        through `{% card_panel %}`)."""
        return render_to_string(self.part.template, self.context, request=request)


class PartRegistry(Generic[PartT]):
    """The parts of one page (or one kind's card), by key: registering a key again replaces it."""

    def __init__(self) -> None:
        self._parts: dict[str, PartT] = {}

    def register(self, part: PartT) -> None:
        self._parts[part.key] = part

    def unregister(self, key: str) -> None:
        self._parts.pop(key, None)

    def in_order(self) -> list[PartT]:
        """Every part, by order, then by key, so the order is stable."""
        return sorted(self._parts.values(), key=lambda part: (part.order, part.key))

    def shown_to(self, member: Membership, *args: Any) -> list[PartOnPage[PartT]]:
        """The parts this member may see, in order, with the context each function gave for
        `args`; a part whose function gave None has nothing to show and is left out."""
        shown = []
        for part in self.in_order():
            if part.permission is not None and not member.can(part.permission):
                continue
            context = part.context(*args)
            if context is None:
                continue
            shown.append(PartOnPage(part=part, context=context))
        return shown
