from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kliento.core.models import Membership
from kliento.core.navigation import (
    area_items,
    current_item,
    nav_groups,
    nav_items_for,
    phone_items,
    topbar_items_for,
)
from kliento.core.permissions import Permission
from kliento.core.selectors import memberships_of


class MemberPermissions:
    """`{% if can.manage_members %}` in templates: the member's role decides, by permission name."""

    def __init__(self, member: Membership | None) -> None:
        self.member = member

    def __getitem__(self, name: str) -> bool:
        permission = Permission.__members__.get(name.upper())
        if permission is None:
            raise KeyError(name)
        return self.member is not None and self.member.can(permission)


SIDEBAR_COOKIE = "kliento_sidebar"
SIDEBAR_STATES = {"collapsed": "collapsed", "expanded": "expanded"}


def shell(request: HttpRequest) -> dict[str, object]:
    """What the base layout shows: navigation, the member, and the organizations to switch to."""
    member = getattr(request, "member", None)
    user = getattr(request, "user", None)
    items = nav_items_for(member)
    return {
        "member": member,
        "organization": getattr(request, "organization", None),
        "can": MemberPermissions(member),
        "nav_items": items,
        "nav_groups": nav_groups(items),
        "nav_current": current_item(items, request.path),
        "nav_phone_items": phone_items(items),
        "settings_nav_items": area_items(items, "settings"),
        "topbar_items": topbar_items_for(member),
        # Read here rather than by a script after the page is drawn, so a collapsed sidebar never
        # flashes open on the next page. With no choice made, the width decides (kliento.css).
        "sidebar_state": SIDEBAR_STATES.get(request.COOKIES.get(SIDEBAR_COOKIE, ""), "auto"),
        "switchable_memberships": SimpleLazyObject(
            lambda: list(memberships_of(user)) if user and user.is_authenticated else []
        ),
    }
