# Saved views belong to the records kit: the model moves from customers to core with its rows.
# The state is created here over the existing table, which is then renamed; customers' migration
# 0010 drops the model from its own state. `entity` becomes `kind`, a record kind's key.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_custom_fields_move_to_core"),
        ("customers", "0001_initial"),  # which made the table
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SavedView",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("entity", models.CharField(max_length=8, verbose_name="for")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("is_shared", models.BooleanField(default=False, verbose_name="shared with everyone")),
                        ("query", models.JSONField(blank=True, default=dict)),
                        ("columns", models.JSONField(blank=True, default=list)),
                        ("created_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("organization", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.organization")),
                        ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("updated_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "saved view",
                        "verbose_name_plural": "saved views",
                        "db_table": "customers_savedview",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="savedview", table=None),
        migrations.RenameField(model_name="savedview", old_name="entity", new_name="kind"),
        migrations.AlterField(
            model_name="savedview",
            name="kind",
            field=models.CharField(max_length=40, verbose_name="kind of record"),
        ),
    ]
