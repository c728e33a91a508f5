from django.urls import path

from kliento.core.records import views as records
from kliento.core.records.lists.views import list_urls
from kliento.tasks.views import calendar, meetings, tasks

app_name = "tasks"
task = {"kind": "task"}

urlpatterns = [
    *list_urls("task", "tasks/"),
    path("tasks/new/", tasks.create, name="task-create"),
    path("tasks/<int:record_id>/", records.record_card, task, name="task-detail"),
    path("tasks/<int:record_id>/edit/", tasks.edit, name="task-edit"),
    path("tasks/<int:record_id>/status/", tasks.set_status, name="task-status"),
    path("tasks/<int:record_id>/comments/", tasks.comment, name="task-comment"),
    path("tasks/<int:record_id>/delete/", tasks.delete, name="task-delete"),
    path("tasks/<int:record_id>/history/", records.record_history, task, name="task-history"),
    path("tasks/on/<str:kind>/<int:record_id>/", tasks.quick_add, name="task-quick-add"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("meetings/new/", meetings.create, name="meeting-create"),
    path("meetings/<int:meeting_id>/", meetings.detail, name="meeting-detail"),
    path("meetings/<int:meeting_id>/edit/", meetings.edit, name="meeting-edit"),
    path("meetings/<int:meeting_id>/delete/", meetings.delete, name="meeting-delete"),
    path("meetings/<int:meeting_id>/invitation.ics", meetings.ics, name="meeting-ics"),
]
