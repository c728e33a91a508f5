"""The orders' demo step: three years of orders up to today, from the customers the customers' step
made and the catalogue's products, at any size up to ten million order lines.

What the figures show is planned before a row is made:
- **Who buys.** Every contact and company past the lead stage is a buyer (leads never buy, so a
  lead has no purchase); a contact's orders are its company's too. Each buyer has a first-purchase
  day (recent ones more often, as the customer base grows), a last possible day (lost customers
  stopped buying more than the lapse period ago) and a log-normal weight: most buy once or a few
  times, some hundreds of times, and the top fifth bring most of the revenue. Three customers
  (`WHALES`) buy about a thousand times each, so cards with long order histories can be measured.
- **When.** Each day's orders are the first purchases of that day plus repeat purchases in
  proportion to the weight of the buyers active that day, shaped by the month (a December peak)
  and the day of the week; stores sell most at weekends, field sales and partners on weekdays.
- **How many lines.** Every day gets its share of the asked number of lines exactly, so the
  total is what was asked and a second run adds nothing.

Then each day's orders are drawn from a generator seeded by the day, so the same seed gives the
same orders however the days are batched: 1 to 10 lines of priced products, quantities and
discounts, totals by `pricing.compute` under the organization's rounding, a few orders in euros
and pounds at the demo's exchange rates (from the day the rates are valid), and mostly paid or
fulfilled statuses (recent orders still placed, some cancelled or refunded; a first order is
always a purchase). Numbers follow the dates, one after the other from the organization's next
number, which is moved past them.

Rows go straight into the tables with the shared bulk writer, a batch of days at a time, made in
a forked process while the previous batch is written (as the customers' step does), so memory
stays flat: what is kept is a few numbers per buyer and per day, never the orders. Then every
customer's purchase summary is recomputed in one statement per table and the lifecycle rules
move customers as the services would (`purchases.recompute_all_purchase_summaries`).
"""

from __future__ import annotations

import datetime
import multiprocessing
import random
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.db import models
from django.db.models import Max
from django.utils import timezone

from kliento.catalog.models import ExchangeRate, Product, ProductPrice
from kliento.catalog.money import quantize
from kliento.core.models import AuditEntry, Organization
from kliento.core.records.bulk import BulkWriter
from kliento.core.records.demo import DemoOutcome, DemoSize, DemoStep
from kliento.customers.demo.mix import Weighted
from kliento.customers.demo.step import CUSTOMERS_STEP
from kliento.customers.models import Company, Contact, LifecycleStage
from kliento.orders.models import (
    MAX_LINES,
    Order,
    OrderLine,
    OrderStatus,
    Rounding,
    SalesChannel,
    SalesSettings,
)
from kliento.orders.pricing import LineAmounts, LineInput, Totals, compute
from kliento.orders.purchases import recompute_all_purchase_summaries, settings_of_organization

LINES_PER_CONTACT = 10  # the default size follows the customers' default: ten lines a contact
DEFAULT_ORDER_LINES = LINES_PER_CONTACT * next(
    size.default for size in CUSTOMERS_STEP.sizes if size.name == "contacts"
)
HISTORY_DAYS = 3 * 365
BATCH_LINES = 50_000  # lines per write
DEFER_INDEXES_FROM = 50_000  # orders added at once
REPORT_FROM = 10_000  # lines added at once, from which the step reports its time

WHALES = 3
WHALE_ORDERS = 1_000
WEIGHT_SIGMA = 1.5  # spread of the buyers' log-normal weights: how much the few outbuy the many
BASKET_SIGMA = 0.6  # spread of how much a buyer takes of each product
MOST_LINES = min(10, MAX_LINES)
LINE_COUNT_WEIGHTS = {1: 30, 2: 22, 3: 15, 4: 10, 5: 8, 6: 5, 7: 4, 8: 3, 9: 2, 10: 1}
LINE_COUNTS = Weighted(LINE_COUNT_WEIGHTS)
MEAN_LINES = sum(count * weight for count, weight in LINE_COUNT_WEIGHTS.items()) / sum(
    LINE_COUNT_WEIGHTS.values()
)
MONTHS = (0.85, 0.8, 0.9, 0.92, 0.95, 0.9, 0.85, 0.88, 0.97, 1.02, 1.3, 1.75)  # January to December
WEEKDAYS = (1.0, 0.95, 0.95, 1.0, 1.1, 1.2, 0.8)  # Monday to Sunday
CHANNELS = {
    "weekday": Weighted({
        SalesChannel.ONLINE: 38, SalesChannel.STORE: 22, SalesChannel.PHONE: 10,
        SalesChannel.MARKETPLACE: 10, SalesChannel.FIELD: 8, SalesChannel.PARTNER: 7, SalesChannel.OTHER: 5,
    }),
    "weekend": Weighted({SalesChannel.STORE: 55, SalesChannel.ONLINE: 33, SalesChannel.MARKETPLACE: 12}),
    "company": Weighted({
        SalesChannel.FIELD: 30, SalesChannel.PHONE: 25, SalesChannel.ONLINE: 25, SalesChannel.PARTNER: 15,
        SalesChannel.OTHER: 5,
    }),
}  # fmt: skip
RECENT_DAYS = 7  # orders younger than this are often still placed
STATUSES = {
    "recent": Weighted({OrderStatus.PLACED: 45, OrderStatus.PAID: 30, OrderStatus.FULFILLED: 20,
                        OrderStatus.CANCELLED: 5}),
    "older": Weighted({OrderStatus.FULFILLED: 84, OrderStatus.PAID: 6, OrderStatus.CANCELLED: 6,
                       OrderStatus.REFUNDED: 4}),
    "purchase": Weighted({OrderStatus.FULFILLED: 80, OrderStatus.PAID: 20}),
}  # fmt: skip
FOREIGN_CURRENCIES = {"EUR": 0.07, "GBP": 0.04}  # shares of orders, where rates and prices allow
QUANTITIES = [Decimal(count) for count in range(1, 201)]
DISCOUNTS = Weighted({Decimal(0): 80, Decimal(5): 12, Decimal(10): 6, Decimal(15): 2})

ORDER_COLUMNS = (
    "id", "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "number",
    "contact_id", "company_id", "owner_id", "currency", "rate", "rounding", "subtotal", "discount_total",
    "net_total", "tax_total", "total", "total_base", "notes", "custom_fields", "status", "ordered_on",
    "paid_on", "channel", "external_id",
)  # fmt: skip
LINE_COLUMNS = (
    "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "order_id", "product_id",
    "position", "description", "quantity", "unit_price", "discount", "tax_rate", "net", "tax", "gross",
)  # fmt: skip
# Index columns whose values arrive in index order (ids and dates counting up, one organization):
# cheap to keep during a load; the other indexes are built once at the end.
IN_ORDER = {"organization_id", "created_by_id", "updated_by_id", "deleted_by_id", "deleted_at", "owner_id"}
TABLES: dict[type[models.Model], set[str]] = {
    Order: IN_ORDER | {"ordered_on", "number"},
    OrderLine: IN_ORDER | {"order_id"},
}


@dataclass
class Buyers:
    """Buyers in order of their first purchase, a few numbers each (arrays: flat memory)."""

    contact: array[int] = field(default_factory=lambda: array("q"))  # 0: an order of the company alone
    company: array[int] = field(default_factory=lambda: array("q"))  # 0: none
    owner: array[int] = field(default_factory=lambda: array("q"))  # 0: none
    first_day: array[int] = field(default_factory=lambda: array("i"))
    last_day: array[int] = field(default_factory=lambda: array("i"))
    weight: array[float] = field(default_factory=lambda: array("d"))
    basket: array[float] = field(default_factory=lambda: array("d"))

    def __len__(self) -> int:
        return len(self.contact)

    def append(self, *values: Any) -> None:
        for column, value in zip(self.columns(), values, strict=True):
            column.append(value)

    def columns(self) -> tuple[array[Any], ...]:
        return (
            self.contact,
            self.company,
            self.owner,
            self.first_day,
            self.last_day,
            self.weight,
            self.basket,
        )

    def sorted_by_first_day(self, leading: set[int]) -> Buyers:
        """By first day; among those of the same day, the `leading` ones first."""
        order = sorted(range(len(self)), key=lambda index: (self.first_day[index], index not in leading))
        ordered = Buyers()
        for source, target in zip(self.columns(), ordered.columns(), strict=True):
            target.extend(source[index] for index in order)
        return ordered


@dataclass(frozen=True)
class PricedLine:
    given: LineInput
    amounts: LineAmounts
    undiscounted: Decimal  # quantity x unit price
    cells: tuple[str, ...]  # quantity, unit price, discount, tax rate, net, tax, gross as stored


@dataclass
class Plan:
    """Everything the days' orders are drawn from; made once, read by the process making rows."""

    organization_id: int
    seed: int
    start: datetime.date  # day 0
    base: str
    rounding: str
    tax_rate: Decimal
    is_postgresql: bool
    buyers: Buyers
    cumulative: array[
        float
    ]  # running sum of the buyers' weights (whales weigh nothing: they keep a schedule)
    whales: list[int]  # buyer indices
    whale_orders: int
    orders: array[int]  # per day
    lines: array[int]  # per day
    products: dict[str, Weighted]  # currency → (product id, price) by how often it sells
    rates: dict[str, list[tuple[int, Decimal]]]  # currency → (from day, rate), oldest first
    priced_lines: dict[tuple[str, Decimal, Decimal, Decimal], PricedLine] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return len(self.orders)

    @property
    def today(self) -> datetime.date:
        return self.start + datetime.timedelta(days=self.days - 1)

    def rate(self, currency: str, day: int) -> Decimal | None:
        if currency == self.base:
            return Decimal(1)
        valid = [rate for since, rate in self.rates.get(currency, []) if since <= day]
        return valid[-1] if valid else None

    def timestamp(self, day: int, minute: int) -> str:
        """A UTC moment as the database stores it (naive UTC text on SQLite, as Django writes it)."""
        text = f"{self.start + datetime.timedelta(days=day)} {minute // 60:02d}:{minute % 60:02d}:00"
        return f"{text}+00" if self.is_postgresql else text

    def priced(self, currency: str, price: Decimal, quantity: Decimal, discount: Decimal) -> PricedLine:
        """A line's amounts by pricing.compute, kept: a few thousand distinct lines make millions."""
        key = (currency, price, quantity, discount)
        line = self.priced_lines.get(key)
        if line is None:
            given = LineInput(quantity, price, discount, self.tax_rate)
            amounts = compute([given], currency, self.rounding).lines[0]
            cells = (quantity, price, discount, self.tax_rate, amounts.net, amounts.tax, amounts.gross)
            line = PricedLine(given, amounts, quantity * price, tuple(str(cell) for cell in cells))
            self.priced_lines[key] = line
        return line

    def totals(self, currency: str, lines: Sequence[PricedLine]) -> Totals:
        """The order's totals as pricing.compute makes them (tests hold the two equal): per line,
        the sums of the lines' rounded amounts, which are known already; per total, computed."""
        if self.rounding == Rounding.PER_TOTAL:
            return compute([line.given for line in lines], currency, self.rounding)
        net = sum((line.amounts.net for line in lines), Decimal(0))
        tax = sum((line.amounts.tax for line in lines), Decimal(0))
        subtotal = quantize(sum((line.undiscounted for line in lines), Decimal(0)), currency)
        return Totals(
            lines=tuple(line.amounts for line in lines),
            subtotal=subtotal,
            discount_total=subtotal - net,
            net_total=net,
            tax_total=tax,
            total=net + tax,
        )


@dataclass
class Rows:
    orders: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[tuple[Any, ...]] = field(default_factory=list)


# --- Planning ---------------------------------------------------------------------------------


def _find_buyers(rng: random.Random, days: int, lapse_days: int) -> Buyers:
    """Contacts and companies past the lead stage, with their days and weights; companies that have
    a buying contact buy through it."""
    buyers = Buyers()
    cutoff = days - 1 - lapse_days if lapse_days else 0  # the last day a lost customer may have bought

    def add(contact_id: int, company_id: int | None, owner_id: int | None, stage: str, basket: float) -> None:
        weight = rng.lognormvariate(0, WEIGHT_SIGMA) * (2 if stage == LifecycleStage.LOYAL else 1)
        if stage == LifecycleStage.LOST and cutoff > 0:
            first = int(cutoff * rng.random())
            last = first + int((cutoff - first) * rng.random())
        else:
            first, last = days - 1 - int(days * rng.random() ** 1.6), days - 1
        buyers.append(contact_id, company_id or 0, owner_id or 0, first, last, weight, basket)

    contacts = Contact.objects.exclude(lifecycle_stage=LifecycleStage.LEAD).order_by("pk")
    with_contacts = set()
    for contact_id, company_id, owner_id, stage in contacts.values_list(
        "pk", "company_id", "owner_id", "lifecycle_stage"
    ).iterator(chunk_size=20_000):
        if company_id:
            with_contacts.add(company_id)
        basket = rng.lognormvariate(0, BASKET_SIGMA) * (2 if company_id else 1)
        add(contact_id, company_id, owner_id, stage, basket)
    companies = Company.objects.exclude(lifecycle_stage=LifecycleStage.LEAD).order_by("pk")
    for company_id, owner_id, stage in companies.values_list("pk", "owner_id", "lifecycle_stage").iterator(
        chunk_size=20_000
    ):
        if company_id not in with_contacts:
            add(0, company_id, owner_id, stage, rng.lognormvariate(0, BASKET_SIGMA) * 3)
    return buyers


def _keep_first(buyers: Buyers, count: int) -> Buyers:
    kept = Buyers()
    for source, target in zip(buyers.columns(), kept.columns(), strict=True):
        target.extend(source[:count])
    return kept


def _catalogue() -> dict[str, Weighted]:
    """Products by currency priced in it; cheap everyday goods sell more often than machines."""
    prices: dict[str, dict[tuple[int, Decimal], float]] = {}
    for product_id, currency, amount in ProductPrice.objects.filter(
        product__in=Product.objects.all()
    ).values_list("product_id", "currency", "amount"):
        if amount > 0:
            prices.setdefault(currency, {})[(product_id, amount)] = 100 / float(amount) ** 0.5
    return {currency: Weighted(weights) for currency, weights in prices.items()}


def _exchange_rates(start: datetime.date) -> dict[str, list[tuple[int, Decimal]]]:
    rates: dict[str, list[tuple[int, Decimal]]] = {}
    for currency, valid_from, rate in ExchangeRate.objects.order_by("valid_from").values_list(
        "currency", "valid_from", "rate"
    ):
        rates.setdefault(currency, []).append((max((valid_from - start).days, 0), rate))
    return rates


def _whale_has_order(whale: int, day: int, days: int, orders: int) -> bool:
    """`orders` spread evenly over the days (each whale shifted a little)."""
    shift = whale / WHALES
    return int((day + 1) * orders / days + shift) > int(day * orders / days + shift)


def _daily_orders(plan: Plan, total_orders: int, firsts: Sequence[int]) -> None:
    """Orders per day: first purchases, whale orders, and repeat purchases in proportion to the
    weight of the buyers active that day and the season."""
    days, buyers = plan.days, plan.buyers
    active = [0.0] * (days + 1)  # weight of the buyers who may buy on each day, as a difference array
    for index in range(len(buyers)):
        weight = plan.cumulative[index] - (plan.cumulative[index - 1] if index else 0.0)
        active[buyers.first_day[index]] += weight
        active[buyers.last_day[index] + 1] -= weight
    active_weight = list(accumulate(active))[:days]
    season = [
        MONTHS[day.month - 1] * WEEKDAYS[day.weekday()]
        for day in (plan.start + datetime.timedelta(days=offset) for offset in range(days))
    ]
    whale_days = [
        sum(_whale_has_order(whale, day, days, plan.whale_orders) for whale in range(len(plan.whales)))
        for day in range(days)
    ]
    repeats = max(total_orders - sum(firsts) - sum(whale_days), 0)
    demand = [season[day] * active_weight[day] for day in range(days)]
    scale = repeats / sum(demand) if sum(demand) > 0 else 0.0
    carried, given = 0.0, 0
    for day in range(days):
        carried += scale * demand[day]
        today = int(carried)
        carried -= today
        given += today
        plan.orders[day] = firsts[day] + whale_days[day] + today
    if repeats - given and demand[-1] > 0:
        plan.orders[days - 1] += repeats - given


def _daily_lines(plan: Plan, budget: int) -> None:
    """The asked lines shared among the days in proportion to their orders, each day between one
    and MOST_LINES lines an order."""
    total = sum(plan.orders)
    running = 0
    for day in range(plan.days):
        before = round(budget * running / total)
        running += plan.orders[day]
        plan.lines[day] = round(budget * running / total) - before
    spare = 0
    for day in range(plan.days):
        wanted = plan.lines[day] + spare
        plan.lines[day] = min(max(wanted, plan.orders[day]), plan.orders[day] * MOST_LINES)
        spare = wanted - plan.lines[day]
    for day in reversed(range(plan.days)):  # what the last days could not take, earlier days can
        if not spare:
            break
        room = (
            plan.orders[day] * MOST_LINES - plan.lines[day]
            if spare > 0
            else plan.lines[day] - plan.orders[day]
        )
        step = min(abs(spare), room)
        plan.lines[day] += step if spare > 0 else -step
        spare -= step if spare > 0 else -step


def make_plan(organization: Organization, budget: int, seed: int, is_postgresql: bool) -> Plan | None:
    """The plan for `budget` more lines; None when nobody can buy or nothing is priced."""
    rules = settings_of_organization()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=HISTORY_DAYS - 1)
    rng = random.Random(f"{seed}:plan")
    products = _catalogue()
    if organization.base_currency not in products:
        return None
    buyers = _find_buyers(rng, HISTORY_DAYS, rules.lapse_days)
    wanted_orders = max(1, min(round(budget / MEAN_LINES), budget))
    if len(buyers) > wanted_orders:  # too few lines for every buyer: the first ones buy
        buyers = _keep_first(buyers, wanted_orders)
    if not buyers:
        return None
    repeat_room = wanted_orders - len(buyers)
    whale_orders = min(WHALE_ORDERS, repeat_room // (WHALES * 20))
    whales = []
    if whale_orders >= 2:
        # The first buyers still buying today, from the first day on.
        whales = [index for index in range(len(buyers)) if buyers.last_day[index] == HISTORY_DAYS - 1][
            :WHALES
        ]
        for index in whales:
            buyers.first_day[index] = 0
    buyers = buyers.sorted_by_first_day(leading=set(whales))
    whales = list(range(len(whales)))  # bought first on day 0, sorted first: they lead the list
    weights = (0.0 if index < len(whales) else buyers.weight[index] for index in range(len(buyers)))
    plan = Plan(
        organization_id=organization.pk,
        seed=seed,
        start=start,
        base=organization.base_currency,
        rounding=rules.rounding,
        tax_rate=rules.default_tax_rate,
        is_postgresql=is_postgresql,
        buyers=buyers,
        cumulative=array("d", accumulate(weights)),
        whales=whales,
        whale_orders=max(whale_orders - 1, 0),  # besides their first purchase
        orders=array("i", [0] * HISTORY_DAYS),
        lines=array("i", [0] * HISTORY_DAYS),
        products=products,
        rates=_exchange_rates(start),
    )
    firsts = [0] * HISTORY_DAYS
    for day in buyers.first_day:
        firsts[day] += 1
    _daily_orders(plan, wanted_orders, firsts)
    _daily_lines(plan, budget)
    return plan


# --- Making a day's orders --------------------------------------------------------------------


def _repeat_buyer(plan: Plan, rng: random.Random, day: int, known: int) -> int:
    """A buyer active on the day, drawn by weight among those who had bought by then."""
    total = plan.cumulative[known - 1] if known else 0.0
    if total <= 0:
        return plan.whales[day % len(plan.whales)] if plan.whales else 0
    for _attempt in range(32):
        index = min(bisect_right(plan.cumulative, rng.random() * total, 0, known), known - 1)
        if plan.buyers.last_day[index] >= day:
            return index
    # Most of the weight stopped buying by now: the next buyer still buying, from a random one on.
    start = rng.randrange(known)
    for offset in range(known):
        index = (start + offset) % known
        if plan.buyers.last_day[index] >= day and plan.cumulative[index] > (
            plan.cumulative[index - 1] if index else 0
        ):
            return index
    return plan.whales[day % len(plan.whales)] if plan.whales else start


def _line_counts(rng: random.Random, orders: int, lines: int) -> list[int]:
    """How many lines each order has: drawn, then nudged until they add up to the day's lines."""
    counts = [LINE_COUNTS(rng) for _ in range(orders)]
    missing = lines - sum(counts)
    while missing:
        index = rng.randrange(orders)
        if missing > 0 and counts[index] < MOST_LINES:
            counts[index] += 1
            missing -= 1
        elif missing < 0 and counts[index] > 1:
            counts[index] -= 1
            missing += 1
    return counts


def _status(rng: random.Random, plan: Plan, day: int, first: bool) -> str:
    if first:
        return str(STATUSES["purchase"](rng))
    return str(STATUSES["recent" if plan.days - 1 - day < RECENT_DAYS else "older"](rng))


def _day(plan: Plan, day: int, ids: Iterator[int], number: int, rows: Rows) -> int:
    """The day's orders and lines into `rows`; the next number."""
    count = plan.orders[day]
    if not count:
        return number
    rng = random.Random(f"{plan.seed}:{day}")
    buyers = plan.buyers
    firsts = range(bisect_left(buyers.first_day, day), bisect_right(buyers.first_day, day))
    known = firsts.stop
    chosen: list[tuple[int, bool]] = [(index, True) for index in firsts]
    chosen += [
        (index, False)
        for whale, index in enumerate(plan.whales)
        if _whale_has_order(whale, day, plan.days, plan.whale_orders)
    ]
    chosen += [(_repeat_buyer(plan, rng, day, known), False) for _ in range(count - len(chosen))]
    chosen.sort(key=lambda _pick: rng.random())  # the day's orders in no particular order of buyers
    ordered_on = plan.start + datetime.timedelta(days=day)
    weekend = ordered_on.weekday() >= 5
    for (index, first), line_count in zip(chosen, _line_counts(rng, count, plan.lines[day]), strict=True):
        order_id = next(ids)
        contact_id, company_id = buyers.contact[index] or None, buyers.company[index] or None
        owner_id = buyers.owner[index] or None
        status = _status(rng, plan, day, first)
        if contact_id is None and not weekend:
            channel = CHANNELS["company"](rng)
        else:
            channel = CHANNELS["weekend" if weekend else "weekday"](rng)
        currency, draw = plan.base, rng.random()
        for code, share in FOREIGN_CURRENCIES.items():
            if draw < share and code in plan.products and plan.rate(code, day) is not None:
                currency = code
                break
            draw -= share
        rate = plan.rate(currency, day) or Decimal(1)
        products = plan.products[currency]
        basket = buyers.basket[index]
        picked = []
        for _line in range(line_count):
            product_id, price = products(rng)
            quantity = QUANTITIES[min(int(basket * rng.random() * 3), len(QUANTITIES) - 1)]
            picked.append((product_id, plan.priced(currency, price, quantity, DISCOUNTS(rng))))
        totals = plan.totals(currency, [line for _product, line in picked])
        minute = rng.randrange(8 * 60, 21 * 60)
        created = plan.timestamp(day, minute)
        paid_on = None
        if status not in (OrderStatus.PLACED, OrderStatus.CANCELLED):
            paid_on = min(ordered_on + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 2))), plan.today)
        organization_id = plan.organization_id
        rows.orders.append((
            order_id, organization_id, created, created, owner_id, owner_id, number, contact_id, company_id,
            owner_id, currency, str(rate), plan.rounding, str(totals.subtotal), str(totals.discount_total),
            str(totals.net_total), str(totals.tax_total), str(totals.total),
            str(quantize(totals.total * rate, plan.base)), "", "{}", status, ordered_on.isoformat(),
            paid_on.isoformat() if paid_on else None, str(channel), "",
        ))  # fmt: skip
        for position, (product_id, line) in enumerate(picked):
            rows.lines.append(
                (organization_id, created, created, owner_id, owner_id, order_id, product_id, position, "",
                 *line.cells)
            )  # fmt: skip
        number += 1
    return number


def _make_rows(plan: Plan, first_day: int, last_day: int, ids: Sequence[int], number: int) -> Rows:
    rows, next_id = Rows(), iter(ids)
    for day in range(first_day, last_day):
        number = _day(plan, day, next_id, number, rows)
    return rows


_producer_plan: Plan | None = None  # the plan, in the process that makes rows for the writer


def _set_producer_plan(plan: Plan) -> None:
    global _producer_plan
    _producer_plan = plan


def _produce(first_day: int, last_day: int, ids: Sequence[int], number: int) -> Rows:
    assert _producer_plan is not None
    return _make_rows(_producer_plan, first_day, last_day, ids, number)


def _batches(plan: Plan, writer: BulkWriter, first_number: int) -> Iterator[Rows]:
    """Rows a batch of days at a time, in order; larger runs make them in a forked process while
    this one writes (two batches ahead at most)."""
    bounds, start, lines = [], 0, 0
    for day in range(plan.days):
        lines += plan.lines[day]
        if lines >= BATCH_LINES or day == plan.days - 1:
            bounds.append((start, day + 1))
            start, lines = day + 1, 0
    specs = []
    number = first_number
    for first_day, last_day in bounds:
        count = sum(plan.orders[first_day:last_day])
        specs.append((first_day, last_day, count, number))
        number += count

    def reserved() -> Iterator[tuple[int, int, Sequence[int], int]]:
        for first_day, last_day, count, first in specs:
            yield first_day, last_day, writer.reserve_ids(Order, count), first

    if len(specs) < 3 or "fork" not in multiprocessing.get_all_start_methods():
        for spec in reserved():
            yield _make_rows(plan, *spec)
        return
    # Forked, the producer has the plan without pickling it; it only computes, and never touches
    # the database connection it inherits.
    context = multiprocessing.get_context("fork")
    with context.Pool(1, initializer=_set_producer_plan, initargs=(plan,)) as pool:
        waiting: deque[Any] = deque()
        for spec in reserved():
            waiting.append(pool.apply_async(_produce, spec))
            if len(waiting) > 2:
                yield waiting.popleft().get()
        while waiting:
            yield waiting.popleft().get()


# --- The step ---------------------------------------------------------------------------------


def _first_number(organization: Organization) -> int:
    settings = SalesSettings.objects.filter(organization=organization).first()
    highest = Order.with_trash.aggregate(highest=Max("number"))["highest"] or 0
    return max(highest + 1, settings.next_order_number if settings else 1)


def _move_numbering_past(organization: Organization, number: int) -> None:
    settings, _created = SalesSettings.objects.get_or_create(organization=organization)
    if settings.next_order_number < number:
        SalesSettings.objects.filter(pk=settings.pk).update(next_order_number=number)


def fill_orders(
    organization: Organization, size: Mapping[str, int], rng: random.Random, writer: BulkWriter
) -> DemoOutcome:
    have = OrderLine.objects.count()
    budget = size["order_lines"] - have
    if budget <= 0:
        return DemoOutcome(
            added={"order_lines": 0}, counts={"orders": Order.objects.count(), "order_lines": have}
        )
    started = time.perf_counter()
    # A run that adds to orders made before draws other orders than the first run did.
    seed = random.Random(f"{rng.getrandbits(64)}:{have}").getrandbits(64)
    plan = make_plan(organization, budget, seed, writer.is_postgresql)
    if plan is None:
        return DemoOutcome(
            added={"order_lines": 0}, counts={"orders": Order.objects.count(), "order_lines": have}
        )
    first_number = _first_number(organization)
    added_orders = sum(plan.orders)
    large = added_orders >= DEFER_INDEXES_FROM and added_orders >= Order.with_trash.count()
    written = 0
    with writer.deferred(TABLES if large else {}):
        for rows in _batches(plan, writer, first_number):
            writer.insert(Order, ORDER_COLUMNS, rows.orders)
            writer.insert(OrderLine, LINE_COLUMNS, rows.lines)
            written += len(rows.lines)
            if budget >= REPORT_FROM:
                rate = written / max(time.perf_counter() - started, 1e-9)
                print(f"  order lines: {written:,} of {budget:,} ({rate:,.0f}/s)", flush=True)
    _move_numbering_past(organization, first_number + added_orders)
    if budget >= REPORT_FROM:
        writer.analyze([Order, OrderLine])
    written_in = time.perf_counter() - started
    recomputed = recompute_all_purchase_summaries()
    seconds = time.perf_counter() - started
    AuditEntry.objects.create(
        organization=organization,
        action=AuditEntry.Action.BULK,
        actor_label="kliento demo",
        record_type=Order._meta.label_lower,
        record_label=f"Demo data: {added_orders:,} orders, {budget:,} order lines",
        changes={"demo": True, "orders": added_orders, "order_lines": budget, "seconds": round(seconds, 1)},
    )
    if budget >= REPORT_FROM:
        moves = sum(recomputed.moves.values())
        print(
            f"  orders step: {budget:,} order lines in {added_orders:,} orders written in {written_in:,.1f} s"
            f" ({budget / max(written_in, 1e-9):,.0f} lines/s); summaries and {moves:,} lifecycle moves"
            f" {seconds - written_in:,.1f} s; {seconds:,.1f} s in all",
            flush=True,
        )
    return DemoOutcome(
        added={"order_lines": budget},
        counts={"orders": Order.objects.count(), "order_lines": have + budget},
    )


ORDERS_STEP = DemoStep(
    key="orders",
    run=fill_orders,
    sizes=(
        DemoSize(
            "order_lines",
            default=DEFAULT_ORDER_LINES,
            help=f"fill the organization up to this many order lines, over three years of orders"
            f" ({DEFAULT_ORDER_LINES:,}: {LINES_PER_CONTACT} for each of the default contacts)",
        ),
    ),
    order=40,
)
