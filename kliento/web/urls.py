from django.urls import path

from kliento.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set-language"),
    path("organization/switch/", views.switch_organization, name="switch-organization"),
]
