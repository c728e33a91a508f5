import datetime

from kliento.core.records.timeline import timeline_page
from kliento.orders import services
from tests.deals.factories import DealFactory
from tests.orders.factories import OrderFactory


def _entries(member, kind, record, **options):
    return timeline_page(member=member, kind=kind, record=record, **options)


def test_a_paid_order_is_on_the_contacts_timeline_placed_and_paid_with_its_amount(alice, dana, chair):
    services.create_order(
        member=alice,
        data={
            "contact_id": dana.pk,
            "lines": [{"product_id": chair.pk, "quantity": 2}],
            "ordered_on": datetime.date(2026, 3, 1),
            "status": "paid",
            "paid_on": datetime.date(2026, 3, 4),
        },
    )

    page = _entries(alice, "contact", dana, entry_kinds=["order_placed", "order_paid"])

    assert [(entry.kind, entry.occurred_at.date()) for entry in page.entries] == [
        ("order_paid", datetime.date(2026, 3, 4)),
        ("order_placed", datetime.date(2026, 3, 1)),
    ]
    assert "$160.00" in page.entries[0].summary
    assert page.entries[0].data["total"] == "160.0000"


def test_orders_are_on_their_company_and_deal_timelines(alice, dana):
    deal = DealFactory(organization=alice.organization)
    order = OrderFactory(organization=alice.organization, contact=dana, deal=deal, status="placed")

    on_deal = _entries(alice, "deal", deal, entry_kinds=["order_placed"])

    assert [entry.id for entry in on_deal.entries] == [order.pk]


def test_the_timeline_pages_through_many_orders_without_repeating_or_skipping(alice, dana):
    orders = [
        OrderFactory(
            organization=alice.organization,
            contact=dana,
            ordered_on=datetime.date(2026, 1, 1 + index // 3),
            paid_on=datetime.date(2026, 2, 1),
        )
        for index in range(9)
    ]
    seen, cursor = [], None
    while True:
        page = _entries(
            alice, "contact", dana, cursor=cursor, limit=4, entry_kinds=["order_placed", "order_paid"]
        )
        seen += [(entry.kind, entry.id) for entry in page.entries]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert len(seen) == len(set(seen)) == 18
    placed = [order_id for kind, order_id in seen if kind == "order_placed"]
    assert placed == [order.pk for order in sorted(orders, key=lambda o: (o.ordered_on, o.pk), reverse=True)]


def test_a_hidden_order_stays_off_a_salespersons_timeline(alice, bob, dana):
    alice.organization.record_visibility = "own_and_team"
    alice.organization.save()
    bob.refresh_from_db()
    OrderFactory(organization=alice.organization, contact=dana, owner=alice.user)

    page = _entries(bob, "contact", dana, entry_kinds=["order_placed"])

    assert page.entries == []
