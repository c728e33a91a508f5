"""The command palette's commands (Ctrl/⌘-K): each app registers its own in its AppConfig.ready().

    register_command(
        Command(
            key="new-deal",
            label=_("New deal"),
            url_name="sales:deal-create",
            icon="plus-lg",
            permission=Permission.EDIT_SALES,
            keywords=_("add create opportunity"),
        )
    )

A command opens a page (a form to fill in is a page too), so the palette needs no code of the app.
Every navigation entry is a "Go to …" command as well, without registering anything. A member sees
only the commands their role allows; typed words match the label and keywords in the member's
language, ignoring case and accents, each word anywhere in them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext

from kliento.core.models import Membership
from kliento.core.navigation import nav_items_for
from kliento.core.permissions import Permission


@dataclass(frozen=True)
class Command:
    key: str
    label: str | Promise
    url_name: str
    icon: str
    permission: Permission | None = None
    keywords: str | Promise = ""
    order: int = 100

    @cached_property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class CommandMatch:
    """A command as the palette lists it, in the reader's language."""

    key: str
    label: str
    url: str
    icon: str


_commands: dict[str, Command] = {}


def register_command(command: Command) -> None:
    """Add a command; registering the same key again replaces it."""
    _commands[command.key] = command


def unregister_command(key: str) -> None:
    _commands.pop(key, None)


def folded(text: str) -> str:
    """Text to compare typed words with: casefolded, accents and Arabic vowel marks dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _candidates(member: Membership) -> list[tuple[CommandMatch, str, int]]:
    found = []
    for command in sorted(_commands.values(), key=lambda command: (command.order, command.key)):
        if command.permission is None or member.can(command.permission):
            label = str(command.label)
            match = CommandMatch(key=command.key, label=label, url=command.url, icon=command.icon)
            found.append((match, f"{label} {command.keywords}", command.order))
    for item in nav_items_for(member):
        label = gettext("Go to %(place)s") % {"place": item.label}
        match = CommandMatch(key=f"go:{item.url_name}", label=label, url=item.url, icon=item.icon)
        found.append((match, f"{label} {item.label}", 1000 + item.order))
    return found


def commands_for(member: Membership, query: str = "", *, limit: int = 8) -> list[CommandMatch]:
    """The member's commands matching every typed word, those whose label starts with the query
    first; with nothing typed, the first `limit` of them."""
    words = folded(query).split()
    ranked = []
    for match, text, order in _candidates(member):
        haystack = folded(text)
        if all(word in haystack for word in words):
            starts = bool(words) and folded(match.label).startswith(" ".join(words))
            ranked.append((not starts, order, match))
    ranked.sort(key=lambda entry: (entry[0], entry[1], entry[2].label))
    return [match for _starts, _order, match in ranked[:limit]]
