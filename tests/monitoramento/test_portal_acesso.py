"""Every portal view with each persona: anonymous (to the login page), partner
of another institution (404, and a POST changes nothing), partner of the
institution (200), and CGETP staff (the admin is theirs, not the portal)."""

import pytest

from monitoramento.models import Atualizacao
from tests import factories

from .conftest import dados_do_relato

PAGINAS = ["/portal/atividades/2.1.1/", "/portal/atividades/2.1.1/relatar/"]


@pytest.fixture
def devolvida(atividade_pf, pf, ciclo, parceiro_pf, validador):
    return factories.criar_atualizacao(
        atividade=atividade_pf,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Atualizacao.Estado.DEVOLVIDA,
        validador=validador,
        comentario_validacao="Falta a evidência.",
    )


@pytest.mark.parametrize("url", ["/portal/", "/portal/senha/", *PAGINAS])
def test_anonimo_vai_para_a_entrada(client, atividade_pf, ciclo, url):
    resposta = client.get(url)
    assert resposta.status_code == 302
    assert resposta["Location"].startswith(f"/portal/entrar/?next={url}")


def test_anonimo_que_posta_uma_correcao_vai_para_a_entrada(client, atividade_pf, ciclo):
    url = "/portal/atividades/2.1.1/corrigir/"
    assert client.get(url).status_code == 405  # an action: it serves POST only
    resposta = client.post(url)
    assert resposta.status_code == 302
    assert resposta["Location"].startswith(f"/portal/entrar/?next={url}")


def test_anonimo_que_posta_um_relato_nao_grava_nada(client, atividade_pf, ciclo):
    resposta = client.post("/portal/atividades/2.1.1/relatar/", dados_do_relato())
    assert resposta.status_code == 302
    assert not Atualizacao.objects.exists()


@pytest.mark.parametrize("url", PAGINAS)
def test_parceiro_nao_ve_atividade_de_outra_instituicao(
    client, parceiro_dpu, atividade_pf, ciclo, url
):
    client.force_login(parceiro_dpu)
    assert client.get(url).status_code == 404


def test_parceiro_nao_relata_atividade_de_outra_instituicao(
    client, parceiro_dpu, atividade_pf, ciclo
):
    client.force_login(parceiro_dpu)
    resposta = client.post("/portal/atividades/2.1.1/relatar/", dados_do_relato(acao="enviar"))
    assert resposta.status_code == 404
    assert not Atualizacao.objects.exists()


def test_parceiro_nao_corrige_relato_de_outra_instituicao(client, parceiro_dpu, devolvida):
    client.force_login(parceiro_dpu)
    assert client.post("/portal/atividades/2.1.1/corrigir/").status_code == 404
    assert Atualizacao.objects.count() == 1


def test_parceiro_nao_ve_atividade_de_outra_instituicao_na_lista(
    client, parceiro_dpu, atividade_pf, ciclo
):
    client.force_login(parceiro_dpu)
    html = client.get("/portal/").content.decode()
    assert 'id="atividade-1.1.1"' in html
    assert 'id="atividade-2.1.1"' not in html


@pytest.mark.parametrize("url", ["/portal/", *PAGINAS])
def test_parceiro_ve_as_paginas_da_sua_atividade(client, parceiro_pf, atividade_pf, ciclo, url):
    client.force_login(parceiro_pf)
    resposta = client.get(url)
    assert resposta.status_code == 200
    assert "2.1.1" in resposta.content.decode()


def test_parceiro_corrige_relato_devolvido_da_sua_instituicao(client, parceiro_pf, devolvida):
    client.force_login(parceiro_pf)
    resposta = client.post("/portal/atividades/2.1.1/corrigir/")
    assert resposta.status_code == 302
    assert Atualizacao.objects.count() == 2


def test_corrigir_so_aceita_post(client, parceiro_pf, devolvida):
    client.force_login(parceiro_pf)
    assert client.get("/portal/atividades/2.1.1/corrigir/").status_code == 405
    assert Atualizacao.objects.count() == 1


def test_codigo_inexistente_da_404(client, parceiro_pf, ciclo):
    client.force_login(parceiro_pf)
    assert client.get("/portal/atividades/9.9.9/").status_code == 404
    assert client.get("/portal/atividades/..%2F1.1.1/").status_code == 404


def test_equipe_vai_da_lista_do_portal_para_a_fila_do_admin(client, equipe, ciclo):
    client.force_login(equipe)
    resposta = client.get("/portal/")
    assert resposta.status_code == 302
    assert resposta["Location"] == "/admin/monitoramento/atualizacao/fila/"


@pytest.mark.parametrize("url", PAGINAS)
def test_equipe_nao_relata_pelo_portal(client, equipe, atividade_pf, ciclo, url):
    client.force_login(equipe)
    assert client.get(url).status_code == 403
    # The activity page is read-only: a POST is refused before any view.
    esperado = 403 if url.endswith("relatar/") else 405
    assert client.post(url, dados_do_relato()).status_code == esperado
    assert not Atualizacao.objects.exists()


def test_sair_so_por_post(client, parceiro_pf):
    client.force_login(parceiro_pf)
    assert client.get("/portal/sair/").status_code == 405
    assert client.get("/portal/").status_code == 200
    resposta = client.post("/portal/sair/")
    assert resposta.status_code == 302
    assert client.get("/portal/").status_code == 302


def test_formulario_exige_csrf(parceiro_pf, atividade_pf, ciclo):
    from django.test import Client

    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(parceiro_pf)
    resposta = cliente.post("/portal/atividades/2.1.1/relatar/", dados_do_relato())
    assert resposta.status_code == 403
    assert not Atualizacao.objects.exists()


def test_id_de_evidencia_de_outro_relato_no_formulario_nao_muda_nada(
    client, parceiro_dpu, parceiro_pf, pf, dpu, atividade_pf, ciclo
):
    """The evidence formset only accepts the draft's own evidence ids."""
    from plano.models import Atividade

    from .conftest import dados_do_relato as dados

    alheio = factories.criar_atualizacao(
        atividade=atividade_pf, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
    )
    evidencia = factories.criar_evidencia(atualizacao=alheio, titulo="Da PF")
    proprio = factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.1"),
        instituicao=dpu,
        ciclo=ciclo,
        autor=parceiro_dpu,
    )
    client.force_login(parceiro_dpu)
    forjado = dados(evidencias=[evidencia], novas=0, revisao=proprio.revisao)
    forjado["evidencias-0-titulo"] = "Trocado"
    resposta = client.post("/portal/atividades/1.1.1/relatar/", forjado)
    assert resposta.status_code == 200  # refused: not one of the draft's items
    forjado["evidencias-0-DELETE"] = "on"
    client.post("/portal/atividades/1.1.1/relatar/", forjado)
    evidencia.refresh_from_db()
    assert evidencia.titulo == "Da PF"
    assert evidencia.atualizacao == alheio
