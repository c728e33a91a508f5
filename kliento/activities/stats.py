"""Call statistics, each one SQL aggregate over the calls of a period: calls per agent and hour,
answer rate, average duration and average waiting time."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncHour

from kliento.activities.models import Call, Direction


@dataclass(frozen=True)
class Period:
    start: datetime.datetime
    end: datetime.datetime

    def calls(self) -> QuerySet[Call]:
        return Call.objects.filter(started_at__gte=self.start, started_at__lt=self.end)


def day_in(zone: str, day: datetime.date) -> Period:
    """One calendar day in a person's time zone, as the UTC instants it spans."""
    tz = zoneinfo.ZoneInfo(zone)
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    return Period(start.astimezone(datetime.UTC), end.astimezone(datetime.UTC))


@dataclass(frozen=True)
class AgentHour:
    agent_id: int | None
    hour: datetime.datetime
    calls: int
    answered: int


def calls_per_agent_and_hour(period: Period, *, zone: str) -> list[AgentHour]:
    """How many calls each agent had in each hour (of the given zone), and how many were answered."""
    rows = (
        period.calls()
        .annotate(hour=TruncHour("started_at", tzinfo=zoneinfo.ZoneInfo(zone)))
        .values("agent_id", "hour")
        .annotate(calls=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
        .order_by("hour", "agent_id")
    )
    return [AgentHour(row["agent_id"], row["hour"], row["calls"], row["answered"]) for row in rows]


def answer_rate(period: Period) -> float | None:
    """The share of inbound calls that someone answered; None without inbound calls."""
    totals = period.calls().aggregate(
        inbound=Count("id", filter=Q(direction=Direction.INBOUND)),
        answered=Count("id", filter=Q(direction=Direction.INBOUND, answered_at__isnull=False)),
    )
    return totals["answered"] / totals["inbound"] if totals["inbound"] else None


def average_duration(period: Period) -> float | None:
    """Seconds an answered call lasted, on average."""
    value = period.calls().aggregate(
        average=Avg("duration_seconds", filter=Q(answered_at__isnull=False, duration_seconds__isnull=False))
    )["average"]
    return float(value) if value is not None else None


def average_waiting(period: Period) -> float | None:
    """Seconds an inbound caller waited before someone answered, on average."""
    waited = ExpressionWrapper(F("answered_at") - F("started_at"), output_field=DurationField())
    value = period.calls().aggregate(
        average=Avg(waited, filter=Q(direction=Direction.INBOUND, answered_at__isnull=False))
    )["average"]
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, datetime.timedelta) else float(value) / 1_000_000
