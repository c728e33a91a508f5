import datetime
from decimal import Decimal

import pytest

from kliento.catalog.money import MissingRate, UnknownCurrency, quantize, to_base
from tests.catalog.factories import ExchangeRateFactory

JAN, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)


@pytest.fixture
def rates(alice):
    ExchangeRateFactory(organization=alice.organization, currency="EUR", rate=Decimal("1.10"), valid_from=JAN)
    ExchangeRateFactory(organization=alice.organization, currency="EUR", rate=Decimal("1.20"), valid_from=MAR)
    ExchangeRateFactory(
        organization=alice.organization, currency="JPY", rate=Decimal("0.0066666667"), valid_from=JAN
    )


def test_the_base_currency_converts_at_one(alice):
    assert to_base(Decimal("12.345"), "USD", JAN) == (Decimal("12.35"), Decimal(1))


def test_an_amount_converts_with_the_rate_valid_on_its_date(rates):
    assert to_base(Decimal("100"), "EUR", datetime.date(2026, 2, 28)) == (Decimal("110.00"), Decimal("1.10"))
    assert to_base(Decimal("100"), "EUR", MAR) == (Decimal("120.00"), Decimal("1.20"))


def test_conversion_rounds_half_up_to_the_base_currencys_cents(rates):
    # 1,000 yen at 0.0066666667 is 6.6666667 dollars.
    assert to_base(Decimal("1000"), "JPY", JAN).amount_base == Decimal("6.67")
    assert to_base(Decimal("0.05"), "EUR", JAN).amount_base == Decimal("0.06")  # 0.055 rounds up


def test_without_a_rate_the_error_names_the_currency(rates):
    with pytest.raises(MissingRate) as refused:
        to_base(Decimal("5"), "GBP", JAN)

    assert "GBP" in refused.value.message
    assert refused.value.field == "currency"


def test_a_rate_from_after_the_date_is_not_used(rates):
    with pytest.raises(MissingRate):
        to_base(Decimal("5"), "EUR", datetime.date(2025, 12, 31))


def test_an_unknown_currency_is_refused_by_name(alice):
    with pytest.raises(UnknownCurrency) as refused:
        to_base(Decimal("5"), "XYZ", JAN)

    assert "XYZ" in refused.value.message


def test_floats_are_refused(alice):
    with pytest.raises(TypeError):
        to_base(1.5, "USD", JAN)  # type: ignore[arg-type]


def test_quantize_follows_the_currencys_minor_unit():
    assert quantize(Decimal("1.5"), "JPY") == Decimal("2")
    assert quantize(Decimal("1.0005"), "KWD") == Decimal("1.001")
    assert quantize(Decimal("2.675"), "EUR") == Decimal("2.68")


def test_rates_of_another_organization_are_not_used(alice, olga):
    ExchangeRateFactory(organization=olga.organization, currency="EUR", rate=Decimal("1.5"), valid_from=JAN)

    with pytest.raises(MissingRate):
        to_base(Decimal("5"), "EUR", MAR)
