"""The deals' demo step: two pipelines with their stages, lost reasons, and deals in every stage
with realistic amounts in several currencies, for the customers the customers' step made.

Deals are written in batches straight into the tables with the shared bulk writer (a benchmark
asks for hundreds of thousands), each with its rate and base amount computed by the catalogue's
conversion, its first stage change, and the Created entry its service would have written.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Mapping
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from kliento.catalog.models import ExchangeRate, Product
from kliento.catalog.money import quantize, rate_on
from kliento.core.models import AuditEntry, Membership, Organization
from kliento.core.permissions import Role
from kliento.core.records.bulk import BulkWriter
from kliento.core.records.demo import DemoOutcome, DemoSize, DemoStep
from kliento.customers.models import Company, Contact
from kliento.deals.models import (
    POSITION_GAP,
    Deal,
    DealLine,
    LostReason,
    Pipeline,
    Stage,
    StageChange,
    StageKind,
)

# (name, kind, probability, stale after days)
PIPELINES = {
    "Sales": [
        ("New", StageKind.OPEN, 10, 7),
        ("Qualified", StageKind.OPEN, 25, 14),
        ("Proposal", StageKind.OPEN, 50, 14),
        ("Negotiation", StageKind.OPEN, 75, 10),
        ("Won", StageKind.WON, 100, None),
        ("Lost", StageKind.LOST, 0, None),
    ],
    "Renewals": [
        ("Due", StageKind.OPEN, 60, 30),
        ("Offer sent", StageKind.OPEN, 80, 14),
        ("Renewed", StageKind.WON, 100, None),
        ("Churned", StageKind.LOST, 0, None),
    ],
}
LOST_REASONS = ["Price too high", "Chose a competitor", "No budget", "No decision", "Bad timing"]
# Most deals are open; the closed ones show the board's won and lost columns too.
STAGE_WEIGHTS = {StageKind.OPEN: 70, StageKind.WON: 18, StageKind.LOST: 12}
CURRENCIES = [("USD", 60), ("EUR", 25), ("GBP", 15)]
TITLES = [
    "Office refit", "Laptop refresh", "Annual supplies", "Warehouse packaging", "Coffee service",
    "Printer fleet", "Maintenance plan", "New branch furniture", "Monitor upgrade", "Breakroom equipment",
]  # fmt: skip
BATCH = 5_000
DEAL_COLUMNS = (
    "id", "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "title",
    "pipeline_id", "stage_id", "position", "status", "amount", "currency", "rate", "amount_base",
    "expected_close_on", "owner_id", "contact_id", "company_id", "lost_reason_id", "closed_on",
    "stage_changed_at", "description", "custom_fields",
)  # fmt: skip
CHANGE_COLUMNS = (
    "organization_id",
    "created_at",
    "updated_at",
    "created_by_id",
    "deal_id",
    "from_stage_id",
    "to_stage_id",
)
AUDIT_COLUMNS = (
    "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "action", "actor_id",
    "actor_label", "record_type", "record_id", "record_label", "changes",
)  # fmt: skip


def _settings(organization: Organization) -> None:
    """The pipelines and lost reasons, once."""
    for index, (name, stages) in enumerate(PIPELINES.items()):
        if Pipeline.objects.filter(name=name).exists():
            continue
        pipeline = Pipeline.objects.create(
            organization=organization, name=name, is_default=index == 0, position=index
        )
        Stage.objects.bulk_create(
            Stage(
                organization=organization,
                pipeline=pipeline,
                name=stage,
                kind=kind,
                position=position,
                probability=probability,
                stale_after_days=stale,
            )
            for position, (stage, kind, probability, stale) in enumerate(stages)
        )
    for index, name in enumerate(LOST_REASONS):
        LostReason.objects.get_or_create(organization=organization, name=name, defaults={"position": index})


def _moment(moment: datetime.datetime, writer: BulkWriter) -> str:
    """A UTC moment as the database stores it (naive UTC text on SQLite, as Django writes it)."""
    text = moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return f"{text}+00" if writer.is_postgresql else text


def fill_deals(
    organization: Organization, size: Mapping[str, int], rng: random.Random, writer: BulkWriter
) -> DemoOutcome:
    _settings(organization)
    have = Deal.with_trash.count()
    wanted = size["deals"] - have
    if wanted <= 0:
        return DemoOutcome(added={"deals": 0}, counts={"deals": have})
    stages = list(Stage.objects.order_by("pipeline__position", "position"))
    by_kind = {kind: [stage for stage in stages if stage.kind == kind] for kind in StageKind.values}
    first_open: dict[int, Stage] = {}
    for stage in by_kind[StageKind.OPEN]:
        first_open.setdefault(stage.pipeline_id, stage)
    reasons = list(LostReason.objects.values_list("pk", flat=True))
    roles = [Role.SALESPERSON, Role.SALES_MANAGER, Role.OWNER]
    sellers: list[int | None] = list(
        Membership.objects.filter(role__in=roles).values_list("user_id", flat=True)
    )
    sellers = sellers or [None]
    companies: list[int | None] = list(Company.objects.values_list("pk", flat=True)[:50_000])
    companies = companies or [None]
    contacts = list(Contact.objects.values_list("pk", "company_id")[:50_000])
    base = organization.base_currency
    today = timezone.localdate()
    rates = {
        code: rate_on(code, today, base=base)
        for code, _w in CURRENCIES
        if code == base or ExchangeRate.objects.filter(currency=code).exists()
    }
    currencies = [(code, weight) for code, weight in CURRENCIES if code in rates] or [(base, 1)]
    codes, weights = zip(*currencies, strict=True)
    next_position = {
        row["stage_id"]: row["last"]
        for row in Deal.with_trash.values("stage_id").annotate(last=Max("position"))
    }
    now = timezone.now()
    ids = writer.reserve_ids(Deal, wanted)
    deals: list[tuple[object, ...]] = []
    changes: list[tuple[object, ...]] = []
    audit: list[tuple[object, ...]] = []
    for index, deal_id in enumerate(ids):
        kind = rng.choices(list(STAGE_WEIGHTS), weights=list(STAGE_WEIGHTS.values()))[0]
        stage = rng.choice(by_kind[kind] or by_kind[StageKind.OPEN])
        currency = rng.choices(codes, weights=weights)[0]
        # Many small deals and a few large ones: a log-normal around a few thousand.
        amount = quantize(Decimal(str(round(rng.lognormvariate(8.0, 1.0), 2))), currency)
        amount_base = quantize(amount * rates[currency], base)
        position = next_position.get(stage.pk, 0) + POSITION_GAP
        next_position[stage.pk] = position
        created = now - datetime.timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1440))
        changed = min(now, created + datetime.timedelta(days=rng.randint(0, 60)))
        owner = rng.choice(sellers)
        contact_id, company_id = (
            rng.choice(contacts) if contacts and rng.random() < 0.8 else (None, rng.choice(companies))
        )
        title = f"{rng.choice(TITLES)} #{have + index + 1}"
        closed = changed.date() if kind != StageKind.OPEN else None
        reason = rng.choice(reasons) if kind == StageKind.LOST and reasons else None
        expected = (created + datetime.timedelta(days=rng.randint(14, 120))).date()
        created_text, changed_text = _moment(created, writer), _moment(changed, writer)
        closed_text = closed.isoformat() if closed else None
        deals.append((
            deal_id, organization.pk, created_text, changed_text, owner, owner, title, stage.pipeline_id,
            stage.pk, position, str(kind), str(amount), currency, str(rates[currency]), str(amount_base),
            expected.isoformat(), owner, contact_id, company_id, reason, closed_text, changed_text, "", "{}",
        ))  # fmt: skip
        first = first_open.get(stage.pipeline_id, stage)
        changes.append((organization.pk, created_text, created_text, owner, deal_id, None, first.pk))
        if first.pk != stage.pk:
            changes.append((organization.pk, changed_text, changed_text, owner, deal_id, first.pk, stage.pk))
        values = {"title": [None, title], "amount": [None, str(amount)], "currency": [None, currency]}
        audit.append((
            organization.pk, created_text, created_text, owner, owner, str(AuditEntry.Action.CREATE), owner,
            "", "deals.deal", deal_id, title, json.dumps(values),
        ))  # fmt: skip
        if len(deals) >= BATCH:
            _write(writer, deals, changes, audit)
            deals, changes, audit = [], [], []
    _write(writer, deals, changes, audit)
    _lines_for_a_few(organization, ids[:50], rng)
    return DemoOutcome(added={"deals": wanted}, counts={"deals": have + wanted})


def _write(
    writer: BulkWriter,
    deals: list[tuple[object, ...]],
    changes: list[tuple[object, ...]],
    audit: list[tuple[object, ...]],
) -> None:
    writer.insert(Deal, DEAL_COLUMNS, deals)
    writer.insert(StageChange, CHANGE_COLUMNS, changes)
    writer.insert(AuditEntry, AUDIT_COLUMNS, audit)


def _lines_for_a_few(organization: Organization, ids: object, rng: random.Random) -> None:
    """Product lines on the first deals, whose amount then is their sum (in the deal's currency
    when the product has a price in it)."""
    products = list(Product.objects.prefetch_related("prices")[:25])
    if not products:
        return
    for deal in Deal.objects.filter(pk__in=list(ids)):  # type: ignore[call-overload]  # a range or list of ids
        lines = []
        for position, product in enumerate(rng.sample(products, k=min(len(products), rng.randint(1, 3)))):
            price = next((p.amount for p in product.prices.all() if p.currency == deal.currency), None)
            if price is None:
                continue
            quantity = Decimal(rng.randint(1, 20))
            discount = Decimal(rng.choice([0, 0, 5, 10]))
            amount = quantize(quantity * price * (100 - discount) / 100, deal.currency)
            lines.append(
                DealLine(
                    organization=organization,
                    deal=deal,
                    product=product,
                    position=position,
                    quantity=quantity,
                    unit_price=price,
                    discount=discount,
                    amount=amount,
                )
            )
        if lines:
            DealLine.objects.bulk_create(lines)
            deal.amount = sum((line.amount for line in lines), Decimal(0))
            deal.amount_base = quantize(deal.amount * deal.rate, organization.base_currency)
            deal.save(update_fields=["amount", "amount_base"])


DEALS_STEP = DemoStep(
    key="deals",
    run=fill_deals,
    sizes=(DemoSize("deals", default=300, help="fill the organization up to this many deals (300)"),),
    order=30,
)
