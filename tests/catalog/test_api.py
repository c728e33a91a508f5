import datetime
import json
from decimal import Decimal

from kliento.catalog.models import ExchangeRate, Product, ProductPrice
from tests.catalog.factories import ExchangeRateFactory, PriceListFactory, ProductFactory, ProductPriceFactory


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def errors_of(response):
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_product_is_created_with_prices_as_decimal_strings(api):
    response = post(
        api, "/api/v1/products", {"sku": "A-1", "name": "Chair", "prices": {"USD": "19.99", "EUR": 18.5}}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["prices"] == [
        {"currency": "EUR", "amount": "18.5000"},
        {"currency": "USD", "amount": "19.9900"},
    ]
    assert Product.objects.get().sku == "A-1"


def test_a_duplicate_sku_is_a_422_naming_the_field(api, alice):
    ProductFactory(organization=alice.organization, sku="A-1")

    response = post(api, "/api/v1/products", {"sku": "A-1", "name": "Chair"})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "A-1" in errors_of(response)["sku"]


def test_a_negative_price_is_a_422_naming_the_currency(api):
    response = post(api, "/api/v1/products", {"sku": "A-1", "name": "Chair", "prices": {"USD": "-5"}})

    assert response.status_code == 422
    assert set(errors_of(response)) == {"prices.USD"}
    assert Product.objects.exists() is False


def test_an_unknown_currency_is_a_422_naming_it(api):
    response = post(api, "/api/v1/products", {"sku": "A-1", "name": "Chair", "prices": {"ZZZ": "5"}})

    assert response.status_code == 422
    assert "ZZZ" in errors_of(response)["prices.ZZZ"]


def test_a_price_set_on_its_own_refuses_a_negative_amount(api, alice):
    product = ProductFactory(organization=alice.organization)

    response = api.put(
        f"/api/v1/products/{product.pk}/prices/USD",
        json.dumps({"amount": "-1"}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert set(errors_of(response)) == {"amount"}
    assert ProductPrice.objects.exists() is False


def test_a_stale_if_match_is_refused_with_412(api, alice):
    product = ProductFactory(organization=alice.organization)
    etag = api.get(f"/api/v1/products/{product.pk}")["ETag"]
    assert (
        patch(api, f"/api/v1/products/{product.pk}", {"name": "First"}, HTTP_IF_MATCH=etag).status_code == 200
    )

    response = patch(api, f"/api/v1/products/{product.pk}", {"name": "Second"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert Product.objects.get().name == "First"


def test_the_product_list_pages_by_cursor_in_few_queries(api, alice, django_assert_max_num_queries):
    for index in range(5):
        ProductFactory(organization=alice.organization, name=f"Item {index}")

    with django_assert_max_num_queries(4):  # the key and its member, then one page
        first = api.get("/api/v1/products?limit=3").json()
    second = api.get(f"/api/v1/products?limit=3&cursor={first['next_cursor']}").json()

    assert [item["name"] for item in first["items"] + second["items"]] == [f"Item {i}" for i in range(5)]
    assert second["next_cursor"] is None


def test_the_product_list_filters_by_text_and_state(api, alice):
    ProductFactory(organization=alice.organization, name="Desk lamp", sku="LMP-1")
    ProductFactory(organization=alice.organization, name="Desk", sku="DSK-1", is_active=False)

    assert [i["sku"] for i in api.get("/api/v1/products?q=lmp").json()["items"]] == ["LMP-1"]
    assert [i["sku"] for i in api.get("/api/v1/products?q=desk&active=false").json()["items"]] == ["DSK-1"]


def test_a_tampered_cursor_is_a_422(api):
    response = api.get("/api/v1/products?cursor=bm9wZQ")

    assert response.status_code == 422
    assert errors_of(response) == {"cursor": "This cursor is not valid."}


def test_a_price_resolves_through_a_price_list(api, alice):
    product = ProductFactory(organization=alice.organization)
    ProductPriceFactory(
        organization=alice.organization, product=product, currency="USD", amount=Decimal("10")
    )
    wholesale = PriceListFactory(organization=alice.organization, currency="USD")

    own = api.get(f"/api/v1/products/{product.pk}/price?currency=USD&price_list={wholesale.pk}").json()
    api.put(
        f"/api/v1/price-lists/{wholesale.pk}/items/{product.pk}",
        json.dumps({"amount": "8"}),
        content_type="application/json",
    )
    listed = api.get(f"/api/v1/products/{product.pk}/price?currency=USD&price_list={wholesale.pk}").json()

    assert (own["amount"], listed["amount"]) == ("10.0000", "8.0000")


def test_exchange_rates_are_entered_and_used_to_convert(api):
    response = post(
        api, "/api/v1/exchange-rates", {"currency": "EUR", "rate": "1.08", "valid_from": "2026-01-01"}
    )
    assert response.status_code == 201

    converted = api.get("/api/v1/currencies/EUR/conversion?amount=100&on=2026-06-01").json()

    assert converted == {
        "amount": "100",
        "currency": "EUR",
        "on": "2026-06-01",
        "base_currency": "USD",
        "rate": "1.0800000000",
        "amount_base": "108.00",
    }


def test_converting_without_a_rate_is_a_422_naming_the_currency(api):
    response = api.get("/api/v1/currencies/GBP/conversion?amount=100&on=2026-06-01")

    assert response.status_code == 422
    assert "GBP" in errors_of(response)["currency"]


def test_exchange_rates_list_newest_first_per_currency(api, alice):
    ExchangeRateFactory(organization=alice.organization, currency="EUR", valid_from=datetime.date(2026, 1, 1))
    ExchangeRateFactory(organization=alice.organization, currency="EUR", valid_from=datetime.date(2026, 2, 1))

    items = api.get("/api/v1/exchange-rates").json()["items"]

    assert [item["valid_from"] for item in items] == ["2026-02-01", "2026-01-01"]


def test_a_viewer_key_may_read_but_not_write(viewer_api, alice):
    product = ProductFactory(organization=alice.organization)

    assert viewer_api.get(f"/api/v1/products/{product.pk}").status_code == 200
    assert patch(viewer_api, f"/api/v1/products/{product.pk}", {"name": "Mine"}).status_code == 403
    assert (
        post(
            viewer_api, "/api/v1/exchange-rates", {"currency": "EUR", "rate": "1", "valid_from": "2026-01-01"}
        ).status_code
        == 403
    )
    assert ExchangeRate.objects.exists() is False


def test_price_lists_are_created_changed_and_deleted(api):
    created = post(api, "/api/v1/price-lists", {"name": "Wholesale", "currency": "EUR"}).json()
    changed = patch(api, f"/api/v1/price-lists/{created['id']}", {"name": "Trade"}).json()
    deleted = api.delete(f"/api/v1/price-lists/{created['id']}")

    assert changed["name"] == "Trade"
    assert deleted.status_code == 204
    assert api.get(f"/api/v1/price-lists/{created['id']}").status_code == 404
