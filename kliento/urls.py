from django.urls import include, path

from kliento.api.api import api

urlpatterns = [
    path("", include("kliento.web.urls")),
    path("", include("kliento.core.urls")),
    path("", include("kliento.customers.urls")),
    path("api/", api.urls),
]

handler403 = "kliento.web.views.permission_denied"
handler404 = "kliento.web.views.page_not_found"
handler500 = "kliento.web.views.server_error"
