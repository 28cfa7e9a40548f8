from django.apps import AppConfig


class ParceirosConfig(AppConfig):
    name = "parceiros"
    verbose_name = "Instituições e usuários"

    def ready(self):
        # The lowest app with history: every app's `Model.history` is then cheap.
        from comum.historia import gerente_de_historia_em_cache

        gerente_de_historia_em_cache()

        from django.db.models.signals import post_delete, post_save

        from .demo import _contas_mudaram
        from .models import Usuario

        post_save.connect(_contas_mudaram, sender=Usuario, dispatch_uid="demo_contas_save")
        post_delete.connect(_contas_mudaram, sender=Usuario, dispatch_uid="demo_contas_delete")
