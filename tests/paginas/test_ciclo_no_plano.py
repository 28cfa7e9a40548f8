"""?ciclo= on the plan list, the item pages and the institution pages: the
plan as it stood at the close of an earlier cycle (monitoramento.ciclos), the
cycle stated on the page, a selector that needs no JavaScript and keeps the
page's other parameters, links that keep the cycle, and a fixed number of
queries whatever the plan's size."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoramento.ciclos import plano_no_ciclo
from monitoramento.demo import carregar_demo
from monitoramento.indicadores import Grupo
from monitoramento.models import Atualizacao, Evidencia
from parceiros.models import Instituicao
from plano.historico import vinculos_nas_datas
from plano.indicadores import ROTULOS
from plano.models import Atividade, Vinculo
from tests import factories

from .test_ciclos import ciclos_da_demo


def texto(html: str) -> str:
    """The HTML's text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def linhas(html: str) -> dict[str, str]:
    """Each activity's card or row (id="atividade-<code>"), by code, in page order."""
    partes = re.split(r'(?=<(?:li|tr) [^>]*id="atividade-)', html)
    resultado = {}
    for parte in partes[1:]:
        codigo = re.match(r'<(?:li|tr) [^>]*id="atividade-([\d.]+)"', parte).group(1)
        fim = parte.find("</dl>\n</li>") if parte.startswith("<li") else parte.find("</tr>")
        resultado[codigo] = parte[:fim]
    return resultado


def mostrado(linha: str) -> tuple[str, str, str]:
    """(situação shown, % shown, deadline shown) of one card or table row."""
    situacao = re.search(r'class="situacao situacao-([a-z_]+)"', linha).group(1)
    celula = re.search(r'<dt>% executado</dt><dd>(.*?)</dd>|<td class="numero">(.*?)</td>', linha)
    percentual = re.match(r"\d+", celula.group(1) or celula.group(2))
    depois = linha[celula.end() :]
    prazo = re.match(r"\s*(?:</div>\s*<div[^>]*><dt>[^<]*</dt><dd>|<td>)(\d\d/\d\d/\d{4})?", depois)
    return situacao, percentual.group(0) if percentual else "", prazo.group(1) or ""


def esperado(situacao_no_ciclo) -> tuple[str, str, str]:
    s = situacao_no_ciclo
    return (
        s.exibida,
        "" if s.percentual is None else str(s.percentual),
        s.prazo.strftime("%d/%m/%Y") if s.prazo else "",
    )


def aviso(html: str) -> str:
    inicio = html.index('id="aviso-ciclo"')
    return texto(html[inicio : html.index("</div>", inicio)])


def seletor(html: str) -> str:
    inicio = html.index('<form class="seletor-ciclo"')
    return html[inicio : html.index("</form>", inicio)]


def test_plano_de_um_ciclo_anterior_mostra_cada_atividade_no_fechamento(client, demo):
    primeiro, segundo, _ = ciclos_da_demo(demo)
    atual = client.get("/plano/").content.decode()
    assert 'id="aviso-ciclo"' not in atual
    atividades = list(Atividade.objects.do_plano(demo))
    for ciclo in (primeiro, segundo):
        html = client.get(f"/plano/?ciclo={ciclo.codigo}").content.decode()
        assert html != atual
        visao = plano_no_ciclo(ciclo, atividades)
        assert (
            f"Situação no fechamento do ciclo {ciclo.codigo}, avaliada em "
            f"{visao.data.strftime('%d/%m/%Y')}" in aviso(html)
        )
        cartoes = linhas(html)
        assert len(cartoes) == len(atividades)
        for atividade in atividades:
            assert mostrado(cartoes[atividade.codigo]) == esperado(visao.situacoes[atividade.pk]), (
                atividade.codigo
            )
    # 1.1.1 had a report at 20 % at the first close; it is at another % now.
    assert mostrado(linhas(atual)["1.1.1"]) != mostrado(
        linhas(client.get(f"/plano/?ciclo={primeiro.codigo}").content.decode())["1.1.1"]
    )


def evidencias_no_cartao(cartao: str) -> int:
    return int(re.search(r"<dt>Evidências publicadas</dt><dd>(?:<a [^>]*>)?(\d+)", cartao).group(1))


def test_evidencias_e_link_da_selecao_sao_os_do_ciclo(client, demo):
    primeiro, _, _ = ciclos_da_demo(demo)
    html = client.get(f"/plano/?ciclo={primeiro.codigo}").content.decode()
    atual = client.get("/plano/").content.decode()
    diferentes = 0
    for atividade in Atividade.objects.do_plano(demo):
        ate_o_ciclo = Evidencia.objects.filter(
            atualizacao__atividade=atividade,
            atualizacao__estado="publicada",
            atualizacao__ciclo__inicio__lte=primeiro.inicio,
        ).count()
        assert evidencias_no_cartao(linhas(html)[atividade.codigo]) == ate_o_ciclo
        diferentes += evidencias_no_cartao(linhas(atual)[atividade.codigo]) != ate_o_ciclo
    assert diferentes  # later reports brought more evidence
    # The link to share names the cycle.
    assert re.search(
        rf'href="[^"]*/plano/\?ciclo={re.escape(primeiro.codigo)}" data-copiar-link', html
    )


def test_filtro_de_situacao_usa_a_situacao_no_fechamento_e_combina_com_os_outros(client, demo):
    primeiro, _, _ = ciclos_da_demo(demo)
    atividades = list(Atividade.objects.do_plano(demo).select_related("acao__objetivo"))
    visao = plano_no_ciclo(primeiro, atividades)
    for situacao in ("nao_iniciada", "em_andamento", "sem_informacao"):
        esperadas = [a.codigo for a in atividades if visao.situacoes[a.pk].exibida == situacao]
        html = client.get(f"/plano/?ciclo={primeiro.codigo}&situacao={situacao}").content.decode()
        assert sorted(linhas(html)) == sorted(esperadas), situacao
        assert f"<strong>{len(esperadas)}</strong>" in html
    # Today's "não iniciada" are not those of the first close.
    hoje = set(linhas(client.get("/plano/?situacao=nao_iniciada").content.decode()))
    no_fechamento = set(
        linhas(
            client.get(f"/plano/?ciclo={primeiro.codigo}&situacao=nao_iniciada").content.decode()
        )
    )
    assert hoje != no_fechamento
    # With the objective filter and a search too.
    html = client.get(
        f"/plano/?ciclo={primeiro.codigo}&situacao=em_andamento&objetivo=1"
    ).content.decode()
    assert sorted(linhas(html)) == sorted(
        a.codigo
        for a in atividades
        if a.acao.objetivo.codigo == "1" and visao.situacoes[a.pk].exibida == "em_andamento"
    )
    html = client.get(f"/plano/?ciclo={primeiro.codigo}&busca=1.1").content.decode()
    assert set(linhas(html)) == {a.codigo for a in atividades if a.codigo.startswith("1.1.")}
    assert mostrado(linhas(html)["1.1.1"]) == esperado(
        visao.situacoes[next(a.pk for a in atividades if a.codigo == "1.1.1")]
    )


def test_ordem_por_percentual_usa_o_percentual_no_fechamento(client, demo):
    primeiro, _, _ = ciclos_da_demo(demo)
    atividades = list(Atividade.objects.do_plano(demo).em_ordem())
    visao = plano_no_ciclo(primeiro, atividades)
    html = client.get(f"/plano/?ciclo={primeiro.codigo}&ordem=percentual").content.decode()
    ordem = list(linhas(html))
    percentuais = [visao.situacoes[a.pk].percentual for a in atividades]
    com = sorted(
        (p, a.codigo) for a, p in zip(atividades, percentuais, strict=True) if p is not None
    )
    esperada_no_topo = [c for p, c in sorted(com, key=lambda item: -item[0])]
    assert ordem[: len(esperada_no_topo)] == esperada_no_topo


def test_links_mantem_o_ciclo(client, demo):
    primeiro, _, _ = ciclos_da_demo(demo)
    c = primeiro.codigo
    html = client.get(f"/plano/?ciclo={c}").content.decode()
    assert f'href="/plano/1.1.1/?ciclo={c}"' in html
    assert f'href="/plano/1/?ciclo={c}"' in html
    assert f'href="/plano/1.1/?ciclo={c}"' in html
    assert '<input type="hidden" name="ciclo" value="' + c + '">' in html  # the filters' form
    objetivo = client.get(f"/plano/1/?ciclo={c}").content.decode()
    assert f'href="/plano/1.1/?ciclo={c}"' in objetivo
    assert f'href="/plano/1.1.1/?ciclo={c}"' in objetivo
    assert f'href="/plano/?ciclo={c}"' in objetivo  # breadcrumb
    assert f'href="/plano/?objetivo=1&amp;ciclo={c}"' in objetivo
    acao = client.get(f"/plano/1.1/?ciclo={c}").content.decode()
    assert f'href="/plano/1.1.1/?ciclo={c}"' in acao
    assert f'href="/plano/1/?ciclo={c}"' in acao
    atividade = client.get(f"/plano/1.1.1/?ciclo={c}").content.decode()
    assert f'href="/plano/1.1/?ciclo={c}"' in atividade
    instituicao = client.get(f"/parceiros/pf/?ciclo={c}").content.decode()
    assert f'href="/plano/1.1.1/?ciclo={c}"' in instituicao
    assert (
        f'href="/parceiros/pf/?ciclo={c}"' in client.get(f"/parceiros/?ciclo={c}").content.decode()
    )
    # A code cited in a text links to its page at the same cycle.
    citacao = client.get(f"/plano/?acao=3.7&ciclo={c}").content.decode()
    assert f'previsto na Atividade <a href="/plano/3.2.1/?ciclo={c}">3.2.1</a>' in citacao
    # The selection's files are those of the cycle too (the open data honours it).
    filtrado = client.get(f"/plano/?ciclo={c}&situacao=nao_iniciada").content.decode()
    endereco = re.search(r'href="(/dados/[^"]+\.csv\?[^"]+)"', filtrado).group(1)
    assert endereco.endswith(f"situacao=nao_iniciada&amp;ciclo={c}")
    resposta = client.get(endereco.replace("&amp;", "&"))
    arquivo = b"".join(resposta.streaming_content).decode("utf-8-sig")
    registros = list(csv.DictReader(io.StringIO(arquivo)))
    assert sorted(r["atividade_codigo"] for r in registros) == sorted(linhas(filtrado))
    assert {r["situacao"] for r in registros} == {"nao_iniciada"}
    # Without a cycle, the links are the plain ones.
    assert "?ciclo=" not in client.get("/plano/").content.decode()


def test_seletor_e_um_formulario_get_que_mantem_os_outros_parametros(client, demo):
    primeiro, _, _ = ciclos_da_demo(demo)
    html = client.get(
        f"/plano/?objetivo=1&ordem=prazo&busca=rede&pagina=1&ciclo={primeiro.codigo}"
    ).content.decode()
    formulario = seletor(html)
    assert 'method="get" action="/plano/"' in formulario
    assert '<input type="hidden" name="objetivo" value="1">' in formulario
    assert '<input type="hidden" name="ordem" value="prazo">' in formulario
    assert '<input type="hidden" name="busca" value="rede">' in formulario
    assert 'name="pagina"' not in formulario
    assert 'type="hidden" name="ciclo"' not in formulario
    assert '<select id="seletor-ciclo" name="ciclo">' in formulario
    assert f'<option value="{primeiro.codigo}" selected>' in formulario
    assert '<option value="">na situação atual</option>' in formulario
    assert ">Aplicar</button>" in formulario
    # Submitting it (what a browser without JavaScript sends) gives the cycle
    # with the other parameters; the empty choice is the current state.
    segundo = ciclos_da_demo(demo)[1].codigo
    enviado = client.get(
        "/plano/", {"objetivo": "1", "ordem": "prazo", "busca": "rede", "ciclo": segundo}
    ).content.decode()
    assert f"no fechamento do ciclo {segundo}" in aviso(enviado)
    assert '<option value="prazo" selected>' in enviado
    # "Ver a situação atual" keeps the filters, not the cycle.
    assert 'href="/plano/?objetivo=1&amp;ordem=prazo&amp;busca=rede">Ver a situação atual' in html
    assert client.get("/plano/?ciclo=").status_code == 302
    for url in ("/plano/1/", "/plano/1.1/", "/parceiros/", "/parceiros/pf/"):
        formulario = seletor(client.get(f"{url}?ciclo={primeiro.codigo}").content.decode())
        assert f'action="{url}"' in formulario
        assert f'<option value="{primeiro.codigo}" selected>' in formulario


def _progresso(html: str, id_: str) -> str:
    inicio = html.index(f'id="{id_}"')
    return texto(html[inicio : html.index("</p>", inicio)])


def test_pagina_do_objetivo_e_da_acao_no_fechamento(client, demo):
    primeiro, _, _ = ciclos_da_demo(demo)
    atividades = list(Atividade.objects.filter(acao__objetivo__codigo="1").em_ordem())
    visao = plano_no_ciclo(primeiro, atividades)
    grupo = Grupo()
    for a in atividades:
        s = visao.situacoes[a.pk]
        grupo.adicionar(
            situacao=s.situacao,
            percentual=s.percentual,
            peso=a.peso,
            prazo=s.prazo,
            n=1,
            hoje=visao.data,
        )
    atual = client.get("/plano/1/").content.decode()
    html = client.get(f"/plano/1/?ciclo={primeiro.codigo}").content.decode()
    assert f"Situação no fechamento do ciclo {primeiro.codigo}" in aviso(html)
    assert f"{grupo.execucao}%".replace(".", ",") in _progresso(html, "execucao-objetivo")
    assert _progresso(html, "execucao-objetivo") != _progresso(atual, "execucao-objetivo")
    for a in atividades:
        s = visao.situacoes[a.pk]
        trecho = f"Atividade {a.codigo} : {ROTULOS[s.exibida]}"
        if s.percentual is not None:
            trecho += f" · {s.percentual}% executado"
        assert trecho in texto(html), trecho
    acoes = [a for a in atividades if a.acao.codigo == "1.1"]
    html = client.get(f"/plano/1.1/?ciclo={primeiro.codigo}").content.decode()
    assert "Situação no fechamento do ciclo" in aviso(html)
    linhas_da_acao = linhas(html)
    for a in acoes:
        assert mostrado(linhas_da_acao[a.codigo]) == esperado(visao.situacoes[a.pk])
    assert html != client.get("/plano/1.1/").content.decode()


def test_pagina_da_instituicao_no_fechamento_usa_os_vinculos_de_entao(client, demo):
    primeiro, _, _ = ciclos_da_demo(demo)
    pf = Instituicao.objects.get(sigla="PF")
    # A link added today: not in force at the first close.
    nova = Atividade.objects.exclude(vinculos__instituicao=pf).order_by("pk").first()
    nova.history.filter(history_type="+").update(
        history_date=timezone.make_aware(timezone.datetime(2024, 1, 1))
    )
    factories.vincular(atividade=nova, instituicao=pf)
    atual = client.get("/parceiros/pf/").content.decode()
    html = client.get(f"/parceiros/pf/?ciclo={primeiro.codigo}").content.decode()
    assert nova.codigo in linhas(atual)
    assert nova.codigo not in linhas(html)
    visao = plano_no_ciclo(primeiro, list(Atividade.objects.do_plano(demo)))
    vinculos = vinculos_nas_datas(demo.pk, [visao.data])[visao.data]
    codigos = dict(Atividade.objects.values_list("pk", "codigo"))
    da_pf = {a for a, i in vinculos if i == pf.pk}
    assert set(linhas(html)) == {codigos[a] for a in da_pf}
    for pk in da_pf:
        assert mostrado(linhas(html)[codigos[pk]]) == esperado(visao.situacoes[pk])
    assert f"Situação no fechamento do ciclo {primeiro.codigo}" in aviso(html)
    assert f"Cobertura no ciclo {primeiro.codigo}" in texto(html)
    assert f'id="total-atividades">{len(da_pf)}<' in html
    # The list of institutions counts the links in force then, too.
    lista = client.get(f"/parceiros/?ciclo={primeiro.codigo}").content.decode()
    linha_pf = lista[lista.index('id="instituicao-pf"') :]
    assert f'<td class="numero">{len(da_pf)}</td>' in linha_pf[: linha_pf.index("</tr>")]
    assert Vinculo.objects.filter(instituicao=pf).count() == len(da_pf) + 1


@pytest.mark.parametrize(
    "url", ["/plano/", "/plano/1/", "/plano/1.1/", "/plano/1.1.1/", "/parceiros/", "/parceiros/pf/"]
)
@pytest.mark.parametrize(
    "valor", ["1999.1", "2025.1'--", "x" * 500, "<script>", "2099.2", "2025.1\x00", "\x00"]
)
def test_ciclo_desconhecido_ou_hostil_da_404(client, demo, url, valor):
    factories.criar_ciclo(
        plano=demo,
        codigo="2099.2",
        abertura=date(2099, 7, 1),
        prazo=date(2099, 8, 1),
        encerramento=date(2099, 8, 15),
    )
    # A NUL byte is refused before any view (paecm.entrada): 400.
    assert client.get(url, {"ciclo": valor}).status_code == (400 if "\x00" in valor else 404)


def consultas(client, url: str) -> int:
    client.get(url)  # warm the demo-banner cache, as in steady state
    caches["paginas"].clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# The one scale test of the plan, institution and institutional pages: each
# page's queries without and with ?ciclo=, the same at 1x and 100x. /plano/:
# +2 (plano_no_ciclo's reports and deadlines; the ids of the filtered
# activities replace their count); objective and action pages: +2; an
# activity's page reads its situation at every cycle's close either way (its
# history); institution pages: the current coverage (two) and, for one
# institution, its activities give way to the links at the close (three), the
# plan's activities, reports and deadlines, the coverage at the close (five)
# and, for one institution, its activities then.
CONSULTAS = {
    "/plano/": (9, 11),
    "/plano/?situacao=em_andamento&objetivo=1&ordem=percentual": (8, 10),
    "/plano/?busca=regularizacao&situacao=em_andamento&instituicao=pf": (8, 10),
    "/plano/1/": (3, 5),
    "/plano/1.1/": (4, 6),
    "/plano/1.1.1/": (10, 10),
    "/plano/3.2.1/": (10, 10),
    "/parceiros/": (6, 14),
    "/parceiros/pf/": (7, 15),
}
# The institutional pages, which ?ciclo= leaves alone: metodologia reads the
# plan (its period); sobre, the plan and the text history of its three levels.
INSTITUCIONAIS = {"/metodologia/": 1, "/sobre/": 4, "/acessibilidade/": 0, "/privacidade/": 0}


@pytest.mark.demorado
@pytest.mark.parametrize("fator", [1, 100])
def test_consultas_com_e_sem_ciclo_sao_fixas_e_iguais_em_1x_e_100x(client, plano, fator):
    carregar_demo()
    factories.ampliar_plano(plano=plano, fator=fator)
    factories.ampliar_relatos(plano=plano, por_atividade=3)
    assert Atividade.objects.count() == 75 * fator
    codigo = ciclos_da_demo(plano)[0].codigo
    medidas = {}
    for url in CONSULTAS:
        com_ciclo = f"{url}{'&' if '?' in url else '?'}ciclo={codigo}"
        medidas[url] = (consultas(client, url), consultas(client, com_ciclo))
    assert medidas == CONSULTAS
    assert {url: consultas(client, url) for url in INSTITUCIONAIS} == INSTITUCIONAIS


def test_periodo_do_ciclo_e_correcao_sao_informados(client, demo):
    primeiro, _, _ = ciclos_da_demo(demo)
    html = client.get(f"/plano/?ciclo={primeiro.codigo}").content.decode()
    assert primeiro.fim.strftime("%d/%m/%Y") in aviso(html)
    visao = plano_no_ciclo(primeiro, list(Atividade.objects.do_plano(demo)))
    if visao.corrigido_em:
        assert "Inclui correção publicada depois do encerramento" in aviso(html)
    # A correction published after the close is stated, with its date.
    relato = Atualizacao.objects.publicadas().filter(ciclo=primeiro).order_by("pk").first()
    depois = primeiro.encerramento + timedelta(days=20)
    Atualizacao.objects.filter(pk=relato.pk).update(
        validado_em=timezone.make_aware(
            timezone.datetime.combine(depois, timezone.datetime.min.time())
        )
    )
    html = client.get(f"/plano/?ciclo={primeiro.codigo}").content.decode()
    assert "Inclui correção publicada depois do encerramento do ciclo, em " + depois.strftime(
        "%d/%m/%Y"
    ) in aviso(html)
