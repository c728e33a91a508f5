from django.urls import path

from kliento.activities.views import timeline

app_name = "activities"

urlpatterns = [
    path("timeline/<str:kind>/<int:record_id>/notes/", timeline.note_create, name="note-create"),
    path("timeline/<str:kind>/<int:record_id>/calls/", timeline.call_create, name="call-create"),
    path("timeline/mentions/", timeline.mention_options, name="mention-options"),
    path("attachments/<int:attachment_id>/", timeline.attachment_download, name="attachment"),
]
