from django.conf import settings
from django.core.management.base import BaseCommand

from monitoramento.services import remover_evidencias_pendentes
from operacao.tarefas import executando


class Command(BaseCommand):
    help = (
        "Removes the evidence files received with a refused report form and never used by a "
        "report after EVIDENCIAS_PENDENTES_DIAS days (or --dias). Safe to run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dias",
            type=int,
            default=None,
            help=f"Days to keep them (default EVIDENCIAS_PENDENTES_DIAS, now {settings.EVIDENCIAS_PENDENTES_DIAS}).",
        )

    def handle(self, *args, **options):
        dias = (
            options["dias"] if options["dias"] is not None else settings.EVIDENCIAS_PENDENTES_DIAS
        )
        with executando("limpar_evidencias_pendentes"):
            removidos = remover_evidencias_pendentes(dias=dias)
        self.stdout.write(f"Arquivos pendentes removidos: {len(removidos)}.")
