"""The migrations that gave tag links and team members tables of their own keep every row, carry
each row's organization, and leave the customers tables' search triggers in place."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0005_auditentry_add_batch_id"), ("customers", "0006_fill_search_grams")]
AFTER = [("core", "0007_team_members_carry_organization"), ("customers", "0007_tag_links_carry_organization")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema(transactional_db):
    apps = _migrate(BEFORE)
    yield apps
    # Back to the latest schema, later migrations included, for the tests that follow.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_tag_links_and_team_members_move_with_their_organization(old_schema):
    apps = old_schema
    Organization = apps.get_model("core", "Organization")
    User = apps.get_model("core", "User")
    Team = apps.get_model("core", "Team")
    Tag = apps.get_model("customers", "Tag")
    Contact = apps.get_model("customers", "Contact")
    Company = apps.get_model("customers", "Company")
    AuditEntry = apps.get_model("core", "AuditEntry")
    acme = Organization.objects.create(name="Acme", slug="acme-m")
    globex = Organization.objects.create(name="Globex", slug="globex-m")
    ada = User.objects.create(email="ada@example.com")
    ben = User.objects.create(email="ben@example.com")
    triggers = _triggers() if connection.vendor == "sqlite" else set()
    made = []
    for organization in (acme, globex):
        vip = Tag.objects.create(organization=organization, name="VIP")
        contact = Contact.objects.create(organization=organization, first_name="Ada", search_text="ada")
        company = Company.objects.create(organization=organization, name="Initech", search_text="initech")
        contact.tags.add(vip)
        company.tags.add(vip)
        team = Team.with_trash.create(organization=organization, name="North")
        team.members.add(ada, ben)
        AuditEntry.objects.create(
            organization=organization, action="create", record_type="customers.tag", record_id=vip.pk
        )
        made.append((organization.pk, contact.pk, company.pk, vip.pk, team.pk))

    _migrate(AFTER)

    assert _rows("SELECT organization_id, contact_id, tag_id FROM customers_contacttag") == sorted(
        (org, contact, tag) for org, contact, _company, tag, _team in made
    )
    assert _rows("SELECT organization_id, company_id, tag_id FROM customers_companytag") == sorted(
        (org, company, tag) for org, _contact, company, tag, _team in made
    )
    assert _rows("SELECT organization_id, team_id, user_id FROM core_teammember") == sorted(
        (org, team, user) for org, _contact, _company, _tag, team in made for user in (ada.pk, ben.pk)
    )
    assert _rows("SELECT id, organization_id, name FROM core_tag") == sorted(
        (tag, org, "VIP") for org, _contact, _company, tag, _team in made
    )
    assert _rows("SELECT DISTINCT record_type FROM core_auditentry") == [("core.tag",)]
    if connection.vendor == "sqlite":  # the search indexes' triggers on contacts and companies
        assert triggers and _triggers() == triggers


@pytest.mark.django_db(transaction=True)
def test_the_link_migrations_can_be_reversed_with_their_rows(old_schema):
    apps = _migrate(AFTER)
    Organization = apps.get_model("core", "Organization")
    Tag = apps.get_model("core", "Tag")
    Contact = apps.get_model("customers", "Contact")
    ContactTag = apps.get_model("customers", "ContactTag")
    acme = Organization.objects.create(name="Acme", slug="acme-r")
    vip = Tag.objects.create(organization=acme, name="VIP")
    contact = Contact.objects.create(organization=acme, first_name="Ada")
    ContactTag.objects.create(organization=acme, contact=contact, tag=vip)

    _migrate(BEFORE)

    assert _rows("SELECT contact_id, tag_id FROM customers_contact_tags") == [(contact.pk, vip.pk)]
