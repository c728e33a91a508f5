from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kliento.demo"
    label = "demo"
