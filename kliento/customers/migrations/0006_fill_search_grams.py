"""Fill search_grams for the customers that exist already (as search.cjk_grams, written out here
so later changes there cannot change this migration). Rows without CJK text keep the empty value."""

import re

from django.db import migrations

BATCH = 2000
CJK_RUN = re.compile(
    "[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff]+"
)


def grams_of(text):
    grams = {}
    for run in CJK_RUN.findall(text):
        for index in range(len(run)):
            grams[run[index]] = None
            if index + 1 < len(run):
                grams[run[index : index + 2]] = None
    return " ".join(grams)


def fill_search_grams(apps, schema_editor):
    for name in ("Contact", "Company"):
        model = apps.get_model("customers", name)
        last_id = 0
        while True:
            rows = list(
                model._base_manager.filter(pk__gt=last_id).order_by("pk").values_list("pk", "search_text", "search_grams")[:BATCH]
            )
            if not rows:
                break
            last_id = rows[-1][0]
            for pk, search_text, search_grams in rows:
                grams = grams_of(search_text)
                if grams != search_grams:
                    model._base_manager.filter(pk=pk).update(search_grams=grams)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_search_gram_indexes"),
    ]

    operations = [
        migrations.RunPython(fill_search_grams, migrations.RunPython.noop),
    ]
