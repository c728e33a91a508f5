from django.apps import AppConfig


class GadgetsConfig(AppConfig):
    name = "tests.gadgets"
    label = "gadgets"

    def ready(self) -> None:
        from kliento.core.permissions import Permission
        from kliento.core.records.kinds import RecordKind, register_kind
        from tests.gadgets.models import Gadget

        register_kind(
            RecordKind(
                key="gadget",
                model=Gadget,
                label="Gadget",
                label_plural="Gadgets",
                detail_url_name="gadget-detail",
                icon="gear",
                edit_permission=Permission.EDIT_CUSTOMERS,
                delete_permission=Permission.DELETE_CUSTOMERS,
                order=900,
            )
        )
