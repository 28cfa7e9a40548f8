from django.core.management.base import BaseCommand

from operacao.correio import enviar_pendentes
from operacao.tarefas import executando


class Command(BaseCommand):
    help = (
        "Sends the e-mails waiting in the outbox, retrying failed ones with exponential "
        "backoff. Run it from cron every minute (README)."
    )

    def handle(self, *args, **options):
        with executando("enviar_mensagens"):
            enviadas, falhas = enviar_pendentes()
        self.stdout.write(f"E-mails enviados: {enviadas}; falhas: {falhas}.")
