from django.apps import AppConfig


class PlanoConfig(AppConfig):
    name = "plano"
    verbose_name = "Plano"
