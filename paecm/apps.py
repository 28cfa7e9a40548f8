from django.apps import AppConfig


class PaecmConfig(AppConfig):
    """The project itself: wires the public cache's version to every change."""

    name = "paecm"
    verbose_name = "Painel I PAECM"

    def ready(self):
        from . import cache_publico

        cache_publico.conectar_sinais()
