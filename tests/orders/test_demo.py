import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from kliento.catalog.money import quantize
from kliento.core.permissions import Role
from kliento.core.tenancy import active_organization
from kliento.customers.models import Company, Contact, LifecycleStage, LifecycleTransition
from kliento.demo.generate import load_demo
from kliento.orders.models import PURCHASE_STATUSES, Order, OrderLine, Rounding, SalesSettings
from kliento.orders.pricing import LineInput, compute
from kliento.orders.purchases import recompute_all_purchase_summaries
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

SMALL = {
    "contacts": 300,
    "companies": 40,
    "order_lines": 3000,
    "deals": 0,
    "leads": 0,
    "interactions": 0,
    "tasks": 0,
    "meetings": 0,
}


def _organization(slug):
    organization = OrganizationFactory(slug=slug)
    MembershipFactory(organization=organization, user=UserFactory(), role=Role.OWNER)
    return organization


@pytest.fixture
def shop(db):
    """A small demo with orders in a fresh organization, active during the test."""
    organization = _organization("shop")
    load_demo(organization_slug="shop", **SMALL)
    with active_organization(organization.pk):
        yield organization


def _stored_and_computed(order):
    lines = list(order.lines.order_by("position"))
    totals = compute(
        [LineInput(line.quantity, line.unit_price, line.discount, line.tax_rate) for line in lines],
        order.currency,
        order.rounding,
    )
    stored = (
        order.subtotal,
        order.discount_total,
        order.net_total,
        order.tax_total,
        order.total,
        [(line.net, line.tax, line.gross) for line in lines],
    )
    computed = (
        totals.subtotal,
        totals.discount_total,
        totals.net_total,
        totals.tax_total,
        totals.total,
        [(amounts.net, amounts.tax, amounts.gross) for amounts in totals.lines],
    )
    return stored, computed


def test_the_demo_fills_exactly_the_asked_order_lines_over_three_years_up_to_today(shop):
    orders = Order.objects.aggregate(count=Count("id"), first=Min("ordered_on"), last=Max("ordered_on"))

    assert OrderLine.objects.count() == 3000
    assert orders["count"] > 3000 / 10
    assert orders["last"] == timezone.localdate()
    assert orders["first"] <= timezone.localdate() - datetime.timedelta(days=3 * 365 - 30)
    assert set(OrderLine.objects.values("order").annotate(n=Count("id")).values_list("n", flat=True)) <= set(
        range(1, 11)
    )


def test_demo_orders_are_numbered_one_after_the_other_in_date_order_and_numbering_goes_on_after_them(shop):
    rows = list(Order.objects.order_by("number").values_list("number", "ordered_on"))

    assert [number for number, _date in rows] == list(range(1, len(rows) + 1))
    assert [date for _number, date in rows] == sorted(date for _number, date in rows)
    assert SalesSettings.objects.get().next_order_number == len(rows) + 1


def test_demo_totals_are_what_pricing_computes_and_base_amounts_use_the_order_rate(shop):
    for order in Order.objects.prefetch_related("lines"):
        stored, computed = _stored_and_computed(order)
        assert stored == computed
        assert order.total_base == quantize(order.total * order.rate, "USD")
    assert set(Order.objects.values_list("currency", flat=True)) == {"USD", "EUR", "GBP"}


def test_demo_totals_follow_rounding_per_total_and_the_default_tax(db):
    organization = _organization("taxed")
    with active_organization(organization.pk):
        SalesSettings.objects.create(
            organization=organization, rounding=Rounding.PER_TOTAL, default_tax_rate=Decimal("7.25")
        )
    load_demo(organization_slug="taxed", **{**SMALL, "order_lines": 600})
    with active_organization(organization.pk):
        orders = list(Order.objects.prefetch_related("lines"))
        assert {order.rounding for order in orders} == {Rounding.PER_TOTAL}
        for order in orders:
            stored, computed = _stored_and_computed(order)
            assert stored[:5] == computed[:5]
        assert sum(order.tax_total for order in orders) > 0


def test_a_fifth_of_the_customers_bring_most_of_the_revenue(shop):
    revenues = sorted(
        Contact.objects.filter(purchase_count__gt=0).values_list("revenue_base", flat=True), reverse=True
    )
    top = revenues[: len(revenues) // 5]

    assert sum(top) > Decimal("0.5") * sum(revenues)
    counts = sorted(Contact.objects.filter(purchase_count__gt=0).values_list("purchase_count", flat=True))
    assert counts[0] == 1
    assert counts[-1] >= 10 * counts[len(counts) // 2]


def test_the_season_shows_in_the_months_and_stores_sell_most_at_weekends(shop):
    year = timezone.localdate().year - 1
    dates = Order.objects.filter(ordered_on__year=year).values_list("ordered_on", flat=True)
    by_month = Counter(date.month for date in dates)
    store_days = Counter(
        date.weekday() for date in Order.objects.filter(channel="store").values_list("ordered_on", flat=True)
    )

    assert by_month[11] + by_month[12] > by_month[1] + by_month[2]
    assert store_days[5] > store_days[2] and store_days[6] > store_days[2]


def test_demo_purchase_summaries_match_the_orders(shop):
    purchases = defaultdict(list)
    for contact_id, ordered_on, total_base in Order.objects.filter(status__in=PURCHASE_STATUSES).values_list(
        "contact_id", "ordered_on", "total_base"
    ):
        purchases[contact_id].append((ordered_on, total_base))

    for contact in Contact.objects.all():
        bought = purchases.get(contact.pk, [])
        assert contact.purchase_count == len(bought)
        assert contact.revenue_base == sum((total for _date, total in bought), Decimal(0))
        assert contact.first_purchase_on == min((date for date, _total in bought), default=None)
        assert contact.last_purchase_on == max((date for date, _total in bought), default=None)
    company_revenue = Order.objects.filter(status__in=PURCHASE_STATUSES, company__isnull=False).aggregate(
        total=Sum("total_base")
    )["total"]
    # SQLite adds decimals as floats: compared in cents.
    companies = Company.objects.aggregate(total=Sum("revenue_base"))["total"]
    assert quantize(companies, "USD") == quantize(company_revenue, "USD")


def test_demo_stages_follow_the_rules_leads_have_no_purchase_and_buyers_moved_by_rule(shop):
    assert not Contact.objects.filter(lifecycle_stage=LifecycleStage.LEAD, purchase_count__gt=0).exists()
    assert not Company.objects.filter(lifecycle_stage=LifecycleStage.LEAD, purchase_count__gt=0).exists()
    rules = set(LifecycleTransition.objects.exclude(rule="").values_list("rule", flat=True))
    assert {"orders.repeat_purchases", "orders.lapse"} <= rules

    again = recompute_all_purchase_summaries()

    assert again.summaries == {"company": 0, "contact": 0}
    assert again.moves == {"company": 0, "contact": 0}


def test_the_demo_adds_no_order_twice_and_fills_up_to_a_larger_size(db):
    organization = _organization("again")
    load_demo(organization_slug="again", **{**SMALL, "order_lines": 800})
    with active_organization(organization.pk):
        orders = Order.objects.count()

    second = load_demo(organization_slug="again", **{**SMALL, "order_lines": 800})
    with active_organization(organization.pk):
        assert second.added["order_lines"] == 0
        assert Order.objects.count() == orders

    load_demo(organization_slug="again", **{**SMALL, "order_lines": 1200})
    with active_organization(organization.pk):
        assert OrderLine.objects.count() == 1200
        numbers = sorted(Order.objects.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        assert SalesSettings.objects.get().next_order_number == len(numbers) + 1


def test_the_same_seed_gives_the_same_orders(db):
    first, second = _organization("first"), _organization("second")
    load_demo(organization_slug="first", seed=5, **{**SMALL, "order_lines": 500})
    load_demo(organization_slug="second", seed=5, **{**SMALL, "order_lines": 500})

    def orders_of(organization):
        with active_organization(organization.pk):
            return list(
                Order.objects.order_by("number").values_list(
                    "number", "ordered_on", "status", "channel", "currency", "total", "contact__first_name"
                )
            )

    assert orders_of(first) == orders_of(second)
