from django.urls import reverse
from django.utils import timezone

from kliento.core.models import (
    ApiKey,
    AuditEntry,
    CustomValue,
    Invitation,
    Membership,
    SavedView,
    Team,
    TeamMember,
    UniqueCustomValue,
)
from tests.factories import ApiKeyFactory, MembershipFactory, TeamFactory, UserFactory
from tests.isolation import IsolationCase, Request, register

register(
    IsolationCase(
        model=Membership,
        make=lambda organization: MembershipFactory(organization=organization),
        pages=(
            Request("post", lambda m: reverse("core:member-change-role", args=[m.pk]), {"role": "viewer"}),
            Request("post", lambda m: reverse("core:member-remove", args=[m.pk])),
        ),
        api=(
            Request("patch", lambda m: f"/api/v1/members/{m.pk}", {"role": "viewer"}),
            Request("delete", lambda m: f"/api/v1/members/{m.pk}"),
        ),
    )
)
register(
    IsolationCase(
        model=Team,
        make=lambda organization: TeamFactory(organization=organization),
        pages=(
            Request("get", lambda t: reverse("core:team-edit", args=[t.pk])),
            Request("post", lambda t: reverse("core:team-edit", args=[t.pk]), {"name": "Taken over"}),
            Request("post", lambda t: reverse("core:team-delete", args=[t.pk])),
            Request("post", lambda t: reverse("core:trash-restore", args=["core.team", t.pk])),
        ),
    )
)
register(
    IsolationCase(
        model=Invitation,
        make=lambda organization: Invitation.unscoped.create(
            organization=organization,
            email="someone@example.com",
            token_hash=f"{organization.pk:064d}",
            expires_at=timezone.now() + timezone.timedelta(days=1),
        ),
        pages=(Request("post", lambda i: reverse("core:invitation-revoke", args=[i.pk])),),
    )
)
register(
    IsolationCase(
        model=ApiKey,
        make=lambda organization: ApiKeyFactory(organization=organization),
        pages=(Request("post", lambda k: reverse("core:api-key-revoke", args=[k.pk])),),
        api=(Request("delete", lambda k: f"/api/v1/api-keys/{k.pk}"),),
    )
)
register(
    IsolationCase(
        model=AuditEntry,
        make=lambda organization: AuditEntry.unscoped.create(
            organization=organization, action="update", record_type="core.team", record_id=1
        ),
    )
)


def _team_member(organization):
    team = TeamFactory(organization=organization)
    return TeamMember.unscoped.create(organization=organization, team=team, user=UserFactory())


register(
    IsolationCase(
        model=TeamMember,
        make=_team_member,
        pages=(
            Request("get", lambda link: reverse("core:team-edit", args=[link.team_id])),
            Request(
                "post", lambda link: reverse("core:team-edit", args=[link.team_id]), {"name": "Taken over"}
            ),
        ),
    )
)


register(
    IsolationCase(
        model=SavedView,
        make=lambda organization: SavedView.unscoped.create(
            organization=organization,
            kind="contact",
            name="Theirs",
            owner=MembershipFactory(organization=organization).user,
            is_shared=True,
        ),
        pages=(Request("post", lambda view: reverse("core:saved-view-delete", args=[view.pk])),),
    )
)


def _custom_field(organization):
    from tests.customers.factories import CustomFieldFactory

    return CustomFieldFactory(organization=organization)


# The indexes of custom values: no page or endpoint names a row; queries must not see another's.
register(
    IsolationCase(
        model=CustomValue,
        make=lambda organization: CustomValue.unscoped.create(
            organization=organization, field=_custom_field(organization), record_id=1, text_value="a"
        ),
    )
)
register(
    IsolationCase(
        model=UniqueCustomValue,
        make=lambda organization: UniqueCustomValue.unscoped.create(
            organization=organization, field=_custom_field(organization), record_id=1, value_hash="0" * 64
        ),
    )
)
