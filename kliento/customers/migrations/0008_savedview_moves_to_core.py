# The saved view model now lives in core (core's migration 0009 took over its table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_tag_links_carry_organization"),
        ("core", "0009_savedview_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SavedView")],
            database_operations=[],
        ),
    ]
