"""/plano/ in Chromium, as a person sees it."""

import pytest

from plano.models import Atividade

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_plano_no_navegador_mostra_todas_as_atividades_sem_violacoes(
    live_server, page, plano, sem_violacoes
):
    page.goto(f"{live_server.url}/plano/")
    assert page.title().startswith("O plano")
    assert page.locator("h1").count() == 1
    assert page.locator("li.cartao-atividade").count() == Atividade.objects.count() == 75
    assert page.locator("#atividade-1\\.1\\.1").get_by_text("Agências Internacionais").is_visible()
    sem_violacoes(page)


def test_plano_atalho_de_teclado_leva_ao_conteudo(live_server, page, plano):
    page.goto(f"{live_server.url}/plano/")
    page.keyboard.press("Tab")
    focado = page.evaluate("document.activeElement.textContent")
    assert "Ir para o conteúdo" in focado
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#conteudo"
