"""The tags of contacts and companies move to link tables that carry the organization (the
records kit's TagLink), pointing at core's Tag (core migration 0006).

Rows are copied with their record's organization in one statement per table, then the old
many-to-many tables are dropped. The `tags` fields are pointed at the new tables in the state
only: on SQLite, Django adds a many-to-many field with an explicit table by rebuilding the
customer table, which would drop the search triggers of migrations 0002 and 0005.
"""

import django.db.models.deletion
from django.db import migrations, models

KINDS = (("contact", "customers_contact"), ("company", "customers_company"))


def copy_links(apps, schema_editor):
    for record, table in KINDS:
        schema_editor.execute(
            f"INSERT INTO customers_{record}tag (organization_id, {record}_id, tag_id) "
            f"SELECT r.organization_id, l.{record}_id, l.tag_id FROM {table}_tags l "
            f"JOIN {table} r ON r.id = l.{record}_id "
            f"WHERE NOT EXISTS (SELECT 1 FROM customers_{record}tag n "
            f"WHERE n.{record}_id = l.{record}_id AND n.tag_id = l.tag_id)"
        )


def copy_links_back(apps, schema_editor):
    for record, table in KINDS:
        schema_editor.execute(
            f"INSERT INTO {table}_tags ({record}_id, tag_id) SELECT {record}_id, tag_id FROM customers_{record}tag"
        )


def _link_model(name, record, verbose_name, verbose_name_plural):
    return migrations.CreateModel(
        name=name,
        fields=[
            (
                "id",
                models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
            ),
            (
                "organization",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.organization"
                ),
            ),
            (
                record,
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="tag_links",
                    to=f"customers.{record}",
                ),
            ),
            (
                "tag",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.tag"
                ),
            ),
        ],
        options={
            "verbose_name": verbose_name,
            "verbose_name_plural": verbose_name_plural,
            "abstract": False,
            "indexes": [models.Index(fields=["organization", "tag", record], name=f"{record}tag_org_tag")],
            "constraints": [models.UniqueConstraint(fields=(record, "tag"), name=f"{record}tag_unique")],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_tag_moves_to_core"),
        ("customers", "0006_fill_search_grams"),
    ]

    operations = [
        # Core's migration 0006 renamed the table: customers' state says so too, so that reversing
        # this migration recreates the old link tables pointing at the table as it is named then.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterModelTable(name="tag", table="core_tag")],
        ),
        _link_model("ContactTag", "contact", "tag of a contact", "tags of contacts"),
        _link_model("CompanyTag", "company", "tag of a company", "tags of companies"),
        migrations.RunPython(copy_links, copy_links_back),
        # Drops the old link tables only: a many-to-many field has no column in the record's table.
        migrations.RemoveField(model_name="contact", name="tags"),
        migrations.RemoveField(model_name="company", name="tags"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Tag"),  # its table is core's now
                migrations.AddField(
                    model_name="contact",
                    name="tags",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="customers.ContactTag",
                        to="core.tag",
                        verbose_name="tags",
                    ),
                ),
                migrations.AddField(
                    model_name="company",
                    name="tags",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="customers.CompanyTag",
                        to="core.tag",
                        verbose_name="tags",
                    ),
                ),
            ],
        ),
    ]
