from django.apps import AppConfig


class DadosConfig(AppConfig):
    name = "dados"
    verbose_name = "Dados abertos e relatórios"
