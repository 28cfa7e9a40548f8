from django.core.management.base import BaseCommand

from plano.carga import FIXTURE, carregar_plano


class Command(BaseCommand):
    help = (
        "Load the I PAECM (objectives, actions, activities, institutions and the "
        f"partner links of its PARCEIROS column) from {FIXTURE.name}. Idempotent: "
        "creates what is missing and never changes existing rows; texts that differ "
        "from the fixture are listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--arquivo", default=str(FIXTURE), help="Fixture to load.")

    def handle(self, *args, arquivo, **options):
        resultado = carregar_plano(arquivo)
        if resultado.criados:
            for modelo, n in resultado.criados.items():
                self.stdout.write(f"{modelo}: {n} criado(s)")
        else:
            self.stdout.write("Plano já carregado: nada a criar.")
        for codigo in resultado.divergentes:
            self.stdout.write(
                self.style.WARNING(f"{codigo}: texto no banco difere do publicado (mantido).")
            )
