from django.apps import AppConfig


class ParceirosConfig(AppConfig):
    name = "parceiros"
    verbose_name = "Instituições e usuários"
