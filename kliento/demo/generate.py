"""Deterministic, multilingual demo data: the same seed always gives the same organization.

This makes the organization, its people and teams, then runs the demo steps the apps registered
(kliento.core.records.demo), in order, with one writer for them all; it names no app's records.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction

from kliento.core.audit import create_record
from kliento.core.models import Membership, Organization, Team, User
from kliento.core.permissions import Role
from kliento.core.records.bulk import BulkWriter
from kliento.core.records.demo import DemoSize, demo_sizes, demo_steps, step_generator
from kliento.core.services import create_organization, create_user
from kliento.core.tenancy import active_organization
from kliento.demo.locales import NAMES, person_name

DEMO_ORGANIZATION = {"name": "Demo Trading Co.", "slug": "demo"}
DEMO_OWNER_EMAIL = "owner@demo.kliento.test"
DEMO_PASSWORD = "kliento-demo"
DEMO_DOMAIN = "demo.kliento.test"

TEAM_NAMES = ["North", "South", "Key accounts"]


@dataclass
class DemoResult:
    organization: Organization
    owner_email: str
    # Whether demo members sign in with DEMO_PASSWORD: only in the demo organization itself.
    published_password: bool = False
    created_users: list[User] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # How many records of each kind this run added (steps fill it in): nothing means all was there.
    added: dict[str, int] = field(default_factory=dict)
    # What was asked for: the seed and how many records of each kind steps should fill up to.
    seed: int = 42
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def added_anything(self) -> bool:
        return bool(self.created_users) or any(self.added.values())

    def summary_lines(self) -> list[str]:
        return [f"{name}: {count}" for name, count in self.counts.items()]


def _demo_organization(slug: str | None) -> tuple[Organization, User, bool]:
    """The organization to fill, the owner to report, and whether it is the demo organization."""
    organization: Organization | None
    if slug:
        organization = Organization.objects.get(slug=slug)
    else:
        organization = Organization.objects.filter(slug=DEMO_ORGANIZATION["slug"]).first()
        if organization is None:
            owner_user = User.objects.filter(email=DEMO_OWNER_EMAIL).first() or create_user(
                email=DEMO_OWNER_EMAIL, password=DEMO_PASSWORD, full_name="Olivia Owner"
            )
            organization = create_organization(
                name=DEMO_ORGANIZATION["name"],
                slug=DEMO_ORGANIZATION["slug"],
                owner=owner_user,
                base_currency="USD",
            )
            return organization, owner_user, True
    with active_organization(organization.pk):
        owners = Membership.objects.active().filter(role=Role.OWNER).select_related("user").order_by("id")
        demo_owner = owners.filter(user__email=DEMO_OWNER_EMAIL).first()
        owner = demo_owner or owners.first()
    if owner is None:
        raise SystemExit(f"kliento: organization {organization.slug!r} has no owner")
    # Only the organization this command made itself (its owner is the demo owner) gets the published
    # password: anywhere else, and in an organization that merely took the slug, it would be a way in.
    is_demo = organization.slug == DEMO_ORGANIZATION["slug"] and demo_owner is not None
    return organization, owner.user, is_demo


def _member_email(role: Role, index: int, organization: Organization, *, is_demo: bool) -> str:
    """The demo organization's people, or another organization's own (never the demo's, whose
    password is published)."""
    local = f"{role.value.replace('_', '-')}{index or ''}"
    if is_demo:
        return f"{local}@{DEMO_DOMAIN}"
    label = organization.slug.replace("_", "-").strip("-") or "organization"  # a slug may hold "_"
    return f"{local}@{label}.{DEMO_DOMAIN}"


def _demo_members(
    organization: Organization, rng: random.Random, count: int, result: DemoResult
) -> list[Membership]:
    roles = [role for role in Role if role != Role.OWNER]
    languages = list(NAMES)
    wanted = max(count, len(roles))
    for index in range(wanted):
        role = roles[index % len(roles)]
        language = languages[index % len(languages)]
        email = _member_email(role, index // len(roles), organization, is_demo=result.published_password)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = create_user(
                email=email,
                # None gives an unusable password: such a user cannot sign in until someone sets one.
                password=DEMO_PASSWORD if result.published_password else None,
                full_name=person_name(rng, language),
                language=language,
            )
            result.created_users.append(user)
        if not Membership.objects.filter(user=user).exists():
            create_record(Membership(organization=organization, user=user, role=role), actor=None)
    return list(Membership.objects.active().select_related("user").order_by("id"))


def _demo_teams(organization: Organization, members: list[Membership]) -> None:
    sellers = [m.user for m in members if m.role in (Role.SALESPERSON, Role.SUPPORT_AGENT, Role.MARKETER)]
    managers = [m.user for m in members if m.role == Role.SALES_MANAGER] or [members[0].user]
    for index, name in enumerate(TEAM_NAMES):
        team = Team.objects.filter(name=name).first()
        if team is None:
            team = create_record(
                Team(organization=organization, name=name, manager=managers[index % len(managers)]),
                actor=None,
            )
        team.members.set(sellers[index :: len(TEAM_NAMES)], through_defaults={"organization": organization})


def default_sizes() -> dict[str, int]:
    """Every registered size option with its default."""
    return {size.name: size.default for size in demo_sizes()}


@transaction.atomic
def load_demo(
    *, organization_slug: str | None = None, seed: int = 42, users: int = 12, **sizes: int
) -> DemoResult:
    """Create (or complete) the demo organization, or fill another one; running it again adds nothing
    twice. Sizes are the registered size options (`contacts=1000`); those not given keep their
    defaults. Demo members get the published password only in the demo organization; elsewhere they
    are created without a usable password."""
    wanted = default_sizes()
    unknown = set(sizes) - set(wanted)
    if unknown:
        raise TypeError(f"No demo step has the size options {sorted(unknown)}")
    wanted.update(sizes)
    rng = random.Random(seed)
    organization, owner, is_demo = _demo_organization(organization_slug)
    result = DemoResult(
        organization=organization,
        owner_email=owner.email,
        published_password=is_demo,
        seed=seed,
        sizes=wanted,
    )
    with active_organization(organization.pk):
        members = _demo_members(organization, rng, users, result)
        _demo_teams(organization, members)
        with BulkWriter() as writer:
            for step in demo_steps():
                outcome = step.run(
                    organization, _sizes_of(step.sizes, wanted), step_generator(seed, step), writer
                )
                result.added.update(outcome.added)
                result.counts.update(outcome.counts)
        result.counts = {"members": len(members), "teams": Team.objects.count(), **result.counts}
    return result


def _sizes_of(options: tuple[DemoSize, ...], wanted: Mapping[str, int]) -> dict[str, int]:
    return {size.name: wanted[size.name] for size in options}
