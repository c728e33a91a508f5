"""The deal title's fragment index for the global search (core/records/text_index.py)."""

from django.db import migrations

from kliento.core.records.text_index import text_index_operation


class Migration(migrations.Migration):
    dependencies = [("deals", "0002_board_and_customer_indexes")]

    operations = [text_index_operation("deals_deal", "title")]
