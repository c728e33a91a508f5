"""Tag moves from customers to core, since records of any kind may carry tags; its rows stay.

The model enters core's state under its old table, which is then renamed; customers' migration
0007 takes it out of customers' state and moves the links to their new tables. Audit entries of
tags name the model by its new label, so their history still reads.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def rename_audited_type(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditEntry.objects.filter(record_type="customers.tag").update(record_type="core.tag")


def rename_audited_type_back(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditEntry.objects.filter(record_type="core.tag").update(record_type="customers.tag")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_auditentry_add_batch_id"),
        ("customers", "0006_fill_search_grams"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Tag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("name", models.CharField(max_length=60, verbose_name="name")),
                        ("color", models.CharField(default="#6c757d", max_length=7, verbose_name="color")),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.organization",
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "tag",
                        "verbose_name_plural": "tags",
                        "db_table": "customers_tag",
                        "constraints": [
                            models.UniqueConstraint(fields=("organization", "name"), name="tag_unique_name")
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="tag", table=None),
        migrations.RunPython(rename_audited_type, rename_audited_type_back),
    ]
