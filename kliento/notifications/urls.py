from django.urls import path

from kliento.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/badge/", views.badge, name="badge"),
    path("notifications/panel/", views.panel, name="panel"),
    path("notifications/read-all/", views.mark_all_read, name="read-all"),
    path("notifications/<int:notification_id>/open/", views.open_notification, name="open"),
    path("notifications/<int:notification_id>/read/", views.mark_read, name="read"),
    path("accounts/notifications/", views.preferences, name="preferences"),
]
