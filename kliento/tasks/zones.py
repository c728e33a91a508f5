"""Time zones of people: "today", "due today" and "overdue" are computed in the person's IANA zone
(their own, else their organization's), from instants stored in UTC.

A day in a zone runs from its local midnight to the next one, worked out by zoneinfo for each date,
so a day across a daylight-saving change is 23 or 25 hours long and never shifts by an hour.
"""

from __future__ import annotations

import datetime
import zoneinfo
from functools import lru_cache

from kliento.core.models import Organization, User


@lru_cache(maxsize=512)
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone of that IANA name; UTC for an empty or unknown one (a zone since removed from tzdata)."""
    try:
        return zoneinfo.ZoneInfo(name) if name else zoneinfo.ZoneInfo("UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def zone_name_of(user: User | None, organization: Organization) -> str:
    return (user.time_zone if user is not None else "") or organization.time_zone or "UTC"


def zone_of(user: User | None, organization: Organization) -> zoneinfo.ZoneInfo:
    """The person's zone, falling back to the organization's."""
    return zone(zone_name_of(user, organization))


def today_in(tz: datetime.tzinfo, now: datetime.datetime | None = None) -> datetime.date:
    moment = now or datetime.datetime.now(datetime.UTC)
    return moment.astimezone(tz).date()


def start_of(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    """The instant (UTC) the day begins in the zone: its local midnight (or the first moment after
    it, where a change skips midnight itself)."""
    local = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    # A wall time in a gap does not exist: step to the first that does (fold 0 resolves it forward).
    return local.astimezone(datetime.UTC)


def day_bounds(day: datetime.date, tz: datetime.tzinfo) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of a local day as UTC instants: 23, 24 or 25 hours long."""
    return start_of(day, tz), start_of(day + datetime.timedelta(days=1), tz)


def local_moment(day: datetime.date, time: datetime.time, tz: datetime.tzinfo) -> datetime.datetime:
    """The UTC instant of a wall-clock time on a day in a zone (the earlier one when the clock
    repeats an hour, the shifted one when it skips it)."""
    return datetime.datetime.combine(day, time, tzinfo=tz).astimezone(datetime.UTC)
