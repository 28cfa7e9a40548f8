"""The whole reporting flow in Chromium: a partner reports with evidence and
sends; a validator returns it; the partner corrects and sends again; the
validator publishes it; the public activity page shows it. axe-core runs on
every portal page on the way."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitoramento.models import Atualizacao
from parceiros.models import Usuario
from plano.models import Atividade
from tests import factories
from tests.factories import SENHA
from tests.mfa import codigo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cenario(plano, pf, parceiro_pf, validador):
    factories.criar_ciclo(plano=plano, codigo="2026.1", aberto=True)
    factories.vincular(atividade=Atividade.objects.get(codigo="2.1.1"), instituicao=pf)


def _entrar_no_portal(page, url, username):
    page.goto(f"{url}/portal/entrar/")
    page.get_by_label("Usuário").fill(username)
    page.get_by_label("Senha").fill(SENHA)
    page.get_by_role("button", name="Entrar").click()


def _entrar_no_admin(page, url, username):
    page.goto(f"{url}/admin/monitoramento/atualizacao/fila/")
    page.fill("#id_username", username)
    page.fill("#id_password", SENHA)
    page.locator("input[type=submit]").click()
    # Staff type the code of their authenticator app (tests/mfa.py).
    page.wait_for_url(re.compile(r".*/portal/mfa/verificar/.*"))
    page.get_by_label("Código").fill(codigo(Usuario.objects.get(username=username)))
    page.get_by_role("button", name="Verificar").click()
    page.wait_for_url(re.compile(r".*/fila/$"))


def test_fluxo_completo_do_relato_ate_a_pagina_publica(
    live_server, page, browser, cenario, sem_violacoes
):
    url = live_server.url
    # The partner logs in and finds what is due.
    page.goto(f"{url}/portal/entrar/")
    sem_violacoes(page)
    _entrar_no_portal(page, url, "parceiro.pf")
    page.wait_for_url(f"{url}/portal/")
    assert page.locator("h1").inner_text() == "Minhas atividades"
    assert "Faltam relatos de 5 atividades." in page.locator("main").inner_text()
    sem_violacoes(page)

    # A first try misses the required text: the message shows beside the field.
    page.locator("#atividade-2\\.1\\.1").get_by_role("link", name=re.compile("Relatar")).click()
    assert page.locator("h1").inner_text().startswith("Relato da atividade 2.1.1")
    sem_violacoes(page)
    # The gov.br radio is styled on its label, which takes the click.
    page.locator("label", has_text="Em andamento").click()
    assert page.get_by_label("Em andamento").is_checked()
    page.get_by_label("% executado").fill("60")
    page.get_by_role("button", name="Enviar à CGETP").click()
    expect(page.locator("#id_realizado_error")).to_be_visible()
    assert page.get_by_label("% executado").input_value() == "60"
    # One error summary, focused, and the title says so.
    assert page.title().startswith("Erro: ")
    assert page.evaluate("document.activeElement.id") == "resumo-de-erros"
    assert "O que foi feito no período" in page.locator("#resumo-de-erros").inner_text()
    sem_violacoes(page)

    page.get_by_label("O que foi feito no período").fill("Curso para 30 agentes em Foz.")
    page.get_by_label("Título").fill("Lista de presença")
    page.get_by_label("Link").fill("https://www.gov.br/pf/curso")
    page.get_by_label("Arquivo").set_input_files(
        files=[{"name": "presenca.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Enviar à CGETP").click()
    # A confirmation shows exactly what will be sent.
    page.wait_for_url(f"{url}/portal/atividades/2.1.1/enviar/")
    assert "Curso para 30 agentes em Foz." in page.content()
    assert "Lista de presença" in page.content()
    sem_violacoes(page)
    page.get_by_role("button", name="Confirmar o envio à CGETP").click()
    page.wait_for_url(f"{url}/portal/atividades/2.1.1/")
    assert "Relato enviado à CGETP para validação." in page.content()
    sem_violacoes(page)
    page.goto(f"{url}/portal/atividades/2.1.1/relatar/")
    assert "aguardando validação" in page.content()
    sem_violacoes(page)

    # The validator returns it with a comment.
    validador = browser.new_page()
    _entrar_no_admin(validador, url, "validador.cgetp")
    # Each click below loads a page at the same address: wait for its text, not for the URL.
    validador.get_by_role("link", name="Abrir para publicar ou devolver").click()
    expect(validador.locator("body")).to_contain_text("Curso para 30 agentes em Foz.")
    validador.get_by_label("Comentário para a instituição").fill("Informe as datas do curso.")
    validador.get_by_role("button", name="Devolver com o comentário").click()
    expect(validador.locator("body")).to_contain_text("Informe as datas do curso.")
    validador.get_by_role("button", name="Confirmar a devolução").click()
    validador.wait_for_url(re.compile(r".*/fila/$"))
    assert "Nenhum relato aguarda validação." in validador.content()

    # The partner sees the comment, corrects it as a new version and sends it again.
    page.goto(f"{url}/portal/atividades/2.1.1/relatar/")
    assert "Informe as datas do curso." in page.content()
    sem_violacoes(page)
    page.get_by_role("button", name="Corrigir o relato (nova versão)").click()
    sem_violacoes(page)
    page.get_by_label("O que foi feito no período").fill(
        "Curso para 30 agentes em Foz, de 10 a 12 de março."
    )
    page.get_by_role("button", name="Enviar à CGETP").click()
    page.wait_for_url(f"{url}/portal/atividades/2.1.1/enviar/")
    page.get_by_role("button", name="Confirmar o envio à CGETP").click()
    page.wait_for_url(f"{url}/portal/atividades/2.1.1/")
    assert page.get_by_text("Versão 2").is_visible()
    assert page.get_by_text("Versão 1").is_visible()
    sem_violacoes(page)

    # The validator publishes it from the queue.
    validador.reload()
    validador.get_by_label(re.compile("Atividade 2.1.1")).check()
    validador.get_by_role("button", name="Publicar os selecionados").click()
    expect(validador.locator("body")).to_contain_text("Este relato ficará público")
    assert "Estes" not in validador.content()
    validador.get_by_role("button", name="Confirmar a publicação").click()
    expect(validador.locator("body")).to_contain_text("Relatos publicados: 1.")
    relato = Atualizacao.objects.publicadas().get()
    assert relato.versao == 2
    assert relato.evidencias.get().nome_original == "presenca.pdf"

    # The public activity page shows it, stamped with the institution and the dates.
    hoje = timezone.localdate().strftime("%d/%m/%Y")
    publica = browser.new_page()
    publica.goto(f"{url}/plano/2.1.1/")
    assert "Curso para 30 agentes em Foz, de 10 a 12 de março." in publica.content()
    assert (
        f"Informado por PF em {hoje}; validado pela CGETP em {hoje}."
        in publica.locator("main").inner_text()
    )


def test_paginas_de_senha_sem_violacoes(live_server, page, cenario, sem_violacoes, mailoutbox):
    url = live_server.url
    nova = "uma-senha-nova-e-longa-2026"
    page.goto(f"{url}/portal/senha/redefinir/")
    sem_violacoes(page)
    page.get_by_label("Email").fill("parceiro.pf@example.org")
    page.get_by_role("button", name="Enviar o link").click()
    page.wait_for_url(f"{url}/portal/senha/redefinir/enviada/")
    sem_violacoes(page)
    link = re.search(r"https?://\S+/portal/senha/redefinir/\S+/", mailoutbox[0].body)[0]
    page.goto(link)
    sem_violacoes(page)
    page.locator("#id_new_password1").fill(nova)
    page.get_by_label("Confirmação da nova senha").fill(nova)
    page.get_by_role("button", name="Gravar a nova senha").click()
    page.wait_for_url(f"{url}/portal/senha/redefinida/")
    sem_violacoes(page)
    page.goto(f"{url}/portal/entrar/")
    page.get_by_label("Usuário").fill("parceiro.pf")
    page.get_by_label("Senha").fill(nova)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{url}/portal/")
    page.goto(f"{url}/portal/senha/")
    page.get_by_role("button", name="Alterar senha").click()
    expect(page.locator("#id_old_password_error")).to_be_visible()
    sem_violacoes(page)
    page.get_by_label("Senha antiga").fill(nova)
    page.locator("#id_new_password1").fill(SENHA + "-nova")
    page.get_by_label("Confirmação da nova senha").fill(SENHA + "-nova")
    page.get_by_role("button", name="Alterar senha").click()
    page.wait_for_url(f"{url}/portal/senha/alterada/")
    sem_violacoes(page)


def test_sair_pelo_menu(live_server, page, cenario):
    _entrar_no_portal(page, live_server.url, "parceiro.pf")
    page.wait_for_url(f"{live_server.url}/portal/")
    page.get_by_role("button", name="Sair").click()
    page.goto(f"{live_server.url}/portal/")
    assert "/portal/entrar/" in page.url


@pytest.mark.parametrize("largura", [1366, 360])
def test_paginas_do_portal_sem_violacoes_e_sem_rolagem_lateral(
    live_server, page, cenario, pf, parceiro_pf, sem_violacoes, largura
):
    """Every portal page, the confirmation and an error page included: axe-core
    finds nothing, and nothing scrolls sideways (the table becomes cards)."""
    plano_ciclo = Atualizacao._meta.get_field("ciclo").related_model.objects.get(codigo="2026.1")
    Atividade.objects.filter(codigo="2.1.1").update(
        situacao="em_andamento", percentual=30, prazo=timezone.localdate().replace(year=2020)
    )
    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="2.1.1"),
        instituicao=pf,
        ciclo=plano_ciclo,
        autor=parceiro_pf,
        realizado="Curso para 30 agentes em Foz, com uma frase longa " * 5,
    )
    page.set_viewport_size({"width": largura, "height": 900})
    url = live_server.url
    page.goto(f"{url}/portal/entrar/")
    sem_violacoes(page)
    _entrar_no_portal(page, url, "parceiro.pf")
    page.wait_for_url(f"{url}/portal/")
    assert "Atrasada" in page.locator("#atividade-2\\.1\\.1").inner_text()
    for caminho in [
        "/portal/",
        "/portal/?situacao=atrasada",
        "/portal/atividades/2.1.1/",
        "/portal/atividades/2.1.1/relatar/",
        "/portal/atividades/2.1.1/enviar/",
        "/portal/senha/",
    ]:
        page.goto(f"{url}{caminho}")
        sem_violacoes(page)
        largura_do_documento = page.evaluate("document.documentElement.scrollWidth")
        assert largura_do_documento <= largura, (caminho, largura_do_documento)
        # Nor inside: no table wider than the screen, in a scrolling box or not.
        tabelas = page.evaluate(
            "[...document.querySelectorAll('main table')].map(t => t.scrollWidth)"
        )
        assert all(t <= largura for t in tabelas), (caminho, tabelas)
    # An error page: the summary, focused.
    page.goto(f"{url}/portal/atividades/2.1.1/relatar/")
    page.get_by_label("O que foi feito no período").fill("")
    page.get_by_role("button", name="Gravar rascunho").click()
    expect(page).to_have_title(re.compile(r"^Erro: "))
    sem_violacoes(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= largura
