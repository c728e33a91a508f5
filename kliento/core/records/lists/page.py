"""What one list request knows about its reader, and what it loads at most once for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kliento.core.models import Membership, Tag, Team
from kliento.core.selectors import members_of_organization

T = TypeVar("T")

TAG_CHOICES_LIMIT = 300  # tags offered in a list's filter and bulk bar


@dataclass
class ListPage:
    """The reader and what filters, chips and bulk inputs share: the organization's members or tags
    are read once per request, by whichever part asks first, and not at all if none does."""

    member: Membership
    _loaded: dict[str, Any] = field(default_factory=dict)

    @property
    def region(self) -> str:
        return self.member.organization.default_region

    def load(self, key: str, loader: Callable[[], T]) -> T:
        if key not in self._loaded:
            self._loaded[key] = loader()
        value: T = self._loaded[key]
        return value

    @property
    def members(self) -> list[Membership]:
        return self.load("members", lambda: list(members_of_organization()))

    @property
    def teams(self) -> list[Team]:
        return self.load("teams", lambda: list(Team.objects.order_by("name").only("id", "name")))

    @property
    def tags(self) -> list[Tag]:
        return self.load(
            "tags", lambda: list(Tag.objects.order_by("name").only("id", "name", "color")[:TAG_CHOICES_LIMIT])
        )
