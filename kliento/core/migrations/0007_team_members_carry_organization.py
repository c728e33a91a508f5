"""Team members get an explicit link table that carries the organization, like every table.

The old table's rows are copied with their team's organization, then it is dropped; the
many-to-many field is pointed at the new table in the state only (on SQLite, adding it as a field
would rebuild the team table for nothing).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COPY = (
    "INSERT INTO core_teammember (organization_id, team_id, user_id) "
    "SELECT t.organization_id, m.team_id, m.user_id FROM core_team_members m "
    "JOIN core_team t ON t.id = m.team_id "
    "WHERE NOT EXISTS (SELECT 1 FROM core_teammember n WHERE n.team_id = m.team_id AND n.user_id = m.user_id)"
)
COPY_BACK = "INSERT INTO core_team_members (team_id, user_id) SELECT team_id, user_id FROM core_teammember"


def copy_members(apps, schema_editor):
    schema_editor.execute(COPY)


def copy_members_back(apps, schema_editor):
    schema_editor.execute(COPY_BACK)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_tag_moves_to_core"),
    ]

    operations = [
        migrations.CreateModel(
            name="TeamMember",
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
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.team"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "team member",
                "verbose_name_plural": "team members",
                "indexes": [models.Index(fields=["organization", "user"], name="teammember_org_user")],
                "constraints": [models.UniqueConstraint(fields=("team", "user"), name="teammember_unique")],
            },
        ),
        migrations.RunPython(copy_members, copy_members_back),
        migrations.RemoveField(model_name="team", name="members"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="team",
                    name="members",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="teams",
                        through="core.TeamMember",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="members",
                    ),
                ),
            ],
        ),
    ]
