from django.urls import path

from kliento.activities.views import calls, timeline

app_name = "activities"

urlpatterns = [
    path("timeline/<str:kind>/<int:record_id>/notes/", timeline.note_create, name="note-create"),
    path("timeline/<str:kind>/<int:record_id>/calls/", timeline.call_create, name="call-create"),
    path("timeline/mentions/", timeline.mention_options, name="mention-options"),
    path("attachments/<int:attachment_id>/", timeline.attachment_download, name="attachment"),
    path("calls/", calls.calls, name="calls"),
    path("calls/ringing/", calls.ringing, name="calls-ringing"),
    path("calls/<int:call_id>/log/", calls.log_outcome, name="call-log"),
    path("settings/telephony/", calls.telephony_settings, name="telephony-settings"),
]
