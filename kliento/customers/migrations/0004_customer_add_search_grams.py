"""Add search_grams to companies and contacts.

Added with ALTER TABLE, not Django's AddField: on SQLite that rebuilds a table for every NOT NULL
column, and a rebuilt table loses its triggers, here the ones that keep migration 0002's search
index current. The database default stays: rows written by bulk loads get the empty value too.
"""

from django.db import migrations, models

TABLES = ("customers_company", "customers_contact")


def add_columns(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN search_grams text NOT NULL DEFAULT ''")


def drop_columns(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_grams")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_unique_custom_values"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[
                migrations.AddField(
                    model_name="company",
                    name="search_grams",
                    field=models.TextField(default="", editable=False),
                ),
                migrations.AddField(
                    model_name="contact",
                    name="search_grams",
                    field=models.TextField(default="", editable=False),
                ),
            ],
        ),
    ]
