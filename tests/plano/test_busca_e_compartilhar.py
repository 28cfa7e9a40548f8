"""/plano/: search that ranks and highlights, the institution filter that
accepts what people type, sorting, pages at scale, and the canonical link.
Runs on SQLite and on PostgreSQL (the same tiers on both)."""

import re

import pytest

from comum.consultas import consulta_normalizada
from monitoramento.models import Atualizacao, Evidencia
from plano.models import Atividade
from tests import factories


def cartoes(html: str) -> list[str]:
    return re.findall(r'<li class="cartao-atividade" id="atividade-([\d.]+)">', html)


def cartao(html: str, codigo: str) -> str:
    return html.split(f'id="atividade-{codigo}">')[1].split('class="cartao-atividade"')[0]


def pagina(client, consulta: str) -> str:
    resposta = client.get(f"/plano/?{consulta}")
    assert resposta.status_code == 200
    return resposta.content.decode()


def test_busca_poe_o_texto_da_propria_atividade_antes_dos_pais(client, plano):
    html = pagina(client, "busca=fronteira")
    codigos = cartoes(html)
    proprias = [a.codigo for a in Atividade.objects.em_ordem() if "fronteira" in a.texto.lower()]
    assert proprias and len(codigos) > len(proprias)
    # The activities that say "fronteira" come first, in code order; those
    # found only through their action or objective stay, ranked below.
    assert codigos[: len(proprias)] == proprias
    for codigo in codigos[len(proprias) :]:
        assert "Termos encontrados no texto d" in cartao(html, codigo)
    assert "Termos encontrados" not in cartao(html, proprias[0])
    # Searching lists by relevance, not grouped by objective.
    assert '<details class="grupo-objetivo"' not in html
    assert '<option value="relevancia" selected>' in html


def test_busca_destaca_as_palavras_sem_importar_acentos(client, plano):
    html = pagina(client, "busca=regularizacao")
    primeiro = cartoes(html)[0]
    assert re.search(r"<mark>[Rr]egularização</mark>", cartao(html, primeiro))
    # The highlight never breaks the links of cited codes or other tags.
    assert "<mark><" not in html and "</a</mark>" not in html


def test_busca_por_sigla_ou_nome_de_parceiro(client, plano):
    pf = set(
        Atividade.objects.filter(vinculos__instituicao__sigla="PF").values_list("codigo", flat=True)
    )
    assert pf
    for busca in ["PF", "pf"]:
        html = pagina(client, f"busca={busca}")
        assert set(cartoes(html)) == pf, busca
        assert "Termos encontrados nos parceiros." in cartao(html, sorted(pf)[0])
    # By name too, ranked below the activities whose own text has the words.
    codigos = cartoes(pagina(client, "busca=Policia+Federal"))
    assert pf <= set(codigos)


@pytest.mark.parametrize("valor", ["pf", "PF", "Pf", "+pf+"])
def test_filtro_de_instituicao_aceita_identificador_ou_sigla_em_qualquer_caixa(
    client, plano, valor
):
    html = pagina(client, f"instituicao={valor}")
    esperado = list(
        Atividade.objects.filter(vinculos__instituicao__slug="pf")
        .em_ordem()
        .values_list("codigo", flat=True)
    )
    assert cartoes(html) == esperado
    assert "Filtro ignorado" not in html
    assert '<option value="pf" selected>Polícia Federal (PF)</option>' in html


def test_filtro_de_instituicao_desconhecida_continua_avisado(client, plano):
    html = pagina(client, "instituicao=XYZ")
    assert "XYZ não é uma das escolhas disponíveis. Filtro ignorado." in html
    assert len(cartoes(html)) == 75


def test_filtro_de_instituicao_mostra_nomes_completos(client, plano):
    html = pagina(client, "")
    assert '<option value="dpu">Defensoria Pública da União (DPU)</option>' in html


def test_link_canonico_e_og_url_guardam_os_filtros_normalizados(client, plano):
    html = pagina(
        client,
        "situacao=sem_informacao&busca=Rede++Nacional&instituicao=PF&utm_source=x&objetivo=99",
    )
    esperado = "http://testserver/plano/?busca=Rede+Nacional&amp;instituicao=pf&amp;situacao=sem_informacao"
    assert f'<link rel="canonical" href="{esperado}">' in html
    assert f'<meta property="og:url" content="{esperado}">' in html
    # "Copiar link" starts as a plain link to the same address (no script needed).
    html = pagina(client, "situacao=sem_informacao&instituicao=PF")
    esperado = "http://testserver/plano/?instituicao=pf&amp;situacao=sem_informacao"
    assert f'<a class="br-button secondary small" href="{esperado}" data-copiar-link>' in html
    # Without filters, the plain path.
    assert '<link rel="canonical" href="http://testserver/plano/">' in pagina(client, "")


def test_consulta_normalizada_ordena_limpa_e_filtra():
    assert consulta_normalizada({"b": "2", "a": "  x   y ", "c": ""}) == "a=x+y&b=2"
    assert consulta_normalizada({"b": ["2", "1", "2"]}) == "b=1&b=2"
    assert consulta_normalizada({"a": "1", "utm": "z"}, campos=["a"]) == "a=1"
    assert consulta_normalizada({}) == ""


@pytest.mark.parametrize(
    ("ordem", "primeiro"), [("prazo", "2.1.1"), ("percentual", "1.2.1"), ("situacao", "1.2.1")]
)
def test_ordenacao_fica_no_endereco(client, plano, ordem, primeiro):
    from datetime import date

    Atividade.objects.filter(codigo="2.1.1").update(prazo=date(2025, 1, 1))
    Atividade.objects.filter(codigo="3.1.1").update(prazo=date(2027, 1, 1))
    Atividade.objects.filter(codigo="1.2.1").update(situacao="concluida", percentual=100)
    html = pagina(client, f"ordem={ordem}")
    codigos = cartoes(html)
    assert codigos[0] == primeiro and len(codigos) == 75
    assert f'<option value="{ordem}" selected>' in html
    assert '<details class="grupo-objetivo"' not in html
    # Ties keep code order.
    resto = [c for c in codigos if c not in {"2.1.1", "3.1.1", "1.2.1"}]
    assert resto == sorted(resto, key=lambda c: [int(p) for p in c.split(".")])
    assert f"ordem={ordem}" in html.split('rel="canonical"')[1].split(">")[0]


def test_em_escala_a_lista_se_divide_em_paginas_e_todas_as_atividades_sao_alcancaveis(
    client, plano
):
    factories.ampliar_plano(plano=plano, fator=3)
    total = Atividade.objects.count()
    assert total == 225
    vistas, consulta = [], "situacao=sem_informacao"
    html = pagina(client, consulta)
    assert f"<strong>{total}</strong> atividades encontradas" in html
    assert "Página 1 de 3" in html
    for numero in (1, 2, 3):
        html = pagina(client, f"{consulta}&pagina={numero}")
        vistas += cartoes(html)
        assert len(cartoes(html)) <= 100
    assert len(vistas) == len(set(vistas)) == total
    # Page links keep the filters.
    assert 'href="?situacao=sem_informacao&amp;pagina=2"' in pagina(client, consulta)
    # A page out of range shows the last one, never an error.
    assert cartoes(pagina(client, "pagina=999")) == vistas[-25:]


def test_cartao_separa_links_do_plano_das_evidencias_publicadas(client, plano, pf, parceiro_pf):
    atividade = Atividade.objects.get(codigo="1.1.1")
    ciclo = factories.criar_ciclo(plano=plano)
    relato = factories.criar_atualizacao(
        atividade=atividade,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Atualizacao.Estado.PUBLICADA,
    )
    for n in range(2):
        Evidencia.objects.create(
            atualizacao=relato, titulo=f"Ata {n}", url="https://exemplo.gov.br/"
        )
    html = pagina(client, "")
    texto = cartao(html, "1.1.1")
    assert "<dt>Links do plano</dt>" in texto
    assert "<dt>Evidências publicadas</dt>" in texto
    assert '<a href="/plano/1.1.1/#relatos">2<span class="sr-only"> evidências' in texto
    assert "<dt>Evidências publicadas</dt><dd>0</dd>" in cartao(html, "1.1.2")
    detalhe = client.get("/plano/1.1.1/").content.decode()
    assert "2 evidências publicadas pelos parceiros" in detalhe
