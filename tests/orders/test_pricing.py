from decimal import Decimal

from kliento.orders.models import Rounding
from kliento.orders.pricing import LineInput, compute

D = Decimal


def test_per_line_rounding_adds_up_the_rounded_lines():
    lines = [LineInput(D("3"), D("0.335"), tax_rate=D("19")), LineInput(D("3"), D("0.335"), tax_rate=D("19"))]

    totals = compute(lines, "EUR", Rounding.PER_LINE)

    # 1.005 rounds half up to 1.01 per line; its 19 % tax 0.1919 to 0.19.
    assert [(line.net, line.tax, line.gross) for line in totals.lines] == [
        (D("1.01"), D("0.19"), D("1.20"))
    ] * 2
    assert (totals.net_total, totals.tax_total, totals.total) == (D("2.02"), D("0.38"), D("2.40"))


def test_per_total_rounding_rounds_the_exact_sums_once():
    lines = [LineInput(D("3"), D("0.335"), tax_rate=D("19")), LineInput(D("3"), D("0.335"), tax_rate=D("19"))]

    totals = compute(lines, "EUR", Rounding.PER_TOTAL)

    # 2.01 exactly; tax 0.3819 rounds to 0.38 once.
    assert (totals.net_total, totals.tax_total, totals.total) == (D("2.01"), D("0.38"), D("2.39"))


def test_per_total_rounding_taxes_each_rate_once():
    lines = [
        LineInput(D("1"), D("0.05"), tax_rate=D("10")),
        LineInput(D("1"), D("0.05"), tax_rate=D("10")),
        LineInput(D("1"), D("0.05"), tax_rate=D("0")),
    ]

    totals = compute(lines, "EUR", Rounding.PER_TOTAL)

    assert (totals.net_total, totals.tax_total) == (D("0.15"), D("0.01"))


def test_discounts_come_off_the_subtotal_before_tax():
    lines = [LineInput(D("2"), D("50"), discount=D("10"), tax_rate=D("20")), LineInput(D("1"), D("20"))]

    totals = compute(lines, "USD", Rounding.PER_LINE)

    assert (totals.subtotal, totals.discount_total, totals.net_total) == (
        D("120.00"),
        D("10.00"),
        D("110.00"),
    )
    assert (totals.tax_total, totals.total) == (D("18.00"), D("128.00"))


def test_a_currency_without_minor_units_rounds_to_whole_units():
    totals = compute([LineInput(D("1"), D("999.5"), tax_rate=D("10"))], "JPY", Rounding.PER_LINE)

    assert (totals.net_total, totals.tax_total, totals.total) == (D("1000"), D("100"), D("1100"))


def test_a_currency_with_three_minor_digits_keeps_them():
    totals = compute([LineInput(D("3"), D("0.3335"))], "KWD", Rounding.PER_LINE)

    assert totals.total == D("1.001")


def test_a_thousand_is_a_thousand():
    totals = compute([LineInput(D("1"), D("1000"))], "USD", Rounding.PER_TOTAL)

    assert str(totals.total) == "1000.00"
