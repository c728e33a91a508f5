# Audit entries name their record by "app_label.model": a saved view's earlier entries keep
# reading as a saved view's after the model moved to core.

from django.db import migrations


def rename(apps, schema_editor, old, new):
    apps.get_model("core", "AuditEntry")._base_manager.filter(record_type=old).update(record_type=new)


class Migration(migrations.Migration):
    dependencies = [("core", "0010_savedview_moves_to_core")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: rename(apps, editor, "customers.savedview", "core.savedview"),
            lambda apps, editor: rename(apps, editor, "core.savedview", "customers.savedview"),
        ),
    ]
