# The saved view model now lives in core (core's migration 0006 took over its table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_fill_search_grams"),
        ("core", "0006_savedview_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SavedView")],
            database_operations=[],
        ),
    ]
