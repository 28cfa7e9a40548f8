"""/plano/ filters: each narrows the table, they combine, and their state is the URL."""

import re
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from plano.filters import AtividadeFilter, dobrar, padrao_sem_acentos
from plano.indicadores import Situacao
from plano.models import Atividade
from tests import factories


def linhas(client, consulta: str = "") -> list[str]:
    """The activity codes of the list's cards, in order."""
    html = client.get(f"/plano/?{consulta}").content.decode()
    return [
        trecho.split('"', 1)[0]
        for trecho in html.split('<li class="cartao-atividade" id="atividade-')[1:]
    ]


def situar(codigo: str, situacao: str, percentual=None, **campos) -> None:
    Atividade.objects.filter(codigo=codigo).update(
        situacao=situacao, percentual=percentual, **campos
    )


def test_sem_filtros_mostra_o_plano_inteiro_e_a_contagem(client, plano):
    html = client.get("/plano/").content.decode()
    assert "<strong>75</strong> atividades encontradas." in html
    assert len(linhas(client)) == 75


def test_filtro_por_objetivo(client, plano):
    codigos = linhas(client, "objetivo=2")
    assert codigos and all(c.startswith("2.") for c in codigos)
    assert len(codigos) == Atividade.objects.filter(acao__objetivo__codigo="2").count()


def test_filtro_por_acao(client, plano):
    assert linhas(client, "acao=1.1") == ["1.1.1", "1.1.2", "1.1.3", "1.1.4"]


def test_filtro_por_instituicao(client, plano):
    # The plan links the DPU to 1.1.1, 1.1.2, 1.1.3 and 1.2.1 only.
    assert linhas(client, "instituicao=dpu") == ["1.1.1", "1.1.2", "1.1.3", "1.2.1"]


def test_filtro_por_situacao_inclui_atrasada_derivada_do_prazo(client, plano):
    ontem = timezone.localdate() - timedelta(days=1)
    situar("2.1.1", Situacao.EM_ANDAMENTO, 40, prazo=ontem)
    situar("2.1.2", Situacao.EM_ANDAMENTO, 10)
    situar("2.2.1", Situacao.CONCLUIDA, 100, prazo=ontem)
    assert linhas(client, "situacao=atrasada") == ["2.1.1"]
    # An overdue activity is shown as "atrasada", so it leaves "em andamento".
    assert linhas(client, "situacao=em_andamento") == ["2.1.2"]
    assert linhas(client, "situacao=concluida") == ["2.2.1"]
    assert len(linhas(client, "situacao=sem_informacao")) == 72
    linha = client.get("/plano/?situacao=atrasada").content.decode().split("atividade-2.1.1")[1]
    assert '<span class="situacao situacao-atrasada">Atrasada</span>' in linha


def test_filtro_por_prazo(client, plano):
    hoje = timezone.localdate()
    Atividade.objects.filter(codigo="1.1.1").update(prazo=hoje - timedelta(days=3))
    Atividade.objects.filter(codigo="1.1.2").update(prazo=hoje + timedelta(days=30))
    Atividade.objects.filter(codigo="1.1.3").update(prazo=hoje + timedelta(days=800))
    assert linhas(client, "prazo=vencido") == ["1.1.1"]
    assert linhas(client, "prazo=a_vencer") == ["1.1.2"]
    assert len(linhas(client, "prazo=sem_prazo")) == 72


def test_busca_ignora_acentos_e_maiusculas(client, plano):
    # Ranked: a match in the activity's own text, then in its action's, then
    # in its objective's; ties in code order.
    niveis = {}
    for a in Atividade.objects.em_ordem().select_related("acao__objetivo"):
        textos = [a.texto, a.acao.texto, a.acao.objetivo.texto]
        achados = [n for n, texto in enumerate(textos) if "regularização" in texto.lower()]
        if achados:
            niveis[a.codigo] = achados[0]
    esperado = sorted(niveis, key=lambda codigo: niveis[codigo])
    assert esperado and len(set(niveis.values())) > 1
    assert linhas(client, "busca=regularizacao") == esperado
    assert linhas(client, "busca=REGULARIZAÇÃO") == esperado
    assert linhas(client, "busca=Regularizacão") == esperado


def test_busca_com_varias_palavras_exige_todas(client, plano):
    codigos = linhas(client, "busca=curriculo+minimo")
    assert codigos
    for codigo in codigos:
        texto = dobrar(Atividade.objects.get(codigo=codigo).texto)
        assert "curriculo" in texto and "minimo" in texto
    assert linhas(client, "busca=curriculo+xyzzy") == []


def test_busca_por_codigo_encontra_o_item_e_seus_filhos(client, plano):
    assert linhas(client, "busca=2.3") == ["2.3.1", "2.3.2", "2.3.3"]
    assert linhas(client, "busca=3.2.1") == ["3.2.1"]
    # 1.2.3 contains "2.3" but is not under action 2.3.
    assert "1.2.3" not in linhas(client, "busca=2.3")


def test_busca_trata_caracteres_de_expressao_regular_como_texto(client, plano):
    assert linhas(client, "busca=.%2A") == []  # ".*" is not in the plan
    # Action 1.3 says "(p. ex. …)": the parenthesis and dots are plain text.
    assert "1.3.1" in linhas(client, "busca=%28p.+ex.")


def test_filtros_combinados(client, plano):
    situar("1.1.2", Situacao.EM_ANDAMENTO, 30)
    situar("1.1.3", Situacao.EM_ANDAMENTO, 30)
    assert linhas(client, "instituicao=pf&situacao=em_andamento") == ["1.1.2", "1.1.3"]
    assert linhas(client, "instituicao=pf&situacao=em_andamento&busca=1.1.3") == ["1.1.3"]
    assert linhas(client, "objetivo=2&acao=1.1") == []


def test_nenhum_resultado_explica_e_oferece_o_plano_inteiro(client, plano):
    html = client.get("/plano/?busca=xyzzy").content.decode()
    assert "<strong>0</strong> atividades encontradas com os filtros aplicados." in html
    assert "Nenhuma atividade atende aos filtros escolhidos." in html
    assert "cartao-atividade" not in html


def test_valor_invalido_de_filtro_e_ignorado_e_avisado(client, plano):
    resposta = client.get("/plano/?objetivo=99&situacao=inventada&acao=1.1")
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert '<p class="erro-de-filtro" id="id_objetivo_error">' in html
    assert "99 não é uma das escolhas disponíveis. Filtro ignorado." in html
    assert "<li>Ação prioritária: 1.1 – " in html
    assert "<li>Objetivo específico" not in html
    assert linhas(client, "objetivo=99&situacao=inventada&acao=1.1") == linhas(client, "acao=1.1")


def test_filtros_ativos_tem_link_para_remover_cada_um(client, plano):
    html = client.get("/plano/?acao=1.1&busca=curriculo").content.decode()
    assert "<strong>1</strong> atividade encontrada com os filtros aplicados." in html
    assert '<a href="?busca=curriculo">Remover' in html
    assert '<a href="?acao=1.1">Remover' in html
    assert '<a class="br-button secondary" href="/plano/">Limpar filtros</a>' in html


def test_campos_vazios_do_formulario_saem_do_endereco(client, plano):
    resposta = client.get("/plano/?busca=rede&objetivo=2&acao=&situacao=&prazo=")
    assert resposta.status_code == 302
    assert resposta["Location"] == "/plano/?busca=rede&objetivo=2"
    resposta = client.get("/plano/?busca=&acao=")
    assert resposta["Location"] == "/plano/"


def test_formulario_mantem_o_estado_da_url(client, plano):
    html = client.get("/plano/?acao=2.3&situacao=atrasada&busca=rede").content.decode()
    assert '<form class="filtros" method="get" action="/plano/"' in html
    assert '<input type="search" name="busca" value="rede" id="busca"' in html
    assert '<option value="2.3" selected>' in html
    assert '<option value="atrasada" selected>' in html


def test_filtro_reutilizavel_com_qualquer_queryset(plano):
    """The contract the downloads and the API rely on: .qs is the filtered
    activities in code order, without the page's context."""
    ontem = timezone.localdate() - timedelta(days=1)
    situar("1.2.1", Situacao.EM_ANDAMENTO, 40, prazo=ontem)
    filtro = AtividadeFilter(
        QueryDict("situacao=atrasada&objetivo=1"),
        queryset=Atividade.objects.para_plano().filter(acao__objetivo__plano=plano),
    )
    assert filtro.is_valid()
    assert [a.codigo for a in filtro.qs] == ["1.2.1"]
    todas = AtividadeFilter(QueryDict(), queryset=Atividade.objects.para_plano())
    assert [a.codigo for a in todas.qs][:3] == ["1.1.1", "1.1.2", "1.1.3"]


def test_filtro_nao_mistura_planos(plano):
    outro = factories.criar_plano(slug="pnetp")
    factories.criar_atividade(plano=outro, codigo="1.1.1", texto="Regularização de outro plano")
    filtro = AtividadeFilter(
        QueryDict("busca=regularizacao"), queryset=Atividade.objects.para_plano().do_plano(plano)
    )
    assert all(a.acao.objetivo.plano_id == plano.pk for a in filtro.qs)


@pytest.mark.parametrize(
    ("palavra", "texto", "encontra"),
    [
        ("acao", "Ação prioritária", True),
        ("AÇÃO", "acao", True),
        ("migração", "MIGRACAO", True),
        ("a.b", "axb", False),
    ],
)
def test_padrao_sem_acentos(palavra, texto, encontra):
    assert bool(re.search(padrao_sem_acentos(palavra), texto)) is encontra
