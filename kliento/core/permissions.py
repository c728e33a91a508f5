"""What each role may do: the one place that decides it.

Pages, API handlers and services ask `role_can(role, Permission.X)` (or `member.can(...)`);
nothing else compares role names.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Administrator")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    SALESPERSON = "salesperson", _("Salesperson")
    SUPPORT_AGENT = "support_agent", _("Support agent")
    MARKETER = "marketer", _("Marketer")
    VIEWER = "viewer", _("Viewer")


class Permission(models.TextChoices):
    MANAGE_ORGANIZATION = "organization.manage", _("Change organization settings")
    MANAGE_MEMBERS = "members.manage", _("Invite members and change their roles")
    VIEW_MEMBERS = "members.view", _("See the members list")
    MANAGE_TEAMS = "teams.manage", _("Create and change teams")
    MANAGE_API_KEYS = "api_keys.manage", _("Create and revoke API keys")
    VIEW_AUDIT = "audit.view", _("See the audit history")
    RESTORE_TRASH = "trash.restore", _("Restore records from the trash")
    EDIT_CUSTOMERS = "customers.edit", _("Create and change customers")
    DELETE_CUSTOMERS = "customers.delete", _("Move customers to the trash")
    EDIT_SALES = "sales.edit", _("Create and change leads, deals and orders")
    EDIT_TICKETS = "tickets.edit", _("Create and change tickets")
    EDIT_TASKS = "tasks.edit", _("Create and change tasks and meetings")
    EDIT_CAMPAIGNS = "campaigns.edit", _("Create and send campaigns")
    VIEW_ANALYTICS = "analytics.view", _("See reports and analytics")
    SEE_ALL_RECORDS = "records.see_all", _("See every record even when visibility is limited")


_EVERYTHING = frozenset(Permission)
_MANAGERS_ONLY = {Permission.MANAGE_ORGANIZATION, Permission.MANAGE_MEMBERS, Permission.MANAGE_API_KEYS}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.OWNER: _EVERYTHING,
    Role.ADMIN: _EVERYTHING,
    Role.SALES_MANAGER: _EVERYTHING - _MANAGERS_ONLY,
    Role.SALESPERSON: frozenset(
        {
            Permission.VIEW_MEMBERS,
            Permission.EDIT_CUSTOMERS,
            Permission.EDIT_SALES,
            Permission.EDIT_TASKS,
            Permission.VIEW_ANALYTICS,
        }
    ),
    Role.SUPPORT_AGENT: frozenset(
        {Permission.VIEW_MEMBERS, Permission.EDIT_CUSTOMERS, Permission.EDIT_TICKETS, Permission.EDIT_TASKS}
    ),
    Role.MARKETER: frozenset(
        {
            Permission.VIEW_MEMBERS,
            Permission.EDIT_CAMPAIGNS,
            Permission.EDIT_TASKS,
            Permission.VIEW_ANALYTICS,
            Permission.SEE_ALL_RECORDS,
        }
    ),
    Role.VIEWER: frozenset({Permission.VIEW_MEMBERS, Permission.VIEW_ANALYTICS, Permission.SEE_ALL_RECORDS}),
}

# Only an owner may make or unmake another owner, so an organization never loses its last one by
# an admin's hand.
ROLES_ONLY_OWNERS_GRANT = frozenset({Role.OWNER})


def role_can(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def role_covers(role: str, other: str) -> bool:
    """Whether a member with `role` may do everything `other` may: the order of roles.

    The order is partial (a salesperson and a support agent each do something the other may not), so
    it follows the permissions rather than a ranking; an owner's extra power is that only an owner
    may make or unmake another owner.
    """
    if other not in ROLE_PERMISSIONS:
        return False
    if other in ROLES_ONLY_OWNERS_GRANT and role not in ROLES_ONLY_OWNERS_GRANT:
        return False
    return ROLE_PERMISSIONS.get(role, frozenset()) >= ROLE_PERMISSIONS[other]


def roles_grantable_by(role: str) -> list[Role]:
    """The roles a member with this role may give to others."""
    if not role_can(role, Permission.MANAGE_MEMBERS):
        return []
    return [r for r in Role if role == Role.OWNER or r not in ROLES_ONLY_OWNERS_GRANT]
