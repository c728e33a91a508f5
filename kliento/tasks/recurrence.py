"""Recurring tasks: an RFC 5545 recurrence rule (`FREQ=WEEKLY;BYDAY=MO`), read by python-dateutil.

Occurrences are computed in the assignee's zone on wall-clock time, so a task every Monday at 09:00
stays at 09:00 across daylight-saving changes; an all-day task recurs by dates.
"""

from __future__ import annotations

import datetime
import re

from dateutil.rrule import rrule, rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 500
# What a rule may say: RRULE parts only, one rule (no DTSTART, EXDATE or several lines).
_REFUSED = ("DTSTART", "EXDATE", "RDATE", "EXRULE", "\n", "\r")


_UNTIL_UTC = re.compile(r"(?i)(UNTIL=\d{8}(?:T\d{6})?)Z")


def parse_rule(text: str, *, start: datetime.datetime) -> rrule:
    """The rule, starting at `start` (naive wall-clock time); ValidationError naming `recurrence`.
    An UNTIL in UTC is read on the same wall clock: the series is computed in the assignee's zone,
    where a difference of hours does not move a day-based series."""
    rule = _UNTIL_UTC.sub(r"\1", text.strip().removeprefix("RRULE:"))
    if (
        len(rule) > MAX_LENGTH
        or any(part in rule.upper() for part in _REFUSED)
        or "FREQ=" not in rule.upper()
    ):
        raise ValidationError(
            {"recurrence": _("Write one RFC 5545 rule, such as FREQ=WEEKLY;BYDAY=MO.")}, code="invalid_rule"
        )
    try:
        parsed = rrulestr(rule, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise ValidationError(
            {"recurrence": _("This repeat rule cannot be read: %(error)s") % {"error": error}},
            code="invalid_rule",
        ) from None
    if not isinstance(parsed, rrule):
        raise ValidationError({"recurrence": _("Write one rule, not a set.")}, code="invalid_rule")
    return parsed


def check_rule(text: str) -> str:
    """The rule as stored (without a leading "RRULE:"), or ValidationError naming `recurrence`."""
    if not text.strip():
        return ""
    rule = parse_rule(text, start=datetime.datetime(2000, 1, 1))
    try:
        rule.after(datetime.datetime(2000, 1, 1))
    except (ValueError, OverflowError) as error:
        raise ValidationError({"recurrence": str(error)}, code="invalid_rule") from None
    return text.strip().removeprefix("RRULE:")


def next_after(text: str, *, start: datetime.datetime) -> datetime.datetime | None:
    """The first occurrence after `start` (naive wall-clock time, the series' first one), or None
    when the rule has run out (COUNT, UNTIL)."""
    rule = parse_rule(text, start=start)
    try:
        following: datetime.datetime | None = rule.after(start)
    except (ValueError, OverflowError):
        return None
    return following
