"""SQLite's planner statistics for indexes added after the tables were analyzed.

SQLite plans from `sqlite_stat1`, which ANALYZE fills. An index created later has no row there,
and SQLite then takes it for a very selective one: at a million contacts, a new index on
(organization, revenue) was preferred over the name index for the contact list and sorted the
whole table (four seconds instead of twenty milliseconds). After every `migrate`, each index
without statistics on a table that has them is analyzed on its own, which reads that index once.
PostgreSQL keeps statistics per column and its autovacuum refreshes them: nothing to do there.
"""

from __future__ import annotations

from typing import Any

from django.db import connections


def analyze_new_indexes(using: str = "default", **_kwargs: Any) -> list[str]:
    """ANALYZE each index of an analyzed table that has no statistics yet; the names analyzed."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return []  # never analyzed: SQLite's defaults apply to every index alike
        cursor.execute(
            "SELECT i.name FROM sqlite_master AS i"
            " WHERE i.type = 'index' AND i.name NOT LIKE 'sqlite_autoindex_%'"
            " AND i.tbl_name IN (SELECT tbl FROM sqlite_stat1)"
            " AND i.name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)"
        )
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            cursor.execute(f'ANALYZE "{name}"')
    return names
