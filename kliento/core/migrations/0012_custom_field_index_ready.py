from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0011_savedview_audit_entries_follow_the_model'),
    ]

    operations = [
        migrations.AddField(
            model_name='customfield',
            name='index_ready',
            field=models.BooleanField(default=True, editable=False),
        ),
    ]
