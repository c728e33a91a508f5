"""Row counts of lists: exact up to a cap, an estimate beyond, on either database."""

import pytest
from django.core.cache import cache

from kliento.core.counting import count_rows, round_estimate
from kliento.customers.models import Contact, LifecycleStage
from tests.customers.factories import ContactFactory


@pytest.fixture(autouse=True)
def _fresh_totals():
    cache.clear()  # organization totals kept by an earlier test must not leak into this one


def test_rows_up_to_the_cap_are_counted_exactly(alice):
    ContactFactory.create_batch(3, organization=alice.organization, lifecycle_stage=LifecycleStage.ACTIVE)
    ContactFactory(organization=alice.organization, lifecycle_stage=LifecycleStage.LEAD)

    count = count_rows(Contact.objects.filter(lifecycle_stage=LifecycleStage.ACTIVE), cap=3)

    assert (count.value, count.is_estimate) == (3, False)


def test_rows_beyond_the_cap_are_estimated_and_never_below_it(alice):
    ContactFactory.create_batch(8, organization=alice.organization)

    count = count_rows(Contact.objects.all(), cap=3)

    assert count.is_estimate is True
    assert count.value >= 4


def test_an_estimate_counts_only_the_active_organizations_rows(alice, olga):
    ContactFactory.create_batch(6, organization=alice.organization)
    ContactFactory.create_batch(30, organization=olga.organization)

    count = count_rows(Contact.objects.all(), cap=3)

    assert count.is_estimate is True
    assert 4 <= count.value <= 12


def test_the_cap_comes_from_the_settings(alice, settings):
    settings.KLIENTO_EXACT_COUNT_CAP = 2
    ContactFactory.create_batch(3, organization=alice.organization)

    assert count_rows(Contact.objects.all()).is_estimate is True


@pytest.mark.parametrize(
    ("estimate", "shown"), [(283_517, 280_000), (1_001, 1_000), (1_060, 1_100), (64, 64)]
)
def test_an_estimate_is_rounded_to_two_significant_digits(estimate, shown):
    assert round_estimate(estimate) == shown
