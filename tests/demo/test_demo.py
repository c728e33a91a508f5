from kliento.cli import main
from kliento.core.models import Membership, Organization, Team, User
from kliento.core.permissions import Role
from kliento.core.services import create_organization
from kliento.core.tenancy import active_organization
from kliento.demo.generate import DEMO_DOMAIN, DEMO_OWNER_EMAIL, DEMO_PASSWORD, load_demo
from tests.factories import UserFactory


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
    Organization.objects.all().delete()  # first: the users' meetings and deals go with it
    User.objects.exclude(full_name__in=names).delete()

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


def _demo_members_of(organization):
    with active_organization(organization.pk):
        return [m.user for m in Membership.objects.select_related("user").exclude(role=Role.OWNER)]


def test_demo_members_of_the_demo_organization_sign_in_with_the_published_password(db):
    result = load_demo(contacts=0, companies=0)

    assert all(user.check_password(DEMO_PASSWORD) for user in _demo_members_of(result.organization))
    assert result.published_password is True


def test_demo_members_added_to_an_existing_organization_have_no_usable_password(alice):
    result = load_demo(organization_slug="acme", contacts=0, companies=0)

    members = [user for user in _demo_members_of(result.organization) if user.email.endswith(DEMO_DOMAIN)]
    assert len(members) == 12
    assert not any(user.has_usable_password() for user in members)
    assert result.published_password is False


def test_filling_an_existing_organization_never_adds_the_demo_organizations_people(alice):
    demo = load_demo(contacts=0, companies=0)

    load_demo(organization_slug="acme", contacts=0, companies=0)

    demo_people = {user.pk for user in _demo_members_of(demo.organization)}
    with active_organization(alice.organization_id):
        assert Membership.objects.filter(user__in=demo_people).exists() is False


def test_an_organization_that_merely_has_the_demo_slug_gets_no_published_password(db):
    owner = UserFactory(email="boss@real.test")
    create_organization(name="Demo", slug="demo", owner=owner)

    result = load_demo(contacts=0, companies=0)

    assert result.owner_email == "boss@real.test"
    assert not any(user.has_usable_password() for user in _demo_members_of(result.organization))


def test_the_demo_command_into_an_existing_organization_says_its_members_cannot_sign_in(alice, capsys):
    assert main(["demo", "--org", "acme", "--contacts", "0", "--companies", "0"]) == 0

    out = capsys.readouterr().out
    assert "have no password and cannot sign in (12 created now)" in out
    assert DEMO_PASSWORD not in out


def test_the_demo_command_prints_the_published_password_for_the_demo_organization(db, capsys):
    assert main(["demo", "--contacts", "0", "--companies", "0"]) == 0

    assert f"Sign in as {DEMO_OWNER_EMAIL} with password {DEMO_PASSWORD}" in capsys.readouterr().out


def test_demo_members_fill_an_organization_whose_slug_has_an_underscore(db):
    create_organization(name="North Shop", slug="north_shop", owner=UserFactory())

    load_demo(organization_slug="north_shop", contacts=0, companies=0)

    assert User.objects.filter(email=f"admin@north-shop.{DEMO_DOMAIN}").exists()
