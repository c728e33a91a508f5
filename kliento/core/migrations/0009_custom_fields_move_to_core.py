"""Custom fields move from customers to core, to serve every kind of record.

CustomField keeps its rows and ids: its table was renamed by customers 0008 (customers_customfield →
core_customfield) and the model is handed over here with SeparateDatabaseAndState, so values stored
under its keys, audit entries and links to a field stay valid. Its kind (`entity`) is now any
registered kind's key and its type any registered type's, so both lose their fixed choices and get
room for longer keys.

UniqueCustomValue is made again as a tenant table keyed by the record's id instead of foreign keys
to contacts and companies, and filled from the old one (dropped by customers 0009). CustomValue,
the index list filters read, is new and filled from the records' values.

Nothing here touches customers_contact or customers_company, whose SQLite triggers keep the
search indexes (see customers 0004).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

BATCH = 10_000
INDEXED_TEXT = 200


def relabel_to_core(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="customers", model="customfield").update(app_label="core")
    audit_entry = apps.get_model("core", "AuditEntry")
    audit_entry._base_manager.filter(record_type="customers.customfield").update(record_type="core.customfield")


def relabel_to_customers(apps, schema_editor):
    audit_entry = apps.get_model("core", "AuditEntry")
    audit_entry._base_manager.filter(record_type="core.customfield").update(record_type="customers.customfield")
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="core", model="customfield").update(app_label="customers")


def copy_unique_values(apps, schema_editor):
    """One statement: the old rows name their record by contact or company; the field says which."""
    schema_editor.execute(
        "INSERT INTO core_uniquecustomvalue "
        "(organization_id, field_id, record_id, value_hash, created_at, updated_at) "
        "SELECT field.organization_id, old.field_id, COALESCE(old.contact_id, old.company_id), "
        "old.value_hash, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
        "FROM customers_uniquecustomvalue old JOIN core_customfield field ON field.id = old.field_id"
    )


def _index_values(field_type, value):
    """As the field types' index_values were when this was written (see core.records.fields.types),
    written out so that later changes there cannot change this migration."""
    if value is None or value == "" or value == []:
        return []
    if field_type in ("number", "decimal"):
        if isinstance(value, bool):
            return []
        try:
            return [(None, float(str(value).strip().replace(",", ".")))]
        except (ValueError, OverflowError):
            return []
    if field_type == "boolean":
        if isinstance(value, bool):
            return [("true" if value else "false", None)]
        text = str(value).strip().lower()
        if text in {"true", "1", "yes", "on"}:
            return [("true", None)]
        if text in {"false", "0", "no", "off"}:
            return [("false", None)]
        return []
    if field_type == "multi_choice":
        items = value if isinstance(value, list) else [value]
        return [(str(item)[:INDEXED_TEXT], None) for item in dict.fromkeys(map(str, items)) if item != ""]
    if isinstance(value, list | dict):
        return []
    return [(str(value)[:INDEXED_TEXT], None)]


def index_values(apps, schema_editor):
    custom_field = apps.get_model("core", "CustomField")
    custom_value = apps.get_model("core", "CustomValue")
    models_by_kind = {"contact": "Contact", "company": "Company"}
    for definition in custom_field._base_manager.filter(entity__in=list(models_by_kind)):
        model = apps.get_model("customers", models_by_kind[definition.entity])
        records = model._base_manager.filter(
            organization_id=definition.organization_id, custom_fields__has_key=definition.key
        )
        rows = []
        for record_id, values in records.values_list("pk", "custom_fields").iterator(chunk_size=BATCH):
            for text, number in _index_values(definition.field_type, values.get(definition.key)):
                rows.append(
                    custom_value(
                        organization_id=definition.organization_id,
                        field_id=definition.pk,
                        record_id=record_id,
                        text_value=text,
                        number_value=number,
                    )
                )
            if len(rows) >= BATCH:
                custom_value._base_manager.bulk_create(rows)
                rows = []
        custom_value._base_manager.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0008_invitation_add_token_salt"),
        ("customers", "0008_customfield_table_for_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(relabel_to_core, relabel_to_customers),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CustomField",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("entity", models.CharField(choices=[("contact", "Contacts"), ("company", "Companies")], max_length=8, verbose_name="for")),
                        ("key", models.SlugField(help_text="Used in the API and imports, e.g. shoe_size", verbose_name="key")),
                        ("label", models.CharField(max_length=100, verbose_name="label")),
                        ("field_type", models.CharField(choices=[("text", "Text"), ("number", "Whole number"), ("decimal", "Decimal number"), ("date", "Date"), ("boolean", "Yes/no"), ("choice", "Choice"), ("multi_choice", "Several choices")], max_length=12, verbose_name="type")),
                        ("choices", models.JSONField(blank=True, default=list, verbose_name="choices")),
                        ("is_required", models.BooleanField(default=False, verbose_name="required")),
                        ("is_unique", models.BooleanField(default=False, verbose_name="unique")),
                        ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                        ("help_text", models.CharField(blank=True, max_length=200, verbose_name="help text")),
                        ("created_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("organization", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.organization")),
                        ("updated_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "custom field",
                        "verbose_name_plural": "custom fields",
                        "ordering": ["entity", "position", "id"],
                        "constraints": [models.UniqueConstraint(fields=("organization", "entity", "key"), name="customfield_unique_key")],
                    },
                ),
            ],
        ),
        migrations.AlterField(
            model_name="customfield",
            name="entity",
            field=models.CharField(max_length=40, verbose_name="for"),
        ),
        migrations.AlterField(
            model_name="customfield",
            name="field_type",
            field=models.CharField(max_length=20, verbose_name="type"),
        ),
        migrations.CreateModel(
            name="UniqueCustomValue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("record_id", models.BigIntegerField()),
                ("value_hash", models.CharField(max_length=64)),
                ("created_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("field", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.customfield")),
                ("organization", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.organization")),
                ("updated_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "indexes": [models.Index(fields=["organization", "field", "record_id"], name="uniquecustomvalue_record")],
                "constraints": [models.UniqueConstraint(fields=("organization", "field", "value_hash"), name="uniquecustomvalue_unique_value")],
            },
        ),
        migrations.CreateModel(
            name="CustomValue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("record_id", models.BigIntegerField()),
                ("text_value", models.CharField(blank=True, max_length=200, null=True)),
                ("number_value", models.FloatField(blank=True, null=True)),
                ("created_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("field", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.customfield")),
                ("organization", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.organization")),
                ("updated_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["organization", "field", "text_value", "record_id"], name="customvalue_text"),
                    models.Index(fields=["organization", "field", "number_value", "record_id"], name="customvalue_number"),
                    models.Index(fields=["organization", "record_id", "field"], name="customvalue_record"),
                ],
            },
        ),
        migrations.RunPython(copy_unique_values, migrations.RunPython.noop),
        migrations.RunPython(index_values, migrations.RunPython.noop),
    ]
