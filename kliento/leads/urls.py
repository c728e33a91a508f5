from django.urls import path

from kliento.core.records import views as records
from kliento.core.records.lists.views import list_urls
from kliento.leads.views import pages, public, settings

app_name = "leads"

bound = {"kind": "lead"}

urlpatterns = [
    # The lead inbox is the records kit's list of leads (lists.py).
    *list_urls("lead", "leads/"),
    path("leads/new/", pages.create, name="lead-create"),
    path("leads/<int:record_id>/", records.record_card, bound, name="lead-detail"),
    path("leads/<int:record_id>/history/", records.record_history, bound, name="lead-history"),
    path("leads/<int:record_id>/edit/", pages.edit, name="lead-edit"),
    path("leads/<int:record_id>/delete/", pages.delete, name="lead-delete"),
    path("leads/<int:record_id>/status/", pages.change_status, name="lead-status"),
    path("leads/<int:record_id>/respond/", pages.respond, name="lead-respond"),
    path("leads/<int:record_id>/convert/", pages.convert, name="lead-convert"),
    path("settings/leads/", settings.lead_settings, name="settings"),
    path("settings/leads/form/enable/", settings.enable_form, name="settings-enable-form"),
    path("settings/leads/form/rotate/", settings.rotate_token, name="settings-rotate-token"),
    path("settings/leads/reasons/", settings.add_reason, name="settings-add-reason"),
    path("settings/leads/reasons/usual/", settings.add_default_reasons, name="settings-default-reasons"),
    path(
        "settings/leads/reasons/<int:reason_id>/toggle/",
        settings.toggle_reason,
        name="settings-toggle-reason",
    ),
    # Public: anyone may post a lead with the organization's token (see views/public.py).
    path("forms/lead/<str:token>/", public.lead_form, name="public-form"),
]
