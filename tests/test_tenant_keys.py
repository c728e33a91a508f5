"""Every table of every Kliento app is keyed by organization, and every query that leaves the
active organization's scope (`.unscoped`) has been reviewed.

Organizations are the shard key (see the design brief): a table without `organization_id` cannot
be distributed, and a query without it reads every tenant's rows.
"""

import ast
from pathlib import Path

from django.apps import apps

import kliento

# Tables that are not an organization's data, each with the reason it carries no organization.
NOT_TENANT_KEYED = {
    "core.Organization": "the tenant itself",
    "core.User": "a person who signs in; belongs to organizations through core.Membership",
    "core.User_groups": "Django's permission groups of a user, unused by Kliento's roles",
    "core.User_user_permissions": "Django's per-user permissions, unused by Kliento's roles",
    "core.Throttle": "sign-in attempts, counted before anyone is known to belong anywhere",
}

# Each use of `.unscoped` in kliento/, as (file, function or module-level name), with why it may
# read across organizations. A new use fails the test below until it is reviewed and listed here.
UNSCOPED_USES = {
    # Sign-in and the organization switcher: which organizations a user may enter, before one is active.
    ("kliento/core/middleware.py", "current_membership"),
    ("kliento/core/selectors.py", "memberships_of"),
    # A user's own profile or password change is recorded in each organization they belong to.
    ("kliento/core/services.py", "_record_user_change"),
    # An invitation link is opened by someone signed in nowhere: the token's hash finds it.
    ("kliento/core/services.py", "pending_invitation"),
    # An API key is looked up by its prefix before its organization is known, then touched.
    ("kliento/core/services.py", "_API_KEY_BY_PREFIX"),
    ("kliento/core/services.py", "authenticate_api_key"),
    # A public lead form is posted by an anonymous visitor: its token finds the form's organization.
    ("kliento/leads/webforms.py", "web_form_for_token"),
}

PACKAGE = Path(kliento.__file__).parent


def _kliento_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("kliento.")
    ]


def test_every_table_of_every_kliento_app_carries_organization_id():
    unkeyed = {
        model._meta.label
        for model in _kliento_models()
        if "organization_id" not in {field.column for field in model._meta.concrete_fields}
    }

    assert unkeyed == set(NOT_TENANT_KEYED)


def test_the_walk_sees_link_tables_and_apps_beyond_core():
    labels = {model._meta.label for model in _kliento_models()}

    assert {"core.TeamMember", "customers.ContactTag", "customers.CompanyTag", "customers.Contact"} <= labels


def _unscoped_uses(path: Path, root: Path = PACKAGE.parent) -> set[tuple[str, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    relative = str(path.relative_to(root))
    uses: set[tuple[str, str]] = set()

    def visit(node: ast.AST, owner: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            owner = node.name
        elif isinstance(node, ast.Assign) and owner == "<module>":
            targets = [target.id for target in node.targets if isinstance(target, ast.Name)]
            owner = targets[0] if targets else owner
        if isinstance(node, ast.Attribute) and node.attr == "unscoped":
            uses.add((relative, owner))
        for child in ast.iter_child_nodes(node):
            visit(child, owner)

    visit(tree, "<module>")
    return uses


def test_every_use_of_unscoped_is_reviewed():
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            found |= _unscoped_uses(path)

    assert found - UNSCOPED_USES == set(), "a new .unscoped query: review it and list it with its reason"
    assert UNSCOPED_USES - found == set(), "a listed .unscoped use is gone: take it off the list"


def test_the_unscoped_check_sees_a_use_inside_a_function(tmp_path):
    source = tmp_path / "kliento" / "sample.py"
    source.parent.mkdir()
    source.write_text("def leak():\n    return Contact.unscoped.all()\n")

    assert _unscoped_uses(source, tmp_path) == {("kliento/sample.py", "leak")}
