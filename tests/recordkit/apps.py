from django.apps import AppConfig


class RecordKitConfig(AppConfig):
    name = "tests.recordkit"
    label = "recordkit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kliento.core.permissions import Permission
        from kliento.core.records.kinds import RecordKind, register_kind
        from kliento.core.records.lists import (
            BulkAction,
            ChoiceFilter,
            ListSpec,
            OwnerFilter,
            columns,
            register_list,
        )
        from kliento.core.records.lists.bulk import choice_input
        from tests.recordkit import services
        from tests.recordkit.models import Specimen

        register_kind(
            RecordKind(
                key="specimen",
                model=Specimen,
                label="Specimen",
                label_plural="Specimens",
                detail_url_name="recordkit:specimen-detail",
                list_url_name="recordkit:specimen-list",
                icon="box",
                edit_permission=Permission.EDIT_CUSTOMERS,
                order=900,
            )
        )
        register_list(
            ListSpec(
                kind="specimen",
                columns=(
                    columns.name(fields=("name",), sort_by=("name",)),
                    columns.choice("status", "Status", "status", lambda: Specimen.Status.choices),
                    columns.owner(),
                    columns.moment("updated", "Changed", "updated_at"),
                ),
                default_columns=("name", "status", "owner"),
                filters=(
                    ChoiceFilter(
                        "status", label="Status", field="status", choices=lambda: Specimen.Status.choices
                    ),
                    OwnerFilter(),
                ),
                bulk_actions=(
                    BulkAction(
                        key="set_status",
                        label="Set status",
                        run=services.set_status,
                        permission=Permission.EDIT_CUSTOMERS,
                        input=choice_input("status", "New status", lambda: Specimen.Status.choices),
                    ),
                ),
            )
        )
