"""Issue 14: "Relatar o ciclo" (/portal/ciclo/), every report the institution
owes in the open cycle on one page: drafts saved together (each row all or
nothing), the selected rows sent together after a confirmation, through the
same services and rules as the report form."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoramento.models import Atualizacao
from plano.indicadores import Situacao
from plano.models import Atividade
from tests import factories

URL = "/portal/ciclo/"
CONFIRMAR = "/portal/ciclo/enviar/"
Estado = Atualizacao.Estado


@pytest.fixture
def atividades(pf, atividade_pf, ciclo):
    """PF's linked activities in plan order (the seed's links and 2.1.1)."""
    lista = list(Atividade.objects.do_parceiro(pf).em_ordem())
    assert len(lista) >= 4
    return lista


@pytest.fixture
def cliente_pf(client, parceiro_pf, atividades):
    client.force_login(parceiro_pf)
    return client


def linha(atividade, **campos) -> dict:
    """POST data of one row, as the page shows it for a new report."""
    dados = {"revisao": 0, "situacao": "", "percentual": "", "realizado": ""}
    dados.update(campos)
    return {f"a{atividade.pk}-{nome}": valor for nome, valor in dados.items()}


def pagina(cliente, atividades, *linhas, acao="gravar") -> dict:
    """The whole page's POST: untouched rows as shown, `linhas` changed."""
    dados = {"acao": acao}
    for atividade in atividades:
        dados.update(linha(atividade))
    for alterada in linhas:
        dados.update(alterada)
    return dados


def relato(atividade, pf):
    return Atualizacao.objects.filter(atividade=atividade, instituicao=pf).order_by("versao").last()


def test_lista_so_o_que_a_instituicao_deve_com_o_que_ja_ha(
    cliente_pf, atividades, pf, parceiro_pf, ciclo, plano
):
    enviada, rascunho, copiada, devolvida = atividades[:4]
    factories.criar_atualizacao(
        atividade=enviada, instituicao=pf, ciclo=ciclo, autor=parceiro_pf, estado=Estado.ENVIADA
    )
    factories.criar_atualizacao(
        atividade=rascunho,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        percentual=35,
        realizado="Rascunho da oficina.",
    )
    passado = factories.criar_ciclo(plano=plano, codigo="2025.2")
    factories.criar_atualizacao(
        atividade=copiada,
        instituicao=pf,
        ciclo=passado,
        autor=parceiro_pf,
        estado=Estado.PUBLICADA,
        percentual=60,
    )
    factories.criar_atualizacao(
        atividade=devolvida,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Estado.DEVOLVIDA,
    )
    html = cliente_pf.get(URL).content.decode()
    assert f'id="linha-{enviada.pk}"' not in html  # sent: nothing owed
    assert "Rascunho da oficina." in html
    assert re.search(rf'name="a{rascunho.pk}-percentual" value="35"', html)
    assert re.search(rf'name="a{copiada.pk}-percentual" value="60"', html)
    assert "Situação e % copiados do relato de 2025.2." in html
    # A returned report is corrected on its own form.
    trecho = html[html.index(f'id="linha-{devolvida.pk}"') :]
    assert f'href="/portal/atividades/{devolvida.codigo}/relatar/"' in trecho
    assert f'name="a{devolvida.pk}-situacao"' not in html


def test_atividade_cancelada_nao_aparece(cliente_pf, atividades):
    Atividade.objects.filter(pk=atividades[0].pk).update(situacao=Situacao.CANCELADA)
    html = cliente_pf.get(URL).content.decode()
    assert f'id="linha-{atividades[0].pk}"' not in html
    assert f'id="linha-{atividades[1].pk}"' in html


def test_gravar_rascunhos_grava_as_linhas_alteradas_juntas(cliente_pf, atividades, pf):
    a, b, c, intocada = atividades[:4]
    dados = pagina(
        cliente_pf,
        atividades,
        linha(a, situacao="em_andamento", percentual=40, realizado="Curso em Foz."),
        linha(b, situacao="concluida", percentual=20, realizado="Portaria publicada."),
        linha(c, situacao="nao_iniciada", percentual=70, realizado="Aguardando verba."),
    )
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 302 and resposta["Location"] == URL
    assert relato(a, pf).percentual == 40
    assert relato(b, pf).percentual == 100  # Concluída sets 100 %
    assert relato(c, pf).percentual == 0  # Não iniciada sets 0 %
    assert all(relato(x, pf).estado == Estado.RASCUNHO for x in (a, b, c))
    assert relato(intocada, pf) is None
    html = cliente_pf.get(URL).content.decode()
    assert f"Rascunhos gravados: {a.codigo}, {b.codigo}, {c.codigo}." in html
    assert "Curso em Foz." in html
    # Saving again, unchanged, saves nothing and says so.
    dados = {"acao": "gravar"}
    for x in (a, b, c):
        r = relato(x, pf)
        dados.update(
            linha(x, revisao=r.revisao, situacao=r.situacao, percentual=r.percentual)
            | {f"a{x.pk}-realizado": r.realizado}
        )
    cliente_pf.post(URL, dados)
    assert relato(a, pf).revisao == 1
    assert "Nenhuma linha foi alterada" in cliente_pf.get(URL).content.decode()


def test_linha_com_erro_mostra_o_erro_e_as_validas_sao_gravadas(cliente_pf, atividades, pf):
    valida, sem_texto, fora = atividades[:3]
    dados = pagina(
        cliente_pf,
        atividades,
        linha(valida, situacao="em_andamento", percentual=40, realizado="Curso em Foz."),
        linha(sem_texto, situacao="em_andamento", percentual=10, realizado=""),
        linha(fora, situacao="em_andamento", percentual=150, realizado="Texto que fica."),
    )
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert html.count("<title>Erro: ") == 1
    assert 'id="resumo-de-erros"' in html and 'tabindex="-1"' in html
    assert "2 linhas não foram gravadas" in html
    assert f'href="#id_a{sem_texto.pk}-realizado"' in html
    assert f'href="#id_a{fora.pk}-percentual"' in html
    assert f'id="id_a{fora.pk}-percentual_error"' in html  # the error in its row
    assert "Texto que fica." in html  # what was typed stays
    assert f"Rascunhos gravados: {valida.codigo}." in html
    assert relato(valida, pf).estado == Estado.RASCUNHO
    assert relato(sem_texto, pf) is None and relato(fora, pf) is None
    # The saved row now carries its new revision: saving again is no conflict.
    assert re.search(rf'name="a{valida.pk}-revisao" value="1"', html)


def test_conflito_numa_linha_nao_grava_essa_linha(cliente_pf, atividades, pf, parceiro_pf, ciclo):
    a = atividades[0]
    factories.criar_atualizacao(
        atividade=a, instituicao=pf, ciclo=ciclo, autor=parceiro_pf, revisao=2
    )
    dados = pagina(
        cliente_pf,
        atividades,
        linha(a, revisao=1, situacao="em_andamento", percentual=80, realizado="Antigo."),
    )
    html = cliente_pf.post(URL, dados).content.decode()
    assert "Outra pessoa da sua instituição gravou este relato" in html
    assert relato(a, pf).percentual == 50


def test_enviar_selecionados_confirma_e_envia_os_marcados(
    cliente_pf, atividades, pf, parceiro_pf, ciclo, mailoutbox, validador
):
    a, b, c = atividades[:3]
    rascunho_b = factories.criar_atualizacao(
        atividade=b, instituicao=pf, ciclo=ciclo, autor=parceiro_pf, realizado="Já gravado."
    )
    dados = pagina(
        cliente_pf,
        atividades,
        linha(a, situacao="em_andamento", percentual=40, realizado="Curso em Foz.", enviar="on"),
        linha(b, revisao=1, situacao="em_andamento", percentual=50, enviar="on"),
        {f"a{b.pk}-realizado": "Já gravado."},
        linha(c, situacao="em_andamento", percentual=5, realizado="Só rascunho."),
        acao="enviar",
    )
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 302
    assert resposta["Location"] == f"{CONFIRMAR}?atividade={a.codigo}&atividade={b.codigo}"
    # Saved, not yet sent.
    assert relato(a, pf).estado == Estado.RASCUNHO
    assert relato(c, pf).estado == Estado.RASCUNHO
    html = cliente_pf.get(resposta["Location"]).content.decode()
    assert "Curso em Foz." in html and "Já gravado." in html
    assert "Só rascunho." not in html  # exactly what will be sent
    assert "Confirmar o envio de 2 relatos à CGETP" in html
    resposta = cliente_pf.post(
        CONFIRMAR,
        {
            "atividade": [a.codigo, b.codigo],
            f"revisao-{relato(a, pf).pk}": 1,
            f"revisao-{rascunho_b.pk}": 1,
        },
    )
    assert resposta["Location"] == "/portal/"
    assert relato(a, pf).estado == Estado.ENVIADA
    assert relato(b, pf).estado == Estado.ENVIADA
    assert relato(c, pf).estado == Estado.RASCUNHO
    inicio = cliente_pf.get("/portal/").content.decode()
    assert f"Relatos enviados à CGETP para validação: {a.codigo}, {b.codigo}." in inicio
    assert inicio.count("Enviada à CGETP") == 2
    assert len(mailoutbox) == 2  # the validators hear of each, as from the single form


def test_concluida_sem_evidencia_e_recusada_com_link_e_as_outras_vao(
    cliente_pf, atividades, pf, parceiro_pf, ciclo, validador
):
    a, b = atividades[:2]
    com_evidencia = factories.criar_atualizacao(
        atividade=b,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        situacao="concluida",
        percentual=100,
    )
    factories.criar_evidencia(atualizacao=com_evidencia)
    dados = pagina(
        cliente_pf,
        atividades,
        linha(a, situacao="concluida", realizado="Concluída sem prova.", enviar="on"),
        linha(b, revisao=1, situacao="concluida", percentual=100, enviar="on"),
        {f"a{b.pk}-realizado": com_evidencia.realizado},
        acao="enviar",
    )
    destino = cliente_pf.post(URL, dados)["Location"]
    html = cliente_pf.get(destino).content.decode()
    assert "Não pode ser enviado agora" in html
    assert "Uma atividade concluída precisa de pelo menos uma evidência." in html
    assert f'href="/portal/atividades/{a.codigo}/relatar/"' in html
    assert "Confirmar o envio de 1 relato à CGETP" in html
    assert "Concluída sem prova." not in html
    # Even if posted, the refused one is not sent; the other is.
    cliente_pf.post(
        CONFIRMAR,
        {
            "atividade": [a.codigo, b.codigo],
            f"revisao-{relato(a, pf).pk}": 1,
            f"revisao-{com_evidencia.pk}": 1,
        },
    )
    assert relato(a, pf).estado == Estado.RASCUNHO
    assert relato(b, pf).estado == Estado.ENVIADA


def test_confirmacao_desatualizada_nao_envia(cliente_pf, atividades, pf, parceiro_pf, ciclo):
    a = atividades[0]
    rascunho = factories.criar_atualizacao(
        atividade=a, instituicao=pf, ciclo=ciclo, autor=parceiro_pf, revisao=4
    )
    resposta = cliente_pf.post(CONFIRMAR, {"atividade": a.codigo, f"revisao-{rascunho.pk}": 3})
    assert resposta.status_code == 409
    html = resposta.content.decode()
    assert html.count("<title>Erro: ") == 1
    assert "alterado depois que a confirmação foi aberta" in html
    assert relato(a, pf).estado == Estado.RASCUNHO


def test_enviar_sem_marcar_nada_diz_o_que_fazer(cliente_pf, atividades):
    resposta = cliente_pf.post(URL, pagina(cliente_pf, atividades, acao="enviar"))
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert html.count("<title>Erro: ") == 1
    assert "Marque, na coluna “Enviar”, as atividades a enviar." in html


def test_confirmacao_sem_rascunho_volta_a_pagina_do_ciclo(cliente_pf, atividades):
    resposta = cliente_pf.get(f"{CONFIRMAR}?atividade={atividades[0].codigo}")
    assert resposta["Location"] == URL


def test_minhas_atividades_leva_ao_relato_do_ciclo(cliente_pf):
    html = cliente_pf.get("/portal/").content.decode()
    assert f'href="{URL}">Relatar o ciclo</a>' in html


def test_sem_ciclo_aberto_nada_a_relatar(client, parceiro_pf, pf, plano):
    client.force_login(parceiro_pf)
    html = client.get(URL).content.decode()
    assert "Nenhum ciclo de monitoramento está aberto" in html
    assert "Gravar rascunhos" not in html


# Access: anonymous, another institution, its own, staff.


def test_anonimo_vai_para_a_entrada(client, ciclo):
    for url in (URL, CONFIRMAR):
        assert client.get(url)["Location"].startswith("/portal/entrar/")
        assert client.post(url)["Location"].startswith("/portal/entrar/")


def test_equipe_nao_usa_a_pagina_do_ciclo(client, equipe, ciclo):
    client.force_login(equipe)
    for url in (URL, CONFIRMAR):
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403


def test_outra_instituicao_nao_ve_nem_grava_nem_envia(
    client, parceiro_dpu, atividade_pf, pf, parceiro_pf, ciclo
):
    a = atividade_pf  # linked to the PF alone
    rascunho = factories.criar_atualizacao(
        atividade=a, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
    )
    client.force_login(parceiro_dpu)
    html = client.get(URL).content.decode()
    assert f'id="linha-{a.pk}"' not in html
    client.post(
        URL,
        linha(a, revisao=1, situacao="em_andamento", percentual=90, realizado="Intruso.")
        | {"acao": "enviar", f"a{a.pk}-enviar": "on"},
    )
    resposta = client.post(CONFIRMAR, {"atividade": a.codigo, f"revisao-{rascunho.pk}": 1})
    assert resposta["Location"] == URL
    rascunho.refresh_from_db()
    assert (rascunho.estado, rascunho.percentual) == (Estado.RASCUNHO, 50)
    assert not Atualizacao.objects.filter(instituicao__sigla="DPU").exists()


# A fixed number of queries, the same with 10 times the links.


@pytest.fixture(params=[1, 10], ids=["plano-real", "dez-vezes"])
def muitos_vinculos(request, plano, pf, ciclo, parceiro_pf):
    factories.ampliar_plano(plano=plano, fator=request.param)
    passado = factories.criar_ciclo(plano=plano, codigo="2025.2")
    lista = list(Atividade.objects.do_parceiro(pf))
    assert len(lista) == 4 * request.param
    for i, atividade in enumerate(lista):
        factories.criar_atualizacao(
            atividade=atividade,
            instituicao=pf,
            ciclo=passado,
            autor=parceiro_pf,
            estado=Estado.PUBLICADA,
        )
        if i % 2:
            rascunho = factories.criar_atualizacao(
                atividade=atividade, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
            )
            factories.criar_evidencia(atualizacao=rascunho)
    return lista


def _consultas(cliente, url) -> int:
    cliente.get(url)  # warm the demo-banner cache, as in steady state
    with CaptureQueriesContext(connection) as ctx:
        assert cliente.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pagina_do_ciclo_custa_consultas_fixas(client, parceiro_pf, muitos_vinculos):
    client.force_login(parceiro_pf)
    # 1. session; 2. user; 3. institution; 4. open cycle; 5. the owed
    # activities; 6. their reports this cycle; 7. their evidence; 8. the
    # institution's published reports with their cycle.
    assert _consultas(client, URL) == 8
    rascunhos = [a.codigo for i, a in enumerate(muitos_vinculos) if i % 2]
    consulta = "&".join(f"atividade={c}" for c in rascunhos)
    # The confirmation: the same 8.
    assert _consultas(client, f"{CONFIRMAR}?{consulta}") == 8


def test_linha_que_a_pagina_nao_mostrava_fica_como_esta(cliente_pf, atividades, pf):
    """A link made while the page was open adds a row the POST does not
    carry: it is neither saved nor flagged."""
    a, nova = atividades[:2]
    dados = pagina(
        cliente_pf,
        [x for x in atividades if x != nova],
        linha(a, situacao="em_andamento", percentual=40, realizado="Curso em Foz."),
    )
    assert cliente_pf.post(URL, dados).status_code == 302
    assert relato(a, pf) is not None and relato(nova, pf) is None


def test_paginas_do_ciclo_sao_html_valido(cliente_pf, atividades, pf, parceiro_pf, ciclo, tmp_path):
    import json

    from tests.test_html_valido import validar

    a, b = atividades[:2]
    factories.criar_atualizacao(
        atividade=b,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        situacao="concluida",
        percentual=100,
    )
    paginas = {URL: cliente_pf.get(URL).content.decode()}
    erros = cliente_pf.post(
        URL,
        pagina(
            cliente_pf,
            atividades,
            linha(a, situacao="em_andamento", percentual=150, realizado=""),
        ),
    )
    paginas["erros"] = erros.content.decode()
    paginas["recusa"] = cliente_pf.get(f"{CONFIRMAR}?atividade={b.codigo}").content.decode()
    rascunho = factories.criar_atualizacao(
        atividade=a, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
    )
    paginas["confirmar"] = cliente_pf.get(f"{CONFIRMAR}?atividade={a.codigo}").content.decode()
    paginas["desatualizada"] = cliente_pf.post(
        CONFIRMAR, {"atividade": a.codigo, f"revisao-{rascunho.pk}": 99}
    ).content.decode()
    from .conftest import dados_do_relato

    paginas["adicionar"] = cliente_pf.post(
        f"/portal/atividades/{a.codigo}/relatar/",
        dados_do_relato(revisao=1, adicionar_evidencia="1"),
    ).content.decode()
    assert 'name="evidencias-1-titulo"' in paginas["adicionar"]
    problemas = validar(paginas, tmp_path)
    assert problemas == [], json.dumps(problemas, ensure_ascii=False, indent=1)
