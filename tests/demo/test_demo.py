from kliento.core.models import Membership, Organization, Team, User
from kliento.core.permissions import Role
from kliento.core.tenancy import active_organization
from kliento.demo.generate import DEMO_OWNER_EMAIL, DEMO_PASSWORD, load_demo


def _people(organization):
    with active_organization(organization.pk):
        return sorted(Membership.objects.values_list("user__email", "user__full_name", "role"))


def test_the_demo_organization_has_a_member_in_every_role(db):
    result = load_demo()

    with active_organization(result.organization.pk):
        roles = set(Membership.objects.values_list("role", flat=True))
        assert roles == set(Role.values)
        assert Team.objects.count() == 3


def test_the_demo_owner_can_sign_in_with_the_printed_password(db):
    load_demo()

    assert User.objects.get(email=DEMO_OWNER_EMAIL).check_password(DEMO_PASSWORD)


def test_loading_the_demo_twice_adds_nothing(db):
    first = load_demo()
    people = _people(first.organization)

    load_demo()

    assert _people(first.organization) == people
    assert Organization.objects.count() == 1


def test_the_demo_is_the_same_for_the_same_seed(django_db_blocker, db):
    names = sorted(User.objects.values_list("full_name", flat=True))
    load_demo(seed=7)
    first = sorted(User.objects.values_list("full_name", flat=True))
    User.objects.exclude(full_name__in=names).delete()
    Organization.objects.all().delete()

    load_demo(seed=7)

    assert sorted(User.objects.values_list("full_name", flat=True)) == first


def test_demo_names_are_written_in_several_scripts(db):
    load_demo()

    names = "".join(User.objects.values_list("full_name", flat=True))
    assert any("\u4e00" <= char <= "\u9fff" for char in names)  # Chinese
    assert any("\u0600" <= char <= "\u06ff" for char in names)  # Arabic
    assert any("\u0400" <= char <= "\u04ff" for char in names)  # Cyrillic


def test_demo_data_can_fill_an_existing_organization(alice):
    load_demo(organization_slug="acme")

    assert Membership.objects.count() > 7
