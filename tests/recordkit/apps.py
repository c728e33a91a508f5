from django.apps import AppConfig


class RecordKitConfig(AppConfig):
    name = "tests.recordkit"
    label = "recordkit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kliento.core.permissions import Permission
        from kliento.core.records.cards import register_card_page
        from kliento.core.records.kinds import RecordKind, register_kind
        from kliento.core.records.lists import (
            BulkAction,
            ChoiceFilter,
            ListSpec,
            OwnerFilter,
            TagFilter,
            columns,
            register_list,
        )
        from kliento.core.records.lists.bulk import choice_input, tag_actions
        from kliento.core.records.lists.custom_fields import RecordCustomFields
        from kliento.core.records.panels import register_card_panel, register_details_panel
        from kliento.core.records.search import register_search_provider
        from tests.recordkit import services
        from tests.recordkit.models import Specimen, SpecimenTag

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
                tag_link=SpecimenTag,
            )
        )
        register_list(
            ListSpec(
                kind="specimen",
                columns=(
                    columns.name(fields=("name",), sort_by=("name",)),
                    columns.choice("status", "Status", "status", lambda: Specimen.Status.choices),
                    columns.owner(),
                    columns.tags(),
                    columns.moment("updated", "Changed", "updated_at"),
                ),
                default_columns=("name", "status", "owner"),
                filters=(
                    ChoiceFilter(
                        "status", label="Status", field="status", choices=lambda: Specimen.Status.choices
                    ),
                    OwnerFilter(),
                    TagFilter(),
                ),
                bulk_actions=(
                    BulkAction(
                        key="set_status",
                        label="Set status",
                        run=services.set_status,
                        permission=Permission.EDIT_CUSTOMERS,
                        input=choice_input("status", "New status", lambda: Specimen.Status.choices),
                    ),
                    *tag_actions(Specimen, permission=Permission.EDIT_CUSTOMERS),
                ),
                custom_fields=RecordCustomFields(),
            )
        )
        register_card_page("specimen")
        register_details_panel("specimen")
        register_card_panel(
            "specimen",
            key="notes",
            title="Notes",
            template="recordkit/_panel_notes.html",
            context=lambda request, specimen: {"notes": specimen.notes},
        )
        register_search_provider("specimen", services.search)
