"""The admin's changelists (fixed query counts), item forms, deletion rules
and the read-only history."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoramento.models import Atualizacao
from plano.models import Acao, Atividade, Objetivo, Vinculo
from tests import factories
from tests.mfa import CONSULTA_DO_SEGUNDO_FATOR

# Every changelist costs, for a member of "Equipe CGETP": 1. the session;
# 2. the user; 3.-4. the user's own and group permissions; then the queries
# listed per page: the choices of its related-object filters, the filtered
# count, the total count, the page of rows, and its prefetches.
LISTAS = {
    # plans: counts, rows.
    "/admin/plano/plano/": 7,
    # objectives: plan filter; counts; rows with plan and number of actions.
    "/admin/plano/objetivo/": 8,
    # actions: plan and objective filters; counts; rows with number of activities.
    "/admin/plano/acao/": 9,
    # activities: plan and institution filters; counts; rows; links with institutions.
    "/admin/plano/atividade/": 10,
    # links: institution filter; counts; rows with activity and institution.
    "/admin/plano/vinculo/": 8,
    # import log: plan filter; counts; rows with user and plan.
    "/admin/plano/importacaodoplano/": 8,
    # institutions: counts; rows with numbers of links and users.
    "/admin/parceiros/instituicao/": 7,
    # users: institution and group filters; counts; rows with institution.
    "/admin/parceiros/usuario/": 9,
}


@pytest.fixture
def logado(client, equipe):
    client.force_login(equipe)
    return client


@pytest.mark.parametrize("fator", [1, 10])
@pytest.mark.parametrize(("url", "consultas"), LISTAS.items())
def test_lista_do_admin_custa_o_mesmo_numero_de_consultas_em_qualquer_tamanho(
    logado, plano, pf, url, consultas, fator
):
    factories.ampliar_plano(plano=plano, fator=fator)
    for indice in range(3 * fator):
        factories.criar_usuario(instituicao=pf if indice % 2 else None)
    logado.get(url)
    with CaptureQueriesContext(connection) as ctx:
        resposta = logado.get(url)
    assert resposta.status_code == 200
    assert len(ctx.captured_queries) == consultas + CONSULTA_DO_SEGUNDO_FATOR, "\n".join(
        q["sql"] for q in ctx.captured_queries
    )


def test_lista_de_atividades_mostra_colunas_e_ordena_codigos_como_numeros(logado, plano):
    acao = Acao.objects.get(codigo="1.1")
    for numero in range(5, 11):
        Atividade.objects.create(
            acao=acao, numero=numero, codigo=f"1.1.{numero}", texto=f"Extra {numero}"
        )
    html = logado.get("/admin/plano/atividade/?o=1").content.decode()
    assert html.index(">1.1.9<") < html.index(">1.1.10<") < html.index(">1.2.1<")
    assert "MJSP; MPF; PF; DPU; Agências Internacionais; OSCs" in html
    assert "a definir" in html
    assert "Sem informação" in html
    # Descending by code, still as numbers.
    html = logado.get("/admin/plano/atividade/?q=Extra&o=-1").content.decode()
    assert html.index(">1.1.10<") < html.index(">1.1.9<")


def test_busca_por_sigla_encontra_as_atividades_da_instituicao(logado, plano):
    html = logado.get("/admin/plano/atividade/?q=DPU").content.decode()
    assert "4 atividades" in html


def test_pagina_da_atividade_tem_vinculos_em_linha_e_link_para_a_pagina_publica(logado, plano):
    atividade = Atividade.objects.get(codigo="1.1.1")
    html = logado.get(f"/admin/plano/atividade/{atividade.pk}/change/").content.decode()
    assert "vinculos-TOTAL_FORMS" in html
    assert "Ver no site" in html
    assert atividade.get_absolute_url() == "/plano/1.1.1/"


def test_objetivo_mostra_suas_acoes_e_acao_suas_atividades(logado, plano):
    objetivo = Objetivo.objects.get(codigo="1")
    assert (
        "acoes-TOTAL_FORMS"
        in logado.get(f"/admin/plano/objetivo/{objetivo.pk}/change/").content.decode()
    )
    acao = Acao.objects.get(codigo="1.1")
    assert (
        "atividades-TOTAL_FORMS"
        in logado.get(f"/admin/plano/acao/{acao.pk}/change/").content.decode()
    )


def _dados_da_atividade(atividade, **mudancas):
    dados = {
        "acao": atividade.acao_id,
        "numero": atividade.numero,
        "texto": atividade.texto,
        "prazo": "",
        "peso": "1",
        "links": "",
        "vinculos-TOTAL_FORMS": "0",
        "vinculos-INITIAL_FORMS": "0",
    }
    dados.update(mudancas)
    return dados


def test_edicao_no_admin_fica_no_historico_com_quem_e_quando(logado, plano, equipe):
    atividade = Atividade.objects.get(codigo="1.1.4")
    Vinculo.objects.filter(atividade=atividade).delete()
    resposta = logado.post(
        f"/admin/plano/atividade/{atividade.pk}/change/",
        _dados_da_atividade(atividade, texto="Texto revisto."),
    )
    assert resposta.status_code == 302
    registro = atividade.history.first()
    assert (registro.texto, registro.history_user, registro.history_type) == (
        "Texto revisto.",
        equipe,
        "~",
    )
    html = logado.get(f"/admin/plano/atividade/{atividade.pk}/history/").content.decode()
    assert "Texto revisto." in html
    assert equipe.username in html


def test_historico_nao_pode_ser_revertido_nem_editado(logado, plano):
    atividade = Atividade.objects.get(codigo="1.1.4")
    texto_original = atividade.texto
    atividade.texto = "Versão nova."
    atividade.save()
    antiga = atividade.history.last()
    url = f"/admin/plano/atividade/{atividade.pk}/history/{antiga.history_id}/"
    html = logado.get(url).content.decode()
    assert "Reverter" not in html and "Revert" not in html
    assert logado.post(url, _dados_da_atividade(atividade, texto=texto_original)).status_code == 403
    atividade.refresh_from_db()
    assert atividade.texto == "Versão nova."
    # No admin page edits the historical records themselves.
    assert logado.get("/admin/plano/historicalatividade/").status_code == 404


def test_numero_de_item_existente_nao_muda_pelo_admin(logado, plano):
    atividade = Atividade.objects.get(codigo="1.1.4")
    resposta = logado.post(
        f"/admin/plano/atividade/{atividade.pk}/change/", _dados_da_atividade(atividade, numero="9")
    )
    assert resposta.status_code == 200
    assert (
        "O número e o item superior de um item já cadastrado não mudam" in resposta.content.decode()
    )
    atividade.refresh_from_db()
    assert (atividade.numero, atividade.codigo) == (4, "1.1.4")


def test_nova_atividade_recebe_o_codigo_do_item_superior(logado, plano):
    acao = Acao.objects.get(codigo="2.1")
    resposta = logado.post(
        "/admin/plano/atividade/add/",
        _dados_da_atividade(Atividade(acao=acao, numero=7, texto="Nova atividade.")),
    )
    assert resposta.status_code == 302
    assert Atividade.objects.get(acao=acao, numero=7).codigo == "2.1.7"


def test_excluir_atividade_com_relatos_e_recusado(logado, plano, parceiro_pf, pf):
    atividade = Atividade.objects.get(codigo="1.1.1")
    factories.criar_atualizacao(
        atividade=atividade,
        instituicao=pf,
        ciclo=factories.criar_ciclo(plano=plano),
        autor=parceiro_pf,
    )
    url = f"/admin/plano/atividade/{atividade.pk}/delete/"
    html = logado.get(url).content.decode()
    assert "Não é possível remover atividade" in html
    assert "exigiria remover os seguintes objetos protegidos relacionados" in html
    # The protected report is listed, linked to its admin page.
    assert re.search(r"Atualização: <a href=\"[^\"]+\">1.1.1 · PF · 2025.1 v1</a>", html)
    logado.post(url, {"post": "yes"})
    assert Atividade.objects.filter(pk=atividade.pk).exists()
    assert Atualizacao.objects.filter(atividade=atividade).count() == 1


def test_excluir_atividade_sem_relatos_fica_no_historico(logado, plano, equipe):
    atividade = Atividade.objects.get(codigo="1.1.4")
    resposta = logado.post(f"/admin/plano/atividade/{atividade.pk}/delete/", {"post": "yes"})
    assert resposta.status_code == 302
    assert not Atividade.objects.filter(pk=atividade.pk).exists()
    registro = Atividade.history.filter(id=atividade.pk).first()
    assert (registro.history_type, registro.history_user) == ("-", equipe)


def test_historico_mostra_as_alteracoes_por_palavra_com_datas_legiveis(logado, plano):
    """Issue 14, point 12: no "Mapea[176 chars]…", no "2026-11-017-06-30":
    the whole text, old beside new, the words removed and added marked."""
    atividade = Atividade.objects.get(codigo="1.1.4")
    atividade.prazo = date(2026, 11, 1)
    atividade.save()
    antigo = atividade.texto
    palavras = antigo.split()
    atividade.texto = " ".join([*palavras[:-1], "revista", palavras[-1]])
    atividade.prazo = date(2027, 6, 30)
    atividade._change_reason = "Nova data acordada."
    atividade.save()
    html = logado.get(f"/admin/plano/atividade/{atividade.pk}/history/").content.decode()
    linha_prazo = html.split('<th scope="row">Prazo</th>')[1].split("</tr>")[0]
    assert '<td class="antes">01/11/2026</td>' in linha_prazo
    assert '<td class="depois">30/06/2027</td>' in linha_prazo
    linha_texto = html.split('<th scope="row">Texto</th>')[1].split("</tr>")[0]
    assert "<ins>revista </ins>" in linha_texto and "<del>" not in linha_texto
    assert "chars]" not in html and "None" not in html
    assert palavras[0] in linha_texto and palavras[-1] in linha_texto


def test_diferenca_por_palavra_escapa_e_marca_o_que_mudou():
    from comum.admin import diferenca_por_palavra

    antes, depois = diferenca_por_palavra(
        "Mapear <b>rotas</b> na fronteira", "Mapear rotas na fronteira sul"
    )
    assert antes == "Mapear <del>&lt;b&gt;rotas&lt;/b&gt;</del> na fronteira"
    assert depois == "Mapear <ins>rotas</ins> na fronteira<ins> sul</ins>"
