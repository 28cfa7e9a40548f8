from django.core.management.base import BaseCommand

from monitoramento.lembretes import DIAS_ANTES_DO_PRAZO, enviar_lembretes
from operacao.tarefas import executando


class Command(BaseCommand):
    help = (
        "E-mails each institution the activities it still owes in the open cycle: once "
        f"{DIAS_ANTES_DO_PRAZO} days (or fewer) before the deadline, and once after it. "
        "Never sends the same step of a cycle twice to an institution; safe to run daily from cron."
    )

    def handle(self, *args, **options):
        with executando("lembrar_relatos"):
            enviados = enviar_lembretes()
        for lembrete in enviados:
            self.stdout.write(f"Lembrete enviado: {lembrete}")
        self.stdout.write(f"Lembretes enviados: {len(enviados)}.")
