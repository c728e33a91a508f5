from django.urls import include, path

from kliento.api.api import urls as api_urls

# The API first: it takes most of the requests, and each pattern tried before it costs time.
urlpatterns = [
    path("api/", api_urls),
    path("", include("kliento.web.urls")),
    path("", include("kliento.core.urls")),
    path("", include("kliento.customers.urls")),
    path("", include("kliento.activities.urls")),
    path("", include("kliento.catalog.urls")),
    path("", include("kliento.deals.urls")),
    path("", include("kliento.orders.urls")),
    path("", include("kliento.leads.urls")),
    path("", include("kliento.orders.urls")),
    path("", include("kliento.notifications.urls")),
    path("", include("kliento.tasks.urls")),
]

handler403 = "kliento.web.views.permission_denied"
handler404 = "kliento.web.views.page_not_found"
handler500 = "kliento.web.views.server_error"
