# The saved view model now lives in core (core's migration 0010 took over its table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0009_custom_fields_moved_to_core"),
        ("core", "0010_savedview_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SavedView")],
            database_operations=[],
        ),
    ]
