from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kliento.core.models import Membership
from kliento.core.navigation import nav_items_for
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


def shell(request: HttpRequest) -> dict[str, object]:
    """What the base layout shows: navigation, the member, and the organizations to switch to."""
    member = getattr(request, "member", None)
    user = getattr(request, "user", None)
    return {
        "member": member,
        "organization": getattr(request, "organization", None),
        "can": MemberPermissions(member),
        "nav_items": nav_items_for(member),
        "switchable_memberships": SimpleLazyObject(
            lambda: list(memberships_of(user)) if user and user.is_authenticated else []
        ),
    }
