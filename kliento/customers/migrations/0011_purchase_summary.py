"""The purchase summary of companies and contacts, kept by the orders' services.

The two NOT NULL columns are added with ALTER TABLE rather than Django's AddField: on SQLite that
rebuilds the table for a NOT NULL column, and a rebuilt table loses its triggers, the ones that
keep migrations 0002 and 0005's search indexes current (and copying a million rows is slow). The
nullable dates are plain AddFields, which SQLite adds in place.
"""

from django.db import migrations, models

TABLES = ("customers_company", "customers_contact")
COLUMNS = {
    "sqlite": (
        'purchase_count integer unsigned NOT NULL DEFAULT 0 CHECK ("purchase_count" >= 0)',
        "revenue_base decimal NOT NULL DEFAULT 0",
    ),
    "postgresql": (
        'purchase_count integer NOT NULL DEFAULT 0 CHECK ("purchase_count" >= 0)',
        "revenue_base numeric(16, 4) NOT NULL DEFAULT 0",
    ),
}


def add_columns(apps, schema_editor):
    for table in TABLES:
        for column in COLUMNS[schema_editor.connection.vendor]:
            schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def drop_columns(apps, schema_editor):
    for table in TABLES:
        for column in ("purchase_count", "revenue_base"):
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def _state(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="purchase_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="purchases"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="revenue_base",
            field=models.DecimalField(
                decimal_places=4, default=0, editable=False, max_digits=16, verbose_name="lifetime revenue"
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0010_savedview_moves_to_core"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=model_name,
                name=name,
                field=models.DateField(blank=True, editable=False, null=True, verbose_name=label),
            )
            for model_name in ("company", "contact")
            for name, label in (
                ("first_purchase_on", "first purchase"),
                ("last_purchase_on", "last purchase"),
            )
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[*_state("company"), *_state("contact")],
        ),
        *(
            migrations.AddIndex(
                model_name=model_name,
                index=models.Index(
                    fields=["organization", "last_purchase_on", "id"], name=f"{model_name}_org_last_purchase"
                ),
            )
            for model_name in ("company", "contact")
        ),
        *(
            migrations.AddIndex(
                model_name=model_name,
                index=models.Index(
                    fields=["organization", "-revenue_base", "-id"], name=f"{model_name}_org_revenue"
                ),
            )
            for model_name in ("company", "contact")
        ),
    ]
