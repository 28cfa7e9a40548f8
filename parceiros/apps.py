from django.apps import AppConfig


class ParceirosConfig(AppConfig):
    name = "parceiros"
    verbose_name = "Instituições e usuários"

    def ready(self):
        # The lowest app with history: every app's `Model.history` is then cheap.
        from comum.historia import gerente_de_historia_em_cache

        gerente_de_historia_em_cache()
