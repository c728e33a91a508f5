"""Custom fields now live in core (see core 0009, which took the table renamed by 0008 and copied
the unique values): the old index of unique values goes, and CustomField leaves this app's state
only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_custom_fields_move_to_core"),
        ("customers", "0008_customfield_table_for_core"),
    ]

    operations = [
        migrations.DeleteModel(name="UniqueCustomValue"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CustomField")],
        ),
    ]
