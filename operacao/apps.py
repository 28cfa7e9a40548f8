from django.apps import AppConfig


class OperacaoConfig(AppConfig):
    """Operations, at the bottom of the layers (beside comum): the e-mail
    outbox, the cron jobs' run records, the health check, backup and restore.
    It imports only Django and comum."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "operacao"
    verbose_name = "Operação"
