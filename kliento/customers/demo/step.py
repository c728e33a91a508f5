"""The customers' demo step: companies and contacts at any size, with their emails, phones, tags,
consent and history.

A million contacts cannot go through the per-row services in minutes, so rows are built in Python
and written in batches straight into the tables (COPY on PostgreSQL, executemany on SQLite), with
every derived column (search text, sort name, reversed phone digits, primary email and phone)
computed by the same functions the services use. Primary keys are reserved up front, so child rows
need no read-back.

Each block of 1,000 records has its own generator seeded from the step's seed and the block number,
so the same seed always gives the same records, and a second run that asks for more adds only the
missing ones, numbered on from the first.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from django.db import models
from django.utils import timezone

from kliento.core.audit import create_record
from kliento.core.models import AuditEntry, Membership, Organization
from kliento.core.permissions import Role
from kliento.core.records.bulk import BulkWriter
from kliento.core.records.demo import DemoOutcome, DemoSize, DemoStep
from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.values import rebuild_custom_values, rebuild_unique_values
from kliento.core.records.text_index import organization_key
from kliento.customers.demo.mix import (
    BANDS,
    BRANCHES,
    CHANNELS,
    COMPANY_TAGS,
    CONSENT_METHODS,
    CONSENT_SHARES,
    CONTACT_TAG_WEIGHTS,
    COUNTRIES,
    CUSTOM_FIELDS,
    EMPLOYEE_BANDS,
    EXAMPLE_DOMAINS,
    LANGUAGES,
    MAILBOXES,
    OWNER_WEIGHTS,
    REASONS,
    RULES,
    SOURCES,
    STAGES,
    TAG_COUNTS,
    TAGS,
    Weighted,
)
from kliento.customers.models import (
    Channel,
    Company,
    CompanyTag,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Customer,
    LifecycleStage,
    LifecycleTransition,
    Tag,
    display_name,
)
from kliento.customers.normalize import reversed_digits
from kliento.customers.search import cjk_grams
from kliento.customers.services import company_search_text, contact_search_text, sort_key
from kliento.demo import locales

BLOCK = 1_000  # records per seeded generator
BATCH = 10_000  # records per write
DEFER_INDEXES_FROM = 50_000  # records of a kind added at once
DAY = 86_400
HISTORY_DAYS = 3 * 365
_DATES: dict[int, str] = {}  # day number → its date as text


class ContactText(NamedTuple):  # what contact_search_text reads of a contact
    first_name: str
    last_name: str


class CompanyText(NamedTuple):  # what company_search_text reads of a company
    name: str
    email: str
    phone: str
    website: str
    city: str


class KnownCompany(NamedTuple):
    id: int
    name: str
    language: str | None
    country: str
    domain: str  # for work emails, only when it is an example domain
    owner_id: int | None


@dataclass
class Plan:
    """What every generated record draws on: who owns, which tags and fields exist, and when is now."""

    organization_id: int
    seed: int
    owners: Weighted
    tag_ids: dict[str, int]
    field_keys: set[str]
    today: int  # midnight UTC, as epoch seconds; "now" for the demo, so a day's runs agree
    is_postgresql: bool = False
    companies: list[KnownCompany] = field(default_factory=list)
    actor_labels: dict[int, str] = field(default_factory=dict)  # user id → name, as audit entries say it

    def timestamp(self, epoch: int) -> str:
        """A UTC moment as the database stores it (naive UTC text on SQLite, as Django writes it)."""
        day, second = divmod(epoch, DAY)
        date = _DATES.get(day)
        if date is None:  # three years of days: formatting each once saves a strftime per row
            date = _DATES[day] = time.strftime("%Y-%m-%d", time.gmtime(day * DAY))
        hour, second = divmod(second, 3600)
        text = f"{date} {hour:02d}:{second // 60:02d}:{second % 60:02d}"
        return f"{text}+00" if self.is_postgresql else text

    def __post_init__(self) -> None:
        self.contact_tags = Weighted(
            {self.tag_ids[name]: weight for name, weight in CONTACT_TAG_WEIGHTS.items()}
        )


# --- Set-up: tags, custom fields, owners ------------------------------------------------------


def _ensure_tags(organization: Organization, actor_id: int) -> dict[str, int]:
    existing = {tag.name.casefold(): tag for tag in Tag.objects.all()}
    for name, color in TAGS.items():
        if name.casefold() not in existing:
            existing[name.casefold()] = Tag.objects.create(
                organization=organization, name=name, color=color, created_by_id=actor_id
            )
    return {name: existing[name.casefold()].pk for name in TAGS}


def _ensure_custom_fields(organization: Organization, member: Membership) -> set[str]:
    """Create the demo's custom fields; fill only those whose definition fits the demo's values."""
    usable = set()
    for spec in CUSTOM_FIELDS:
        definition = CustomField.objects.filter(entity=spec["entity"], key=spec["key"]).first()
        if definition is None:
            definition = create_record(CustomField(organization=organization, **spec), actor=member.user)
        if definition.field_type == spec["field_type"] and set(spec.get("choices", [])) <= set(
            definition.choices
        ):
            usable.add(spec["key"])
    return usable


def _owner_draw(members: Sequence[Membership]) -> Weighted:
    weights = {member.user_id: OWNER_WEIGHTS.get(member.role, 1) for member in members}
    if not any(weights.values()):
        weights = dict.fromkeys(weights, 1)
    return Weighted({user_id: weight for user_id, weight in weights.items() if weight})


# --- Shared pieces -----------------------------------------------------------------------------


@dataclass
class Rows:
    """One batch of rows, by table."""

    companies: list[tuple[Any, ...]] = field(default_factory=list)
    company_tags: list[tuple[int, int, int]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    contact_tags: list[tuple[int, int, int]] = field(default_factory=list)
    emails: list[tuple[Any, ...]] = field(default_factory=list)
    phones: list[tuple[Any, ...]] = field(default_factory=list)
    consents: list[tuple[Any, ...]] = field(default_factory=list)
    transitions: list[tuple[Any, ...]] = field(default_factory=list)
    audit: list[tuple[Any, ...]] = field(default_factory=list)


Maker = Callable[[Plan, int, random.Random, int, Rows], None]


class Progress:
    """Records per second on stdout, once per batch, for runs of more than one batch."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self.started = time.perf_counter()

    def advance(self, count: int) -> None:
        self.done += count
        if self.total > BATCH:
            rate = self.done / max(time.perf_counter() - self.started, 1e-9)
            print(f"  {self.label}: {self.done:,} of {self.total:,} ({rate:,.0f}/s)", flush=True)


def _make_rows(plan: Plan, kind: str, start: int, end: int, ids: Sequence[int]) -> Rows:
    """The rows of records start..end-1. Each block of BLOCK records has its own seeded generator;
    records of the first block below `start` are made and dropped, to bring its generator to the
    state a run from the block's start would have."""
    make: Maker = _company if kind == "company" else _contact
    rows, next_id = Rows(), iter(ids).__next__
    for block in range(start // BLOCK, (end + BLOCK - 1) // BLOCK):
        rng = random.Random(f"{plan.seed}:{kind}:{block}")
        for ordinal in range(block * BLOCK, min(end, (block + 1) * BLOCK)):
            if ordinal < start:
                make(plan, ordinal, rng, 0, Rows())
            else:
                make(plan, ordinal, rng, next_id(), rows)
    return rows


_producer_plan: Plan | None = None  # the plan, in the process that makes rows for the writer


def _set_producer_plan(plan: Plan) -> None:
    global _producer_plan
    _producer_plan = plan


def _produce(kind: str, start: int, end: int, ids: Sequence[int]) -> Rows:
    assert _producer_plan is not None
    return _make_rows(_producer_plan, kind, start, end, ids)


def _batches(
    plan: Plan, writer: BulkWriter, kind: str, model: type[models.Model], first: int, last: int
) -> Iterator[Rows]:
    """Rows for records first..last-1, a batch at a time, in order. Larger runs make them in a second
    process while this one writes, so two cores work; a batch is made the same wherever it is made.
    Batches start at block boundaries (but the first), so no block is made twice."""
    bounds = [(first, min(last, (first // BATCH + 1) * BATCH))]
    bounds += [(start, min(last, start + BATCH)) for start in range(bounds[0][1], last, BATCH)]
    specs = ((kind, start, end, writer.reserve_ids(model, end - start)) for start, end in bounds)
    if len(bounds) < 3 or "fork" not in multiprocessing.get_all_start_methods():
        for spec in specs:
            yield _make_rows(plan, *spec)
        return
    # Forked, the producer has the plan without pickling it; it only computes, and never touches
    # the database connection it inherits.
    context = multiprocessing.get_context("fork")
    with context.Pool(1, initializer=_set_producer_plan, initargs=(plan,)) as pool:
        waiting: deque[Any] = deque()
        for spec in specs:
            waiting.append(pool.apply_async(_produce, spec))
            if len(waiting) > 2:  # two batches ahead at most, so memory stays flat
                yield waiting.popleft().get()
        while waiting:
            yield waiting.popleft().get()


def _generate(
    kind: str, model: type[models.Model], write: Callable[[BulkWriter, Rows], None],
    plan: Plan, writer: BulkWriter, first: int, last: int,
) -> None:  # fmt: skip
    progress = Progress(str(model._meta.verbose_name_plural), last - first)
    for rows in _batches(plan, writer, kind, model, first, last):
        write(writer, rows)
        progress.advance(len(rows.contacts) + len(rows.companies))


def _lifecycle(rng: random.Random, stage: str, created: int, today: int) -> list[tuple[str, str, int]]:
    """The moves that brought a customer to `stage`: (from, to, when), the first from nothing."""
    if stage == LifecycleStage.LEAD:
        path = ["lead"]
    elif stage == LifecycleStage.ACTIVE:
        path = ["lead", "active"] if rng.random() < 0.92 else ["lead", "active", "lost", "active"]
    elif stage == LifecycleStage.LOYAL:
        path = ["lead", "active", "loyal"]
    else:
        draw = rng.random()
        path = ["lead", "lost"] if draw < 0.4 else ["lead", "active", "lost"]
        if draw > 0.85:
            path = ["lead", "active", "loyal", "lost"]
    span = max(today - created, DAY)
    moments = sorted(created + int(span * rng.random()) for _ in path[1:])
    return [("", path[0], created)] + [(path[i], path[i + 1], moment) for i, moment in enumerate(moments)]


def _created_at(rng: random.Random, today: int) -> int:
    """More customers recently than three years ago, like a growing business."""
    return today - int(HISTORY_DAYS * DAY * rng.random() ** 1.6) - rng.randrange(1, DAY)


def _add_transitions(
    rows: Rows, plan: Plan, rng: random.Random, moves: list[tuple[str, str, int]], owner_id: int | None,
    label: str, contact_id: int | None = None, company_id: int | None = None,
) -> None:  # fmt: skip
    """Each move with the audit entry the services write with it (the first as the creation), so a
    demo customer's History tells what its lifecycle panel shows."""
    record_type, record_id = (CONTACT_TYPE, contact_id) if contact_id else (COMPANY_TYPE, company_id)
    for from_stage, to_stage, moment in moves:
        rule = reason = ""
        if from_stage:
            if to_stage in RULES and rng.random() < 0.6:
                rule = RULES[to_stage]
            reason = rng.choice(REASONS[to_stage])
        at = plan.timestamp(moment)
        actor = None if rule else owner_id
        rows.transitions.append((plan.organization_id, at, at, actor, actor, contact_id, company_id,
                                 from_stage, to_stage, rule, reason))  # fmt: skip
        changes = _stage_change(from_stage, to_stage, reason)
        action = AuditEntry.Action.UPDATE if from_stage else AuditEntry.Action.CREATE
        actor_label = rule or (plan.actor_labels.get(actor, "") if actor else "")
        rows.audit.append((plan.organization_id, at, at, actor, actor, action, actor, actor_label,
                           record_type, record_id, label[:200], changes))  # fmt: skip


@functools.cache
def _stage_change(from_stage: str, to_stage: str, reason: str) -> str:
    """The audit entry's changes of one move, as JSON: a few dozen distinct ones, made once each."""
    changes: dict[str, list[str | None]] = {"lifecycle_stage": [from_stage or None, to_stage]}
    if reason:
        changes["reason"] = [None, reason]
    return json.dumps(changes)


TRANSITION_COLUMNS = (
    "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "contact_id",
    "company_id", "from_stage", "to_stage", "rule", "reason",
)  # fmt: skip
AUDIT_COLUMNS = (
    "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "action", "actor_id",
    "actor_label", "record_type", "record_id", "record_label", "changes",
)  # fmt: skip
CONTACT_TYPE, COMPANY_TYPE = Contact._meta.label_lower, Company._meta.label_lower


# --- Companies --------------------------------------------------------------------------------

COMPANY_COLUMNS = (
    "id", "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "deleted_at",
    "deleted_by_id", "owner_id", "lifecycle_stage", "source", "street", "city", "region", "postal_code",
    "country", "description", "custom_fields", "sort_name", "search_text", "search_grams", "name", "website",
    "industry",
    "employees", "email", "phone",
)  # fmt: skip


def _company(plan: Plan, ordinal: int, rng: random.Random, company_id: int, rows: Rows) -> None:
    country = COUNTRIES[LANGUAGES(rng)](rng)
    city = rng.choice(country.cities)
    name, stem = locales.company_name(rng, country, city)
    domain = f"{stem}-{ordinal + 1}.{EXAMPLE_DOMAINS[ordinal % 3]}"
    website = f"https://{domain}"
    email = f"{rng.choice(MAILBOXES)}@{domain}"
    phone = locales.phone_number(country.code, mobile=False, serial=ordinal + 123_457)
    band = BANDS(rng)
    owner_id = plan.owners(rng)
    stage = STAGES(rng)
    created = _created_at(rng, plan.today)
    moves = _lifecycle(rng, stage, created, plan.today)
    has_address = rng.random() < 0.8
    custom = {"employees_band": band} if "employees_band" in plan.field_keys else {}
    search_text = company_search_text(cast(Company, CompanyText(name, email, phone, website, city.name)))
    rows.companies.append((
        company_id, plan.organization_id, plan.timestamp(created), plan.timestamp(moves[-1][2]),
        owner_id, owner_id, None, None, owner_id, stage, SOURCES(rng),
        locales.street(rng, country) if has_address else "", city.name, city.region,
        locales.postal_code(rng, city) if has_address else "", country.code, "", json.dumps(custom),
        sort_key(name), search_text, cjk_grams(search_text), name, website,
        rng.choice(locales.INDUSTRIES), rng.randint(*EMPLOYEE_BANDS[band]), email, phone,
    ))  # fmt: skip
    if rng.random() < 0.3:
        rows.company_tags.append((plan.organization_id, company_id, plan.tag_ids[rng.choice(COMPANY_TAGS)]))
    _add_transitions(rows, plan, rng, moves, owner_id, name, company_id=company_id)


def _write_companies(writer: BulkWriter, rows: Rows) -> None:
    writer.insert(Company, COMPANY_COLUMNS, rows.companies)
    writer.insert(CompanyTag, ("organization_id", "company_id", "tag_id"), rows.company_tags)
    writer.insert(LifecycleTransition, TRANSITION_COLUMNS, rows.transitions)
    writer.insert(AuditEntry, AUDIT_COLUMNS, rows.audit)


def known_companies() -> list[KnownCompany]:
    """Every company of the organization, in id order, with what contacts borrow from it."""
    rows = Company.objects.order_by("id").values_list("id", "name", "country", "website", "owner_id")
    known = []
    for company_id, name, country, website, owner_id in rows.iterator(chunk_size=20_000):
        host = website.removeprefix("https://").removeprefix("http://").split("/")[0].lower()
        # Work emails only at domains reserved for examples (RFC 2606), never at a real one.
        domain = host if host.endswith(tuple(f".{d}" for d in EXAMPLE_DOMAINS)) else ""
        place = locales.COUNTRY_BY_CODE.get(country)
        language = place.language if place else None
        known.append(KnownCompany(company_id, name, language, country, domain, owner_id))
    return known


# --- Contacts ---------------------------------------------------------------------------------

CONTACT_COLUMNS = (
    "id", "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "deleted_at",
    "deleted_by_id", "owner_id", "lifecycle_stage", "source", "street", "city", "region", "postal_code",
    "country", "description", "custom_fields", "sort_name", "search_text", "search_grams", "first_name",
    "last_name", "company_id", "job_title", "birthday", "preferred_language", "preferred_channel", "email",
    "phone",
)  # fmt: skip
EMAIL_COLUMNS = ("organization_id", "created_at", "updated_at", "contact_id", "email", "label", "is_primary")
PHONE_COLUMNS = (
    "organization_id", "created_at", "updated_at", "contact_id", "number", "reversed_digits", "label",
    "is_primary",
)  # fmt: skip
CONSENT_COLUMNS = (
    "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "contact_id", "channel",
    "status", "changed_at", "method", "note",
)  # fmt: skip


def _mailbox(rng: random.Random, first: str, last: str, number: int) -> str:
    """A mailbox name made from the person's name; the number keeps it unique in the organization."""
    draw = rng.random()
    if draw < 0.4:
        return f"{first}.{last}{number}"
    if draw < 0.6:
        return f"{first}{last}{number}"
    if draw < 0.8:
        return f"{first[:1]}{last}{number}"
    return f"{last}.{first}{number}"


def _company_of_contact(plan: Plan, rng: random.Random) -> KnownCompany | None:
    if not plan.companies or rng.random() >= 0.8:
        return None
    # A few companies have many contacts, most have a handful.
    return plan.companies[int(len(plan.companies) * rng.random() ** 1.5)]


def _contact(plan: Plan, ordinal: int, rng: random.Random, contact_id: int, rows: Rows) -> None:
    org, today = plan.organization_id, plan.today
    company = _company_of_contact(plan, rng)
    # People mostly share their company's language and country.
    language = company.language if company and company.language and rng.random() < 0.85 else LANGUAGES(rng)
    if company and company.language == language and rng.random() < 0.85:
        country = locales.COUNTRY_BY_CODE[company.country]
    else:
        country = COUNTRIES[language](rng)
    city = rng.choice(country.cities)
    name = locales.person(rng, language)
    owner_id = company.owner_id if company and company.owner_id and rng.random() < 0.7 else plan.owners(rng)
    stage = STAGES(rng)
    created = _created_at(rng, today)
    moves = _lifecycle(rng, stage, created, today)
    created_at, updated_at = plan.timestamp(created), plan.timestamp(moves[-1][2])

    emails: list[tuple[str, str]] = []  # (address, label), the primary first
    if company and company.domain and rng.random() < 0.75:
        mailbox = _mailbox(rng, name.latin_first, name.latin_last, ordinal + 1)
        emails.append((f"{mailbox}@{company.domain}", ContactEmail.Label.WORK))
    if rng.random() < (0.25 if emails else 0.96):
        mailbox = _mailbox(rng, name.latin_first, name.latin_last, ordinal + 1)
        emails.append((f"{mailbox}@{rng.choice(EXAMPLE_DOMAINS)}", ContactEmail.Label.HOME))
    phones = [(locales.phone_number(country.code, mobile=True, serial=ordinal), ContactPhone.Label.MOBILE)]
    if rng.random() < 0.2:
        phones.append(
            (locales.phone_number(country.code, mobile=False, serial=ordinal), ContactPhone.Label.WORK)
        )
    for index, (address, label) in enumerate(emails):
        rows.emails.append((org, created_at, created_at, contact_id, address, label, index == 0))
    for index, (number, label) in enumerate(phones):
        rows.phones.append((org, created_at, created_at, contact_id, number, reversed_digits(number), label,
                            index == 0))  # fmt: skip

    custom: dict[str, str] = {}
    became_active = next((moment for _, to, moment in moves if to == LifecycleStage.ACTIVE), None)
    if became_active and "customer_since" in plan.field_keys:
        custom["customer_since"] = time.strftime("%Y-%m-%d", time.gmtime(became_active))
    if "loyalty_card" in plan.field_keys and (
        stage == LifecycleStage.LOYAL or (stage == LifecycleStage.ACTIVE and rng.random() < 0.3)
    ):
        custom["loyalty_card"] = (
            f"LC{(ordinal * 7919 + 104_729) % 10**8:08d}"  # unique, as 7919 is prime to 10
        )
    if "preferred_branch" in plan.field_keys and rng.random() < 0.55:
        custom["preferred_branch"] = rng.choice(BRANCHES)
    has_address = rng.random() < 0.7
    birthday = None
    if rng.random() < 0.45:
        birthday = time.strftime("%Y-%m-%d", time.gmtime(today - rng.randrange(20 * 365, 70 * 365) * DAY))
    search_text = contact_search_text(
        cast(Contact, ContactText(name.first_name, name.last_name)),
        [address for address, _ in emails],
        [number for number, _ in phones],
        company.name if company else "",
    )
    rows.contacts.append((
        contact_id, org, created_at, updated_at, owner_id, owner_id, None, None, owner_id, stage,
        SOURCES(rng), locales.street(rng, country) if has_address else "", city.name, city.region,
        locales.postal_code(rng, city) if has_address else "", country.code, "", json.dumps(custom),
        sort_key(display_name(name.first_name, name.last_name)), search_text, cjk_grams(search_text),
        name.first_name,
        name.last_name, company.id if company else None,
        rng.choice(locales.JOB_TITLES[language]) if company and rng.random() < 0.85 else "", birthday,
        language if rng.random() < 0.9 else "", CHANNELS(rng), emails[0][0] if emails else "", phones[0][0],
    ))  # fmt: skip

    tags = {plan.contact_tags(rng) for _ in range(TAG_COUNTS(rng))}
    if stage == LifecycleStage.LOYAL and rng.random() < 0.3:
        tags.add(plan.tag_ids["VIP"])
    rows.contact_tags += [(org, contact_id, tag_id) for tag_id in sorted(tags)]
    _add_transitions(
        rows, plan, rng, moves, owner_id, display_name(name.first_name, name.last_name), contact_id=contact_id
    )
    for channel, share in CONSENT_SHARES.items():
        if rng.random() < share:
            withdrawn = rng.random() < 0.1
            if withdrawn:
                method = Consent.Method.UNSUBSCRIBE if channel == Channel.EMAIL else Consent.Method.VERBAL
            else:
                method = CONSENT_METHODS(rng)
            at = plan.timestamp(created + int((today - created) * rng.random()))
            status = Consent.Status.WITHDRAWN if withdrawn else Consent.Status.GRANTED
            rows.consents.append(
                (org, at, at, owner_id, owner_id, contact_id, channel, status, at, method, "")
            )


def _write_contacts(writer: BulkWriter, rows: Rows) -> None:
    writer.insert(Contact, CONTACT_COLUMNS, rows.contacts)
    writer.insert(ContactEmail, EMAIL_COLUMNS, rows.emails)
    writer.insert(ContactPhone, PHONE_COLUMNS, rows.phones)
    writer.insert(ContactTag, ("organization_id", "contact_id", "tag_id"), rows.contact_tags)
    writer.insert(LifecycleTransition, TRANSITION_COLUMNS, rows.transitions)
    writer.insert(AuditEntry, AUDIT_COLUMNS, rows.audit)
    writer.insert(Consent, CONSENT_COLUMNS, rows.consents)


# --- The demo step ----------------------------------------------------------------------------


def _fill_search_index(writer: BulkWriter, organization_id: int, tables: Sequence[type[Customer]]) -> None:
    """Index the new rows for search at once, as the insert triggers of migrations 0002 and 0005
    would have row by row (SQLite only: PostgreSQL's GIN indexes are rebuilt with the other indexes)."""
    for model in tables:
        table = model._meta.db_table
        index = f"{table}_search"
        # A larger buffer of pending terms writes fewer, larger segments: less merging on the way.
        writer.execute(f"INSERT INTO {index}({index}, rank) VALUES ('hashsize', {64 * 1024 * 1024})")
        writer.execute(
            f"INSERT INTO {index}(rowid, organization_key, search_text) "
            f"SELECT id, ?, search_text FROM {table} WHERE organization_id = ? AND id >= ?",
            [organization_key(organization_id), organization_id, writer.first_reserved[model]],
        )
        writer.execute(f"INSERT INTO {index}({index}, rank) VALUES ('hashsize', {1024 * 1024})")
        writer.execute(
            f"INSERT INTO {table}_grams(rowid, organization_key, search_grams) "
            f"SELECT id, ?, search_grams FROM {table} "
            f"WHERE organization_id = ? AND id >= ? AND search_grams != ''",
            [organization_key(organization_id), organization_id, writer.first_reserved[model]],
        )


def _is_large(added: int, have: int) -> bool:
    """Whether building indexes once at the end beats updating them row by row."""
    return added >= DEFER_INDEXES_FROM and added >= have


def fill_customers(
    organization: Organization, size: Mapping[str, int], rng: random.Random, writer: BulkWriter
) -> DemoOutcome:
    """Fill the organization up to the asked numbers of companies and contacts; never add twice.
    Records are drawn from generators of their own block, seeded from one draw of `rng`."""
    have_companies, have_contacts = Company.with_trash.count(), Contact.with_trash.count()
    add_companies = max(size.get("companies", 0) - have_companies, 0)
    add_contacts = max(size.get("contacts", 0) - have_contacts, 0)
    seed = rng.getrandbits(64)
    if add_companies or add_contacts:
        started = time.perf_counter()
        members = list(Membership.objects.active().select_related("user").order_by("id"))
        _load(
            organization,
            members,
            seed,
            writer,
            (have_companies, add_companies),
            (have_contacts, add_contacts),
        )
        for definition in CustomField.objects.filter(entity__in=("contact", "company")):
            # Rows were written past the services that index them.
            rebuild_custom_values(definition)
            rebuild_unique_values(definition)
        seconds = time.perf_counter() - started
        AuditEntry.objects.create(
            organization=organization,
            action=AuditEntry.Action.BULK,
            actor_label="kliento demo",
            record_type=Contact._meta.label_lower,
            record_label=f"Demo data: {add_contacts:,} contacts, {add_companies:,} companies",
            changes={"demo": True, "contacts": add_contacts, "companies": add_companies,
                     "seconds": round(seconds, 1)},
        )  # fmt: skip
        if add_companies + add_contacts > BATCH:
            print(f"  customers written in {seconds:,.1f} s", flush=True)
    return DemoOutcome(
        added={"companies": add_companies, "contacts": add_contacts},
        counts={"companies": Company.objects.count(), "contacts": Contact.objects.count()},
    )


CUSTOMERS_STEP = DemoStep(
    key="customers",
    run=fill_customers,
    sizes=(
        DemoSize("contacts", default=300, help="fill the organization up to this many contacts (300)"),
        DemoSize("companies", default=60, help="fill the organization up to this many companies (60)"),
    ),
    order=10,
)


# Index columns whose values arrive in index order during a load (ids counting up, one organization,
# a handful of users, a dozen tags): their indexes cost little to keep. The others are built at the end.
IN_ORDER = {"organization_id", "created_by_id", "updated_by_id", "deleted_by_id", "deleted_at", "owner_id"}
COMPANY_TABLES: dict[type[models.Model], set[str]] = {
    Company: IN_ORDER,
    CompanyTag: IN_ORDER | {"company_id", "tag_id"},
    AuditEntry: IN_ORDER,
}
CONTACT_TABLES: dict[type[models.Model], set[str]] = {
    Contact: IN_ORDER,
    ContactEmail: IN_ORDER | {"contact_id"},
    ContactPhone: IN_ORDER | {"contact_id"},
    Consent: IN_ORDER | {"contact_id"},
    ContactTag: IN_ORDER | {"contact_id", "tag_id"},
    LifecycleTransition: IN_ORDER | {"contact_id", "company_id"},
    AuditEntry: IN_ORDER,
}


def _load(
    organization: Organization, members: list[Membership], seed: int, writer: BulkWriter,
    companies: tuple[int, int], contacts: tuple[int, int],
) -> None:  # fmt: skip
    (have_companies, add_companies), (have_contacts, add_contacts) = companies, contacts
    manager = next((member for member in members if member.role == Role.OWNER), members[0])
    plan = Plan(
        organization_id=organization.pk,
        seed=seed,
        owners=_owner_draw(members),
        actor_labels={member.user_id: str(member.user) for member in members},
        tag_ids=_ensure_tags(organization, manager.user_id),
        field_keys=_ensure_custom_fields(organization, manager),
        today=int(timezone.now().timestamp()) // DAY * DAY,
    )
    deferred: dict[type[models.Model], set[str]] = {}
    searched: list[type[Customer]] = []
    if _is_large(add_companies, have_companies):
        deferred |= COMPANY_TABLES
        searched.append(Company)
    if _is_large(add_contacts, have_contacts):
        deferred |= CONTACT_TABLES
        searched.append(Contact)
    triggers = [
        f"{model._meta.db_table}_{index}_insert" for model in searched for index in ("search", "grams")
    ]
    plan.is_postgresql = writer.is_postgresql
    with writer.deferred(deferred, triggers=triggers):
        if add_companies:
            _generate("company", Company, _write_companies, plan, writer, have_companies,
                      have_companies + add_companies)  # fmt: skip
        if add_contacts:
            plan.companies = known_companies()
            _generate("contact", Contact, _write_contacts, plan, writer, have_contacts,
                      have_contacts + add_contacts)  # fmt: skip
        indexing_started = time.perf_counter()
        if deferred:
            print("  building the indexes", flush=True)
        if searched and not writer.is_postgresql:
            _fill_search_index(writer, organization.pk, searched)
    if deferred:
        print(f"  indexes built in {time.perf_counter() - indexing_started:,.1f} s", flush=True)
    if add_companies + add_contacts >= BATCH:
        writer.analyze([*COMPANY_TABLES, *CONTACT_TABLES])
