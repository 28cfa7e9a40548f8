from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from parceiros.mfa import codigo_atual


class Command(BaseCommand):
    help = (
        "Prints the current TOTP code of a demo account (e.g. demo.cgetp), so a newcomer "
        "can walk the staff roles without an authenticator app. Refuses with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("Só em desenvolvimento (DJANGO_DEBUG=true).")
        dispositivo = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if dispositivo is None:
            raise CommandError(f"{username} não tem aplicativo autenticador cadastrado.")
        self.stdout.write(codigo_atual(dispositivo))
