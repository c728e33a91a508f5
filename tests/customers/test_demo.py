import collections
import itertools
import multiprocessing

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from kliento.cli import main
from kliento.core.models import AuditEntry, Membership
from kliento.core.permissions import Role
from kliento.core.records.bulk import BulkWriter
from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.values import clean_custom_values
from kliento.core.tenancy import active_organization
from kliento.customers.demo import step as demo_customers
from kliento.customers.models import (
    ALLOWED_TRANSITIONS,
    Company,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    LifecycleStage,
    LifecycleTransition,
    Tag,
)
from kliento.customers.normalize import normalize_email, normalize_phone, reversed_digits
from kliento.customers.search import search_customers
from kliento.customers.services import company_search_text, contact_search_text, sort_key
from kliento.demo import locales
from kliento.demo.generate import load_demo
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

SMALL = {"contacts": 200, "companies": 30}


def _fresh_organization(slug):
    organization = OrganizationFactory(slug=slug)
    MembershipFactory(organization=organization, user=UserFactory(), role=Role.OWNER)
    return organization


def _customers_of(organization):
    with active_organization(organization.pk):
        contacts = Contact.objects.order_by("id").values_list(
            "first_name", "last_name", "email", "phone", "lifecycle_stage", "company__name"
        )
        companies = Company.objects.order_by("id").values_list("name", "website", "phone")
        return list(contacts), list(companies)


@pytest.fixture
def demo(db):
    """A small demo loaded into a fresh organization, which is active during the test."""
    organization = _fresh_organization("shop")
    load_demo(organization_slug="shop", **SMALL)
    with active_organization(organization.pk):
        yield organization


def test_the_same_seed_gives_the_same_customers_in_the_same_order(db):
    first, second = _fresh_organization("first"), _fresh_organization("second")

    load_demo(organization_slug="first", seed=7, **SMALL)
    load_demo(organization_slug="second", seed=7, **SMALL)

    assert _customers_of(first) == _customers_of(second)
    assert len(_customers_of(first)[0]) == 200


def test_another_seed_gives_other_customers(db):
    first, second = _fresh_organization("first"), _fresh_organization("second")

    load_demo(organization_slug="first", seed=1, **SMALL)
    load_demo(organization_slug="second", seed=2, **SMALL)

    assert _customers_of(first) != _customers_of(second)


def test_rows_made_in_a_second_process_are_those_this_process_would_make(db, monkeypatch):
    here, there = _fresh_organization("here"), _fresh_organization("there")
    load_demo(organization_slug="here", **SMALL)
    monkeypatch.setattr(demo_customers, "BATCH", 30)  # several batches: a producer process makes them
    contexts = []
    get_context = multiprocessing.get_context
    monkeypatch.setattr(
        multiprocessing, "get_context", lambda method: contexts.append(method) or get_context(method)
    )

    load_demo(organization_slug="there", **SMALL)

    assert _customers_of(there) == _customers_of(here)
    assert contexts == ["fork"] or "fork" not in multiprocessing.get_all_start_methods()


def test_running_the_demo_again_adds_nothing(demo):
    before = _customers_of(demo)

    load_demo(organization_slug="shop", **SMALL)

    assert _customers_of(demo) == before
    assert (
        LifecycleTransition.objects.filter(contact__isnull=False).values("contact").distinct().count() == 200
    )


def test_asking_for_more_adds_only_the_missing_ones(db):
    organization = _fresh_organization("steps")
    load_demo(organization_slug="steps", contacts=120, companies=20)
    contacts, companies = _customers_of(organization)

    load_demo(organization_slug="steps", contacts=250, companies=30)

    more_contacts, more_companies = _customers_of(organization)
    assert (more_contacts[:120], more_companies[:20]) == (contacts, companies)
    assert (len(more_contacts), len(more_companies)) == (250, 30)
    with active_organization(organization.pk):
        assert ContactEmail.objects.values("email").distinct().count() == ContactEmail.objects.count()


def test_the_demo_fills_an_existing_organization_from_the_command_line(alice, olga, capsys):
    assert main(["demo", "--org", "acme", "--contacts", "40", "--companies", "8"]) == 0

    assert Contact.objects.count() == 40
    assert Company.objects.count() == 8
    with active_organization(olga.organization_id):
        assert Contact.objects.exists() is False


def test_a_negative_size_is_refused(db, capsys):
    assert main(["demo", "--contacts", "-1"]) == 2

    assert "0 or more" in capsys.readouterr().err


def test_names_are_written_in_all_six_languages(demo):
    languages = set(Contact.objects.values_list("preferred_language", flat=True)) - {""}
    names = "".join(Contact.objects.values_list("last_name", flat=True))

    assert languages == set(locales.LANGUAGE_WEIGHTS)
    assert any("\u4e00" <= char <= "\u9fff" for char in names)  # Chinese
    assert any("\u0600" <= char <= "\u06ff" for char in names)  # Arabic
    assert any("\u0400" <= char <= "\u04ff" for char in names)  # Cyrillic


def test_the_name_pools_extend_the_names_of_the_demo_users():
    for language, (given, family) in locales.NAMES.items():
        if language == "ru":
            pool_given = {name.native for names in locales.RUSSIAN_GIVEN.values() for name in names}
            pool_family = {name.native for name in locales.RUSSIAN_FAMILY}
            pool_family |= {locales.russian_feminine(name) for name in pool_family}
        else:
            pool_given = {name.native for name in locales.GIVEN_NAMES[language]}
            pool_family = {name.native for name in locales.FAMILY_NAMES[language]}
        assert set(given) <= pool_given
        assert set(family) <= pool_family
        assert len(pool_given) >= 40
        assert len(pool_family) >= 40


def test_every_phone_is_a_valid_number_of_its_country_in_e164(demo):
    for phone in ContactPhone.objects.select_related("contact"):
        parsed = phonenumbers.parse(phone.number)
        assert phonenumbers.is_valid_number(parsed), phone.number
        assert phonenumbers.region_code_for_number(parsed) == phone.contact.country
        assert normalize_phone(phone.number, "US") == phone.number
        assert phone.reversed_digits == reversed_digits(phone.number)
    for company in Company.objects.all():
        parsed = phonenumbers.parse(company.phone)
        assert phonenumbers.is_valid_number(parsed), company.phone
        assert phonenumbers.region_code_for_number(parsed) == company.country


@pytest.mark.parametrize("country", sorted(locales.COUNTRY_BY_CODE))
def test_phone_numbers_stay_valid_across_the_whole_serial_range(country):
    for mobile in (True, False):
        digits = locales.PHONE_PLANS[country, mobile].digits
        for serial in [0, 1, 10**digits - 1, *range(7, 10**digits, 10**digits // 97)]:
            number = locales.phone_number(country, mobile=mobile, serial=serial)
            parsed = phonenumbers.parse(number)
            assert phonenumbers.is_valid_number(parsed), number
            assert phonenumbers.region_code_for_number(parsed) == country


def test_every_email_is_normalized_and_at_an_example_domain(demo):
    for email in ContactEmail.objects.all():
        assert normalize_email(email.email) == email.email
        assert email.email.endswith(demo_customers.EXAMPLE_DOMAINS)


def test_the_contacts_email_and_phone_are_its_primary_ones(demo):
    primary_emails = dict(ContactEmail.objects.filter(is_primary=True).values_list("contact_id", "email"))
    primary_phones = dict(ContactPhone.objects.filter(is_primary=True).values_list("contact_id", "number"))

    for contact in Contact.objects.all():
        assert contact.email == primary_emails.get(contact.pk, "")
        assert contact.phone == primary_phones[contact.pk]
    counts = collections.Counter(
        ContactEmail.objects.filter(is_primary=True).values_list("contact_id", flat=True)
    )
    assert set(counts.values()) == {1}


def test_search_text_and_sort_name_are_what_the_services_compute(demo):
    for contact in Contact.objects.select_related("company").prefetch_related("emails", "phones"):
        emails = [e.email for e in sorted(contact.emails.all(), key=lambda e: e.pk)]
        phones = [p.number for p in sorted(contact.phones.all(), key=lambda p: p.pk)]
        company_name = contact.company.name if contact.company else ""
        assert contact.search_text == contact_search_text(contact, emails, phones, company_name)
        assert contact.sort_name == sort_key(contact.full_name)
    for company in Company.objects.all():
        assert company.search_text == company_search_text(company)
        assert company.sort_name == sort_key(company.name)


def test_search_finds_demo_contacts_by_name_email_and_phone(demo):
    owner = Membership.objects.select_related("organization", "user").get(role=Role.OWNER)
    contact = (
        Contact.objects.exclude(email="").filter(first_name__regex=r"^[A-Za-z]{4,}$").order_by("id").first()
    )

    for query in (contact.first_name[1:4].lower(), contact.email, contact.phone[-6:]):
        hits = search_customers(query, member=owner, limit=50)
        assert contact.pk in {hit.id for hit in hits if hit.kind == "contact"}, query


def test_all_lifecycle_stages_occur(demo):
    assert set(Contact.objects.values_list("lifecycle_stage", flat=True)) == set(LifecycleStage.values)
    assert set(Company.objects.values_list("lifecycle_stage", flat=True)) == set(LifecycleStage.values)


def test_each_customers_history_starts_from_nothing_follows_the_rules_and_ends_at_its_stage(demo):
    history = collections.defaultdict(list)
    for transition in LifecycleTransition.objects.order_by("created_at", "id"):
        history[transition.contact_id or f"company {transition.company_id}"].append(transition)

    assert len(history) == 230
    for moves in history.values():
        assert moves[0].from_stage == ""
        for previous, move in itertools.pairwise(moves):
            assert move.from_stage == previous.to_stage
            assert move.to_stage in ALLOWED_TRANSITIONS[move.from_stage]
    for contact in Contact.objects.all():
        assert history[contact.pk][-1].to_stage == contact.lifecycle_stage
    assert max(len(moves) for moves in history.values()) >= 3


def test_owners_are_members_and_mostly_salespeople(demo):
    roles = dict(Membership.objects.values_list("user_id", "role"))

    owners = collections.Counter(roles[owner] for owner in Contact.objects.values_list("owner_id", flat=True))

    assert owners.most_common(1)[0][0] == Role.SALESPERSON
    assert Role.VIEWER not in owners


def test_most_contacts_belong_to_a_company(demo):
    attached = Contact.objects.filter(company__isnull=False).count()

    assert 0.7 * 200 <= attached < 200


def test_a_dozen_tags_are_used(demo):
    assert Tag.objects.count() == 12
    assert Contact.tags.through.objects.values("tag").distinct().count() >= 10


def test_a_share_of_contacts_gave_consent(demo):
    given = Consent.objects.filter(channel="email", status=Consent.Status.GRANTED).count()

    assert 0.3 * 200 < given < 0.8 * 200


def test_custom_fields_are_defined_and_their_values_pass_validation(demo):
    assert set(CustomField.objects.values_list("key", flat=True)) == {
        "customer_since",
        "loyalty_card",
        "preferred_branch",
        "employees_band",
    }
    for contact in Contact.objects.exclude(custom_fields={}):
        assert (
            clean_custom_values("contact", contact.custom_fields, record_id=contact.pk)
            == contact.custom_fields
        )
    cards = [
        c.custom_fields["loyalty_card"] for c in Contact.objects.all() if "loyalty_card" in c.custom_fields
    ]
    assert cards and len(cards) == len(set(cards))
    bands = set(Company.objects.values_list("custom_fields__employees_band", flat=True))
    assert bands <= set(demo_customers.EMPLOYEE_BANDS)


def test_the_demo_indexes_its_loyalty_cards_so_a_taken_card_is_refused(demo):
    holder = Contact.objects.exclude(custom_fields__loyalty_card=None).filter(
        custom_fields__has_key="loyalty_card"
    )
    card = holder.first().custom_fields["loyalty_card"]

    with pytest.raises(ValidationError) as raised:
        clean_custom_values("contact", {"loyalty_card": card})

    assert list(raised.value.message_dict) == ["custom_fields.loyalty_card"]


def test_the_load_leaves_one_entry_summing_it_up(demo):
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BULK, record_type="customers.contact")

    assert entry.changes["contacts"] == 200
    assert entry.changes["companies"] == 30


def test_each_lifecycle_move_of_a_demo_customer_has_its_audit_entry(demo):
    moves = collections.Counter(
        ("customers.contact" if contact_id else "customers.company", contact_id or company_id, when, to_stage)
        for contact_id, company_id, when, to_stage in LifecycleTransition.objects.values_list(
            "contact_id", "company_id", "created_at", "to_stage"
        )
    )
    entries = collections.Counter(
        (record_type, record_id, when, changes["lifecycle_stage"][1])
        for record_type, record_id, when, changes in AuditEntry.objects.filter(
            record_type__in=["customers.contact", "customers.company"]
        )
        .exclude(action=AuditEntry.Action.BULK)
        .values_list("record_type", "record_id", "created_at", "changes")
    )

    assert entries == moves


def test_a_demo_contacts_history_tab_shows_its_lifecycle_moves(demo):
    from django.test import Client
    from django.urls import reverse

    owner = Membership.objects.get(role=Role.OWNER)
    client = Client()
    client.force_login(owner.user)
    contact = Contact.objects.exclude(lifecycle_stage=LifecycleStage.LEAD).order_by("id").first()
    moves = LifecycleTransition.objects.filter(contact=contact).count()

    history = client.get(reverse("customers:contact-history", args=[contact.pk])).context["history"]

    assert [entry.action for entry in history] == ["update"] * (moves - 1) + ["create"]
    assert history[0].changes["Lifecycle stage"][1] == contact.get_lifecycle_stage_display()
    assert history[0].actor_label


def _index_names():
    tables = [Contact._meta.db_table, Company._meta.db_table, ContactEmail._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)", [tables])
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master"
                " WHERE type IN ('index', 'trigger') AND tbl_name IN (%s, %s, %s)",
                tables,
            )
        return sorted(row[0] for row in cursor.fetchall())


def test_a_large_load_rebuilds_every_index_and_the_search_index(db, monkeypatch):
    organization = _fresh_organization("large")
    indexes = _index_names()
    monkeypatch.setattr(demo_customers, "DEFER_INDEXES_FROM", 1)

    load_demo(organization_slug="large", contacts=60, companies=10)

    assert _index_names() == indexes
    with active_organization(organization.pk):
        owner = Membership.objects.select_related("organization").get(role=Role.OWNER)
        contact = Contact.objects.exclude(email="").order_by("-id").first()
        hits = search_customers(contact.email.split("@")[0], member=owner, limit=50)
        assert contact.pk in {hit.id for hit in hits if hit.kind == "contact"}


def test_a_large_load_indexes_chinese_fragments_anywhere_in_a_name(db, monkeypatch):
    organization = _fresh_organization("large")
    monkeypatch.setattr(demo_customers, "DEFER_INDEXES_FROM", 1)

    load_demo(organization_slug="large", contacts=60, companies=10)

    with active_organization(organization.pk):
        owner = Membership.objects.select_related("organization").get(role=Role.OWNER)
        for model, kind in ((Contact, "contact"), (Company, "company")):
            record = model.objects.exclude(search_grams="").order_by("-id").first()
            gram = record.search_grams.split()[-1]  # a character or pair from inside the name
            hits = search_customers(gram, member=owner, limit=50)
            assert record.pk in {hit.id for hit in hits if hit.kind == kind}, gram


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the row-by-row fallback is PostgreSQL's")
def test_a_large_load_without_superuser_rights_checks_foreign_keys_row_by_row(db, monkeypatch):
    organization = _fresh_organization("large")
    monkeypatch.setattr(demo_customers, "DEFER_INDEXES_FROM", 1)
    monkeypatch.setattr(BulkWriter, "_may_skip_row_checks", lambda writer: False)

    load_demo(organization_slug="large", contacts=60, companies=10)

    with active_organization(organization.pk):
        assert Contact.objects.count() == 60


@pytest.mark.django_db(transaction=True)  # SQLite checks foreign keys when the load commits
def test_a_large_load_whose_rows_break_a_foreign_key_is_refused_and_leaves_nothing(monkeypatch):
    organization = _fresh_organization("large")
    monkeypatch.setattr(demo_customers, "DEFER_INDEXES_FROM", 1)
    tags = demo_customers._ensure_tags
    monkeypatch.setattr(demo_customers, "_ensure_tags", lambda *args: dict.fromkeys(tags(*args), 987_654_321))

    with pytest.raises(IntegrityError):
        load_demo(organization_slug="large", contacts=60, companies=10)

    with active_organization(organization.pk):
        assert Contact.objects.exists() is False
        assert Company.objects.exists() is False


def test_a_demo_company_card_shows_employees_once(demo):
    from django.test import Client
    from django.urls import reverse

    owner = Membership.objects.get(role=Role.OWNER)
    client = Client()
    client.force_login(owner.user)
    company = Company.objects.order_by("id").first()

    content = client.get(reverse("customers:company-detail", args=[company.pk])).content.decode()

    labels = [part.split("</dt>")[0] for part in content.split("<dt>")[1:]]
    assert sum(label.endswith(">Employees</span>") or label == "Employees" for label in labels) == 1


def test_running_the_demo_command_again_says_the_data_was_kept_rather_than_loaded(db, capsys):
    assert main(["demo", "--contacts", "20", "--companies", "4", "--users", "0"]) == 0
    assert "Demo data loaded into" in capsys.readouterr().out

    assert main(["demo", "--contacts", "20", "--companies", "4", "--users", "0"]) == 0

    out = capsys.readouterr().out
    assert "Demo data already present in" in out and "kept as is" in out
    assert "Demo data loaded" not in out
