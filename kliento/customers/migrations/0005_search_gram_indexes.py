"""Indexes over search_grams, the CJK characters and character pairs of each customer's search
text (see kliento/customers/search.py): the trigram indexes of migration 0002 cannot find a one- or
two-character fragment.

SQLite: a contentless FTS5 table per customer table with the unicode61 tokenizer, so each gram is
one token, kept current by triggers; like 0002's it holds the organization key (three private-use
characters, one token here too), so a match stays inside one organization.

PostgreSQL: a GIN index over the array of the column's words; `string_to_array(search_grams, ' ')
@> ARRAY[…]` uses it.
"""

from django.db import migrations

TABLES = ("customers_contact", "customers_company")

# Must match search.organization_key() and migration 0002.
SQLITE_KEY = (
    "char(57344 + ({row}.organization_id / 16777216) % 4096, "
    "57344 + ({row}.organization_id / 4096) % 4096, 57344 + {row}.organization_id % 4096)"
)


def _sqlite_statements(table: str) -> list[str]:
    index = f"{table}_grams"
    insert = (
        f"INSERT INTO {index}(rowid, organization_key, search_grams) "
        f"VALUES (new.id, {SQLITE_KEY.format(row='new')}, new.search_grams);"
    )
    delete = (
        f"INSERT INTO {index}({index}, rowid, organization_key, search_grams) "
        f"VALUES ('delete', old.id, {SQLITE_KEY.format(row='old')}, old.search_grams);"
    )
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5("
        f"organization_key, search_grams, content='', columnsize=0, detail=column, tokenize='unicode61')",
        f"INSERT INTO {index}(rowid, organization_key, search_grams) "
        f"SELECT id, {SQLITE_KEY.format(row=table)}, search_grams FROM {table}",
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF search_grams, organization_id ON {table} "
        f"WHEN old.search_grams IS NOT new.search_grams OR old.organization_id IS NOT new.organization_id "
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_reverse(table: str) -> list[str]:
    index = f"{table}_grams"
    return [
        f"DROP TRIGGER IF EXISTS {index}_update",
        f"DROP TRIGGER IF EXISTS {index}_delete",
        f"DROP TRIGGER IF EXISTS {index}_insert",
        f"DROP TABLE IF EXISTS {index}",
    ]


POSTGRESQL = [
    f"CREATE INDEX IF NOT EXISTS {table}_search_grams ON {table} USING gin (string_to_array(search_grams, ' '))"
    for table in TABLES
]
POSTGRESQL_REVERSE = [f"DROP INDEX IF EXISTS {table}_search_grams" for table in TABLES]


def create_gram_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [sql for table in TABLES for sql in _sqlite_statements(table)]
    elif vendor == "postgresql":
        statements = POSTGRESQL
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


def drop_gram_indexes(apps, schema_editor):
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
        ("customers", "0004_customer_add_search_grams"),
    ]

    operations = [
        migrations.RunPython(create_gram_indexes, drop_gram_indexes),
    ]
