"""Indexes for global search, one design per database (see kliento/customers/search.py).

SQLite: a contentless FTS5 table with the trigram tokenizer per customer table, kept current by
triggers. Besides `search_text` it indexes an organization key: the organization id written as
three private-use characters, i.e. exactly one trigram, so a search matches within one
organization inside the index instead of filtering another organization's hits afterwards.

PostgreSQL: pg_trgm GIN indexes on `search_text` for fragments (LIKE '%…%'), and the name sort
key under the "C" collation so a name prefix is an index range whatever the database's collation.
"""

import sqlite3

from django.db import migrations

TABLES = ("customers_contact", "customers_company")

# organization id -> three characters from U+E000 (4096 values each, ids up to 2**36); must match
# search.organization_key().
SQLITE_KEY = (
    "char(57344 + ({row}.organization_id / 16777216) % 4096, "
    "57344 + ({row}.organization_id / 4096) % 4096, 57344 + {row}.organization_id % 4096)"
)


def _sqlite_statements(table: str) -> list[str]:
    index = f"{table}_search"
    insert = (
        f"INSERT INTO {index}(rowid, organization_key, search_text) "
        f"VALUES (new.id, {SQLITE_KEY.format(row='new')}, new.search_text);"
    )
    # A contentless table forgets a row only when told its old values exactly.
    delete = (
        f"INSERT INTO {index}({index}, rowid, organization_key, search_text) "
        f"VALUES ('delete', old.id, {SQLITE_KEY.format(row='old')}, old.search_text);"
    )
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5("
        f"organization_key, search_text, content='', columnsize=0, tokenize='trigram')",
        f"INSERT INTO {index}(rowid, organization_key, search_text) "
        f"SELECT id, {SQLITE_KEY.format(row=table)}, search_text FROM {table}",
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF search_text, organization_id ON {table} "
        f"WHEN old.search_text IS NOT new.search_text OR old.organization_id IS NOT new.organization_id "
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_reverse(table: str) -> list[str]:
    index = f"{table}_search"
    return [
        f"DROP TRIGGER IF EXISTS {index}_update",
        f"DROP TRIGGER IF EXISTS {index}_delete",
        f"DROP TRIGGER IF EXISTS {index}_insert",
        f"DROP TABLE IF EXISTS {index}",
    ]


POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(
        f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
        for table in TABLES
    ),
    # LIKE '%…%' estimates come from the column's histogram: a finer one keeps the planner from
    # scanning the whole table for a rare fragment it takes for a common one.
    *(f"ALTER TABLE {table} ALTER COLUMN search_text SET STATISTICS 1000" for table in TABLES),
    *(
        f"CREATE INDEX IF NOT EXISTS {table}_name_prefix "
        f'ON {table} (organization_id, sort_name COLLATE "C", id)'
        for table in TABLES
    ),
]
POSTGRESQL_REVERSE = [
    *(f"DROP INDEX IF EXISTS {table}_search_trgm" for table in TABLES),
    *(f"DROP INDEX IF EXISTS {table}_name_prefix" for table in TABLES),
    *(f"ALTER TABLE {table} ALTER COLUMN search_text SET STATISTICS -1" for table in TABLES),
]


def create_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        if sqlite3.sqlite_version_info < (3, 34, 0):
            raise RuntimeError(
                f"Kliento's search needs SQLite 3.34 or newer (FTS5 trigram); this Python has "
                f"{sqlite3.sqlite_version}. Upgrade SQLite or use PostgreSQL."
            )
        statements = [sql for table in TABLES for sql in _sqlite_statements(table)]
    elif vendor == "postgresql":
        statements = POSTGRESQL
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


def drop_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [sql for table in TABLES for sql in _sqlite_reverse(table)]
    elif vendor == "postgresql":
        statements = POSTGRESQL_REVERSE
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
