from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dados.relatorio import gerar_relatorio
from monitoramento.models import Ciclo


class Command(BaseCommand):
    help = (
        "Write the semestral report of one monitoring cycle (e.g. 2025.1) as an XLSX "
        "workbook: summary, the plan's table with the cycle's situation, every report of the "
        "cycle (unpublished ones marked) and the evidence links. Changes nothing in the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("ciclo", help="Código do ciclo, como 2025.1.")
        parser.add_argument("-o", "--output", required=True, help="Arquivo .xlsx a gravar.")
        parser.add_argument("--plano", default=settings.PLANO_PADRAO, help="Slug do plano.")

    def handle(self, *args, ciclo, output, plano, **options):
        try:
            encontrado = Ciclo.objects.select_related("plano").get(plano__slug=plano, codigo=ciclo)
        except Ciclo.DoesNotExist as erro:
            raise CommandError(f"Ciclo {ciclo} não encontrado no plano {plano}.") from erro
        gerar_relatorio(encontrado, output)
        self.stdout.write(f"Relatório do ciclo {ciclo} gravado em {output}.")
