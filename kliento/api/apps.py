from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kliento.api"
    label = "api"
