import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_savedview_audit_entries_follow_the_model"),
        ("recordkit", "0001_specimen"),
    ]

    operations = [
        migrations.AddField(
            model_name="specimen",
            name="custom_fields",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.CreateModel(
            name="SpecimenTag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.organization"
                    ),
                ),
                (
                    "specimen",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tag_links",
                        to="recordkit.specimen",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.tag"
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="specimen",
            name="tags",
            field=models.ManyToManyField(
                blank=True, related_name="+", through="recordkit.SpecimenTag", to="core.tag"
            ),
        ),
        migrations.AddIndex(
            model_name="specimentag",
            index=models.Index(fields=["organization", "tag", "specimen"], name="specimentag_org_tag"),
        ),
        migrations.AddConstraint(
            model_name="specimentag",
            constraint=models.UniqueConstraint(fields=("specimen", "tag"), name="specimentag_unique"),
        ),
    ]
