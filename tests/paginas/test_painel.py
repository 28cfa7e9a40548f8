"""/: the painel's numbers are the database's, computed by the plan's rules."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from monitoramento.demo import carregar_demo
from monitoramento.indicadores import cobertura_do_ciclo
from monitoramento.models import Atualizacao, Ciclo
from monitoramento.services import enviar_relato, publicar_relato
from plano.indicadores import (
    ROTULOS,
    Item,
    Situacao,
    execucao,
    situacao_exibida,
    tempo_decorrido,
)
from plano.models import Atividade, Objetivo
from tests import factories


def pct(valor) -> str:
    """How the page writes a percentage: one decimal, comma, no-break space."""
    return f"{valor:.1f}".replace(".", ",") + "&nbsp;%"


def bloco(html: str, id_: str) -> str:
    """The painel's highlighted number with this id (an <li>)."""
    inicio = html.index(f'id="{id_}"')
    return html[inicio : html.index("</li>", inicio)]


def linhas_de_situacao(html: str) -> dict[str, int]:
    return {
        valor: int(n)
        for valor, n in re.findall(
            r'<tr data-situacao="(\w+)">.*?<td class="numero">(\d+)</td>', html, re.S
        )
    }


@pytest.fixture
def demo(plano):
    carregar_demo()
    return plano


def test_painel_conta_atividades_por_situacao_como_o_banco(client, demo):
    hoje = timezone.localdate()
    esperado = Counter(situacao_exibida(a.situacao, a.prazo, hoje) for a in Atividade.objects.all())
    html = client.get("/").content.decode()
    contagem = linhas_de_situacao(html)
    # Every situation is listed, in the legend's order, with the database's count.
    assert list(contagem) == list(ROTULOS)
    assert contagem == {valor: esperado[valor] for valor in ROTULOS}
    assert contagem["atrasada"] == 2  # the demo's two overdue activities
    assert sum(contagem.values()) == 75
    for rotulo in ROTULOS.values():
        assert f">{rotulo}</span>" in html


def test_painel_mostra_execucao_geral_e_por_objetivo(client, demo):
    def itens(atividades):
        return [Item(a.situacao, a.percentual, a.peso) for a in atividades]

    html = client.get("/").content.decode()
    geral = execucao(itens(Atividade.objects.all()))
    assert geral > 0
    assert pct(geral) in bloco(html, "execucao-geral")
    tabela = html[html.index('id="tabela-objetivos"') :]
    for objetivo in Objetivo.objects.all():
        linha = tabela[tabela.index(f'href="/plano/{objetivo.codigo}/"') :].split("</tr>")[0]
        da_linha = Atividade.objects.filter(acao__objetivo=objetivo)
        assert f'<td class="numero">{da_linha.count()}</td>' in linha
        assert pct(execucao(itens(da_linha))) in linha


def test_painel_mostra_tempo_decorrido_do_periodo_do_plano(client, demo):
    hoje = timezone.localdate()
    html = client.get("/").content.decode()
    assert pct(tempo_decorrido(demo.inicio, demo.fim, hoje)) in bloco(html, "tempo-decorrido")
    assert "Tempo decorrido de 2024–2029" in html


def test_painel_mostra_cobertura_do_ciclo_aberto_por_instituicao(client, demo):
    ciclo = Ciclo.objects.aberto().get()
    cobertura = cobertura_do_ciclo(ciclo)
    html = client.get("/").content.decode()
    assert f"Cobertura dos relatos do ciclo {ciclo.codigo}" in html
    assert (
        f"{cobertura.validadas} de {cobertura.esperadas} atividades esperadas com relato validado"
        in html
    )
    assert pct(cobertura.percentual) in bloco(html, "cobertura-geral")
    tabela = html[html.index('id="tabela-cobertura"') :].split("</table>")[0]
    siglas = re.findall(r'<a href="/parceiros/[\w-]+/">([^<]+)</a>', tabela)
    assert siglas == [c.instituicao.sigla for c in cobertura.por_instituicao]
    assert "PF" in siglas and "DPU" in siglas


def test_painel_sem_ciclo_diz_que_nenhum_foi_aberto(client, plano):
    html = client.get("/").content.decode()
    assert "Nenhum ciclo de monitoramento foi aberto até agora" in html
    assert "Nenhum relato foi publicado até agora." in html
    assert linhas_de_situacao(html)["sem_informacao"] == 75
    # Nothing reported: every activity counts as 0 %.
    assert pct(0) in bloco(html, "execucao-geral")


def test_painel_lista_ultimos_relatos_publicados_com_link_para_a_atividade(client, demo):
    html = client.get("/").content.decode()
    ultimos = list(Atualizacao.objects.publicadas().order_by("-validado_em", "-pk")[:5])
    lista = html[html.index('class="lista-relatos"') :].split("</ul>")[0]
    assert lista.count("<li>") == 5
    for relato in ultimos:
        assert (
            f'<a href="/plano/{relato.atividade.codigo}/">Atividade {relato.atividade.codigo}</a>'
            in lista
        )
        assert f"relato da {relato.instituicao.sigla} sobre o ciclo {relato.ciclo.codigo}" in lista
    ultima = timezone.localtime(ultimos[0].validado_em).strftime("%d/%m/%Y")
    assert f">{ultima}</time>." in html.split("Última atualização: relato validado em")[1][:80]
    # Activities with only a draft (2.3.2) or a report awaiting validation (3.3.2) never show.
    assert "Atividade 2.3.2" not in lista and "Atividade 3.3.2" not in lista


def test_painel_nao_mostra_relatos_de_outro_plano(client, plano):
    outro = factories.criar_plano(slug="outro")
    atividade = factories.criar_atividade(plano=outro, codigo="9.9.9")
    factories.criar_atualizacao(
        atividade=atividade,
        instituicao=factories.criar_instituicao(),
        ciclo=factories.criar_ciclo(plano=outro),
        autor=factories.criar_usuario(),
        estado=Atualizacao.Estado.PUBLICADA,
    )
    html = client.get("/").content.decode()
    assert "9.9.9" not in html
    assert sum(linhas_de_situacao(html).values()) == 75


def test_painel_so_ve_atraso_depois_do_prazo(client, plano, monkeypatch):
    atividade = Atividade.objects.get(codigo="1.1.1")
    atividade.situacao = Situacao.EM_ANDAMENTO
    atividade.percentual = 10
    atividade.prazo = hoje = timezone.localdate()
    atividade.save()
    assert linhas_de_situacao(client.get("/").content.decode())["atrasada"] == 0
    # The next morning, with no change to the data, the same painel shows it late.
    monkeypatch.setattr(timezone, "localdate", lambda: hoje + timedelta(days=1))
    contagem = linhas_de_situacao(client.get("/").content.decode())
    assert (contagem["atrasada"], contagem["em_andamento"]) == (1, 0)


def lista_de_relatos(html: str) -> str:
    return html[html.index('class="lista-relatos"') :].split("</ul>")[0]


def test_painel_mostra_um_relato_assim_que_publicado_e_nunca_um_rascunho(
    client, demo, pf, validador
):
    ciclo = Ciclo.objects.aberto().get()
    atividade = (
        Atividade.objects.filter(vinculos__instituicao=pf)
        .exclude(atualizacoes__ciclo=ciclo)
        .order_by("pk")
        .first()
    )
    relato = factories.criar_atualizacao(
        atividade=atividade,
        instituicao=pf,
        ciclo=ciclo,
        autor=factories.criar_usuario(instituicao=pf),
        situacao=Situacao.EM_ANDAMENTO,
        percentual=40,
    )
    antes = client.get("/").content
    # A draft, then a report sent for validation: the public painel is unchanged.
    enviar_relato(atualizacao=relato, usuario=relato.autor)
    assert client.get("/").content == antes
    cobertura = cobertura_do_ciclo(ciclo).da_instituicao(pf.pk)

    publicar_relato(atualizacao=relato, validador=validador)
    html = client.get("/").content.decode()
    primeiro = lista_de_relatos(html).split("</li>")[0]
    assert f"Atividade {atividade.codigo}</a>" in primeiro
    tabela = html[html.index('id="tabela-cobertura"') :].split("</table>")[0]
    linha = tabela[tabela.index('href="/parceiros/pf/"') :].split("</tr>")[0]
    validadas = cobertura.validadas + 1
    assert f'<td class="numero">{validadas}</td>' in linha


def test_painel_mostra_texto_editado_pela_cgetp(client, plano):
    assert "Objetivo revisto" not in client.get("/").content.decode()
    objetivo = Objetivo.objects.get(codigo="2")
    objetivo.texto = "Objetivo revisto pela CGETP."
    objetivo.save()
    tabela = client.get("/").content.decode().split('id="tabela-objetivos"')[1]
    assert "Objetivo revisto pela CGETP." in tabela.split("</table>")[0]
