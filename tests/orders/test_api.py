import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client

from kliento.core.models import Organization
from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.customers.models import Contact
from kliento.orders import services
from kliento.orders.models import Order, OrderLine, OrderStatus, SalesSettings
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CompanyFactory, ContactFactory
from tests.deals.factories import DealFactory
from tests.orders.factories import OrderFactory

D = Decimal


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def patch(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def errors_of(response):
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def _body(customer, *lines, **extra):
    return {"contact_id": customer.pk, "lines": list(lines), **extra}


def test_an_order_is_created_with_its_lines_totals_and_etag(api, dana, chair, desk):
    response = post(
        api,
        "/api/v1/orders",
        _body(
            dana,
            {"product_id": chair.pk, "quantity": "2", "tax_rate": "10"},
            {"product_id": desk.pk, "quantity": "1", "unit_price": "100", "discount": "10"},
        ),
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["net_total"], body["tax_total"], body["total"], body["total_base"]) == (
        "250.0000",
        "16.0000",
        "266.0000",
        "266.0000",
    )
    assert [(line["unit_price"], line["gross"]) for line in body["lines"]] == [
        ("80.0000", "176.0000"),
        ("100.0000", "90.0000"),
    ]
    assert body["status"] == "placed"
    assert response["ETag"]


def test_a_paid_order_counts_as_a_purchase_of_its_customer(api, dana, chair):
    response = post(
        api, "/api/v1/orders", _body(dana, {"product_id": chair.pk, "quantity": 1}, status="paid")
    )

    assert response.status_code == 201
    dana.refresh_from_db()
    assert (dana.purchase_count, dana.revenue_base) == (1, D("80"))


def test_reading_an_order_answers_its_lines(api, alice, dana, chair):
    order = services.create_order(
        member=alice, data=_body(dana, {"product_id": chair.pk, "quantity": 3, "description": "Oak"})
    )

    body = api.get(f"/api/v1/orders/{order.pk}").json()

    assert [(line["quantity"], line["description"], line["net"]) for line in body["lines"]] == [
        ("3.000", "Oak", "240.0000")
    ]


def test_reading_an_order_runs_a_fixed_number_of_queries(
    api, alice, dana, chair, django_assert_max_num_queries
):
    order = services.create_order(
        member=alice, data=_body(dana, *[{"product_id": chair.pk, "quantity": n + 1} for n in range(30)])
    )

    with django_assert_max_num_queries(5):  # the key, the order, its lines, its tags
        response = api.get(f"/api/v1/orders/{order.pk}")

    assert len(response.json()["lines"]) == 30


def test_a_negative_quantity_is_a_422_naming_the_line_and_writes_nothing(api, dana, chair):
    response = post(api, "/api/v1/orders", _body(dana, {"product_id": chair.pk, "quantity": "-2"}))

    assert response.status_code == 422
    assert set(errors_of(response)) == {"lines.0.quantity"}
    assert Order.objects.exists() is False
    assert OrderLine.objects.exists() is False


def test_an_unknown_currency_is_a_422_naming_it(api, dana, chair):
    response = post(
        api,
        "/api/v1/orders",
        _body(dana, {"product_id": chair.pk, "quantity": 1, "unit_price": 1}, currency="ZZZ"),
    )

    assert response.status_code == 422
    assert set(errors_of(response)) == {"currency"}
    assert Order.objects.exists() is False


def test_a_product_of_another_organization_is_a_422_naming_the_line(api, dana, olga):
    theirs = ProductFactory(organization=olga.organization)

    response = post(
        api, "/api/v1/orders", _body(dana, {"product_id": theirs.pk, "quantity": 1, "unit_price": 5})
    )

    assert response.status_code == 422
    assert set(errors_of(response)) == {"lines.0.product_id"}
    assert Order.objects.exists() is False


def test_a_total_that_does_not_add_up_is_a_422_and_nothing_is_written(api, dana, chair):
    response = post(api, "/api/v1/orders", _body(dana, {"product_id": chair.pk, "quantity": 2}, total="150"))

    assert response.status_code == 422
    assert "160" in errors_of(response)["total"]
    assert Order.objects.exists() is False
    assert SalesSettings.objects.filter(next_order_number__gt=1).exists() is False


def test_a_total_that_adds_up_is_accepted(api, dana, chair):
    response = post(
        api, "/api/v1/orders", _body(dana, {"product_id": chair.pk, "quantity": 2}, total="160.00")
    )

    assert response.status_code == 201


def test_an_order_without_a_customer_is_a_422(api, chair):
    response = post(api, "/api/v1/orders", {"lines": [{"product_id": chair.pk, "quantity": 1}]})

    assert response.status_code == 422
    assert set(errors_of(response)) == {"contact_id"}


def test_an_order_without_lines_is_a_422_naming_lines(api, dana):
    response = post(api, "/api/v1/orders", {"contact_id": dana.pk, "lines": []})

    assert response.status_code == 422
    assert set(errors_of(response)) == {"lines"}


def test_an_unknown_field_of_a_line_is_a_422_naming_it(api, dana, chair):
    response = post(
        api, "/api/v1/orders", _body(dana, {"product_id": chair.pk, "quantity": 1, "colour": "red"})
    )

    assert response.status_code == 422
    assert set(errors_of(response)) == {"lines.0.colour"}


def test_a_patch_changes_the_lines_and_prices_the_order_again(api, alice, dana, chair):
    order = services.create_order(member=alice, data=_body(dana, {"product_id": chair.pk, "quantity": 1}))

    response = patch(api, f"/api/v1/orders/{order.pk}", {"lines": [{"product_id": chair.pk, "quantity": 4}]})

    assert response.status_code == 200
    assert response.json()["total"] == "320.0000"
    assert OrderLine.objects.get(order=order).quantity == D(4)


def test_a_patch_with_an_old_version_is_a_412_and_changes_nothing(api, alice, dana, chair):
    order = services.create_order(member=alice, data=_body(dana, {"product_id": chair.pk, "quantity": 1}))
    etag = api.get(f"/api/v1/orders/{order.pk}")["ETag"]
    patch(api, f"/api/v1/orders/{order.pk}", {"notes": "First"})

    response = patch(api, f"/api/v1/orders/{order.pk}", {"notes": "Second"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert Order.objects.get().notes == "First"


def test_a_bad_line_in_a_patch_is_a_422_and_keeps_the_old_lines(api, alice, dana, chair):
    order = services.create_order(member=alice, data=_body(dana, {"product_id": chair.pk, "quantity": 1}))

    response = patch(
        api,
        f"/api/v1/orders/{order.pk}",
        {"lines": [{"product_id": chair.pk, "quantity": 1}, {"product_id": chair.pk, "quantity": "0.0001"}]},
    )

    assert response.status_code == 422
    assert set(errors_of(response)) == {"lines.1.quantity"}
    assert OrderLine.objects.filter(order=order).count() == 1
    assert Order.objects.get().total == D(80)


def test_delete_moves_the_order_to_the_trash_and_its_purchase_stops_counting(api, alice, dana, chair):
    order = services.create_order(
        member=alice, data=_body(dana, {"product_id": chair.pk, "quantity": 1}, status="paid")
    )

    response = api.delete(f"/api/v1/orders/{order.pk}")

    assert response.status_code == 204
    assert Order.objects.exists() is False
    assert Order.with_trash.get().deleted_at is not None
    assert Contact.objects.get(pk=dana.pk).purchase_count == 0


def test_the_status_endpoint_marks_an_order_paid_on_a_date(api, alice, dana, chair):
    order = services.create_order(
        member=alice,
        data=_body(dana, {"product_id": chair.pk, "quantity": 1}, ordered_on=datetime.date(2026, 1, 5)),
    )

    response = post(api, f"/api/v1/orders/{order.pk}/status", {"status": "paid", "on_date": "2026-01-07"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["paid_on"]) == ("paid", "2026-01-07")
    assert Contact.objects.get(pk=dana.pk).last_purchase_on == datetime.date(2026, 1, 5)


def test_a_move_the_rules_forbid_is_a_409_naming_the_status(api, alice, dana, chair):
    order = services.create_order(member=alice, data=_body(dana, {"product_id": chair.pk, "quantity": 1}))
    post(api, f"/api/v1/orders/{order.pk}/status", {"status": "cancelled"})

    response = post(api, f"/api/v1/orders/{order.pk}/status", {"status": "paid"})

    assert response.status_code == 409
    assert set(errors_of(response)) == {"status"}
    assert Order.objects.get().status == OrderStatus.CANCELLED


def test_an_unknown_status_is_a_422(api, alice, dana, chair):
    order = services.create_order(member=alice, data=_body(dana, {"product_id": chair.pk, "quantity": 1}))

    response = post(api, f"/api/v1/orders/{order.pk}/status", {"status": "shipped"})

    assert response.status_code == 422
    assert set(errors_of(response)) == {"status"}


def test_a_viewer_key_cannot_create_an_order(alice, dana, chair):
    raw = create_api_key(name="Viewer", role=Role.VIEWER, member=alice)[1]
    viewer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = post(viewer, "/api/v1/orders", _body(dana, {"product_id": chair.pk, "quantity": 1}))

    assert response.status_code == 403
    assert Order.objects.exists() is False


# The list -----------------------------------------------------------------------------------


def _ids(response):
    return [item["id"] for item in response.json()["items"]]


def test_the_list_pages_newest_first_by_cursor_in_few_queries(
    api, alice, dana, django_assert_max_num_queries
):
    orders = [
        OrderFactory(organization=alice.organization, contact=dana, ordered_on=datetime.date(2026, 1, day))
        for day in range(1, 6)
    ]

    with django_assert_max_num_queries(5):
        first = api.get("/api/v1/orders?limit=3").json()
    second = api.get(f"/api/v1/orders?limit=3&cursor={first['next_cursor']}").json()

    assert [item["id"] for item in first["items"] + second["items"]] == [o.pk for o in reversed(orders)]
    assert second["next_cursor"] is None


def test_the_list_filters_by_month(api, alice, dana):
    OrderFactory(organization=alice.organization, contact=dana, ordered_on=datetime.date(2026, 1, 31))
    march = OrderFactory(organization=alice.organization, contact=dana, ordered_on=datetime.date(2026, 3, 1))
    OrderFactory(organization=alice.organization, contact=dana, ordered_on=datetime.date(2026, 4, 1))

    assert _ids(api.get("/api/v1/orders?month=2026-03")) == [march.pk]


def test_the_list_filters_by_a_date_range(api, alice, dana):
    OrderFactory(organization=alice.organization, contact=dana, ordered_on=datetime.date(2026, 1, 1))
    inside = OrderFactory(
        organization=alice.organization, contact=dana, ordered_on=datetime.date(2026, 2, 10)
    )

    response = api.get("/api/v1/orders?ordered_from=2026-02-01&ordered_to=2026-02-28")

    assert _ids(response) == [inside.pk]


def test_the_list_filters_by_channel_and_status(api, alice, dana):
    online = OrderFactory(organization=alice.organization, contact=dana, channel="online")
    OrderFactory(organization=alice.organization, contact=dana, channel="store")
    placed = OrderFactory(organization=alice.organization, contact=dana, status="placed")

    assert _ids(api.get("/api/v1/orders?channel=online")) == [online.pk]
    assert _ids(api.get("/api/v1/orders?status=placed")) == [placed.pk]


def test_the_list_filters_by_customer_and_owner(api, alice, bob, dana):
    company = CompanyFactory(organization=alice.organization)
    other = ContactFactory(organization=alice.organization)
    of_company = OrderFactory(organization=alice.organization, contact=None, company=company)
    of_dana = OrderFactory(organization=alice.organization, contact=dana, owner=bob.user)
    OrderFactory(organization=alice.organization, contact=other)

    assert _ids(api.get(f"/api/v1/orders?company={company.pk}")) == [of_company.pk]
    assert _ids(api.get(f"/api/v1/orders?contact={dana.pk}")) == [of_dana.pk]
    assert _ids(api.get(f"/api/v1/orders?owner={bob.user_id}")) == [of_dana.pk]


def test_the_list_filters_by_deal(api, alice, dana):
    deal = DealFactory(organization=alice.organization)
    of_deal = OrderFactory(organization=alice.organization, contact=dana, deal=deal)
    OrderFactory(organization=alice.organization, contact=dana)

    assert _ids(api.get(f"/api/v1/orders?deal={deal.pk}")) == [of_deal.pk]


def test_q_finds_an_order_by_number_with_or_without_its_prefix_and_by_external_id(api, alice, dana):
    services.save_sales_settings(member=alice, data={"order_prefix": "SO-"})
    wanted = OrderFactory(organization=alice.organization, contact=dana, number=4242, external_id="SHOP-77")
    OrderFactory(organization=alice.organization, contact=dana, number=77)

    assert _ids(api.get("/api/v1/orders?q=4242")) == [wanted.pk]
    assert _ids(api.get("/api/v1/orders?q=SO-4242")) == [wanted.pk]
    assert _ids(api.get("/api/v1/orders?q=SHOP-77")) == [wanted.pk]


def test_a_bad_filter_is_a_422_naming_it(api):
    response = api.get("/api/v1/orders?month=March&channel=moon")

    assert response.status_code == 422
    assert set(errors_of(response)) == {"month", "channel"}


def test_the_count_answers_how_many_match_the_filters(api, alice, dana):
    for channel in ("online", "online", "store"):
        OrderFactory(organization=alice.organization, contact=dana, channel=channel)

    body = api.get("/api/v1/orders/count?channel=online").json()

    assert body == {"count": 2, "is_estimate": False}


def test_a_salesperson_sees_only_orders_of_their_team_when_visibility_is_limited(
    alice, bob, bob_client, dana
):
    alice.organization.record_visibility = Organization.RecordVisibility.OWN_AND_TEAM
    alice.organization.save()
    mine = OrderFactory(organization=alice.organization, contact=dana, owner=bob.user)
    theirs = OrderFactory(organization=alice.organization, contact=dana, owner=alice.user)

    assert _ids(bob_client.get("/api/v1/orders")) == [mine.pk]
    assert bob_client.get(f"/api/v1/orders/{theirs.pk}").status_code == 404


# Sales settings -------------------------------------------------------------------------------


def test_the_sales_settings_are_read_with_their_defaults(api):
    body = api.get("/api/v1/sales-settings").json()

    assert (body["rounding"], body["lapse_days"], body["loyal_purchases"]) == ("line", 365, 2)


def test_the_sales_settings_are_changed_field_by_field(api):
    response = patch(api, "/api/v1/sales-settings", {"lapse_days": 180, "order_prefix": "SO-"})

    assert response.status_code == 200
    settings = SalesSettings.objects.get()
    assert (settings.lapse_days, settings.order_prefix, settings.loyal_purchases) == (180, "SO-", 2)


def test_a_tax_rate_above_100_is_a_422(api):
    response = patch(api, "/api/v1/sales-settings", {"default_tax_rate": "120"})

    assert response.status_code == 422
    assert set(errors_of(response)) == {"default_tax_rate"}
    assert SalesSettings.objects.exists() is False


def test_a_salesperson_key_cannot_change_the_sales_settings(alice):
    raw = create_api_key(name="Sales", role=Role.SALESPERSON, member=alice)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = patch(client, "/api/v1/sales-settings", {"lapse_days": 1})

    assert response.status_code == 403
    assert SalesSettings.objects.exists() is False


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_organizations_order_is_a_404(api, olga, method):
    theirs = OrderFactory(organization=olga.organization)

    url = f"/api/v1/orders/{theirs.pk}"
    response = patch(api, url, {"notes": "Taken"}) if method == "patch" else getattr(api, method)(url)

    assert response.status_code == 404
    assert Order.unscoped.get(pk=theirs.pk).deleted_at is None


def test_another_organizations_order_cannot_change_status(api, olga):
    theirs = OrderFactory(organization=olga.organization, status="placed")

    response = post(api, f"/api/v1/orders/{theirs.pk}/status", {"status": "paid"})

    assert response.status_code == 404
    assert Order.unscoped.get(pk=theirs.pk).status == "placed"


def test_another_organizations_settings_are_neither_read_nor_changed(api, alice, olga):
    from kliento.core.tenancy import active_organization

    with active_organization(olga.organization_id):
        services.save_sales_settings(member=olga, data={"lapse_days": 30})

    read = api.get("/api/v1/sales-settings").json()
    patch(api, "/api/v1/sales-settings", {"lapse_days": 90})

    assert read["lapse_days"] == 365
    assert SalesSettings.unscoped.get(organization=olga.organization).lapse_days == 30
