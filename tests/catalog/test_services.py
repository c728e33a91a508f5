import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kliento.catalog import services
from kliento.catalog.models import ExchangeRate, PriceListItem, Product, ProductPrice
from kliento.catalog.selectors import price_of
from kliento.core.audit import history_of
from kliento.core.errors import InvalidInput, NotAllowed
from kliento.core.models import AuditEntry
from kliento.core.permissions import Role
from tests.catalog.factories import PriceListFactory, ProductFactory, ProductPriceFactory
from tests.factories import MembershipFactory


def _create(member, **data):
    return services.create_product(member=member, data={"sku": "CH-1", "name": "Chair", **data})


def test_a_product_is_created_with_its_prices_tags_and_one_entry(alice):
    product = _create(alice, prices={"USD": Decimal("10.50"), "EUR": "9.90"}, tags=["Furniture"])

    prices = dict(ProductPrice.objects.filter(product=product).values_list("currency", "amount"))
    assert prices == {"USD": Decimal("10.50"), "EUR": Decimal("9.90")}
    entry = history_of(product).get()
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.changes["prices.EUR"] == [None, "9.9"]
    assert entry.changes["tags"] == [None, ["Furniture"]]


def test_a_taken_sku_is_refused_by_field_and_nothing_is_written(alice):
    ProductFactory(organization=alice.organization, sku="CH-1")

    with pytest.raises(InvalidInput) as refused:
        _create(alice, prices={"USD": "1"})

    assert refused.value.field == "sku"
    assert Product.objects.count() == 1
    assert ProductPrice.objects.exists() is False


def test_a_trashed_products_sku_stays_taken(alice):
    ProductFactory(
        organization=alice.organization,
        sku="CH-1",
        deleted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )

    with pytest.raises(InvalidInput):
        _create(alice)


def test_the_same_sku_in_another_organization_is_fine(alice, olga):
    ProductFactory(organization=olga.organization, sku="CH-1")

    assert _create(alice).sku == "CH-1"


@pytest.mark.parametrize(
    ("prices", "field"),
    [
        ({"USD": "-1"}, "prices.USD"),
        ({"XYZ": "1"}, "prices.XYZ"),
        ({"USD": "1.00001"}, "prices.USD"),
        ({"USD": "1e20"}, "prices.USD"),
        ({"USD": "NaN"}, "prices.USD"),
    ],
)
def test_bad_prices_are_refused_by_field(alice, prices, field):
    with pytest.raises(InvalidInput) as refused:
        _create(alice, prices=prices)

    assert refused.value.field == field
    assert Product.objects.exists() is False


def test_updating_prices_replaces_them_and_records_each_change(alice):
    product = _create(alice, prices={"USD": "10", "EUR": "9"})

    services.update_product(product=product, member=alice, data={"prices": {"USD": "12", "GBP": "8"}})

    prices = dict(ProductPrice.objects.filter(product=product).values_list("currency", "amount"))
    assert prices == {"USD": Decimal("12"), "GBP": Decimal("8")}
    change = history_of(product).first().changes
    assert change == {"prices.USD": ["10", "12"], "prices.GBP": [None, "8"], "prices.EUR": ["9", None]}


def test_setting_one_price_leaves_the_others(alice):
    product = _create(alice, prices={"USD": "10"})

    services.set_product_price(product=product, member=alice, currency="EUR", amount=Decimal("9.5"))
    services.set_product_price(product=product, member=alice, currency="USD", amount=None)

    assert dict(ProductPrice.objects.values_list("currency", "amount")) == {"EUR": Decimal("9.5")}


def test_a_negative_price_is_refused_on_its_own_too(alice):
    product = _create(alice)

    with pytest.raises(InvalidInput) as refused:
        services.set_product_price(product=product, member=alice, currency="USD", amount=Decimal("-0.01"))

    assert refused.value.field == "amount"


def test_a_viewer_cannot_change_the_catalogue(alice, acme):
    viewer = MembershipFactory(organization=acme, role=Role.VIEWER)
    product = ProductFactory(organization=acme)

    with pytest.raises(NotAllowed):
        services.update_product(product=product, member=viewer, data={"name": "Mine"})
    with pytest.raises(NotAllowed):
        _create(viewer)


def test_a_price_list_price_falls_back_to_the_products_own(alice):
    product = ProductFactory(organization=alice.organization)
    other = ProductFactory(organization=alice.organization)
    ProductPriceFactory(
        organization=alice.organization, product=product, currency="USD", amount=Decimal("10")
    )
    ProductPriceFactory(organization=alice.organization, product=other, currency="USD", amount=Decimal("20"))
    wholesale = PriceListFactory(organization=alice.organization, currency="USD")

    services.set_price_list_item(
        member=alice, price_list=wholesale, product_id=product.pk, amount=Decimal("8")
    )

    assert price_of(product.pk, "USD", price_list=wholesale) == Decimal("8")
    assert price_of(other.pk, "USD", price_list=wholesale) == Decimal("20")
    assert price_of(other.pk, "EUR", price_list=wholesale) is None


def test_a_price_list_item_of_another_organizations_product_is_refused(alice, olga):
    theirs = ProductFactory(organization=olga.organization)
    wholesale = PriceListFactory(organization=alice.organization)

    with pytest.raises(InvalidInput) as refused:
        services.set_price_list_item(
            member=alice, price_list=wholesale, product_id=theirs.pk, amount=Decimal("1")
        )

    assert refused.value.field == "product_id"
    assert PriceListItem.objects.exists() is False


def test_price_list_names_are_unique(alice):
    services.save_price_list(member=alice, data={"name": "Wholesale", "currency": "USD"})

    with pytest.raises(InvalidInput) as refused:
        services.save_price_list(member=alice, data={"name": "wholesale", "currency": "EUR"})

    assert refused.value.field == "name"


def test_an_exchange_rate_for_the_same_day_replaces_the_rate(alice):
    day = datetime.date(2026, 5, 1)
    services.save_exchange_rate(member=alice, currency="EUR", rate=Decimal("1.1"), valid_from=day)
    services.save_exchange_rate(member=alice, currency="EUR", rate=Decimal("1.2"), valid_from=day)

    assert list(ExchangeRate.objects.values_list("rate", flat=True)) == [Decimal("1.2")]


@pytest.mark.parametrize(
    ("currency", "rate", "field"),
    [("EUR", "0", "rate"), ("EUR", "-1", "rate"), ("USD", "1", "currency"), ("ABC", "1", "currency")],
)
def test_bad_exchange_rates_are_refused_by_field(alice, currency, rate, field):
    with pytest.raises(InvalidInput) as refused:
        services.save_exchange_rate(
            member=alice, currency=currency, rate=Decimal(rate), valid_from=datetime.date(2026, 1, 1)
        )

    assert refused.value.field == field
    assert ExchangeRate.objects.exists() is False


def test_a_salesperson_cannot_enter_exchange_rates(bob):
    with pytest.raises(NotAllowed):
        services.save_exchange_rate(
            member=bob, currency="EUR", rate=Decimal("1"), valid_from=datetime.date(2026, 1, 1)
        )


def test_bulk_actions_change_only_the_organizations_products_with_an_entry_each(alice, olga):
    mine = [ProductFactory(organization=alice.organization) for _ in range(2)]
    theirs = ProductFactory(organization=olga.organization)

    count = services.bulk_update_products(
        member=alice, ids=[p.pk for p in mine] + [theirs.pk], action="set_active", value="no"
    )

    assert count == 2
    assert set(Product.objects.values_list("is_active", flat=True)) == {False}
    assert Product.unscoped.get(pk=theirs.pk).is_active is True
    assert AuditEntry.objects.filter(record_type="catalog.product", action="update").count() == 2


def test_an_unknown_field_is_refused(alice):
    with pytest.raises(ValidationError):
        _create(alice, colour="red")
