from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "kliento.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from kliento.activities import sources
        from kliento.activities.views import timeline as timeline_views
        from kliento.core.records.timeline import register_timeline_composer

        sources.register()
        register_timeline_composer(
            "note",
            title=_("Add a note"),
            template="activities/_composer_note.html",
            context=timeline_views.note_composer,
            order=10,
        )
        register_timeline_composer(
            "call",
            title=_("Log a call"),
            template="activities/_composer_call.html",
            context=timeline_views.call_composer,
            order=20,
        )
