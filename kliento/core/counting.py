"""How many rows a list holds, without counting millions: exact up to a cap, an estimate beyond.

Counting is kept out of the page's own request (lists ask for it separately), and even then a
COUNT(*) over a million rows costs too much to run for every visit. So rows are counted exactly
only up to `KLIENTO_EXACT_COUNT_CAP` (`SELECT count(*) FROM (SELECT … LIMIT cap + 1)`); beyond it the
figure is an estimate:

- PostgreSQL: the planner's row estimate for the list's own query (`EXPLAIN (FORMAT JSON)`), which
  reads statistics, not rows.
- SQLite has no row estimates to ask for: the share of the organization's newest rows that match
  the list, times the organization's rows of that kind (counted once and kept in the cache a while).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import QuerySet

from kliento.core.tenancy import active_organization_id

SAMPLE = 2000  # newest rows a SQLite estimate looks at
TOTAL_SECONDS = 600  # how long a SQLite organization total is trusted


@dataclass(frozen=True)
class RowCount:
    value: int
    is_estimate: bool


def count_rows(queryset: QuerySet[Any], *, cap: int | None = None) -> RowCount:
    """The number of rows of the queryset: exact up to the cap, else an estimate above the cap."""
    cap = settings.KLIENTO_EXACT_COUNT_CAP if cap is None else cap
    rows = queryset.order_by().values("pk")
    exact = rows[: cap + 1].count()
    if exact <= cap:
        return RowCount(exact, is_estimate=False)
    if connections[rows.db].vendor == "postgresql":
        estimate = _planner_estimate(rows)
    else:
        estimate = _sampled_estimate(rows)
    # Never below what was counted: an estimate that says less than that would be plainly wrong.
    return RowCount(round_estimate(max(estimate, cap + 1)), is_estimate=True)


def round_estimate(estimate: int) -> int:
    """Two significant digits (283,517 -> 280,000): an estimate must not look exact."""
    if estimate < 100:
        return estimate
    unit: int = 10 ** (len(str(estimate)) - 2)
    return round(estimate / unit) * unit


def _planner_estimate(rows: QuerySet[Any]) -> int:
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _sampled_estimate(rows: QuerySet[Any]) -> int:
    everyone = rows.model._default_manager.all()
    total = _organization_total(everyone)
    newest = everyone.order_by("-pk").values("pk")[:SAMPLE]
    matching = rows.filter(pk__in=newest).count()
    return round(total * matching / min(SAMPLE, total)) if total else 0


def _organization_total(everyone: QuerySet[Any]) -> int:
    key = f"kliento:rows:{everyone.model._meta.label_lower}:{active_organization_id()}"
    total = cache.get(key)
    if total is None:
        total = everyone.count()
        cache.set(key, total, TOTAL_SECONDS)
    return int(total)
