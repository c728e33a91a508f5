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

        from kliento.activities import notices

        notices.register()
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

        from kliento.core.navigation import NavItem, register_nav_item
        from kliento.core.permissions import Permission

        register_nav_item(NavItem(_("Calls"), "activities:calls", "telephone", area="activities", order=20))
        register_nav_item(
            NavItem(
                _("Telephony"),
                "activities:telephony-settings",
                "telephone-inbound",
                Permission.MANAGE_ORGANIZATION,
                area="settings",
                order=60,
            )
        )

        from kliento.activities.callers import UnknownCallerAction, register_unknown_caller_action

        register_unknown_caller_action(
            UnknownCallerAction(
                key="new-contact",
                label=_("New contact"),
                url_name="customers:contact-create",
                number_parameter="phone",
                permission=Permission.EDIT_CUSTOMERS,
                order=20,
            )
        )

        from kliento.activities.today import callbacks_widget
        from kliento.core.home import register_home_widget

        register_home_widget(
            key="callbacks",
            title=_("Calls to return"),
            template="activities/_today_callbacks.html",
            context=callbacks_widget,
            order=6,
        )

        from kliento.activities.demo import INTERACTIONS_STEP
        from kliento.core.records.demo import register_demo_step

        register_demo_step(INTERACTIONS_STEP)

        from kliento.core.commands import Command, register_command

        register_command(
            Command(
                key="call-screen",
                label=_("Call screen"),
                url_name="activities:calls",
                icon="telephone",
                keywords=_("phone calls telephony ringing call centre"),
                order=40,
            )
        )
