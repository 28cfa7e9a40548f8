"""EMAIL_URL's scheme picks the transport (issue #12 point 12)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from paecm.settings import mailer_de


def test_smtp_usa_starttls_na_587():
    opcoes = mailer_de("smtp://eu%40mj.gov.br:s%3Acreta@mail.example.org")["OPTIONS"]
    assert (opcoes["host"], opcoes["port"], opcoes.get("use_tls"), opcoes.get("use_ssl")) == (
        "mail.example.org",
        587,
        True,
        None,
    )
    assert (opcoes["username"], opcoes["password"]) == ("eu@mj.gov.br", "s:creta")


def test_smtps_usa_tls_implicito_na_465():
    opcoes = mailer_de("smtps://u:p@mail.example.org")["OPTIONS"]
    assert (opcoes["port"], opcoes.get("use_ssl"), opcoes.get("use_tls")) == (465, True, None)


def test_relay_sem_tls():
    opcoes = mailer_de("smtp+plain://relay.interno:2525")["OPTIONS"]
    assert (opcoes["host"], opcoes["port"]) == ("relay.interno", 2525)
    assert "use_tls" not in opcoes and "use_ssl" not in opcoes


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org"])
def test_esquema_desconhecido_falha_na_partida(url):
    with pytest.raises(ImproperlyConfigured):
        mailer_de(url)


def test_configuracao_que_nao_fazia_nada_foi_removida(settings):
    assert not hasattr(settings, "IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT")
