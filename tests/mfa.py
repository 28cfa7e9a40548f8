"""How tests log in as staff with the second factor (parceiros/mfa.py).

- `inscrever(usuario)` gives the user a confirmed TOTP device with the fixed
  key CHAVE_DE_TESTE (idempotent); `codigo(usuario)` is its current code.
- `marcar_verificado(client, usuario)` marks the client's session as having
  typed that code (what django_otp.login does after a right code).
- The `client` fixture (tests/conftest.py) is a ClienteVerificado: its
  force_login() marks the session verified for staff, and for users who
  turned the second factor on, so every admin test logs in as staff who
  already passed the second step. The persona fixtures `equipe` and
  `validador` are enrolled with CHAVE_DE_TESTE, so browser tests can type a
  real code. Tests of the second factor itself use a plain django.test.Client.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from parceiros.mfa import codigo_atual

# Every staff request reads the session's verified device once (django-otp's
# OTPMiddleware): query counts of staff pages add this.
CONSULTA_DO_SEGUNDO_FATOR = 1

CHAVE_DE_TESTE = "3132333435363738393031323334353637383930"  # hex, as django-otp stores it


def inscrever(usuario) -> TOTPDevice:
    dispositivo, _ = TOTPDevice.objects.get_or_create(
        user=usuario,
        confirmed=True,
        defaults={"name": "Aplicativo de teste", "key": CHAVE_DE_TESTE},
    )
    return dispositivo


def codigo(usuario) -> str:
    return codigo_atual(inscrever(usuario))


def marcar_verificado(client, usuario) -> None:
    sessao = client.session
    sessao[DEVICE_ID_SESSION_KEY] = inscrever(usuario).persistent_id
    sessao.save()


class ClienteVerificado(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if user.is_staff or user_has_device(user):
            marcar_verificado(self, user)
