"""Issue 14: "Adicionar evidência" on the report form adds one blank evidence
form, keeps everything typed, saves nothing and shows no error (no JavaScript)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoramento.models import EVIDENCIAS_POR_RELATO, Atualizacao, Evidencia, EvidenciaPendente
from tests import factories

from .conftest import com_evidencia, dados_do_relato

URL = "/portal/atividades/2.1.1/relatar/"


@pytest.fixture
def cliente_pf(client, parceiro_pf, atividade_pf, ciclo):
    client.force_login(parceiro_pf)
    return client


def formularios_de_evidencia(html: str) -> int:
    return len(re.findall(r'<fieldset class="evidencia', html))


def test_adicionar_evidencia_mantem_o_digitado_sem_gravar_nem_erros(cliente_pf):
    # Half-typed: a % outside 0–100 and an evidence without link, which a
    # save would refuse; adding a space must not say so yet.
    dados = dados_do_relato(percentual="150", realizado="Oficina em Manaus.", restricoes="Chuva.")
    dados = com_evidencia(dados, titulo="Lista de presença", url="")
    dados["adicionar_evidencia"] = "1"
    dados.pop("acao")
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert formularios_de_evidencia(html) == 2
    assert 'name="evidencias-TOTAL_FORMS" value="2"' in html
    assert "Oficina em Manaus." in html and "Chuva." in html
    assert 'value="150"' in html
    assert 'value="Lista de presença"' in html
    assert re.search(r'value="em_andamento"[^>]*checked', html)
    # The new blank form gets the focus; nothing is flagged as an error.
    assert re.search(r'name="evidencias-1-titulo"[^>]*autofocus', html)
    assert "<title>Erro:" not in html
    assert "resumo-de-erros" not in html
    assert 'class="feedback danger"' not in html
    assert not Atualizacao.objects.exists()
    # Adding again keeps the second form's text and adds a third.
    dados = {k: v for k, v in dados.items() if not k.startswith("evidencias-")}
    dados.update(
        {
            "evidencias-TOTAL_FORMS": 2,
            "evidencias-INITIAL_FORMS": 0,
            "evidencias-0-titulo": "Lista de presença",
            "evidencias-0-tipo": "documento",
            "evidencias-1-titulo": "Fotos da oficina",
            "evidencias-1-tipo": "noticia",
            "evidencias-1-url": "https://www.gov.br/fotos",
        }
    )
    html = cliente_pf.post(URL, dados).content.decode()
    assert formularios_de_evidencia(html) == 3
    assert 'value="Fotos da oficina"' in html and 'value="https://www.gov.br/fotos"' in html
    assert re.search(r'value="noticia"[^>]*selected', html)


def test_depois_de_adicionar_gravar_grava_as_duas_evidencias(cliente_pf):
    dados = com_evidencia(dados_do_relato(novas=2))
    dados = com_evidencia(dados, 1, titulo="Portaria", url="https://www.gov.br/portaria")
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 302
    assert sorted(Evidencia.objects.values_list("titulo", flat=True)) == [
        "Portaria",
        "Relatório da capacitação",
    ]


def test_adicionar_num_rascunho_mantem_as_evidencias_gravadas_e_a_revisao(
    cliente_pf, parceiro_pf, pf, atividade_pf, ciclo
):
    rascunho = factories.criar_atualizacao(
        atividade=atividade_pf, instituicao=pf, ciclo=ciclo, autor=parceiro_pf, revisao=3
    )
    gravada = factories.criar_evidencia(atualizacao=rascunho, titulo="Ofício")
    dados = dados_do_relato(evidencias=[gravada], novas=0, revisao=3, adicionar_evidencia="1")
    dados["evidencias-0-titulo"] = "Ofício corrigido"
    dados["evidencias-0-DELETE"] = "on"
    html = cliente_pf.post(URL, dados).content.decode()
    assert formularios_de_evidencia(html) == 2
    assert 'value="Ofício corrigido"' in html
    assert re.search(r'name="evidencias-0-DELETE"[^>]*checked', html)
    assert re.search(r'name="revisao" value="3"', html)
    gravada.refresh_from_db()
    assert gravada.titulo == "Ofício"  # nothing saved
    rascunho.refresh_from_db()
    assert rascunho.revisao == 3


def test_arquivo_escolhido_ao_adicionar_fica_recebido_e_escolhido(cliente_pf):
    dados = com_evidencia(dados_do_relato(adicionar_evidencia="1"), url="")
    dados["evidencias-0-arquivo"] = SimpleUploadedFile("ata.pdf", b"%PDF-1.4\n%%EOF\n")
    html = cliente_pf.post(URL, dados).content.decode()
    pendente = EvidenciaPendente.objects.get()
    assert pendente.nome_original == "ata.pdf"
    assert re.search(rf'<option value="{pendente.pk}" selected>ata.pdf', html)
    assert not Evidencia.objects.exists()


def test_arquivo_recusado_ao_adicionar_pede_de_novo(cliente_pf):
    dados = com_evidencia(dados_do_relato(adicionar_evidencia="1"), url="")
    dados["evidencias-0-arquivo"] = SimpleUploadedFile("ata.pdf", b"nada de pdf")
    html = cliente_pf.post(URL, dados).content.decode()
    assert "Um arquivo escolhido não foi aceito" in html
    assert not EvidenciaPendente.objects.exists()


def test_no_limite_de_evidencias_nao_ha_mais_espaco(
    cliente_pf, parceiro_pf, pf, atividade_pf, ciclo
):
    rascunho = factories.criar_atualizacao(
        atividade=atividade_pf, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
    )
    gravadas = [
        factories.criar_evidencia(atualizacao=rascunho, titulo=f"Evidência {i}")
        for i in range(EVIDENCIAS_POR_RELATO)
    ]
    html = cliente_pf.get(URL).content.decode()
    assert 'name="adicionar_evidencia"' not in html
    dados = dados_do_relato(evidencias=gravadas, novas=0, revisao=1, adicionar_evidencia="1")
    html = cliente_pf.post(URL, dados).content.decode()
    assert formularios_de_evidencia(html) == EVIDENCIAS_POR_RELATO
    assert "não há espaço para mais uma" in html


def test_outra_instituicao_nao_adiciona(client, parceiro_dpu, atividade_pf, ciclo):
    client.force_login(parceiro_dpu)
    resposta = client.post(URL, dados_do_relato(adicionar_evidencia="1"))
    assert resposta.status_code == 404
