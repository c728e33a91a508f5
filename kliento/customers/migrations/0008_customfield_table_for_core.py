"""The custom field table takes the name it has in core (core 0009 takes the model over): renamed
here, where the model still is, so that customers' own state names the table as it is at every
step, forwards and backwards, and the old index of unique values keeps pointing at it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_tag_links_carry_organization"),
    ]

    operations = [
        migrations.AlterModelTable(name="customfield", table="core_customfield"),
    ]
