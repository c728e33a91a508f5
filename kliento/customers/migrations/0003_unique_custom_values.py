"""An index of the values of unique custom fields (see models.UniqueCustomValue), filled for the
unique fields that exist already."""

import hashlib
import json

import django.db.models.deletion
from django.db import migrations, models


def index_existing_values(apps, schema_editor):
    """As custom_fields.rebuild_unique_values, written out here so later changes there cannot
    change this migration. A value two records already share stays with the first of them."""
    custom_field = apps.get_model("customers", "CustomField")
    unique_value = apps.get_model("customers", "UniqueCustomValue")
    for definition in custom_field._base_manager.filter(is_unique=True):
        model = apps.get_model("customers", "Contact" if definition.entity == "contact" else "Company")
        link = "contact_id" if definition.entity == "contact" else "company_id"
        records = model._base_manager.filter(
            organization_id=definition.organization_id, custom_fields__has_key=definition.key
        )
        seen, rows = set(), []
        for record_id, values in records.values_list("pk", "custom_fields").iterator(chunk_size=10_000):
            value = values.get(definition.key)
            if value in (None, "", []):
                continue
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                rows.append(unique_value(field_id=definition.pk, value_hash=digest, **{link: record_id}))
        unique_value._base_manager.bulk_create(rows, batch_size=10_000)


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0002_search_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='UniqueCustomValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value_hash', models.CharField(max_length=64)),
                ('company', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.company')),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.contact')),
                ('field', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customfield')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('field', 'value_hash'), name='uniquecustomvalue_unique'), models.CheckConstraint(condition=models.Q(models.Q(('company__isnull', True), ('contact__isnull', False)), models.Q(('company__isnull', False), ('contact__isnull', True)), _connector='OR'), name='uniquecustomvalue_one_record')],
            },
        ),
        migrations.RunPython(index_existing_values, migrations.RunPython.noop),
    ]
