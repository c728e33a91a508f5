from django.urls import path

from kliento.core.records.lists.views import list_urls
from tests.recordkit import views

app_name = "recordkit"

urlpatterns = [
    *list_urls("specimen", "specimens/"),
    path("specimens/<int:specimen_id>/", views.specimen_detail, name="specimen-detail"),
]
