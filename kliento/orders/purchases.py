"""The purchase history's effect on customers: their purchase summary and the lifecycle rules.

Every write that changes which orders count as purchases (paid or fulfilled ones) calls
`refresh_customers` in its own transaction. The summary is recomputed from the customer's orders,
not adjusted by a difference, under the customer's row lock: two orders of one customer written
at once leave the summary of both, whatever the order in which they commit. The sum reads one
index range of `order_org_contact` (or `_company`), so it stays cheap at thousands of orders.

Lifecycle rules (each in the organization's sales settings, each move recorded with its rule):
- first purchase: a lead becomes an active customer;
- purchase after a lapse: a lost customer becomes active again;
- repeat purchases: an active customer with `loyal_purchases` purchases within `loyal_window_days`
  of the last one becomes loyal;
- lapse: an active or loyal customer without a purchase for `lapse_days` becomes lost, by the
  nightly job (`lapse_customers`); history entered late (an import of old orders) is judged the
  same way at once.
Cancelling or refunding an order updates the summary but moves no one back: a stage someone may
have changed by hand since is not undone by a rule.

After a load written past the services (the demo, an import), `recompute_all_purchase_summaries`
does the same for every customer of the organization at once: one set-based UPDATE per table for
the summaries, then the same rules, applied in batches with their transitions and audit entries.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.core.audit import record_changes_in_bulk
from kliento.core.models import AuditEntry, User
from kliento.core.tenancy import require_active_organization_id
from kliento.customers.models import (
    Company,
    Contact,
    LifecycleStage,
    LifecycleTransition,
    register_lifecycle_rule,
)
from kliento.customers.services import change_lifecycle_stage
from kliento.orders.models import PURCHASE_STATUSES, Order, SalesSettings

FIRST_PURCHASE = register_lifecycle_rule("orders.first_purchase", _("first purchase"))
PURCHASE_AFTER_LAPSE = register_lifecycle_rule("orders.purchase_after_lapse", _("purchase after a lapse"))
REPEAT_PURCHASES = register_lifecycle_rule("orders.repeat_purchases", _("repeat purchases"))
LAPSE = register_lifecycle_rule("orders.lapse", _("no purchase for a while"))

Customer = Contact | Company


def settings_of_organization() -> SalesSettings:
    """The active organization's sales settings; defaults until someone saves them."""
    settings = SalesSettings.objects.first()
    return settings if settings is not None else SalesSettings()


def _purchases(customer: Customer) -> dict[str, object]:
    link = {"contact_id": customer.pk} if isinstance(customer, Contact) else {"company_id": customer.pk}
    return Order.objects.filter(status__in=PURCHASE_STATUSES, **link).aggregate(
        first=Min("ordered_on"), last=Max("ordered_on"), count=Count("id"), revenue=Sum("total_base")
    )


def _purchases_within(customer: Customer, since: datetime.date) -> int:
    link = {"contact_id": customer.pk} if isinstance(customer, Contact) else {"company_id": customer.pk}
    return Order.objects.filter(status__in=PURCHASE_STATUSES, ordered_on__gte=since, **link).count()


def _move(customer: Customer, to_stage: str, rule: str, actor: User | None, reason: str) -> None:
    change_lifecycle_stage(customer=customer, to_stage=to_stage, actor=actor, rule=rule, reason=reason)


@dataclass(frozen=True)
class Move:
    """One lifecycle move a rule makes."""

    from_stage: str
    to_stage: str
    rule: str
    reason: str = ""


def rule_moves(
    *,
    stage: str,
    last_purchase_on: datetime.date | None,
    purchase_count: int,
    purchases_since: Callable[[datetime.date], int],
    rules: SalesSettings,
    today: datetime.date,
) -> list[Move]:
    """The moves the lifecycle rules make for a customer with this summary, in order; one function
    for the services' refresh and the bulk recompute, so both always judge alike."""
    last = last_purchase_on
    if last is None:
        return []
    if rules.lapse_days > 0 and last < today - datetime.timedelta(days=rules.lapse_days):
        if stage == LifecycleStage.LOST:
            return []
        reason = str(_("Last purchase on %(date)s.") % {"date": last.isoformat()})
        return [Move(stage, LifecycleStage.LOST, LAPSE, reason)]
    moves = []
    if stage in (LifecycleStage.LEAD, LifecycleStage.LOST) and rules.activate_on_first_purchase:
        rule = FIRST_PURCHASE if stage == LifecycleStage.LEAD else PURCHASE_AFTER_LAPSE
        moves.append(Move(stage, LifecycleStage.ACTIVE, rule))
        stage = LifecycleStage.ACTIVE
    if stage == LifecycleStage.ACTIVE and 0 < rules.loyal_purchases <= purchase_count:
        count = purchases_since(last - datetime.timedelta(days=rules.loyal_window_days))
        if count >= rules.loyal_purchases:
            reason = str(
                _("%(count)s purchases within %(days)s days.")
                % {"count": count, "days": rules.loyal_window_days}
            )
            moves.append(Move(LifecycleStage.ACTIVE, LifecycleStage.LOYAL, REPEAT_PURCHASES, reason))
    return moves


def _apply_rules(customer: Customer, rules: SalesSettings, actor: User | None, today: datetime.date) -> None:
    moves = rule_moves(
        stage=customer.lifecycle_stage,
        last_purchase_on=customer.last_purchase_on,
        purchase_count=customer.purchase_count,
        purchases_since=lambda since: _purchases_within(customer, since),
        rules=rules,
        today=today,
    )
    for move in moves:
        _move(customer, move.to_stage, move.rule, actor, move.reason)


def _refresh(customer: Customer, rules: SalesSettings, actor: User | None, today: datetime.date) -> None:
    model = type(customer)
    # The row lock first: the sum below then sees every order committed before it.
    locked = model.with_trash.select_for_update().filter(pk=customer.pk).first()
    if locked is None:
        return
    figures = _purchases(locked)
    summary = {
        "first_purchase_on": figures["first"],
        "last_purchase_on": figures["last"],
        "purchase_count": figures["count"] or 0,
        "revenue_base": figures["revenue"] or Decimal(0),
    }
    changed = {name: value for name, value in summary.items() if getattr(locked, name) != value}
    if changed:
        model.with_trash.filter(pk=locked.pk).update(**changed)
        for name, value in changed.items():
            setattr(locked, name, value)
    if locked.deleted_at is None:
        _apply_rules(locked, rules, actor, today)


@transaction.atomic
def refresh_customers(
    *, contact_ids: Iterable[int | None] = (), company_ids: Iterable[int | None] = (), actor: User | None
) -> None:
    """Recompute the purchase summary of these customers and apply the lifecycle rules to them;
    in id order, so two writes refreshing overlapping customers cannot deadlock."""
    rules, today = settings_of_organization(), timezone.localdate()
    for model, ids in ((Company, company_ids), (Contact, contact_ids)):
        for pk in sorted({pk for pk in ids if pk is not None}):
            _refresh(model(pk=pk), rules, actor, today)


def lapse_customers(*, today: datetime.date | None = None, batch: int = 500) -> int:
    """Move active and loyal customers without a purchase for the lapse period to lost, in batches
    of their own transactions; the number moved. The nightly job runs this per organization."""
    rules = settings_of_organization()
    if rules.lapse_days == 0:
        return 0
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=rules.lapse_days)
    moved = 0
    for model in (Company, Contact):
        after = 0
        while True:
            ids = list(
                model.objects.filter(
                    pk__gt=after,
                    last_purchase_on__lt=cutoff,
                    lifecycle_stage__in=(LifecycleStage.ACTIVE, LifecycleStage.LOYAL),
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            with transaction.atomic():
                for customer in model.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
                    # Checked again under the lock: an order placed since keeps the customer.
                    if customer.last_purchase_on is not None and customer.last_purchase_on < cutoff:
                        _apply_rules(customer, rules, None, today)
                        moved += 1
            after = ids[-1]
    return moved


# The whole organization at once --------------------------------------------------------------

PURCHASE_VALUES = tuple(sorted(str(status) for status in PURCHASE_STATUSES))


@dataclass
class Recomputed:
    """What `recompute_all_purchase_summaries` changed: summaries and lifecycle moves, by table."""

    summaries: dict[str, int] = field(default_factory=dict)
    moves: dict[str, int] = field(default_factory=dict)


def _link(model: type[Customer]) -> str:
    return "contact_id" if model is Contact else "company_id"


def _summary_statement(model: type[Customer]) -> str:
    """One UPDATE … FROM for every customer of the organization: the purchases grouped once (a
    scan of the orders, not a look-up per customer), joined to all customers so those without a
    purchase any more are reset too; rows whose summary is unchanged are not written."""
    table = connection.ops.quote_name(model._meta.db_table)
    orders = connection.ops.quote_name(Order._meta.db_table)
    link = _link(model)
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    marks = ", ".join(["%s"] * len(PURCHASE_VALUES))
    return f"""
        UPDATE {table} SET first_purchase_on = summary.first_on, last_purchase_on = summary.last_on,
            purchase_count = summary.purchases, revenue_base = summary.revenue
        FROM (
            SELECT customer.id AS customer_id, bought.first_on, bought.last_on,
                COALESCE(bought.purchases, 0) AS purchases, COALESCE(bought.revenue, 0) AS revenue
            FROM {table} AS customer LEFT JOIN (
                SELECT {link} AS customer_id, MIN(ordered_on) AS first_on, MAX(ordered_on) AS last_on,
                    COUNT(*) AS purchases, ROUND(SUM(total_base), 4) AS revenue
                FROM {orders}
                WHERE organization_id = %s AND status IN ({marks}) AND deleted_at IS NULL
                    AND {link} IS NOT NULL
                GROUP BY {link}
            ) AS bought ON bought.customer_id = customer.id
            WHERE customer.organization_id = %s
        ) AS summary
        WHERE {table}.id = summary.customer_id AND (
            {table}.purchase_count <> summary.purchases OR {table}.revenue_base <> summary.revenue
            OR {table}.first_purchase_on {differs} summary.first_on
            OR {table}.last_purchase_on {differs} summary.last_on
        )
    """


def _purchases_within_in_bulk(model: type[Customer], ids: Sequence[int], days: int) -> dict[int, int]:
    """Each customer's purchases within `days` before (and on) its last purchase."""
    if not ids:
        return {}
    table = connection.ops.quote_name(model._meta.db_table)
    orders = connection.ops.quote_name(Order._meta.db_table)
    link = _link(model)
    window: int | str
    if connection.vendor == "postgresql":
        since, window = "customer.last_purchase_on - %s", days
    else:
        since, window = "date(customer.last_purchase_on, %s)", f"-{days} days"  # SQLite's date modifier
    statuses = ", ".join(["%s"] * len(PURCHASE_VALUES))
    customers = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.{link}, COUNT(*) FROM {orders} AS o JOIN {table} AS customer ON customer.id = o.{link}"
            f" WHERE o.organization_id = %s AND o.{link} IN ({customers}) AND o.status IN ({statuses})"
            f" AND o.deleted_at IS NULL AND o.ordered_on >= {since} GROUP BY o.{link}",
            [require_active_organization_id(), *ids, *PURCHASE_VALUES, window],
        )
        return {customer_id: count for customer_id, count in cursor.fetchall()}


def _write_moves(model: type[Customer], planned: Sequence[tuple[Customer, list[Move]]]) -> int:
    """The customers' new stages, a transition per move and the audit entry the service writes
    with it, in the order the moves happen (a customer's second move after its first)."""
    now = timezone.now()
    by_final_stage: dict[str, list[int]] = {}
    for customer, moves in planned:
        by_final_stage.setdefault(moves[-1].to_stage, []).append(customer.pk)
    for stage, ids in by_final_stage.items():
        model.with_trash.filter(pk__in=ids).update(lifecycle_stage=stage, updated_by=None, updated_at=now)
    link = "contact" if model is Contact else "company"
    transitions = []
    written = 0
    for round_ in range(max((len(moves) for _c, moves in planned), default=0)):
        by_rule: dict[str, list[tuple[Customer, dict[str, list[str | None]]]]] = {}
        for customer, moves in planned:
            if round_ >= len(moves):
                continue
            move = moves[round_]
            transitions.append(
                LifecycleTransition(
                    organization_id=customer.organization_id,
                    from_stage=move.from_stage,
                    to_stage=move.to_stage,
                    rule=move.rule,
                    reason=move.reason,
                    created_at=now,
                    **{link: customer},
                )
            )
            changes: dict[str, list[str | None]] = {"lifecycle_stage": [move.from_stage, move.to_stage]}
            if move.reason:
                changes["reason"] = [None, move.reason]
            by_rule.setdefault(move.rule, []).append((customer, changes))
        for rule, changed in by_rule.items():
            written += record_changes_in_bulk(
                changed, action=AuditEntry.Action.UPDATE, actor=None, actor_label=rule, at=now
            )
    LifecycleTransition.objects.bulk_create(transitions, batch_size=1000)
    return written


def _counted(counts: Mapping[int, int], customer_id: int, _since: datetime.date) -> int:
    return counts.get(customer_id, 0)


def _apply_rules_in_bulk(
    model: type[Customer], rules: SalesSettings, today: datetime.date, batch: int
) -> int:
    names = ("first_name", "last_name") if model is Contact else ("name",)
    fields = ("id", "organization_id", "lifecycle_stage", "last_purchase_on", "purchase_count", *names)
    cutoff = today - datetime.timedelta(days=rules.lapse_days) if rules.lapse_days else None
    moved, after = 0, 0
    while True:
        with transaction.atomic():
            customers: list[Customer] = list(
                model.with_trash.select_for_update()
                .filter(pk__gt=after, deleted_at__isnull=True, last_purchase_on__isnull=False)
                .order_by("pk")
                .only(*fields)[:batch]
            )
            if not customers:
                return moved
            after = customers[-1].pk
            may_be_loyal = [
                customer.pk
                for customer in customers
                if customer.lifecycle_stage != LifecycleStage.LOYAL
                and 0 < rules.loyal_purchases <= customer.purchase_count
                and (cutoff is None or (customer.last_purchase_on or today) >= cutoff)
            ]
            counts = _purchases_within_in_bulk(model, may_be_loyal, rules.loyal_window_days)
            planned: list[tuple[Customer, list[Move]]] = []
            for customer in customers:
                # Only the window of the customer's own last purchase is ever asked for.
                in_window = functools.partial(_counted, counts, customer.pk)
                moves = rule_moves(
                    stage=customer.lifecycle_stage,
                    last_purchase_on=customer.last_purchase_on,
                    purchase_count=customer.purchase_count,
                    purchases_since=in_window,
                    rules=rules,
                    today=today,
                )
                if moves:
                    planned.append((customer, moves))
            moved += _write_moves(model, planned)


def recompute_all_purchase_summaries(*, today: datetime.date | None = None, batch: int = 2000) -> Recomputed:
    """Every contact's and company's purchase summary from the orders, in one statement per table,
    then the lifecycle rules for each customer with purchases (in batches of their own
    transactions, rows locked); what refresh_customers would make of each, for a whole
    organization at once. Customers without purchases keep their stage, as with refresh_customers."""
    organization_id = require_active_organization_id()
    rules, today = settings_of_organization(), today or timezone.localdate()
    outcome = Recomputed()
    for model in (Company, Contact):
        with connection.cursor() as cursor:
            cursor.execute(_summary_statement(model), [organization_id, *PURCHASE_VALUES, organization_id])
            outcome.summaries[model._meta.model_name or ""] = cursor.rowcount
    for model in (Company, Contact):
        outcome.moves[model._meta.model_name or ""] = _apply_rules_in_bulk(model, rules, today, batch)
    return outcome
