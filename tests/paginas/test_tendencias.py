"""The painel's trend charts: execution and reporting coverage per cycle
(monitoramento.tendencias), the same numbers as the painel with ?ciclo= for
every cycle, each plotted number in a table, at a fixed number of queries."""

import pickle
import re
import time
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from monitoramento.ciclos import ciclos_para_escolha, cobertura_nos_ciclos, resumo_no_ciclo
from monitoramento.demo import carregar_demo
from monitoramento.models import Atualizacao, Ciclo, HistoriaGuardada
from monitoramento.services import publicar_relato
from monitoramento.tendencias import DEFINICOES_DA_TENDENCIA, tendencias_do_plano
from paginas.graficos import (
    ALTURA_DO_ROTULO,
    ESQUERDA,
    MAXIMO_DE_SERIES,
    Serie,
    grafico_de_linhas,
)
from paginas.views import HISTORIA_ASSENTADA_SEGUNDOS
from plano.historico import prazos_alterados
from plano.indicadores import Situacao
from plano.models import Atividade, Objetivo
from tests import factories

from .test_painel import bloco, pct


def secao(html: str, id_titulo: str) -> str:
    inicio = html.index(f'aria-labelledby="{id_titulo}"')
    return html[inicio : html.index("</section>", inicio)]


def tabela(html: str, id_: str) -> tuple[list[str], dict[str, list[str]]]:
    """The column headers' cycle codes and, per row header's text, its cells."""
    inicio = html.index(f'id="{id_}"')
    corpo = html[inicio : html.index("</table>", inicio)]
    cabecalho = corpo[: corpo.index("</thead>")]
    ciclos = re.findall(r'<a href="/\?ciclo=([^"]+)">', cabecalho)
    linhas = {}
    for th, tds in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", corpo, re.S):
        nome = re.sub(r"<[^>]+>", "", th).strip()
        linhas[nome] = [
            td.strip() for td in re.findall(r'<td class="numero">(.*?)</td>', tds, re.S)
        ]
    return ciclos, linhas


def _celula_de_cobertura(contagem) -> str:
    return f'{pct(contagem.percentual)} <span class="contagem">({contagem.validadas} de {contagem.esperadas})</span>'


def test_cada_ponto_e_exatamente_o_painel_do_ciclo(client, demo):
    hoje = timezone.localdate()
    ciclos = ciclos_para_escolha(demo, hoje)
    pontos = tendencias_do_plano(demo, ciclos, hoje)
    assert [p.ciclo.codigo for p in pontos] == sorted(c.codigo for c in ciclos)
    atual = client.get("/").content.decode()
    codigos, execucao = tabela(atual, "tabela-execucao-por-ciclo")
    _, cobertura = tabela(atual, "tabela-cobertura-por-ciclo")
    assert codigos == [p.ciclo.codigo for p in pontos]
    for i, ponto in enumerate(pontos):
        # The series' point is resumo_no_ciclo's and cobertura_nos_ciclos's …
        geral, objetivos, visao = resumo_no_ciclo(demo, ponto.ciclo, hoje)
        no_ciclo = cobertura_nos_ciclos([ponto.ciclo], hoje)[ponto.ciclo.pk]
        assert ponto.visao.data == visao.data
        assert ponto.geral.execucao == geral.execucao
        assert ponto.geral.por_situacao == geral.por_situacao
        assert [o.execucao for o in ponto.objetivos] == [o.execucao for o in objetivos]
        assert (ponto.cobertura.validadas, ponto.cobertura.esperadas) == (
            no_ciclo.validadas,
            no_ciclo.esperadas,
        )
        por_instituicao = [
            (c.instituicao.sigla, c.validadas, c.esperadas) for c in no_ciclo.por_instituicao
        ]
        assert [
            (c.instituicao.sigla, c.validadas, c.esperadas) for c in ponto.cobertura.por_instituicao
        ] == por_instituicao
        # … and the trend's table on / writes what /?ciclo= writes.
        html = client.get(f"/?ciclo={ponto.ciclo.codigo}").content.decode()
        assert pct(geral.execucao) in bloco(html, "execucao-geral")
        assert execucao["Execução do plano"][i] == pct(geral.execucao)
        objetivos_no_ciclo = re.findall(
            r'<span class="codigo">([^<]+)</span>.*?<td class="barra-celula">([^<]+)<svg',
            html[html.index('id="tabela-objetivos"') :],
            re.S,
        )
        assert len(objetivos_no_ciclo) == len(objetivos)
        for codigo, valor in objetivos_no_ciclo:
            assert execucao[f"Objetivo {codigo}"][i] == valor
        assert pct(no_ciclo.percentual) in bloco(html, "cobertura-geral")
        assert cobertura["Cobertura geral"][i] == _celula_de_cobertura(no_ciclo)
        instituicoes = re.findall(
            r'<a href="/parceiros/[^"]+/">([^<]+)</a></th>\s*<td class="numero">(\d+)</td>\s*'
            r'<td class="numero">(\d+)</td>\s*<td class="barra-celula">([^<]+)<svg',
            html[html.index('id="tabela-cobertura"') :],
        )
        assert [(s, int(v), int(e)) for s, v, e, _ in instituicoes] == por_instituicao
        for sigla, _, _, valor in instituicoes:
            assert cobertura[sigla][i].startswith(valor + " ")
    # Demo sanity: the trend moves (not one number repeated).
    assert len({p.geral.execucao for p in pontos}) > 1


def test_correcao_e_relato_do_ciclo_aberto_movem_os_pontos_certos(client, demo, pf):
    ciclos = ciclos_para_escolha(demo)
    aberto, *encerrados = ciclos  # latest first
    antes = {p.ciclo.pk: p for p in tendencias_do_plano(demo, ciclos)}
    autor = factories.criar_usuario(instituicao=pf)
    relatar = lambda ciclo, codigo: factories.criar_atualizacao(  # noqa: E731
        atividade=Atividade.objects.get(codigo=codigo),
        instituicao=pf,
        ciclo=ciclo,
        autor=autor,
        situacao=Situacao.CONCLUIDA,
        percentual=100,
        estado=Atualizacao.Estado.PUBLICADA,
    )
    # A report for the open cycle: the closed cycles' points stay as they were.
    relatar(aberto, "4.1.1")
    depois = {p.ciclo.pk: p for p in tendencias_do_plano(demo, ciclos)}
    assert depois[aberto.pk].geral.execucao > antes[aberto.pk].geral.execucao
    for c in encerrados:
        assert depois[c.pk].geral.execucao == antes[c.pk].geral.execucao
    # A correction for the earliest cycle, published today, after its close:
    # its point moves, says so, and still equals the painel with ?ciclo=.
    primeiro = encerrados[-1]
    relatar(primeiro, "4.1.2")
    caches["paginas"].clear()
    ponto = next(p for p in tendencias_do_plano(demo, ciclos) if p.ciclo.pk == primeiro.pk)
    assert ponto.geral.execucao > antes[primeiro.pk].geral.execucao
    assert ponto.visao.corrigido_em is not None
    geral, _, _ = resumo_no_ciclo(demo, primeiro)
    assert ponto.geral.execucao == geral.execucao
    _, execucao = tabela(client.get("/").content.decode(), "tabela-execucao-por-ciclo")
    assert execucao["Execução do plano"][0] == pct(geral.execucao)
    assert pct(geral.execucao) in bloco(
        client.get(f"/?ciclo={primeiro.codigo}").content.decode(), "execucao-geral"
    )


def execucao_nos_ciclos(client, html: str | None = None) -> list[str]:
    """The painel's "Execução do plano" row of the trend table, per cycle."""
    html = html or client.get("/").content.decode()
    return tabela(html, "tabela-execucao-por-ciclo")[1]["Execução do plano"]


# The closed cycles' points are kept between renders (paginas.views._historia),
# in the process and, once settled, in the database: each test below renders
# the painel, changes one thing the key covers, and fails if the painel still
# shows the kept points, read from either.


@pytest.fixture(params=["no processo", "no banco"])
def painel(request, client, monkeypatch):
    """The painel's HTML, as one process keeps it, or as a restarted server
    finds it: the process cache emptied and the history read from the
    database (kept there, the clock being past the history's settling)."""
    if request.param == "no processo":
        return lambda: client.get("/").content.decode()
    adiantado = []

    def depois_de_reiniciar():
        if not adiantado:  # past what the test set up so far
            tempo_depois(monkeypatch, HISTORIA_ASSENTADA_SEGUNDOS + 1)
            adiantado.append(True)
        caches["paginas"].clear()
        html = client.get("/").content.decode()
        assert HistoriaGuardada.objects.exists()
        return html

    return depois_de_reiniciar


def test_pontos_guardados_mudam_com_uma_correcao_e_nao_com_o_ciclo_aberto(
    client, painel, demo, pf, validador
):
    ciclos = ciclos_para_escolha(demo)
    aberto, primeiro = ciclos[0], ciclos[-1]
    antes = execucao_nos_ciclos(client, painel())
    publicar_no_ciclo_aberto(demo, validador)
    depois = execucao_nos_ciclos(client, painel())
    assert depois[:-1] == antes[:-1] and depois[-1] != antes[-1]
    assert depois[-1] == pct(tendencias_do_plano(demo, [aberto])[0].geral.execucao)
    # A correction of the earliest cycle, published today, after its close.
    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="4.1.2"),
        instituicao=pf,
        ciclo=primeiro,
        autor=factories.criar_usuario(instituicao=pf),
        situacao=Situacao.CONCLUIDA,
        percentual=100,
        estado=Atualizacao.Estado.PUBLICADA,
    )
    corrigido = execucao_nos_ciclos(client, painel())
    assert corrigido[0] == pct(resumo_no_ciclo(demo, primeiro)[0].execucao) != depois[0]


def prazos_alterados_no_painel(html: str) -> int:
    texto = html[html.index('id="prazos-alterados"') :].split("</p>")[0]
    if "Nenhum prazo" in texto:
        return 0
    return int(re.search(r"(\d+) atividades? t", texto).group(1))


def test_pontos_guardados_mudam_com_uma_edicao_do_plano(painel, demo, pf):
    html = painel()
    assert "PF" in tabela(html, "tabela-cobertura-por-ciclo")[1]
    alterados = prazos_alterados_no_painel(html)
    pf.sigla = "PFed"
    pf.save()
    atividade = next(
        a
        for a in Atividade.objects.filter(prazo__isnull=False)
        if a.history.exclude(prazo=None).values("prazo").distinct().count() == 1
    )
    atividade.prazo += timedelta(days=30)
    atividade.save()
    html = painel()
    linhas = tabela(html, "tabela-cobertura-por-ciclo")[1]
    assert "PF" not in linhas and len(linhas["PFed"]) == len(ciclos_para_escolha(demo))
    assert prazos_alterados_no_painel(html) == alterados + 1 == prazos_alterados(demo)


def test_ciclo_que_encerra_a_meia_noite_passa_a_ser_avaliado_no_fim_do_periodo(
    painel, plano, monkeypatch
):
    factories.criar_ciclo(plano=plano, codigo="2025.1")
    aberto = factories.criar_ciclo(plano=plano, codigo="2025.2", aberto=True)
    hoje = timezone.localdate()
    cabecalho = lambda: secao(painel(), "titulo-execucao-por-ciclo")  # noqa: E731
    assert f'<time datetime="{hoje:%Y-%m-%d}">' in cabecalho()
    # Nothing published, nothing edited: only the date tells it closed.
    monkeypatch.setattr(timezone, "localdate", lambda: aberto.encerramento + timedelta(days=1))
    html = cabecalho()
    assert f'<time datetime="{aberto.fim:%Y-%m-%d}">' in html
    assert f'<time datetime="{hoje:%Y-%m-%d}">' not in html


def test_tabelas_listam_cada_ciclo_aberto_e_nenhum_futuro(client, demo):
    futuro = factories.criar_ciclo(plano=demo, codigo="2029.2")  # opens in 2030
    anterior = factories.criar_ciclo(plano=demo, codigo="2024.2")
    abertos = sorted(c.codigo for c in ciclos_para_escolha(demo))
    assert anterior.codigo in abertos and futuro.codigo not in abertos
    html = client.get("/").content.decode()
    for id_ in ("tabela-execucao-por-ciclo", "tabela-cobertura-por-ciclo"):
        codigos, linhas = tabela(html, id_)
        assert codigos == abertos
        assert all(len(celulas) == len(abertos) for celulas in linhas.values())
    # Each cycle's header says the date it was evaluated on.
    for ponto in tendencias_do_plano(demo, ciclos_para_escolha(demo)):
        assert f'<time datetime="{ponto.visao.data:%Y-%m-%d}">' in secao(
            html, "titulo-execucao-por-ciclo"
        )


def test_instituicao_vinculada_hoje_so_aparece_no_ciclo_aberto(client, demo):
    atividade = Atividade.objects.get(codigo="4.1.1")
    atividade.history.update(  # loaded long ago: a link added today holds from today
        history_date=timezone.make_aware(timezone.datetime(2024, 1, 1))
    )
    nova = factories.criar_instituicao(sigla="Nova")
    factories.vincular(atividade=atividade, instituicao=nova)
    _, cobertura = tabela(client.get("/").content.decode(), "tabela-cobertura-por-ciclo")
    # Nothing was expected of it at the closed cycles' close: a dash, not 0 %.
    assert cobertura["Nova"][:-1] == ["—"] * (len(cobertura["Nova"]) - 1)
    assert cobertura["Nova"][-1] == f'{pct(0)} <span class="contagem">(0 de 1)</span>'


def test_graficos_tem_nome_descricao_legenda_e_tabela(client, demo):
    html = client.get("/").content.decode()
    for titulo, grafico in (
        ("titulo-execucao-por-ciclo", "grafico-execucao"),
        ("titulo-cobertura-por-ciclo", "grafico-cobertura"),
    ):
        parte = secao(html, titulo)
        assert f'<figure class="grafico-tendencia" id="{grafico}">' in parte
        assert (
            f'role="img" aria-labelledby="{grafico}-titulo" aria-describedby="{grafico}-descricao"'
            in parte
        )
        assert f'<title id="{grafico}-titulo">' in parte
        descricao = re.search(rf'<desc id="{grafico}-descricao">(.*?)</desc>', parte, re.S)[1]
        assert "&nbsp;% em " in descricao
        assert "<figcaption>" in parte and "<caption" in parte and 'scope="row"' in parte
        # Every drawn series has a line style swatch in its table row and an
        # end label; the overall one is first, drawn solid.
        desenhadas = re.findall(r'<g class="serie serie-(\d+)">', parte)
        assert desenhadas == [str(i) for i in range(len(desenhadas))]
        assert parte.count('class="amostra-serie') == len(desenhadas)
        assert parte.count('class="rotulo-serie"') == len(desenhadas)
        primeira = parte[parte.index('<g class="serie serie-0">') :]
        assert "stroke-dasharray" not in primeira[: primeira.index("</g>")]
    # The demo's 4 objectives are all drawn; of its 9 institutions, the 5
    # with the most expected reports, the caption says so and the table has all.
    execucao = secao(html, "titulo-execucao-por-ciclo")
    assert execucao.count('<g class="serie ') == 1 + Objetivo.objects.filter(plano=demo).count()
    cobertura = secao(html, "titulo-cobertura-por-ciclo")
    assert cobertura.count('<g class="serie ') == MAXIMO_DE_SERIES
    assert f"O gráfico mostra as {MAXIMO_DE_SERIES - 1} instituições" in cobertura
    _, linhas = tabela(html, "tabela-cobertura-por-ciclo")
    assert len(linhas) > MAXIMO_DE_SERIES


def test_ciclo_mostrado_e_marcado_nos_graficos(client, demo):
    primeiro = ciclos_para_escolha(demo)[-1].codigo
    atual = client.get("/").content.decode()
    assert 'class="marco-ciclo"' not in atual
    html = client.get(f"/?ciclo={primeiro}").content.decode()
    for titulo in ("titulo-execucao-por-ciclo", "titulo-cobertura-por-ciclo"):
        parte = secao(html, titulo)
        assert parte.count('class="marco-ciclo"') == 1
        assert f'class="ciclo destacado" x="{ESQUERDA}' in parte  # the first cycle, on the left
        assert f"A linha vertical marca o ciclo {primeiro}, mostrado nesta página." in parte


def test_eixo_vertical_vai_ate_a_menor_escala_que_cabe_cada_valor():
    for valores, escala in (([0, 5, 19.9], 20), ([0, 20.1, 50], 50), ([None, 50.1], 100)):
        g = grafico_de_linhas(["a", "b", "c"][: len(valores)], [Serie("Geral", valores)])
        assert (g["escala"], g["metade"]) == (escala, escala // 2)
        ys = [p["y"] for p in g["series"][0].pontos]
        assert max(ys) <= g["base"] and min(ys) >= g["topo"]


def test_com_objetivos_demais_o_grafico_mostra_os_maiores_e_a_tabela_todos(client, demo):
    factories.ampliar_plano(plano=demo, fator=2)  # 8 objectives, a plan parameter
    objetivos = list(Objetivo.objects.filter(plano=demo).order_by("numero"))
    assert len(objetivos) > MAXIMO_DE_SERIES
    html = client.get("/").content.decode()
    parte = secao(html, "titulo-execucao-por-ciclo")
    assert parte.count('<g class="serie ') == MAXIMO_DE_SERIES
    assert f"O gráfico mostra os {MAXIMO_DE_SERIES - 1} objetivos com mais atividades" in parte
    _, linhas = tabela(html, "tabela-execucao-por-ciclo")
    assert list(linhas) == ["Execução do plano", *(f"Objetivo {o.codigo}" for o in objetivos)]


def test_sem_ciclo_aberto_nao_ha_grafico(client, plano):
    assert not Ciclo.objects.exists()
    html = client.get("/").content.decode()
    assert "grafico-execucao" not in html and "tabela-cobertura-por-ciclo" not in html


def test_grafico_deixa_lacunas_e_afasta_os_rotulos_dentro_da_caixa():
    series = [
        Serie("Geral", [10, None, 30, 40], "Geral"),
        *(Serie(f"S{i}", [0, 0, 0, 0], f"S{i}") for i in range(1, MAXIMO_DE_SERIES)),
    ]
    g = grafico_de_linhas(["2025.1", "2025.2", "2026.1", "2026.2"], series)
    assert len(g["series"][0].trechos) == 2  # the None is a gap
    assert [len(s.pontos) for s in g["series"]] == [3] + [4] * (MAXIMO_DE_SERIES - 1)
    ys = sorted(s.rotulo_y for s in g["series"])
    assert all(b - a >= ALTURA_DO_ROTULO for a, b in zip(ys, ys[1:], strict=False))
    assert ys[0] > 0 and ys[-1] <= g["altura"]
    assert (
        len({s.traco for s in g["series"]})
        == len({s.marcador for s in g["series"]})
        == (MAXIMO_DE_SERIES)
    )


def test_metodologia_explica_a_tendencia_a_partir_do_codigo(client, plano):
    html = client.get("/metodologia/").content.decode()
    inicio = html.index('id="definicoes-da-tendencia"')
    lista = html[inicio : html.index("</ul>", inicio)]
    for definicao in DEFINICOES_DA_TENDENCIA:
        assert escape(definicao) in lista


def consultas(client, url: str) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as ctx:
        inicio = time.perf_counter()
        assert client.get(url).status_code == 200
        duracao = time.perf_counter() - inicio
    return len(ctx.captured_queries), duracao


def publicar_no_ciclo_aberto(plano, validador) -> None:
    """A report sent for the open cycle, published as CGETP publishes one."""
    relato = Atualizacao.objects.filter(
        ciclo=ciclos_para_escolha(plano)[0], estado=Atualizacao.Estado.ENVIADA
    ).first()
    publicar_relato(atualizacao=relato, validador=validador)


def tempo_depois(monkeypatch, segundos: int) -> None:
    """The clock moved on, as the painel's history settles (HISTORIA_ASSENTADA_SEGUNDOS)."""
    agora = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: agora() + timedelta(seconds=segundos))


def historia_no_banco(plano) -> list[str]:
    return list(HistoriaGuardada.objects.filter(plano=plano).values_list("chave", flat=True))


@pytest.mark.demorado
@pytest.mark.parametrize("fator", [1, 100])
def test_painel_com_tendencias_custa_as_mesmas_consultas_em_qualquer_tamanho(
    client, plano, validador, fator, capsys, monkeypatch
):
    carregar_demo()
    if fator > 1:
        factories.ampliar_plano(plano=plano, fator=fator)
        factories.ampliar_relatos(plano=plano, por_atividade=3)
        for codigo in ("2024.1", "2024.2"):  # more cycles opened
            if not Ciclo.objects.filter(plano=plano, codigo=codigo).exists():
                factories.criar_ciclo(plano=plano, codigo=codigo)
    assert len(ciclos_para_escolha(plano)) == (3 if fator == 1 else 5)
    codigo = ciclos_para_escolha(plano)[-1].codigo
    tempo_depois(monkeypatch, HISTORIA_ASSENTADA_SEGUNDOS + 1)
    medidas = {}
    for url in ("/", f"/?ciclo={codigo}"):
        # Nothing kept: version; cycles; current numbers (objectives,
        # activities grouped, coverage x2); the latest correction of a closed
        # cycle; the history kept in the database (none); the closed cycles'
        # trend (objectives, activities, reports, deadlines' history, links'
        # history x3, the cycles' published reports, institutions); deadlines
        # changed; keeping it (in a savepoint: the plan's other rows, this one);
        # latest reports.
        client.get(url)
        caches["paginas"].clear()
        HistoriaGuardada.objects.all().delete()
        medidas[url, "nada guardado"], duracao = consultas(client, url)
        # A restart (or another app server): the history read from the database.
        caches["paginas"].clear()
        medidas[url, "depois de reiniciar"], reiniciado = consultas(client, url)
        # After a publication in the open cycle, the closed cycles' points are
        # still good: the current numbers and the latest reports only.
        publicar_no_ciclo_aberto(plano, validador)
        medidas[url, "depois de uma publicação"], depois = consultas(client, url)
        # Warm: the data version's one query, charts included.
        medidas[url, "em cache"], _ = consultas(client, url)
        with capsys.disabled():
            print(
                f"\n{fator}x {url}: {duracao:.2f} s cold, {reiniciado:.2f} s after a restart,"
                f" {depois:.2f} s after a publication"
            )
    assert medidas == {
        ("/", "nada guardado"): 23,
        ("/", "depois de reiniciar"): 9,
        ("/", "depois de uma publicação"): 8,
        ("/", "em cache"): 1,
        (f"/?ciclo={codigo}", "nada guardado"): 23,
        (f"/?ciclo={codigo}", "depois de reiniciar"): 9,
        (f"/?ciclo={codigo}", "depois de uma publicação"): 8,
        (f"/?ciclo={codigo}", "em cache"): 1,
    }
    html = client.get("/").content.decode()
    assert 'id="grafico-execucao"' in html and 'id="grafico-cobertura"' in html


def test_historia_guardada_no_banco_serve_depois_de_reiniciar(client, demo, monkeypatch):
    # Just edited (the demo was loaded now): kept in the process only, since
    # an older transaction might still commit under the same version.
    primeira = client.get("/").content
    assert historia_no_banco(demo) == []
    tempo_depois(monkeypatch, HISTORIA_ASSENTADA_SEGUNDOS + 1)
    caches["paginas"].clear()
    assert client.get("/").content == primeira
    [chave] = historia_no_banco(demo)
    # The row is what a restarted server (an empty process cache) shows: the
    # closed cycles are not computed again, and the page is the same.
    linha = HistoriaGuardada.objects.get(chave=chave)
    pontos, _ = pickle.loads(linha.conteudo)  # noqa: S301
    linha.conteudo = pickle.dumps((pontos, 999), protocol=pickle.HIGHEST_PROTOCOL)
    linha.save()
    caches["paginas"].clear()
    assert prazos_alterados_no_painel(client.get("/").content.decode()) == 999
    # A deploy (other rules, other templates) computes them again.
    caches["paginas"].clear()
    with override_settings(BUILD_ID="outra-versao"):
        html = client.get("/").content.decode()
        assert prazos_alterados_no_painel(html) == prazos_alterados(demo)
        assert chave not in historia_no_banco(demo) and len(historia_no_banco(demo)) == 1


def test_historia_ilegivel_ou_que_nao_se_grava_nao_derruba_o_painel(
    client, demo, monkeypatch, caplog
):
    tempo_depois(monkeypatch, HISTORIA_ASSENTADA_SEGUNDOS + 1)
    esperada = execucao_nos_ciclos(client)
    HistoriaGuardada.objects.update(conteudo=b"\x80\x05lixo")
    caches["paginas"].clear()
    assert execucao_nos_ciclos(client) == esperada
    assert "história guardada ilegível" in caplog.text
    # The row was replaced by a good one.
    caches["paginas"].clear()
    assert pickle.loads(HistoriaGuardada.objects.get().conteudo)[0]  # noqa: S301

    def falha(*args, **kwargs):
        raise DatabaseError("disco cheio")

    HistoriaGuardada.objects.all().delete()
    monkeypatch.setattr(HistoriaGuardada.objects, "bulk_create", falha)
    caches["paginas"].clear()
    assert execucao_nos_ciclos(client) == esperada
    assert "história não guardada" in caplog.text
    assert historia_no_banco(demo) == []
