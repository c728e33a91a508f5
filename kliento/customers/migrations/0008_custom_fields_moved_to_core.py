"""Custom fields now live in core (see core 0006, which took the table renamed by 0007 and copied
the unique values): the old index of unique values goes, and CustomField leaves this app's state
only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_custom_fields_move_to_core"),
        ("customers", "0007_customfield_table_for_core"),
    ]

    operations = [
        migrations.DeleteModel(name="UniqueCustomValue"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CustomField")],
        ),
    ]
