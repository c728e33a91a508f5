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
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.core.models import User
from kliento.customers.models import Company, Contact, LifecycleStage, register_lifecycle_rule
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


def _apply_rules(customer: Customer, rules: SalesSettings, actor: User | None, today: datetime.date) -> None:
    last = customer.last_purchase_on
    if last is None:
        return
    lapsed = rules.lapse_days > 0 and last < today - datetime.timedelta(days=rules.lapse_days)
    stage = customer.lifecycle_stage
    if lapsed:
        if stage != LifecycleStage.LOST:
            reason = str(_("Last purchase on %(date)s.") % {"date": last.isoformat()})
            _move(customer, LifecycleStage.LOST, LAPSE, actor, reason)
        return
    if stage in (LifecycleStage.LEAD, LifecycleStage.LOST) and rules.activate_on_first_purchase:
        rule = FIRST_PURCHASE if stage == LifecycleStage.LEAD else PURCHASE_AFTER_LAPSE
        _move(customer, LifecycleStage.ACTIVE, rule, actor, "")
        stage = LifecycleStage.ACTIVE
    if (
        stage == LifecycleStage.ACTIVE
        and rules.loyal_purchases > 0
        and customer.purchase_count >= rules.loyal_purchases
    ):
        since = last - datetime.timedelta(days=rules.loyal_window_days)
        count = _purchases_within(customer, since)
        if count >= rules.loyal_purchases:
            reason = str(
                _("%(count)s purchases within %(days)s days.")
                % {"count": count, "days": rules.loyal_window_days}
            )
            _move(customer, LifecycleStage.LOYAL, REPEAT_PURCHASES, actor, reason)


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
