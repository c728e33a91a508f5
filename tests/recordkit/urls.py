from django.urls import path

from kliento.core.records import views as records
from kliento.core.records.lists.views import list_urls

app_name = "recordkit"

# Only the list's and the card's routes: every page of a specimen is the kit's.
urlpatterns = [
    *list_urls("specimen", "specimens/"),
    path("specimens/<int:record_id>/", records.record_card, {"kind": "specimen"}, name="specimen-detail"),
]
