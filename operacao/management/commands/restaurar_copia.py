from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operacao.copias import CopiaInvalida, restaurar


class Command(BaseCommand):
    help = (
        "Restores a copy written by salvar_copia into an empty, migrated database and "
        "MEDIA_ROOT, checking every file's SHA-256. Sessions never come back."
    )

    def add_arguments(self, parser):
        parser.add_argument("origem", help="the .tar.gz written by salvar_copia")

    def handle(self, *args, origem, **options):
        try:
            manifesto = restaurar(Path(origem))
        except CopiaInvalida as erro:
            raise CommandError(str(erro)) from erro
        self.stdout.write(f"Cópia de {manifesto['criada_em']} restaurada.")
