"""Nightly jobs of sales: customers without a purchase for the lapse period become lost, and sent
quotes past their validity expire, for every organization, each in a job of its own (core/jobs.py
makes its organization active), judged by the day in the organization's time zone."""

from __future__ import annotations

import datetime
import zoneinfo

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kliento.core.jobs import organization_task
from kliento.core.models import Organization


def _today_of(organization_id: int) -> datetime.date:
    zone = Organization.objects.filter(pk=organization_id).values_list("time_zone", flat=True).first()
    try:
        return datetime.datetime.now(zoneinfo.ZoneInfo(zone or "UTC")).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.datetime.now(datetime.UTC).date()


@organization_task(retries=3, retry_delay=300)
def lapse_customers_of(organization_id: int) -> int:
    """Active and loyal customers of the organization without a purchase for its lapse period
    become lost; safe to run twice (a lost customer is not moved again). How many were moved."""
    from kliento.orders.purchases import lapse_customers

    return lapse_customers(today=_today_of(organization_id))


@organization_task(retries=3, retry_delay=300)
def expire_quotes_of(organization_id: int) -> int:
    """Sent quotes of the organization past their validity become expired; safe to run twice."""
    from kliento.orders.services import expire_quotes

    return expire_quotes(today=_today_of(organization_id))


def queue_nightly_sales_jobs() -> int:
    """One job of each kind per organization; how many organizations were queued."""
    queued = 0
    for organization_id in Organization.objects.order_by("pk").values_list("pk", flat=True).iterator():
        lapse_customers_of(organization_id)
        expire_quotes_of(organization_id)
        queued += 1
    return queued


@db_periodic_task(crontab(hour="2", minute="15"))  # type: ignore[untyped-decorator]  # huey ships no types
def nightly_sales_upkeep() -> None:
    """Every night: queue each organization's lapse and expiry jobs."""
    queue_nightly_sales_jobs()
