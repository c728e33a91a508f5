import pytest

from kliento.cli import main
from kliento.core.models import ApiKey, AuditEntry, Membership, Organization, User
from kliento.core.services import authenticate_api_key


def test_init_creates_the_organization_and_owner_and_is_safe_to_run_twice(db, capsys):
    args = [
        "init",
        "--org",
        "Northwind",
        "--email",
        "Boss@Northwind.test",
        "--password",
        "a long passphrase 42",
    ]

    assert main(args) == 0
    assert main(args) == 0

    organization = Organization.objects.get()
    assert organization.slug == "northwind"
    assert Membership.unscoped.get(organization=organization).user.email == "boss@northwind.test"


def test_apikey_create_prints_a_working_key_once(alice, capsys):
    assert main(["apikey", "create", "--org", "acme", "--role", "viewer", "--name", "script"]) == 0

    raw_key = capsys.readouterr().out.strip().splitlines()[-1]
    assert authenticate_api_key(raw_key) == ApiKey.objects.get(name="script")


def test_apikey_create_for_an_unknown_organization_fails_clearly(db, capsys):
    assert main(["apikey", "create", "--org", "nope"]) == 2
    assert "no organization" in capsys.readouterr().err


def test_org_create_adds_another_organization_for_an_existing_user(alice, capsys):
    assert main(["org", "create", "--name", "Second shop", "--owner", "alice@acme.test"]) == 0

    assert Membership.unscoped.filter(user=alice.user).count() == 2


def test_createuser_adds_a_member_with_a_role(alice, capsys):
    args = [
        "createuser",
        "--email",
        "dan@acme.test",
        "--password",
        "x" * 12,
        "--org",
        "acme",
        "--role",
        "marketer",
    ]

    assert main(args) == 0

    assert Membership.objects.get(user__email="dan@acme.test").role == "marketer"


def test_createuser_refuses_a_taken_email(alice, capsys):
    assert main(["createuser", "--email", "alice@acme.test", "--password", "x" * 12]) == 2
    assert User.objects.filter(email="alice@acme.test").count() == 1


def test_help_explains_each_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])

    out = capsys.readouterr().out
    for command in ("init", "serve", "worker", "demo", "createuser", "org create", "apikey create"):
        assert command in out


def test_createuser_with_an_organization_audits_the_new_membership(alice, capsys):
    assert main(["createuser", "--email", "dan@acme.test", "--password", "x" * 12, "--org", "acme"]) == 0

    membership = Membership.objects.get(user__email="dan@acme.test")
    entry = AuditEntry.objects.get(record_type="core.membership", record_id=membership.pk)
    assert (entry.action, entry.changes["role"]) == ("create", [None, "salesperson"])


def test_createuser_for_an_unknown_organization_creates_no_user(db, capsys):
    assert main(["createuser", "--email", "dan@acme.test", "--password", "x" * 12, "--org", "nowhere"]) == 2

    assert User.objects.filter(email="dan@acme.test").exists() is False
