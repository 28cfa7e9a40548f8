"""Issue 14 in Chromium: a demo partner reports three activities at once on
"Relatar o ciclo" as drafts, sends two after the confirmation, and the portal
shows them as sent. axe-core finds nothing and nothing scrolls sideways, on
this page and on every portal page, at 1366 and 360 px."""

import re

import pytest
from playwright.sync_api import expect

from monitoramento.demo import SENHA_DEMO
from monitoramento.models import Atualizacao

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _entrar(page, url):
    page.goto(f"{url}/portal/entrar/")
    page.get_by_label("Usuário").fill("demo.pf")
    page.get_by_label("Senha").fill(SENHA_DEMO)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{url}/portal/")


def _sem_rolagem_lateral(page, largura):
    assert page.evaluate("document.documentElement.scrollWidth") <= largura, page.url
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _linhas_editaveis(page):
    return page.locator("fieldset.linha-ciclo").filter(has=page.locator("select"))


def test_relatar_tres_de_uma_vez_e_enviar_duas(live_server, page, demo, sem_violacoes):
    url = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    _entrar(page, url)
    page.get_by_role("link", name="Relatar o ciclo").click()
    page.wait_for_url(f"{url}/portal/ciclo/")
    sem_violacoes(page)
    linhas = _linhas_editaveis(page)
    assert linhas.count() >= 3
    codigos = [linhas.nth(i).locator(".codigo").inner_text() for i in range(3)]
    for i, codigo in enumerate(codigos):
        linha = linhas.nth(i)
        linha.get_by_label("Situação").select_option("em_andamento")
        linha.get_by_label("% executado").fill(str(20 + i))
        linha.get_by_label("O que foi feito no período").fill(
            f"Relato em lote da atividade {codigo}."
        )
    page.get_by_role("button", name="Gravar rascunhos").click()
    page.wait_for_url(f"{url}/portal/ciclo/")
    assert f"Rascunhos gravados: {', '.join(codigos)}." in page.content()
    sem_violacoes(page)
    for codigo in codigos:
        relato = Atualizacao.objects.get(atividade__codigo=codigo, estado="rascunho")
        assert relato.realizado == f"Relato em lote da atividade {codigo}."

    # Send two of them: the confirmation lists exactly those two.
    linhas = _linhas_editaveis(page)
    for codigo in codigos[:2]:
        linha = linhas.filter(
            has=page.locator(".codigo", has_text=re.compile(f"^{re.escape(codigo)}$"))
        )
        linha.locator(".campo-enviar label").click()
        assert linha.locator("input[type=checkbox]").is_checked()
    page.get_by_role("button", name="Enviar selecionados").click()
    page.wait_for_url(re.compile(r".*/portal/ciclo/enviar/\?.*"))
    conteudo = page.locator("main").inner_text()
    assert f"Relato em lote da atividade {codigos[0]}." in conteudo
    assert f"Relato em lote da atividade {codigos[1]}." in conteudo
    assert f"Relato em lote da atividade {codigos[2]}." not in conteudo
    sem_violacoes(page)
    page.get_by_role("button", name="Confirmar o envio de 2 relatos à CGETP").click()
    page.wait_for_url(f"{url}/portal/")
    assert f"Relatos enviados à CGETP para validação: {codigos[0]}, {codigos[1]}." in page.content()
    for codigo in codigos[:2]:
        linha = page.locator(f"#atividade-{codigo.replace('.', '\\.')}")
        assert "Enviada à CGETP" in linha.inner_text()
    terceira = page.locator(f"#atividade-{codigos[2].replace('.', '\\.')}")
    assert "Rascunho" in terceira.inner_text()
    sem_violacoes(page)


@pytest.mark.parametrize("largura", [1366, 360])
def test_paginas_do_portal_sem_violacoes_e_sem_rolagem_lateral(
    live_server, page, demo, sem_violacoes, largura
):
    url = live_server.url
    page.set_viewport_size({"width": largura, "height": 900})
    _entrar(page, url)
    page.goto(f"{url}/portal/ciclo/")
    linha = _linhas_editaveis(page).first
    codigo = linha.locator(".codigo").inner_text()
    # A draft to confirm, and a page with a row in error.
    linha.get_by_label("Situação").select_option("em_andamento")
    linha.get_by_label("% executado").fill("30")
    linha.get_by_label("O que foi feito no período").fill("Oficina com uma frase longa " * 8)
    linha.locator(".campo-enviar label").click()
    page.get_by_role("button", name="Enviar selecionados").click()
    page.wait_for_url(re.compile(r".*/portal/ciclo/enviar/\?.*"))
    confirmacao = page.url
    for caminho in [
        "/portal/",
        f"/portal/atividades/{codigo}/",
        f"/portal/atividades/{codigo}/relatar/",
        f"/portal/atividades/{codigo}/enviar/",
        "/portal/ciclo/",
        confirmacao.removeprefix(url),
    ]:
        page.goto(f"{url}{caminho}")
        sem_violacoes(page)
        _sem_rolagem_lateral(page, largura)
    # "Adicionar evidência" on the activity's form.
    page.goto(f"{url}/portal/atividades/{codigo}/relatar/")
    antes = page.locator("fieldset.evidencia").count()
    page.get_by_role("button", name="Adicionar evidência").click()
    expect(page.locator("fieldset.evidencia")).to_have_count(antes + 1)
    assert not page.title().startswith("Erro")
    sem_violacoes(page)
    _sem_rolagem_lateral(page, largura)
    # Enter in a field saves the draft (not "Adicionar evidência", the first visible button).
    page.get_by_label("% executado").fill("35")
    page.get_by_label("% executado").press("Enter")
    expect(page.locator("main")).to_contain_text("Rascunho gravado.")
    expect(page.locator("fieldset.evidencia")).to_have_count(antes)
    # A row in error: the summary takes the focus, the title says "Erro:".
    page.goto(f"{url}/portal/ciclo/")
    linha = _linhas_editaveis(page).nth(1)
    linha.get_by_label("Situação").select_option("em_andamento")
    linha.get_by_label("% executado").fill("150")
    page.get_by_role("button", name="Gravar rascunhos").click()
    expect(page).to_have_title(re.compile(r"^Erro: "))
    assert page.evaluate("document.activeElement.id") == "resumo-de-erros"
    sem_violacoes(page)
    _sem_rolagem_lateral(page, largura)
