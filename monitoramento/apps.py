from django.apps import AppConfig


class MonitoramentoConfig(AppConfig):
    name = "monitoramento"
    verbose_name = "Monitoramento"
