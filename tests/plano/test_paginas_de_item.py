"""/plano/<código>/: one URL scheme for objectives, actions and activities."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoramento.models import Atualizacao
from monitoramento.services import atualizar_situacao_da_atividade
from plano.indicadores import Situacao
from plano.models import Acao, Atividade, Objetivo
from tests import factories
from tests.plano.test_pagina_plano import _consultas

Estado = Atualizacao.Estado


def momento(ano, mes, dia):
    return timezone.make_aware(datetime(ano, mes, dia, 12))


@pytest.fixture
def relatos(plano, pf, dpu):
    """Reports on 1.1.1 in every state; only two are published."""
    atividade = Atividade.objects.get(codigo="1.1.1")
    c1 = factories.criar_ciclo(plano=plano, codigo="2025.1")
    c2 = factories.criar_ciclo(plano=plano, codigo="2025.2")
    autor_pf = factories.criar_usuario(username="maria.pf", first_name="Maria", instituicao=pf)
    autor_dpu = factories.criar_usuario(username="joao.dpu", first_name="João", instituicao=dpu)
    validador = factories.criar_usuario(username="ana.cgetp", first_name="Ana", is_staff=True)
    comum = {"atividade": atividade, "validador": validador}
    antigo = factories.criar_atualizacao(
        **comum,
        instituicao=pf,
        ciclo=c1,
        autor=autor_pf,
        estado=Estado.PUBLICADA,
        situacao=Situacao.NAO_INICIADA,
        percentual=0,
        realizado="Levantamento inicial dos currículos.",
        enviado_em=momento(2025, 7, 3),
        validado_em=momento(2025, 7, 10),
    )
    recente = factories.criar_atualizacao(
        **comum,
        instituicao=pf,
        ciclo=c2,
        autor=autor_pf,
        estado=Estado.PUBLICADA,
        percentual=45,
        realizado="Currículo mínimo aprovado <b>em</b> plenária.",
        restricoes="Falta de orçamento; providência: pedido de suplementação.",
        enviado_em=momento(2026, 1, 5),
        validado_em=momento(2026, 1, 12),
    )
    factories.criar_evidencia(
        atualizacao=recente,
        titulo="Ata da plenária",
        tipo="ato_normativo",
        data=date(2025, 12, 1),
        url="https://example.org/ata",
    )
    for ciclo, versao, estado, texto in [
        (c1, 1, Estado.RASCUNHO, "Rascunho secreto"),
        (c2, 1, Estado.DEVOLVIDA, "Devolvido para corrigir"),
        (c2, 2, Estado.ENVIADA, "Enviado sem validar"),
    ]:
        factories.criar_atualizacao(
            atividade=atividade,
            instituicao=dpu,
            ciclo=ciclo,
            versao=versao,
            autor=autor_dpu,
            estado=estado,
            realizado=texto,
        )
    atualizar_situacao_da_atividade(atividade=atividade)
    return antigo, recente


def test_get_absolute_url_usa_um_esquema_para_todos_os_niveis(plano):
    assert Objetivo.objects.get(codigo="2").get_absolute_url() == "/plano/2/"
    assert Acao.objects.get(codigo="2.3").get_absolute_url() == "/plano/2.3/"
    assert Atividade.objects.get(codigo="2.3.1").get_absolute_url() == "/plano/2.3.1/"


@pytest.mark.parametrize(
    "codigo", ["9", "1.99", "1.1.99", "abc", "1.1.1.1", "01.1", "1..1", "1.1.1.", "0", "-1"]
)
def test_codigo_desconhecido_ou_malformado_da_404(client, plano, codigo):
    assert client.get(f"/plano/{codigo}/").status_code == 404


def test_codigo_de_outro_plano_da_404(client, plano):
    outro = factories.criar_plano(slug="pnetp")
    factories.criar_atividade(plano=outro, codigo="7.1.1")
    assert client.get("/plano/7.1.1/").status_code == 404
    assert client.get("/plano/7/").status_code == 404


def test_objetivo_mostra_suas_acoes_e_o_progresso(client, plano):
    for codigo, situacao, percentual in [
        ("1.1.1", Situacao.EM_ANDAMENTO, 50),
        ("1.1.2", Situacao.CONCLUIDA, 100),
        ("1.1.3", Situacao.CANCELADA, 0),
    ]:
        Atividade.objects.filter(codigo=codigo).update(situacao=situacao, percentual=percentual)
    html = client.get("/plano/1/").content.decode()
    assert "<title>Objetivo específico 1 · Painel I PAECM</title>" in html
    assert html.count("<h1>") == 1
    for acao in Acao.objects.filter(objetivo__codigo="1"):
        assert f'href="/plano/{acao.codigo}/"' in html
    # Action 1.1: (50 + 100 + 0) / 3 measurable activities (1.1.3 is cancelled).
    trecho = html.split("Ação 1.1</span>")[1].split("</li>\n  \n  <li")[0]
    assert "Execução da ação 1.1</span>: <strong>50,0%</strong>" in trecho
    assert '<span class="situacao situacao-cancelada">Cancelada</span>: 1' in trecho
    assert '<span class="situacao situacao-sem_informacao">Sem informação</span>: 1' in trecho
    assert (
        '<a href="/plano/1.1.2/">Atividade 1.1.2</a>: '
        '<span class="situacao situacao-concluida">Concluída</span> · 100% executado'
    ) in trecho
    # Objective 1: 150 over 15 measurable activities.
    assert "Execução do objetivo</span>: <strong>10,0%</strong>" in html


def test_acao_mostra_suas_atividades(client, plano):
    html = client.get("/plano/1.1/").content.decode()
    assert "<title>Ação prioritária 1.1 · Painel I PAECM</title>" in html
    for codigo in ["1.1.1", "1.1.2", "1.1.3", "1.1.4"]:
        assert f'<tr id="atividade-{codigo}">' in html
        assert f'href="/plano/{codigo}/"' in html
    assert "Parceiros a definir" in html.split('id="atividade-1.1.4"')[1]
    assert "Sem informação" in html


def test_atividade_mostra_texto_trilha_parceiros_e_situacao(client, plano):
    Atividade.objects.filter(codigo="1.1.1").update(
        prazo=timezone.localdate() - timedelta(days=1),
        situacao=Situacao.EM_ANDAMENTO,
        percentual=30,
    )
    html = client.get("/plano/1.1.1/").content.decode()
    assert "<title>Atividade 1.1.1 · Painel I PAECM</title>" in html
    assert Atividade.objects.get(codigo="1.1.1").texto.strip()[:60] in html
    trilha = html.split('<nav class="br-breadcrumb')[1].split("</nav>")[0]
    assert '<a href="/plano/">Plano</a>' in trilha
    assert '<a href="/plano/1/">Objetivo específico 1</a>' in trilha
    assert '<a href="/plano/1.1/">Ação prioritária 1.1</a>' in trilha
    assert '<span aria-current="page">Atividade 1.1.1</span>' in trilha
    assert '<a href="/plano/1.1/">Ação prioritária 1.1</a>: Fornecer capacitação' in html
    assert "<li>PF (Polícia Federal): parceira</li>" in html
    assert '<span class="situacao situacao-atrasada">Atrasada</span>' in html
    assert "<dd>30%</dd>" in html
    prazo = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    assert f"<dt>Prazo</dt><dd>{prazo}</dd>" in html


def test_atividade_sem_parceiros_diz_a_definir(client, plano):
    html = client.get("/plano/2.1.1/").content.decode()
    assert "Parceiros a definir." in html
    assert "Nenhum relato publicado sobre esta atividade até agora." in html


def test_atividade_mostra_relatos_publicados_por_ciclo_com_carimbo(client, plano, relatos):
    html = client.get("/plano/1.1.1/").content.decode()
    assert html.index("Ciclo 2025.2") < html.index("Ciclo 2025.1")
    assert "Currículo mínimo aprovado &lt;b&gt;em&lt;/b&gt; plenária." in html
    assert "Falta de orçamento; providência: pedido de suplementação." in html
    assert (
        '<a href="https://example.org/ata">Ata da plenária</a> (Ato normativo, 01/12/2025)' in html
    )
    assert "Informado por PF em 05/01/2026; validado pela CGETP em 12/01/2026." in html
    assert "Informado por PF em 03/07/2025; validado pela CGETP em 10/07/2025." in html


def test_relatos_nao_publicados_e_nomes_de_pessoas_nunca_aparecem(client, plano, relatos):
    for url in ["/plano/1.1.1/", "/plano/1.1/", "/plano/1/", "/plano/"]:
        html = client.get(url).content.decode()
        for segredo in ["Rascunho secreto", "Enviado sem validar", "Devolvido para corrigir"]:
            assert segredo not in html, url
        for pessoa in ["Maria", "João", "Ana", "maria.pf", "joao.dpu", "ana.cgetp"]:
            assert pessoa not in html, url


def test_textos_citados_viram_links_so_para_codigos_existentes(client, plano):
    html = client.get("/plano/3.7.1/").content.decode()
    assert 'Incluir no POP previsto na Atividade <a href="/plano/3.2.1/">3.2.1</a> o' in html
    html = client.get("/plano/3.6.2/").content.decode()
    assert 'itens <a href="/plano/3.8.1/">3.8.1</a> e <a href="/plano/3.9.2/">3.9.2</a> e' in html
    html = client.get("/plano/4.4.1/").content.decode()
    assert 'na Atividade <a href="/plano/4.3.1/">4.3.1</a>, focando' in html
    Atividade.objects.filter(codigo="4.1.1").update(
        texto="Ver a Atividade 9.9.9 e o item 1.1.1 <script>alert(1)</script>"
    )
    html = client.get("/plano/4.1.1/").content.decode()
    assert 'Ver a Atividade 9.9.9 e o item <a href="/plano/1.1.1/">1.1.1</a> &lt;script&gt;' in html
    assert "<script>alert(1)" not in html


def test_objetivo_e_acao_ligam_so_codigos_existentes_deste_plano(client, plano):
    factories.criar_atividade(plano=factories.criar_plano(slug="pnetp"), codigo="7.7.7")
    Acao.objects.filter(objetivo__plano=plano, codigo="1.1").update(
        texto="Conforme a Atividade 2.1.1, a Ação 9.9 e o item 7.7.7."
    )
    for url in ["/plano/1/", "/plano/1.1/"]:
        html = client.get(url).content.decode()
        assert 'Conforme a Atividade <a href="/plano/2.1.1/">2.1.1</a>, a Ação 9.9 e' in html, url
        # 7.7.7 exists, in another plan: not an item of this one.
        assert "o item 7.7.7." in html, url


def test_atividade_mostra_quem_a_cita(client, plano):
    html = client.get("/plano/3.2.1/").content.decode()
    citada_em = html.split("<h2>Citada em</h2>")[1]
    for codigo in ["3.4.1", "3.7.1", "3.7.2", "3.8.2", "3.9.1"]:
        assert f'<a href="/plano/{codigo}/">Atividade {codigo}</a>' in citada_em
    assert 'href="/plano/3.2.1/">Atividade 3.2.1' not in citada_em
    html = client.get("/plano/2.1.1/").content.decode()
    assert "Nenhuma outra atividade do plano cita esta." in html


def test_plano_tambem_liga_as_citacoes(client, plano):
    html = client.get("/plano/?acao=3.7").content.decode()
    assert 'previsto na Atividade <a href="/plano/3.2.1/">3.2.1</a>' in html


# Detail pages, each reading only what it shows:
# objective: 1. its actions with the objective and the plan, 2. the cycles
#   opened so far (the cycle selector), 3. its activities (progress), and
#   the codes its texts cite when they cite any (objective 1 cites none);
# action: 1. the action with its objective and plan, 2. the cycles opened so
#   far, 3. its activities, 4. their links with institutions (and the codes
#   cited: action 1.1 cites none);
# activity: 1. the activity with its action, objective and plan, 2. its links
#   with institutions, 3. the activities whose text may cite it, 4. the codes
#   all these texts cite, 5. its published reports with cycle and
#   institution, 6. their evidence, 7. the cycles opened so far, 8. its
#   deadlines' history (its situation at the close of each cycle, from those
#   reports), 9-10. its changes (its history and its links' history).
CONSULTAS = {"/plano/1/": 3, "/plano/1.1/": 4, "/plano/1.1.1/": 10}


@pytest.mark.parametrize("fator", [1, 10])
@pytest.mark.parametrize(("url", "consultas"), CONSULTAS.items())
def test_paginas_de_item_custam_consultas_fixas(client, plano, relatos, fator, url, consultas):
    factories.ampliar_plano(plano=plano, fator=fator)
    assert _consultas(client, url) == consultas


def test_codigo_inexistente_custa_uma_consulta_e_malformado_nenhuma(client, plano):
    client.get("/plano/9.9.9/")  # warm the demo-banner cache of the 404 page's layout
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/plano/9.9.9/").status_code == 404
    assert len(ctx.captured_queries) == 1  # the activity, not found
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/plano/x.1/").status_code == 404
    assert len(ctx.captured_queries) == 0
