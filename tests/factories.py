import factory
from factory.django import DjangoModelFactory

from kliento.core.models import ApiKey, Membership, Organization, Team, User
from kliento.core.permissions import Role


class TenantFactory(DjangoModelFactory):
    """Creates rows in any organization, whichever one is active (tests set up several)."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return getattr(model_class, "unscoped", None) or super()._get_manager(model_class)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.SALESPERSON


class TeamFactory(TenantFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


def add_team_members(team: Team, *users: User) -> None:
    team.members.add(*users, through_defaults={"organization_id": team.organization_id})


class ApiKeyFactory(TenantFactory):
    class Meta:
        model = ApiKey

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Key {n}")
    role = Role.VIEWER
    prefix = factory.Sequence(lambda n: f"{n:08x}")
    key_hash = "0" * 64
