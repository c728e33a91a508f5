"""The activities' demo step: a few years of notes and calls on the demo contacts, written in bulk
(`kliento demo --interactions N`); and `kliento demo calls`, which rings calls into a running
instance through the signed webhook so a newcomer can watch the call screen's pop-up."""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import connection

from kliento.activities.models import Activity, Call, Direction
from kliento.core.models import Membership, Organization
from kliento.core.records.demo import DemoOutcome, DemoSize, DemoStep
from kliento.customers.models import Contact, ContactPhone

if TYPE_CHECKING:
    from kliento.core.records.bulk import BulkWriter

DAY = 86_400
YEARS = 3
BATCH = 10_000
# The first demo contact gets this share of the entries (up to BUSIEST): a customer with a long
# history, for the timeline's first page at size.
BUSIEST = 5_000
BUSIEST_SHARE = 10
NOTES = (
    "Asked for a quote for the next quarter.",
    "Prefers to be called in the morning.",
    "Sent the brochure; follow up next week.",
    "Met at the trade fair, interested in the premium plan.",
    "Complained about a late delivery; offered a discount.",
    "Renewal due soon, decision maker is the finance director.",
    "想了解新产品的价格。",
    "Quiere una demostración el lunes.",
    "Просит перезвонить после обеда.",
    "يرغب في عرض سعر محدث.",
    "Gusto niyang makita ang bagong katalogo.",
)
CALL_NOTES = (
    "",
    "",
    "Left a message.",
    "Agreed on a meeting.",
    "Will think about it.",
    "Wants the offer by email.",
)
OUTCOMES = (
    (Call.Outcome.ANSWERED, 60),
    (Call.Outcome.NO_ANSWER, 18),
    (Call.Outcome.VOICEMAIL, 12),
    (Call.Outcome.BUSY, 8),
    (Call.Outcome.WRONG_NUMBER, 2),
)
ACTIVITY_COLUMNS = (
    "id", "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "subject_kind",
    "subject_id", "kind", "direction", "occurred_at", "author_id", "participants", "body", "details",
)  # fmt: skip
CALL_COLUMNS = (
    "organization_id", "created_at", "updated_at", "created_by_id", "updated_by_id", "provider",
    "provider_call_id", "direction", "from_number", "to_number", "customer_number", "status", "outcome",
    "started_at", "answered_at", "ended_at", "duration_seconds", "agent_id", "activity_id", "follow_up_at",
    "follow_up_note",
)  # fmt: skip


def _timestamp(epoch: int) -> str:
    """A UTC moment as the database stores it (naive UTC text on SQLite, as Django writes it)."""
    text = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))
    return f"{text}+00" if connection.vendor == "postgresql" else text


def fill_interactions(
    organization: Organization, size: Mapping[str, int], rng: random.Random, writer: BulkWriter
) -> DemoOutcome:
    """Notes and calls on the demo contacts over the last three years, up to `interactions`."""
    wanted = size["interactions"]
    existing = Activity.objects.count()
    contact_ids = list(Contact.objects.order_by("id").values_list("id", flat=True))
    authors = list(Membership.objects.active().values_list("user_id", flat=True))
    if existing >= wanted or not contact_ids or not authors:
        return DemoOutcome(added={"interactions": 0}, counts={"interactions": existing})
    phones = dict(
        ContactPhone.objects.filter(is_primary=True, contact_id__in=contact_ids[:BATCH]).values_list(
            "contact_id", "number"
        )
    )
    count = wanted - existing
    busiest = min(BUSIEST, count // BUSIEST_SHARE)
    now = int(time.time())
    outcomes = [outcome for outcome, _weight in OUTCOMES]
    weights = [weight for _outcome, weight in OUTCOMES]
    added = 0
    with writer.deferred({Activity: ("id", "organization_id"), Call: ("organization_id",)}):
        while added < count:
            batch = min(BATCH, count - added)
            ids = writer.reserve_ids(Activity, batch)
            activities: list[tuple[object, ...]] = []
            calls: list[tuple[object, ...]] = []
            for index, activity_id in enumerate(ids):
                position = added + index
                contact_id = contact_ids[0] if position < busiest else rng.choice(contact_ids)
                author = rng.choice(authors)
                moment = now - rng.randrange(YEARS * 365 * DAY)
                at = _timestamp(moment)
                if rng.random() < 0.55:
                    direction: str = rng.choice((Direction.INBOUND, Direction.OUTBOUND))
                    outcome = rng.choices(outcomes, weights)[0]
                    answered = outcome == Call.Outcome.ANSWERED
                    duration = rng.randrange(20, 1800) if answered else 0
                    waiting = rng.randrange(2, 40) if direction == Direction.INBOUND else rng.randrange(3, 20)
                    number = phones.get(contact_id, "")
                    details = {"outcome": outcome, "duration_seconds": duration}
                    body = rng.choice(CALL_NOTES) if answered else ""
                    participants = json.dumps([number] if number else [])
                    activities.append(
                        (activity_id, organization.pk, at, at, author, author, "contact", contact_id, "call",
                         direction, at, author, participants, body, json.dumps(details))
                    )  # fmt: skip
                    calls.append(
                        (organization.pk, at, at, author, author, "", "", direction, "", "", number,
                         Call.Status.COMPLETED if answered else Call.Status.MISSED, outcome,
                         _timestamp(moment - waiting), at if answered else None,
                         _timestamp(moment + duration), duration, author, activity_id, None, "")
                    )  # fmt: skip
                else:
                    activities.append(
                        (activity_id, organization.pk, at, at, author, author, "contact", contact_id, "note",
                         "", at, author, "[]", rng.choice(NOTES), "{}")
                    )  # fmt: skip
            writer.insert(Activity, ACTIVITY_COLUMNS, activities)
            writer.insert(Call, CALL_COLUMNS, calls)
            added += batch
    writer.analyze([Activity, Call])
    return DemoOutcome(added={"interactions": added}, counts={"interactions": existing + added})


INTERACTIONS_STEP = DemoStep(
    key="interactions",
    run=fill_interactions,
    sizes=(
        DemoSize(
            "interactions",
            default=3000,
            help="fill the timelines up to this many notes and calls (3000); the first contact gets a tenth,"
            " up to 5000",
        ),
    ),
    order=40,
)


# `kliento demo calls` ----------------------------------------------------------------------------


def play_calls(
    *, base_url: str, organization: Organization, count: int, pause: float, rng: random.Random
) -> list[str]:
    """Ring `count` calls into the instance at `base_url` through the generic webhook, signed with the
    organization's secret: each rings, is answered, and ends (some are missed), `pause` seconds
    apart. Numbers are the demo contacts' (and, now and then, an unknown one). Returns what happened."""
    from kliento.activities import telephony

    secret = telephony.generic_secret(telephony.settings_of(organization))
    url = f"{base_url.rstrip('/')}/api/v1/telephony/generic/?organization={organization.slug}"
    numbers = list(
        ContactPhone.unscoped.filter(organization=organization).values_list("number", flat=True)[:200]
    )
    lines = []
    for index in range(count):
        known = numbers and rng.random() < 0.8
        number = rng.choice(numbers) if known else f"+1 202 555 01{rng.randrange(100):02d}"
        call_id = f"demo-{int(time.time())}-{index}"
        outcome = "completed" if rng.random() < 0.75 else "missed"
        for status in ("ringing", "answered", outcome) if outcome == "completed" else ("ringing", "missed"):
            body = {"call_id": call_id, "from": number, "to": "", "direction": "inbound", "status": status}
            body[
                "started_at" if status == "ringing" else "answered_at" if status == "answered" else "ended_at"
            ] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            lines.append(f"{call_id} {number} {status}: {_post(url, secret, body)}")
            time.sleep(pause)
    return lines


def _post(url: str, secret: str, body: dict[str, str]) -> str:
    from kliento.activities import telephony

    raw = json.dumps(body).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        url,
        data=raw,
        method="POST",
        headers={
            "Content-Type": "application/json",
            telephony.TIMESTAMP_HEADER: str(timestamp),
            telephony.SIGNATURE_HEADER: telephony.sign_generic(secret, raw, timestamp),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return f"{response.status}"
    except urllib.error.HTTPError as error:
        return f"{error.code} {error.read()[:200].decode(errors='replace')}"
    except urllib.error.URLError as error:
        return f"not reached ({error.reason})"
