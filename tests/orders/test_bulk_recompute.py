import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kliento.core.models import AuditEntry
from kliento.customers.models import Company, Contact, LifecycleStage, LifecycleTransition
from kliento.orders.models import OrderStatus
from kliento.orders.purchases import recompute_all_purchase_summaries, refresh_customers
from kliento.orders.recompute import recompute_purchase_summaries
from tests.customers.factories import CompanyFactory, ContactFactory
from tests.orders.factories import OrderFactory

SUMMARY = ("lifecycle_stage", "first_purchase_on", "last_purchase_on", "purchase_count", "revenue_base")


def _days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def customers(acme, alice):
    """Customers in every situation the rules know, with orders written past the services."""
    company = CompanyFactory(organization=acme, name="Fernwood", lifecycle_stage=LifecycleStage.LEAD)
    people = {
        "first purchase": ContactFactory(organization=acme, company=company),
        "repeat buyer": ContactFactory(organization=acme),
        "lapsed": ContactFactory(organization=acme, lifecycle_stage=LifecycleStage.ACTIVE),
        "back after a lapse": ContactFactory(organization=acme, lifecycle_stage=LifecycleStage.LOST),
        "only cancelled": ContactFactory(organization=acme),
        "loyal with a refund": ContactFactory(organization=acme, lifecycle_stage=LifecycleStage.LOYAL),
        "stale summary": ContactFactory(
            organization=acme,
            lifecycle_stage=LifecycleStage.ACTIVE,
            purchase_count=5,
            revenue_base=Decimal("500"),
            first_purchase_on=_days_ago(90),
            last_purchase_on=_days_ago(30),
        ),
        "lead of a lost company": ContactFactory(organization=acme),
    }
    orders = [
        ("first purchase", OrderStatus.PAID, 3, "120.50"),
        ("first purchase", OrderStatus.PLACED, 1, "80.00"),
        ("repeat buyer", OrderStatus.FULFILLED, 200, "10.00"),
        ("repeat buyer", OrderStatus.FULFILLED, 100, "20.00"),
        ("repeat buyer", OrderStatus.PAID, 2, "30.25"),
        ("lapsed", OrderStatus.FULFILLED, 500, "99.99"),
        ("lapsed", OrderStatus.CANCELLED, 10, "50.00"),
        ("back after a lapse", OrderStatus.PAID, 5, "42.00"),
        ("only cancelled", OrderStatus.CANCELLED, 3, "15.00"),
        ("only cancelled", OrderStatus.REFUNDED, 2, "15.00"),
        ("loyal with a refund", OrderStatus.REFUNDED, 20, "300.00"),
        ("loyal with a refund", OrderStatus.FULFILLED, 40, "60.00"),
    ]
    for name, status, days, amount in orders:
        contact = people[name]
        OrderFactory(
            organization=acme,
            contact=contact,
            company=contact.company,
            status=status,
            ordered_on=_days_ago(days),
            total=Decimal(amount),
            total_base=Decimal(amount),
        )
    OrderFactory(
        organization=acme,
        contact=people["repeat buyer"],
        ordered_on=_days_ago(1),
        total_base=Decimal("1000"),
        deleted_at=timezone.now(),
    )
    lost_company = CompanyFactory(organization=acme, name="Old Mill", lifecycle_stage=LifecycleStage.ACTIVE)
    OrderFactory(
        organization=acme,
        contact=None,
        company=lost_company,
        ordered_on=_days_ago(700),
        total_base=Decimal("5"),
    )
    return people


def _state():
    contacts = {
        contact.pk: tuple(getattr(contact, name) for name in SUMMARY) for contact in Contact.objects.all()
    }
    companies = {
        company.pk: tuple(getattr(company, name) for name in SUMMARY) for company in Company.objects.all()
    }
    transitions = sorted(
        (str(row[0]), str(row[1]), *row[2:])
        for row in LifecycleTransition.objects.values_list(
            "contact_id", "company_id", "from_stage", "to_stage", "rule", "reason"
        )
    )
    audit = sorted(
        (kind, pk, label, str(changes))
        for kind, pk, label, changes in AuditEntry.objects.filter(
            record_type__in=["customers.contact", "customers.company"], action="update"
        ).values_list("record_type", "record_id", "actor_label", "changes")
    )
    return contacts, companies, transitions, audit


def test_the_bulk_recompute_ends_where_refreshing_each_customer_does(customers):
    before = {
        model: {row.pk: {name: getattr(row, name) for name in SUMMARY} for row in model.objects.all()}
        for model in (Contact, Company)
    }
    recompute_all_purchase_summaries()
    in_bulk = _state()

    LifecycleTransition.objects.all().delete()
    AuditEntry.objects.filter(record_type__in=["customers.contact", "customers.company"]).delete()
    for model, rows in before.items():
        for pk, values in rows.items():
            model.with_trash.filter(pk=pk).update(**values)
    refresh_customers(
        contact_ids=Contact.objects.values_list("pk", flat=True),
        company_ids=Company.objects.values_list("pk", flat=True),
        actor=None,
    )

    assert _state() == in_bulk


def test_the_bulk_recompute_applies_each_rule(customers):
    recompute_all_purchase_summaries()

    stages = {name: Contact.objects.get(pk=contact.pk).lifecycle_stage for name, contact in customers.items()}
    assert stages == {
        "first purchase": LifecycleStage.ACTIVE,
        "repeat buyer": LifecycleStage.LOYAL,
        "lapsed": LifecycleStage.LOST,
        "back after a lapse": LifecycleStage.ACTIVE,
        "only cancelled": LifecycleStage.LEAD,
        "loyal with a refund": LifecycleStage.LOYAL,
        "stale summary": LifecycleStage.ACTIVE,
        "lead of a lost company": LifecycleStage.LEAD,
    }
    repeat = Contact.objects.get(pk=customers["repeat buyer"].pk)
    assert (repeat.purchase_count, repeat.revenue_base) == (3, Decimal("60.25"))
    stale = Contact.objects.get(pk=customers["stale summary"].pk)
    assert (stale.purchase_count, stale.revenue_base, stale.last_purchase_on) == (0, Decimal(0), None)
    assert list(
        LifecycleTransition.objects.filter(contact=repeat).order_by("id").values_list("to_stage", "rule")
    ) == [("active", "orders.first_purchase"), ("loyal", "orders.repeat_purchases")]
    assert Company.objects.get(name="Fernwood").lifecycle_stage == LifecycleStage.ACTIVE
    assert Company.objects.get(name="Old Mill").lifecycle_stage == LifecycleStage.LOST


def test_the_worker_job_recomputes_an_organization_and_a_second_run_changes_nothing(customers, acme):
    first = recompute_purchase_summaries.call_local(organization_id=acme.pk)
    second = recompute_purchase_summaries.call_local(organization_id=acme.pk)

    assert first["summaries"]["contact"] == 6
    assert sum(first["moves"].values()) > 0
    assert second == {"summaries": {"company": 0, "contact": 0}, "moves": {"company": 0, "contact": 0}}
