import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kliento.catalog.money import MissingRate, UnknownCurrency
from kliento.core.audit import history_of
from kliento.core.errors import DomainError, InvalidInput, NotAllowed
from kliento.core.permissions import Role
from kliento.customers.models import LifecycleStage, LifecycleTransition
from kliento.orders import services
from kliento.orders.models import Order, OrderLine, OrderStatus, QuoteStatus, Rounding
from kliento.orders.purchases import FIRST_PURCHASE, LAPSE, REPEAT_PURCHASES, lapse_customers
from tests.catalog.factories import ExchangeRateFactory, ProductFactory
from tests.customers.factories import CompanyFactory, ContactFactory
from tests.deals.factories import DealFactory, DealLineFactory
from tests.factories import MembershipFactory

D = Decimal
TODAY = timezone.localdate


def _order(member, customer, *lines, **data):
    given = {
        "contact_id": customer.pk,
        "lines": list(lines) or [{"product_id": data.pop("product").pk, "quantity": 1}],
    }
    return services.create_order(member=member, data={**given, **data})


def test_an_order_stores_its_lines_and_totals_priced_by_the_rules(alice, dana, chair, desk):
    services.save_sales_settings(member=alice, data={"default_tax_rate": D("10")})

    order = _order(
        alice,
        dana,
        {"product_id": chair.pk, "quantity": 2},
        {"product_id": desk.pk, "quantity": "1.5", "unit_price": "100", "discount": "10", "tax_rate": "0"},
    )

    order.refresh_from_db()
    lines = list(
        OrderLine.objects.filter(order=order).order_by("position").values_list("unit_price", "net", "tax")
    )
    assert lines == [(D("80"), D("160"), D("16")), (D("100"), D("135"), D("0"))]
    assert (order.subtotal, order.discount_total, order.net_total) == (D("310"), D("15"), D("295"))
    assert (order.tax_total, order.total, order.total_base, order.rate) == (
        D("16"),
        D("311"),
        D("311"),
        D("1"),
    )


def test_an_order_in_another_currency_keeps_its_rate_and_base_total(alice, dana, desk):
    ExchangeRateFactory(
        organization=alice.organization, currency="EUR", rate=D("1.1"), valid_from=datetime.date(2020, 1, 1)
    )

    order = _order(alice, dana, {"product_id": desk.pk, "quantity": 1, "unit_price": "99.99"}, currency="EUR")

    order.refresh_from_db()
    assert (order.total, order.currency, order.rate, order.total_base) == (
        D("99.99"),
        "EUR",
        D("1.1"),
        D("109.99"),
    )


def test_an_order_in_a_currency_without_a_rate_is_refused_and_nothing_is_written(alice, dana, desk):
    with pytest.raises(MissingRate):
        _order(alice, dana, {"product_id": desk.pk, "quantity": 1, "unit_price": "5"}, currency="GBP")

    assert not Order.objects.exists()


def test_an_unknown_currency_is_refused_naming_the_field(alice, dana, desk):
    with pytest.raises(UnknownCurrency) as refused:
        _order(alice, dana, {"product_id": desk.pk, "quantity": 1, "unit_price": "5"}, currency="XXY")

    assert refused.value.field == "currency"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": -1}, "lines.0.quantity"),
        ({"quantity": 0}, "lines.0.quantity"),
        ({"quantity": "1.0001"}, "lines.0.quantity"),
        ({"quantity": 1, "unit_price": "-1"}, "lines.0.unit_price"),
        ({"quantity": 1, "discount": "101"}, "lines.0.discount"),
        ({"quantity": 1, "tax_rate": "-5"}, "lines.0.tax_rate"),
        ({"quantity": "many"}, "lines.0.quantity"),
        ({"quantity": 1, "colour": "red"}, "lines.0.colour"),
    ],
)
def test_bad_lines_are_refused_naming_the_line_and_field(alice, dana, chair, line, field):
    with pytest.raises(InvalidInput) as refused:
        _order(alice, dana, {"product_id": chair.pk, **line})

    assert refused.value.field == field
    assert not Order.objects.exists()


def test_a_product_of_another_organization_is_refused_as_unknown(alice, olga, dana):
    theirs = ProductFactory(organization=olga.organization)

    with pytest.raises(InvalidInput) as refused:
        _order(alice, dana, {"product_id": theirs.pk, "quantity": 1, "unit_price": "1"})

    assert refused.value.field == "lines.0.product_id"


def test_a_product_without_a_price_in_the_currency_needs_one(alice, dana, desk):
    with pytest.raises(InvalidInput) as refused:
        _order(alice, dana, {"product_id": desk.pk, "quantity": 1})

    assert refused.value.field == "lines.0.unit_price"


def test_a_total_that_does_not_add_up_is_refused(alice, dana, chair):
    with pytest.raises(InvalidInput) as refused:
        _order(alice, dana, {"product_id": chair.pk, "quantity": 2}, total="150.00")

    assert refused.value.field == "total"
    assert "160" in refused.value.message
    assert not Order.objects.exists()


def test_a_total_that_adds_up_is_accepted(alice, dana, chair):
    order = _order(alice, dana, {"product_id": chair.pk, "quantity": 2}, total="160.00")

    assert order.total == D("160.00")


def test_an_order_needs_a_customer(alice, chair):
    with pytest.raises(InvalidInput) as refused:
        services.create_order(member=alice, data={"lines": [{"product_id": chair.pk, "quantity": 1}]})

    assert refused.value.field == "contact_id"


def test_an_order_for_a_customer_of_another_organization_is_refused(alice, olga, chair):
    theirs = ContactFactory(organization=olga.organization)

    with pytest.raises(InvalidInput) as refused:
        _order(alice, theirs, {"product_id": chair.pk, "quantity": 1})

    assert refused.value.field == "contact_id"


def test_orders_are_numbered_one_after_the_other_per_organization(alice, olga, dana, chair):
    first = _order(alice, dana, product=chair)
    second = _order(alice, dana, product=chair)

    assert (first.number, second.number) == (1, 2)


def test_numbering_skips_numbers_already_taken(alice, dana, chair):
    from tests.orders.factories import OrderFactory

    OrderFactory(organization=alice.organization, contact=dana, number=41)

    assert _order(alice, dana, product=chair).number == 42


def test_a_viewer_may_not_create_orders(acme, dana, chair):
    viewer = MembershipFactory(organization=acme, role=Role.VIEWER)

    with pytest.raises(NotAllowed):
        _order(viewer, dana, product=chair)


def test_unknown_fields_are_refused(alice, dana, chair):
    with pytest.raises(ValidationError):
        _order(alice, dana, product=chair, colour="red")


def test_a_future_order_date_is_refused(alice, dana, chair):
    with pytest.raises(InvalidInput) as refused:
        _order(alice, dana, product=chair, ordered_on=TODAY() + datetime.timedelta(days=5))

    assert refused.value.field == "ordered_on"


# Purchase history and lifecycle -------------------------------------------------------------------


def test_a_placed_order_is_not_yet_a_purchase(alice, dana, chair):
    _order(alice, dana, product=chair)

    dana.refresh_from_db()
    assert (dana.purchase_count, dana.lifecycle_stage) == (0, LifecycleStage.LEAD)


def test_paying_the_first_order_makes_a_lead_active_with_the_rule_recorded(alice, dana, chair):
    order = _order(alice, dana, product=chair)

    services.change_order_status(order=order, member=alice, status=OrderStatus.PAID)

    dana.refresh_from_db()
    assert (dana.purchase_count, dana.revenue_base, dana.lifecycle_stage) == (
        1,
        D("80"),
        LifecycleStage.ACTIVE,
    )
    assert (dana.first_purchase_on, dana.last_purchase_on) == (TODAY(), TODAY())
    transition = LifecycleTransition.objects.filter(contact=dana).latest("created_at")
    assert (transition.to_stage, transition.rule) == (LifecycleStage.ACTIVE, FIRST_PURCHASE)
    assert transition.rule_label == "first purchase"


def test_a_repeat_purchase_within_the_window_makes_a_customer_loyal(alice, dana, chair):
    _order(alice, dana, product=chair, status="paid", ordered_on=TODAY() - datetime.timedelta(days=100))
    _order(alice, dana, product=chair, status="paid")

    dana.refresh_from_db()
    assert (dana.purchase_count, dana.lifecycle_stage) == (2, LifecycleStage.LOYAL)
    assert LifecycleTransition.objects.filter(contact=dana, rule=REPEAT_PURCHASES).exists()


def test_a_repeat_purchase_outside_the_window_keeps_a_customer_active(alice, dana, chair):
    services.save_sales_settings(member=alice, data={"loyal_window_days": 30, "lapse_days": 0})
    _order(alice, dana, product=chair, status="paid", ordered_on=TODAY() - datetime.timedelta(days=100))
    _order(alice, dana, product=chair, status="paid")

    dana.refresh_from_db()
    assert dana.lifecycle_stage == LifecycleStage.ACTIVE


def test_the_rules_can_be_turned_off(alice, dana, chair):
    services.save_sales_settings(member=alice, data={"activate_on_first_purchase": False})

    _order(alice, dana, product=chair, status="paid")

    dana.refresh_from_db()
    assert (dana.purchase_count, dana.lifecycle_stage) == (1, LifecycleStage.LEAD)


def test_a_customer_without_a_purchase_for_the_lapse_period_is_lost_by_the_nightly_job(alice, dana, chair):
    services.save_sales_settings(member=alice, data={"lapse_days": 90})
    _order(alice, dana, product=chair, status="paid", ordered_on=TODAY() - datetime.timedelta(days=60))

    assert lapse_customers(today=TODAY()) == 0
    assert lapse_customers(today=TODAY() + datetime.timedelta(days=31)) == 1

    dana.refresh_from_db()
    assert dana.lifecycle_stage == LifecycleStage.LOST
    assert LifecycleTransition.objects.filter(contact=dana, rule=LAPSE).exists()


def test_a_lost_customer_who_buys_again_is_active_again(alice, dana, chair):
    services.save_sales_settings(member=alice, data={"lapse_days": 90, "loyal_window_days": 30})
    _order(alice, dana, product=chair, status="paid", ordered_on=TODAY() - datetime.timedelta(days=200))
    dana.refresh_from_db()
    assert dana.lifecycle_stage == LifecycleStage.LOST  # old history entered late is judged at once

    _order(alice, dana, product=chair, status="paid")

    dana.refresh_from_db()
    assert dana.lifecycle_stage == LifecycleStage.ACTIVE


def test_cancelling_a_paid_order_takes_it_out_of_the_summary(alice, dana, chair):
    order = _order(alice, dana, product=chair, status="paid")

    services.change_order_status(order=order, member=alice, status=OrderStatus.CANCELLED)

    dana.refresh_from_db()
    assert (dana.purchase_count, dana.revenue_base, dana.last_purchase_on) == (0, D("0"), None)
    assert dana.lifecycle_stage == LifecycleStage.ACTIVE  # a rule does not move anyone back


def test_trashing_and_restoring_a_purchase_updates_the_summary(alice, dana, chair):
    order = _order(alice, dana, product=chair, status="paid")

    services.trash_order(order=order, member=alice)
    dana.refresh_from_db()
    assert dana.purchase_count == 0

    services.restore_order(order=Order.with_trash.get(pk=order.pk), member=alice)
    dana.refresh_from_db()
    assert dana.purchase_count == 1


def test_an_order_of_a_company_and_its_contact_counts_for_both(alice, chair):
    company = CompanyFactory(organization=alice.organization)
    contact = ContactFactory(organization=alice.organization, company=company)

    _order(alice, contact, product=chair, status="paid", company_id=company.pk)

    company.refresh_from_db()
    contact.refresh_from_db()
    assert (company.purchase_count, contact.purchase_count) == (1, 1)


def test_moving_an_order_to_another_customer_refreshes_both(alice, dana, chair):
    other = ContactFactory(organization=alice.organization)
    order = _order(alice, dana, product=chair, status="paid")

    services.update_order(order=order, member=alice, data={"contact_id": other.pk})

    dana.refresh_from_db()
    other.refresh_from_db()
    assert (dana.purchase_count, other.purchase_count) == (0, 1)


def test_an_order_status_cannot_go_back(alice, dana, chair):
    order = _order(alice, dana, product=chair, status="fulfilled")

    with pytest.raises(DomainError) as refused:
        services.change_order_status(order=order, member=alice, status=OrderStatus.PLACED)

    assert refused.value.field == "status"


def test_new_lines_price_an_order_again_and_are_in_its_history(alice, dana, chair):
    order = _order(alice, dana, product=chair)

    services.update_order(
        order=order, member=alice, data={"lines": [{"product_id": chair.pk, "quantity": 3}]}
    )

    order.refresh_from_db()
    assert order.total == D("240")
    assert "lines" in history_of(order)[0].changes


def test_a_cancelled_order_keeps_its_lines(alice, dana, chair):
    order = _order(alice, dana, product=chair)
    services.change_order_status(order=order, member=alice, status=OrderStatus.CANCELLED)

    with pytest.raises(DomainError):
        services.update_order(
            order=order, member=alice, data={"lines": [{"product_id": chair.pk, "quantity": 3}]}
        )


# Quotes -----------------------------------------------------------------------------------------


def test_a_quote_from_a_deal_takes_its_customer_currency_and_lines(alice, dana, chair):
    deal = DealFactory(organization=alice.organization, contact=dana)
    DealLineFactory(
        organization=alice.organization,
        deal=deal,
        product=chair,
        quantity=D("2"),
        unit_price=D("75"),
        discount=D("0"),
    )

    quote = services.quote_from_deal(member=alice, deal=deal)

    assert (quote.status, quote.contact_id, quote.deal_id, quote.total) == (
        QuoteStatus.DRAFT,
        dana.pk,
        deal.pk,
        D("150"),
    )
    assert quote.valid_until == quote.issued_on + datetime.timedelta(days=30)
    assert quote.language == "en"


def test_a_quote_is_written_in_the_contacts_preferred_language(alice, chair):
    contact = ContactFactory(organization=alice.organization, preferred_language="ar")

    quote = services.create_quote(
        member=alice, data={"contact_id": contact.pk, "lines": [{"product_id": chair.pk, "quantity": 1}]}
    )

    assert quote.language == "ar"


def test_quotes_are_numbered_apart_from_orders(alice, dana, chair):
    _order(alice, dana, product=chair)
    quote = services.create_quote(
        member=alice, data={"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": 1}]}
    )

    assert quote.number == 1


def test_an_accepted_quote_becomes_one_order_at_its_prices(alice, dana, chair):
    quote = services.create_quote(
        member=alice,
        data={"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": 1, "unit_price": "70"}]},
    )
    services.change_quote_status(quote=quote, member=alice, status=QuoteStatus.ACCEPTED)

    order = services.order_from_quote(quote=quote, member=alice)

    assert (order.quote_id, order.total, order.status) == (quote.pk, D("70"), OrderStatus.PLACED)
    with pytest.raises(DomainError):
        services.order_from_quote(quote=quote, member=alice)


def test_a_draft_quote_does_not_become_an_order(alice, dana, chair):
    quote = services.create_quote(
        member=alice, data={"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": 1}]}
    )

    with pytest.raises(DomainError):
        services.order_from_quote(quote=quote, member=alice)


def test_an_accepted_quote_is_not_edited(alice, dana, chair):
    quote = services.create_quote(
        member=alice, data={"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": 1}]}
    )
    services.change_quote_status(quote=quote, member=alice, status=QuoteStatus.ACCEPTED)

    with pytest.raises(DomainError):
        services.update_quote(quote=quote, member=alice, data={"notes": "changed"})


def test_sent_quotes_past_their_date_expire(alice, dana, chair):
    quote = services.create_quote(
        member=alice,
        data={
            "contact_id": dana.pk,
            "lines": [{"product_id": chair.pk, "quantity": 1}],
            "valid_until": TODAY(),
        },
    )
    services.change_quote_status(quote=quote, member=alice, status=QuoteStatus.SENT)

    assert services.expire_quotes(today=TODAY()) == 0
    assert services.expire_quotes(today=TODAY() + datetime.timedelta(days=1)) == 1
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED


def test_a_quote_keeps_the_rounding_policy_it_was_made_with(alice, dana, chair):
    services.save_sales_settings(member=alice, data={"rounding": Rounding.PER_TOTAL})
    quote = services.create_quote(
        member=alice, data={"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": 1}]}
    )
    services.save_sales_settings(member=alice, data={"rounding": Rounding.PER_LINE})

    quote.refresh_from_db()
    assert quote.rounding == Rounding.PER_TOTAL


def test_settings_refuse_a_tax_rate_above_a_hundred(alice):
    with pytest.raises(InvalidInput) as refused:
        services.save_sales_settings(member=alice, data={"default_tax_rate": "120"})

    assert refused.value.field == "default_tax_rate"
