from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from monitoramento.demo import CONTAS, SENHA_DEMO, carregar_demo


class Command(BaseCommand):
    help = (
        "Load fictional demo data: three reporting cycles (two closed, one open "
        "today), reports in every validation state on a dozen activities, and one "
        "account per role (demo.pf, demo.dpu, demo.cgetp, demo.validador). Does "
        "nothing if the demo is already loaded. Refuses to run with DEBUG off "
        "unless --forcar is given. Run carregar_plano first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--forcar", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, forcar, **options):
        if not settings.DEBUG and not forcar:
            raise CommandError(
                "DEBUG está desligado: isto parece produção. Use --forcar se for mesmo uma demonstração."
            )
        if carregar_demo():
            contas = ", ".join(c[0] for c in CONTAS)
            self.stdout.write(f"Demonstração carregada. Contas: {contas}; senha: {SENHA_DEMO}")
        else:
            self.stdout.write("Demonstração já carregada: nada a fazer.")
