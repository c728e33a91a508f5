import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kliento.customers.models import Contact
from kliento.orders import services
from kliento.orders.models import Order, OrderLine, OrderStatus, SalesSettings
from tests.catalog.factories import ProductFactory, ProductPriceFactory
from tests.customers.factories import CompanyFactory
from tests.deals.factories import DealFactory
from tests.orders.factories import OrderFactory

D = Decimal


def _form(customer, *lines, **fields):
    data = {
        "contact": customer.pk,
        "currency": "USD",
        "ordered_on": "2026-03-02",
        "channel": "store",
        "status": "placed",
        **fields,
    }
    for index, line in enumerate(lines):
        for name, value in line.items():
            data[f"lines-{index}-{name}"] = value
    return data


def _order(member, customer, product, **data):
    lines = [{"product_id": product.pk, "quantity": 1}]
    return services.create_order(member=member, data={"contact_id": customer.pk, "lines": lines, **data})


# The form ------------------------------------------------------------------------------------


def test_an_order_with_two_lines_is_added_from_its_form(alice_client, alice, dana, chair, desk):
    response = alice_client.post(
        reverse("orders:order-create"),
        _form(
            dana,
            {"product": chair.pk, "quantity": "2", "unit_price": "", "tax_rate": "10"},
            {
                "product": desk.pk,
                "quantity": "1",
                "unit_price": "100",
                "discount": "10",
                "description": "Oak",
            },
        ),
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:order-detail", args=[order.pk])
    assert (order.contact, order.ordered_on, order.total) == (dana, datetime.date(2026, 3, 2), D("266"))
    assert list(OrderLine.objects.order_by("position").values_list("unit_price", "description")) == [
        (D("80"), ""),
        (D("100"), "Oak"),
    ]


def test_a_bad_line_is_shown_on_its_row_and_nothing_is_written(alice_client, dana, chair):
    response = alice_client.post(
        reverse("orders:order-create"),
        _form(dana, {"product": chair.pk, "quantity": "1"}, {"product": chair.pk, "quantity": "-1"}),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-lines-1-quantity"' in page
    assert 'href="#lines-1-quantity"' in page
    assert Order.objects.exists() is False


def test_a_line_without_a_price_in_the_currency_asks_for_one(alice_client, dana, desk):
    response = alice_client.post(
        reverse("orders:order-create"), _form(dana, {"product": desk.pk, "quantity": "1"})
    )

    assert response.status_code == 400
    assert 'data-testid="error-lines-0-unit_price"' in response.content.decode()


def test_an_order_without_a_customer_is_refused_on_the_contact_field(alice_client, chair):
    data = _form(chair, {"product": chair.pk, "quantity": "1"}) | {"contact": ""}

    response = alice_client.post(reverse("orders:order-create"), data)

    assert response.status_code == 400
    assert 'data-testid="error-contact"' in response.content.decode()


def test_adding_a_line_redraws_the_rows_without_saving(alice_client, dana, chair):
    data = _form(dana, {"product": chair.pk, "quantity": "3"}) | {"lines_action": "add"}

    response = alice_client.post(reverse("orders:order-create"), data, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-testid="order-line-row"') == 2
    assert 'value="3"' in page
    assert Order.objects.exists() is False


def test_removing_a_line_keeps_the_others(alice_client, dana, chair, desk):
    data = _form(dana, {"product": chair.pk, "quantity": "3"}, {"product": desk.pk, "quantity": "7"})

    response = alice_client.post(reverse("orders:order-create"), data | {"lines_action": "remove:0"})

    page = response.content.decode()
    assert page.count('data-testid="order-line-row"') == 1
    assert 'value="7"' in page and 'value="3"' not in page


def test_picking_a_product_fills_its_price_in_the_currency(alice_client, alice, dana, chair):
    ProductPriceFactory(organization=alice.organization, product=chair, currency="EUR", amount=D("75.50"))
    data = _form(dana, {"product": chair.pk, "quantity": "1"}) | {
        "currency": "EUR",
        "lines_action": "price:0",
    }

    response = alice_client.post(reverse("orders:order-create"), data)

    assert 'name="lines-0-unit_price" value="75.5"' in response.content.decode()


def test_the_new_order_form_is_prefilled_with_the_customer(alice_client, dana):
    response = alice_client.get(reverse("orders:order-create") + f"?contact={dana.pk}")

    assert f'<option value="{dana.pk}" selected>' in response.content.decode()


def test_the_new_order_form_never_offers_another_organizations_customer(alice_client, olga):
    from kliento.core.tenancy import active_organization
    from tests.customers.factories import ContactFactory

    with active_organization(olga.organization_id):
        theirs = ContactFactory(organization=olga.organization, last_name="Globexian")

    page = alice_client.get(reverse("orders:order-create") + f"?contact={theirs.pk}").content.decode()

    assert "Globexian" not in page


def test_an_edit_changes_the_lines_and_the_stored_totals(alice_client, alice, dana, chair):
    order = _order(alice, dana, chair)
    page = alice_client.get(reverse("orders:order-edit", args=[order.pk])).content.decode()
    version = page.split('name="version" value="')[1].split('"')[0]

    response = alice_client.post(
        reverse("orders:order-edit", args=[order.pk]),
        _form(dana, {"product": chair.pk, "quantity": "5", "unit_price": "80"}) | {"version": version},
    )

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.total == D("400")


def test_an_edit_that_keeps_the_lines_does_not_price_them_again(alice_client, alice, dana, chair):
    order = _order(alice, dana, chair, notes="Old")
    OrderLine.objects.filter(order=order).update(unit_price=D("1"))  # as if the catalogue price changed

    alice_client.post(
        reverse("orders:order-edit", args=[order.pk]),
        _form(
            dana, {"product": chair.pk, "quantity": "1", "unit_price": "1", "discount": "0", "tax_rate": "0"}
        )
        | {"notes": "New", "ordered_on": order.ordered_on.isoformat()},
    )

    order.refresh_from_db()
    assert (order.notes, order.total) == ("New", D("80"))


# The card ------------------------------------------------------------------------------------


def test_the_card_shows_lines_with_net_tax_gross_and_the_stored_totals(alice_client, alice, dana, chair):
    order = services.create_order(
        member=alice,
        data={"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": 2, "tax_rate": "25"}]},
    )

    page = alice_client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()

    assert page.count('data-testid="order-line"') == 1
    assert "$160.00" in page and "$40.00" in page and "$200.00" in page
    assert 'data-testid="order-status-paid"' in page


def test_the_card_runs_a_fixed_number_of_queries(
    alice_client, alice, dana, chair, django_assert_max_num_queries
):
    order = services.create_order(
        member=alice,
        data={"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": 1}] * 20},
    )

    with django_assert_max_num_queries(30):
        response = alice_client.get(reverse("orders:order-detail", args=[order.pk]))

    assert response.status_code == 200


def test_the_paid_button_marks_the_order_paid_on_the_date_given(alice_client, alice, dana, chair):
    order = _order(alice, dana, chair, ordered_on=datetime.date(2026, 1, 2))

    response = alice_client.post(
        reverse("orders:order-status", args=[order.pk]), {"status": "paid", "on_date": "2026-01-04"}
    )

    order.refresh_from_db()
    assert response.status_code == 302
    assert (order.status, order.paid_on) == (OrderStatus.PAID, datetime.date(2026, 1, 4))
    assert Contact.objects.get(pk=dana.pk).purchase_count == 1


def test_cancel_and_refund_ask_to_confirm(alice_client, alice, dana, chair):
    order = _order(alice, dana, chair, status="paid")

    page = alice_client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()

    assert page.count("data-confirm=") == 3  # cancel, refund, and the trash


def test_a_move_the_rules_forbid_leaves_a_warning_and_changes_nothing(alice_client, alice, dana, chair):
    order = _order(alice, dana, chair, status="paid")
    services.change_order_status(order=order, member=alice, status="refunded")

    response = alice_client.post(
        reverse("orders:order-status", args=[order.pk]), {"status": "fulfilled"}, follow=True
    )

    assert "cannot go from" in response.content.decode()
    assert Order.objects.get().status == OrderStatus.REFUNDED


def test_a_salesperson_without_edit_rights_gets_no_status_buttons(client, alice, dana, chair):
    from kliento.core.permissions import Role
    from tests.factories import MembershipFactory, UserFactory

    viewer = MembershipFactory(organization=alice.organization, user=UserFactory(), role=Role.VIEWER)
    order = _order(alice, dana, chair)
    client.force_login(viewer.user)

    page = client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()
    refused = client.post(reverse("orders:order-status", args=[order.pk]), {"status": "paid"})

    assert 'data-testid="order-status-paid"' not in page
    assert refused.status_code == 403
    assert Order.objects.get().status == OrderStatus.PLACED


def test_an_order_is_trashed_and_restored(alice_client, alice, dana, chair):
    order = _order(alice, dana, chair, status="paid")

    alice_client.post(reverse("orders:order-delete", args=[order.pk]))
    trashed = Contact.objects.get(pk=dana.pk).purchase_count
    alice_client.post(reverse("core:trash-restore", args=["orders.order", order.pk]))

    assert trashed == 0
    assert Order.objects.filter(pk=order.pk).exists()
    assert Contact.objects.get(pk=dana.pk).purchase_count == 1


def test_the_history_shows_lines_readably_without_derived_totals(alice_client, alice, dana, chair):
    order = _order(alice, dana, chair)
    services.update_order(
        order=order, member=alice, data={"lines": [{"product_id": chair.pk, "quantity": 3}]}
    )

    page = alice_client.get(reverse("orders:order-history", args=[order.pk]), HTTP_HX_REQUEST="true")

    text = page.content.decode()
    assert "3 x Chair at 80" in text
    assert "net_total" not in text and "Net total" not in text


# The list ------------------------------------------------------------------------------------


def test_the_list_shows_newest_first_with_both_totals(alice_client, alice, dana):
    OrderFactory(
        organization=alice.organization, contact=dana, number=1, ordered_on=datetime.date(2026, 1, 1)
    )
    OrderFactory(
        organization=alice.organization,
        contact=dana,
        number=2,
        ordered_on=datetime.date(2026, 2, 1),
        currency="EUR",
        total=D("90"),
        total_base=D("99"),
    )

    page = alice_client.get(reverse("orders:order-list")).content.decode()

    assert page.index(">2</a>") < page.index(">1</a>")
    assert "€90.00" in page and "$99.00" in page


def test_the_list_filters_by_month_and_channel(alice_client, alice, dana):
    OrderFactory(
        organization=alice.organization, contact=dana, number=11, ordered_on=datetime.date(2026, 3, 5)
    )
    OrderFactory(
        organization=alice.organization,
        contact=dana,
        number=12,
        ordered_on=datetime.date(2026, 3, 6),
        channel="online",
    )
    OrderFactory(
        organization=alice.organization, contact=dana, number=13, ordered_on=datetime.date(2026, 4, 1)
    )

    page = alice_client.get(reverse("orders:order-list") + "?month=2026-03&channel=store").content.decode()

    assert ">11</a>" in page
    assert ">12</a>" not in page and ">13</a>" not in page


def test_the_list_filtered_by_a_customer_names_it(alice_client, alice, dana):
    OrderFactory(organization=alice.organization, contact=dana, number=21)
    OrderFactory(organization=alice.organization, number=22)

    page = alice_client.get(reverse("orders:order-list") + f"?contact={dana.pk}").content.decode()

    assert ">21</a>" in page and ">22</a>" not in page
    assert "Dana Ng" in page


def test_a_bad_month_is_shown_on_the_filter(alice_client):
    response = alice_client.get(reverse("orders:order-list") + "?month=March")

    assert 'aria-invalid="true"' in response.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(alice_client, alice, dana, django_assert_max_num_queries):
    for number in range(30):
        OrderFactory(organization=alice.organization, contact=dana, number=number + 1)

    with django_assert_max_num_queries(20):
        response = alice_client.get(reverse("orders:order-list"))

    assert response.status_code == 200


def test_the_tag_bulk_action_tags_the_chosen_orders(alice_client, alice, dana):
    from kliento.core.records.tags import tag_names

    first = OrderFactory(organization=alice.organization, contact=dana)
    OrderFactory(organization=alice.organization, contact=dana)

    alice_client.post(reverse("orders:order-bulk"), {"action": "add_tag", "ids": [first.pk], "tag": "VIP"})

    assert tag_names(first) == ["VIP"]


# Customer and deal panels ---------------------------------------------------------------------


def test_the_contact_card_shows_the_purchase_summary_and_latest_orders(alice_client, alice, dana, chair):
    _order(alice, dana, chair, status="paid", ordered_on=datetime.date(2026, 1, 10))
    _order(alice, dana, chair, status="paid", ordered_on=datetime.date(2026, 2, 20))

    page = alice_client.get(reverse("customers:contact-detail", args=[dana.pk])).content.decode()

    assert 'data-testid="purchases-count">2<' in page
    assert "$160.00" in page
    assert page.count('data-testid="record-order"') == 2
    assert f"{reverse('orders:order-list')}?contact={dana.pk}" in page
    assert f"{reverse('orders:order-create')}?contact={dana.pk}" in page


def test_a_customer_with_a_thousand_orders_costs_the_card_no_more_queries(alice_client, alice, dana):
    company = CompanyFactory(organization=alice.organization)
    OrderFactory(organization=alice.organization, contact=dana, company=company, number=1)
    url = reverse("customers:contact-detail", args=[dana.pk])
    alice_client.get(url)
    with CaptureQueriesContext(connection) as one:
        alice_client.get(url)
    Order.objects.bulk_create(
        Order(
            organization=alice.organization,
            number=number,
            contact=dana,
            company=company,
            ordered_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=number % 2000),
            currency="USD",
            total=D("10"),
            total_base=D("10"),
        )
        for number in range(2, 1002)
    )

    with CaptureQueriesContext(connection) as thousand:
        page = alice_client.get(url).content.decode()

    assert len(thousand) == len(one)
    assert page.count('data-testid="record-order"') == 5


def test_the_orders_panel_reads_the_latest_orders_in_one_query(alice, dana, django_assert_num_queries):
    from django.test import RequestFactory

    from kliento.orders.views.orders import customer_orders_panel

    for number in range(8):
        OrderFactory(organization=alice.organization, contact=dana, number=number + 1)
    services.save_sales_settings(member=alice, data={"order_prefix": "SO-"})
    request = RequestFactory().get("/")
    request.member, request.organization = alice, alice.organization

    with django_assert_num_queries(2):  # the prefix, and the orders
        context = customer_orders_panel("contact")(request, dana)

    assert [order["title"] for order in context["orders"]] == [f"Order SO-{n}" for n in (8, 7, 6, 5, 4)]
    assert context["has_more"] is True


def test_the_deal_card_shows_its_orders(alice_client, alice, dana, chair):
    deal = DealFactory(organization=alice.organization, contact=dana)
    _order(alice, dana, chair, deal_id=deal.pk)
    _order(alice, dana, chair)

    page = alice_client.get(reverse("deals:deal-detail", args=[deal.pk])).content.decode()

    assert page.count('data-testid="record-order"') == 1
    assert f"{reverse('orders:order-create')}?deal={deal.pk}&amp;contact={dana.pk}" in page


# Sales settings -----------------------------------------------------------------------------


def test_the_sales_settings_are_saved_from_their_page(alice_client):
    response = alice_client.post(
        reverse("orders:sales-settings"),
        {
            "rounding": "total",
            "default_tax_rate": "19",
            "quote_valid_days": "14",
            "order_prefix": "SO-",
            "quote_prefix": "Q-",
            "activate_on_first_purchase": "on",
            "loyal_purchases": "3",
            "loyal_window_days": "180",
            "lapse_days": "400",
        },
    )

    settings = SalesSettings.objects.get()
    assert response.status_code == 302
    assert (settings.rounding, settings.default_tax_rate, settings.loyal_purchases, settings.lapse_days) == (
        "total",
        D("19"),
        3,
        400,
    )


def test_the_sales_settings_page_explains_each_lifecycle_rule(alice_client):
    page = alice_client.get(reverse("orders:sales-settings")).content.decode()

    assert "becomes an active customer" in page
    assert "becomes loyal" in page
    assert "become lost" in page


def test_a_bad_setting_is_shown_on_its_field(alice_client):
    response = alice_client.post(
        reverse("orders:sales-settings"),
        {
            "rounding": "line",
            "default_tax_rate": "150",
            "quote_valid_days": "30",
            "loyal_purchases": "2",
            "loyal_window_days": "365",
            "lapse_days": "365",
        },
    )

    assert response.status_code == 400
    assert 'data-testid="error-default_tax_rate"' in response.content.decode()
    assert SalesSettings.objects.exists() is False


def test_a_salesperson_cannot_open_the_sales_settings(bob_client):
    assert bob_client.get(reverse("orders:sales-settings")).status_code == 403


def test_the_palette_offers_new_order(alice_client):
    response = alice_client.get(reverse("core:palette") + "?q=new+order", HTTP_HX_REQUEST="true")

    assert reverse("orders:order-create") in response.content.decode()


def test_the_global_search_finds_an_order_by_external_id(alice_client, alice, dana):
    order = OrderFactory(organization=alice.organization, contact=dana, external_id="SHOP-991")

    response = alice_client.get(reverse("core:search") + "?q=SHOP-991")

    assert reverse("orders:order-detail", args=[order.pk]) in response.content.decode()


def test_the_sales_area_links_to_the_order_list(alice_client):
    page = alice_client.get(reverse("orders:order-list")).content.decode()

    assert f'href="{reverse("orders:order-list")}"' in page


def test_a_saved_view_of_orders_keeps_its_filters(alice_client, alice, dana):
    OrderFactory(organization=alice.organization, contact=dana, number=31, channel="online")
    OrderFactory(organization=alice.organization, contact=dana, number=32, channel="store")

    saved = alice_client.post(
        reverse("core:saved-view-save", args=["order"]),
        {"name": "Online", "query": "channel=online", "columns": "number,total"},
    )
    page = alice_client.get(saved["Location"])

    assert page.context["active_view"].name == "Online"
    assert ">31</a>" in page.content.decode() and ">32</a>" not in page.content.decode()


def test_the_list_filters_by_a_custom_field(alice_client, alice, dana, django_capture_on_commit_callbacks):
    from kliento.core.records.fields import services as field_services

    with django_capture_on_commit_callbacks(execute=True):  # the field's index job
        field_services.save_custom_field(
            member=alice, data={"entity": "order", "key": "region", "field_type": "text", "label": "Region"}
        )
    chair = ProductFactory(organization=alice.organization)
    for region, number in (("North", 41), ("South", 42)):
        order = services.create_order(
            member=alice,
            data={
                "contact_id": dana.pk,
                "custom_fields": {"region": region},
                "lines": [{"product_id": chair.pk, "quantity": 1, "unit_price": 1}],
            },
        )
        Order.objects.filter(pk=order.pk).update(number=number)

    page = alice_client.get(reverse("orders:order-list") + "?cf.region=North").content.decode()

    assert ">41</a>" in page and ">42</a>" not in page
