from decimal import Decimal

from django.urls import reverse

from kliento.catalog.models import ExchangeRate, PriceListItem, Product, ProductPrice
from kliento.core.audit import history_of
from tests.catalog.factories import ExchangeRateFactory, PriceListFactory, ProductFactory, ProductPriceFactory


def test_the_product_list_shows_the_catalogue(alice_client, alice):
    ProductFactory(organization=alice.organization, name="Standing desk", sku="DSK-140")

    response = alice_client.get(reverse("catalog:product-list"))

    assert response.status_code == 200
    assert "Standing desk" in response.content.decode()
    assert "DSK-140" in response.content.decode()


def test_the_product_list_runs_a_fixed_number_of_queries(alice_client, alice, django_assert_max_num_queries):
    for _ in range(30):
        ProductFactory(organization=alice.organization)
    alice_client.get(reverse("catalog:product-list"))

    with django_assert_max_num_queries(16):
        alice_client.get(reverse("catalog:product-list"))


def test_the_card_shows_a_price_per_currency(alice_client, alice):
    product = ProductFactory(organization=alice.organization)
    ProductPriceFactory(
        organization=alice.organization, product=product, currency="USD", amount=Decimal("1234.5")
    )
    ProductPriceFactory(
        organization=alice.organization, product=product, currency="EUR", amount=Decimal("999")
    )

    html = alice_client.get(reverse("catalog:product-detail", args=[product.pk])).content.decode()

    assert "$1,234.50" in html
    assert "€999.00" in html


def test_the_card_runs_a_fixed_number_of_queries(alice_client, alice, django_assert_max_num_queries):
    product = ProductFactory(organization=alice.organization)
    for code in ("USD", "EUR", "GBP", "JPY"):
        ProductPriceFactory(organization=alice.organization, product=product, currency=code)
    alice_client.get(reverse("catalog:product-detail", args=[product.pk]))

    with django_assert_max_num_queries(18):
        alice_client.get(reverse("catalog:product-detail", args=[product.pk]))


def test_a_product_is_added_with_its_prices(alice_client, alice):
    ExchangeRateFactory(organization=alice.organization, currency="EUR")

    response = alice_client.post(
        reverse("catalog:product-create"),
        {
            "sku": "CH-1",
            "name": "Chair",
            "is_active": "on",
            "price_USD": "120",
            "price_EUR": "",
            "tags": "Office",
        },
    )

    product = Product.objects.get()
    assert response.status_code == 302
    assert dict(ProductPrice.objects.values_list("currency", "amount")) == {"USD": Decimal("120")}
    assert history_of(product).get().changes["tags"] == [None, ["Office"]]


def test_a_negative_price_is_shown_beside_its_field(alice_client, alice):
    response = alice_client.post(
        reverse("catalog:product-create"), {"sku": "CH-1", "name": "Chair", "price_USD": "-1"}
    )

    assert response.status_code == 400
    assert 'data-testid="error-price_USD"' in response.content.decode()
    assert Product.objects.exists() is False


def test_a_taken_sku_is_shown_beside_its_field(alice_client, alice):
    ProductFactory(organization=alice.organization, sku="CH-1")

    response = alice_client.post(reverse("catalog:product-create"), {"sku": "CH-1", "name": "Chair"})

    assert response.status_code == 400
    assert 'data-testid="error-sku"' in response.content.decode()


def test_editing_a_product_changed_meanwhile_asks_again(alice_client, alice):
    product = ProductFactory(organization=alice.organization, name="Chair")
    form = alice_client.get(reverse("catalog:product-edit", args=[product.pk]))
    version = form.context["form"]["version"].value()
    Product.objects.filter(pk=product.pk).update(name="Stool")  # someone else, meanwhile (updated_at moves)
    product.refresh_from_db()
    product.save()

    response = alice_client.post(
        reverse("catalog:product-edit", args=[product.pk]),
        {"sku": product.sku, "name": "Armchair", "version": version},
    )

    assert response.status_code == 400
    assert Product.objects.get().name == "Stool"


def test_a_salesperson_edits_products_but_not_exchange_rates(bob_client, bob):
    assert bob_client.get(reverse("catalog:product-create")).status_code == 200
    assert bob_client.get(reverse("catalog:exchange-rates")).status_code == 403


def test_exchange_rates_are_added_on_their_settings_page(alice_client, alice):
    response = alice_client.post(
        reverse("catalog:exchange-rates"), {"currency": "EUR", "rate": "1.0850", "valid_from": "2026-01-01"}
    )

    assert response.status_code == 302
    assert ExchangeRate.objects.get().rate == Decimal("1.085")
    assert "1.085" in alice_client.get(reverse("catalog:exchange-rates")).content.decode()


def test_a_rate_for_the_base_currency_is_refused_on_its_field(alice_client, alice):
    response = alice_client.post(
        reverse("catalog:exchange-rates"), {"currency": "USD", "rate": "1", "valid_from": "2026-01-01"}
    )

    assert response.status_code == 400
    assert 'data-testid="error-currency"' in response.content.decode()


def test_a_price_list_prices_products_and_shows_their_own_price(alice_client, alice):
    product = ProductFactory(organization=alice.organization, name="Chair")
    ProductPriceFactory(
        organization=alice.organization, product=product, currency="USD", amount=Decimal("100")
    )
    wholesale = PriceListFactory(organization=alice.organization, currency="USD")

    alice_client.post(
        reverse("catalog:price-list-item", args=[wholesale.pk]), {"product": product.pk, "amount": "88"}
    )
    html = alice_client.get(reverse("catalog:price-list-detail", args=[wholesale.pk])).content.decode()

    assert PriceListItem.objects.get().amount == Decimal("88")
    assert "$88.00" in html and "$100.00" in html


def test_the_price_list_settings_pages_answer(alice_client, alice):
    PriceListFactory(organization=alice.organization, name="Wholesale")

    assert "Wholesale" in alice_client.get(reverse("catalog:price-list-list")).content.decode()
    assert alice_client.get(reverse("catalog:price-list-detail", args=[0])).status_code == 200


def test_products_are_found_by_the_global_search(alice_client, alice):
    ProductFactory(organization=alice.organization, name="Espresso machine", sku="CF-MACH")

    html = alice_client.get(reverse("core:search"), {"q": "espresso"}).content.decode()

    assert "Espresso machine" in html


def test_a_trashed_product_is_restored_from_the_trash(alice_client, alice):
    product = ProductFactory(organization=alice.organization)
    alice_client.post(reverse("catalog:product-delete", args=[product.pk]))
    assert Product.objects.exists() is False

    alice_client.post(reverse("core:trash-restore", args=["catalog.product", product.pk]))

    assert Product.objects.get().pk == product.pk


def test_the_demo_step_fills_a_priced_catalogue(alice):
    import random

    from kliento.catalog.demo import CATALOGUE, fill_catalog

    outcome = fill_catalog(alice.organization, {"products": 100}, random.Random(1), writer=None)  # type: ignore[arg-type]
    again = fill_catalog(alice.organization, {"products": 100}, random.Random(1), writer=None)  # type: ignore[arg-type]

    assert outcome.added == {"products": len(CATALOGUE)}
    assert again.added == {"products": 0}
    assert ProductPrice.objects.filter(currency="USD").count() == len(CATALOGUE)
    assert ProductPrice.objects.filter(currency="EUR").count() == len(CATALOGUE)
    assert PriceListItem.objects.exists()
