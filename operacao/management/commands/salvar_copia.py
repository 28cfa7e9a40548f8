from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from operacao.copias import salvar


class Command(BaseCommand):
    help = (
        "Writes one consistent copy of the database and every evidence file to a .tar.gz "
        "(default: paecm-copia-<date>.tar.gz in the current folder). Sessions are not copied."
    )

    def add_arguments(self, parser):
        parser.add_argument("destino", nargs="?", help="path of the .tar.gz to write")

    def handle(self, *args, destino=None, **options):
        destino = Path(destino or f"paecm-copia-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        manifesto = salvar(destino)
        faltando = [nome for nome, dados in manifesto["arquivos"].items() if dados is None]
        self.stdout.write(
            f"Cópia gravada em {destino}: {len(manifesto['arquivos']) - len(faltando)} arquivos."
        )
        for nome in faltando:
            self.stderr.write(f"Arquivo já ausente da pasta de evidências: {nome}")
