"""Keyset pages over a decimal sort column: the cursor carries the exact value as text."""

from decimal import Decimal

import pytest

from kliento.core.errors import InvalidInput
from kliento.core.pagination import _encode, keyset_page
from kliento.deals.models import Deal
from tests.deals.factories import DealFactory


def test_pages_sorted_by_a_decimal_column_follow_each_other(alice):
    for amount in ("10.5", "20.25", "20.25", "30"):
        DealFactory(organization=alice.organization, amount_base=Decimal(amount))
    deals = Deal.objects.values("id", "amount_base")

    first = keyset_page(deals, ordering=["-amount_base", "-id"], cursor=None, limit=2)
    second = keyset_page(deals, ordering=["-amount_base", "-id"], cursor=first.next_cursor, limit=2)

    assert [row["amount_base"] for row in first.items + second.items] == [
        Decimal("30"),
        Decimal("20.25"),
        Decimal("20.25"),
        Decimal("10.5"),
    ]


@pytest.mark.parametrize("value", ["1e999999", "NaN", "Infinity", "many", "1" * 40])
def test_a_decimal_cursor_value_the_column_cannot_hold_is_refused(alice, value):
    deals = Deal.objects.values("id", "amount_base")

    with pytest.raises(InvalidInput) as refused:
        keyset_page(deals, ordering=["-amount_base", "-id"], cursor=_encode([value, 1]), limit=2)

    assert refused.value.field == "cursor"
