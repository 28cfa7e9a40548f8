"""The second-factor pages in Chromium (issue #12, point 7): enrolment, the
recovery codes and the code check pass axe-core and keep to the screen at
360 px and 1366 px; the enrolment is done by typing a real code."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from parceiros.mfa import codigo_atual
from tests import factories
from tests.factories import SENHA
from tests.mfa import codigo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _entrar(page, url, usuario):
    page.goto(f"{url}/portal/entrar/?next=/admin/")
    page.get_by_label("Usuário").fill(usuario.username)
    page.get_by_label("Senha").fill(SENHA)
    page.get_by_role("button", name="Entrar").click()


def _na_tela(page, largura):
    assert page.evaluate("document.documentElement.scrollWidth") <= largura, page.url


@pytest.mark.parametrize("largura", [360, 1366])
def test_paginas_do_segundo_fator_acessiveis(live_server, page, sem_violacoes, largura):
    page.set_viewport_size({"width": largura, "height": 800})
    url = live_server.url
    novo = factories.criar_usuario(username="novo.cgetp", is_staff=True)
    _entrar(page, url, novo)
    page.wait_for_url(re.compile(r".*/portal/mfa/\?next=.*"))
    sem_violacoes(page)
    _na_tela(page, largura)
    # A wrong code: the error, announced, on the same page.
    page.get_by_label("Código").fill("000000")
    page.get_by_role("button", name=re.compile("Confirmar|Ativar|Cadastrar")).click()
    expect(page).to_have_title(re.compile(r"^Erro: "))
    assert "Código inválido" in page.content()
    sem_violacoes(page)
    _na_tela(page, largura)
    dispositivo = TOTPDevice.objects.get(user=novo)
    dispositivo.throttle_reset()  # django-otp waits a second after a wrong code
    page.get_by_label("Código").fill(codigo_atual(dispositivo))
    page.get_by_role("button", name=re.compile("Confirmar|Ativar|Cadastrar")).click()
    expect(page).to_have_title(re.compile(r"^Códigos de recuperação"))
    assert len(re.findall(r"<li><code>\w+</code></li>", page.content())) > 0
    sem_violacoes(page)
    _na_tela(page, largura)

    outra = page.context.browser.new_page(viewport={"width": largura, "height": 800})
    equipe = factories.criar_usuario(username="equipe.cgetp", is_staff=True)
    _entrar(outra, url, equipe)
    codigo(equipe)  # enrolled with the test key
    outra.goto(f"{url}/portal/mfa/verificar/?next=/admin/")
    sem_violacoes(outra)
    _na_tela(outra, largura)
    outra.get_by_label("Código").fill(codigo(equipe))
    outra.get_by_role("button", name="Verificar").click()
    outra.wait_for_url(re.compile(r".*/admin/$"))
