"""A fragment index on one text column of a kind's table, for the global search: "contains this
text" answered by an index on both databases instead of reading every row.

- SQLite: a contentless FTS5 table with the trigram tokenizer (case-insensitive), kept current by
  triggers, holding the column and the row's organization as one trigram, so a match stays inside
  one organization within the index.
- PostgreSQL: a pg_trgm GIN index on UPPER(column), the expression Django's `icontains` compares.

An app adds one in a migration and asks it in its search provider:

    operations = [text_index_operation("deals_deal", "title")]

    rows = Deal.objects.filter(contains(Deal, "title", text, organization_id)).values(...)[:CANDIDATES]

A fragment shorter than a trigram (one or two characters, such as a two-character Chinese name)
matches nothing: no index can answer it, and reading every title took over half a second at
300,000 deals. Callers cap
the rows they read and sort what they got, since an ORDER BY over the whole table would let a
planner walk another index instead.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, migrations
from django.db.models import Q
from django.db.models.expressions import RawSQL

# organization id -> three private-use characters (4096 values each): one trigram.
_SQLITE_KEY = (
    "char(57344 + ({row}.organization_id / 16777216) % 4096, "
    "57344 + ({row}.organization_id / 4096) % 4096, 57344 + {row}.organization_id % 4096)"
)
MIN_FRAGMENT = 3


def organization_key(organization_id: int) -> str:
    """The organization id as three private-use characters: one trigram, in every FTS5 index."""
    return "".join(chr(0xE000 + (organization_id >> shift) % 4096) for shift in (24, 12, 0))


def _names(table: str, column: str) -> tuple[str, str]:
    return f"{table}_{column}_text", f"{table}_{column}_trgm"


def _sqlite_forward(table: str, column: str) -> list[str]:
    index, _trgm = _names(table, column)
    insert = (
        f"INSERT INTO {index}(rowid, organization_key, value) "
        f"VALUES (new.id, {_SQLITE_KEY.format(row='new')}, new.{column});"
    )
    # A contentless table forgets a row only when told its old values exactly.
    delete = (
        f"INSERT INTO {index}({index}, rowid, organization_key, value) "
        f"VALUES ('delete', old.id, {_SQLITE_KEY.format(row='old')}, old.{column});"
    )
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5("
        f"organization_key, value, content='', columnsize=0, tokenize='trigram')",
        f"INSERT INTO {index}(rowid, organization_key, value) "
        f"SELECT id, {_SQLITE_KEY.format(row=table)}, {column} FROM {table}",
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {column}, organization_id ON {table} "
        f"WHEN old.{column} IS NOT new.{column} OR old.organization_id IS NOT new.organization_id "
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_reverse(table: str, column: str) -> list[str]:
    index, _trgm = _names(table, column)
    return [
        f"DROP TRIGGER IF EXISTS {index}_update",
        f"DROP TRIGGER IF EXISTS {index}_delete",
        f"DROP TRIGGER IF EXISTS {index}_insert",
        f"DROP TABLE IF EXISTS {index}",
    ]


def _postgresql_forward(table: str, column: str) -> list[str]:
    _index, trgm = _names(table, column)
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE INDEX IF NOT EXISTS {trgm} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)",
    ]


def _postgresql_reverse(table: str, column: str) -> list[str]:
    _index, trgm = _names(table, column)
    return [f"DROP INDEX IF EXISTS {trgm}"]


def text_index_operation(table: str, column: str) -> migrations.RunPython:
    """The migration operation that builds (and drops) the fragment index of `table.column`."""

    def run(forward: bool) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            vendor = schema_editor.connection.vendor
            if vendor == "sqlite":
                statements = (_sqlite_forward if forward else _sqlite_reverse)(table, column)
            elif vendor == "postgresql":
                statements = (_postgresql_forward if forward else _postgresql_reverse)(table, column)
            else:
                return
            for statement in statements:
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(True), run(False))


def fts_phrase(term: str) -> str:
    """A literal FTS5 string: operators, stars, colons and quotes inside it mean nothing."""
    return '"' + term.replace('"', '""') + '"'


def contains(model: type[Any], column: str, text: str, organization_id: int) -> Q:
    """Rows of the organization whose column contains the text (three characters or more),
    case-insensitively, through the fragment index built by `text_index_operation`."""
    if len(text) < MIN_FRAGMENT:
        return Q(pk__in=[])
    if connection.vendor == "sqlite":
        index, _trgm = _names(model._meta.db_table, column)
        match = f'organization_key : "{organization_key(organization_id)}" AND value : {fts_phrase(text)}'
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {index} WHERE {index} MATCH %s", (match,)))
    return Q(**{f"{column}__icontains": text})
