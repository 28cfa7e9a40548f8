"""/plano/: the whole plan as the ministry's table shows it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plano.models import Atividade
from tests import factories


def test_plano_mostra_as_75_atividades_com_texto_exato(client, plano):
    resposta = client.get("/plano/")
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "<strong>75</strong> atividades encontradas." in html
    for atividade in Atividade.objects.all():
        assert f'<li class="cartao-atividade" id="atividade-{atividade.codigo}">' in html
    # Paragraphs of multi-line texts are kept.
    assert (
        "Especificamente, a formação deverá conter, no mínimo, conteúdos sobre:<br>a) A identificação"
        in html
    )
    assert "*O mesmo para brasileiros com destino ao exterior." in html


def test_plano_lista_parceiros_ou_a_definir(client, plano):
    html = client.get("/plano/").content.decode()
    linha_111 = html.split('id="atividade-1.1.1"')[1].split('id="atividade-1.1.2"')[0]
    for sigla in ["MJSP", "MPF", "PF", "DPU", "Agências Internacionais", "OSCs"]:
        assert f"<li>{sigla}</li>" in linha_111
    linha_114 = html.split('id="atividade-1.1.4"')[1].split('id="atividade-1.2.1"')[0]
    assert "Parceiros a definir" in linha_114


def test_plano_agrupa_por_objetivo_e_acao_em_secoes_que_se_recolhem(client, plano):
    html = client.get("/plano/").content.decode()
    objetivos = html.split('<details class="grupo-objetivo" open>')[1:]
    assert len(objetivos) == 4
    # Objective 1 has 16 activities in 4 actions; action 1.1 has 4.
    assert '<span class="codigo">1</span>' in objetivos[0].split("</summary>")[0]
    assert (
        '<a class="ir-para-item" href="/plano/1/">Ver<span class="sr-only"> a página do objetivo 1'
        in objetivos[0]
    )
    assert "(16 atividades)" in objetivos[0].split("</summary>")[0]
    assert objetivos[0].count('<details class="grupo-acao" open>') == 4
    acao_11 = objetivos[0].split('<details class="grupo-acao" open>')[1]
    assert '<span class="codigo">1.1</span>' in acao_11.split("</summary>")[0]
    assert '<a class="ir-para-item" href="/plano/1.1/">' in acao_11
    assert acao_11.count('class="cartao-atividade"') == 4


def test_plano_ordena_codigos_como_numeros(client, plano):
    acao = Atividade.objects.get(codigo="1.1.4").acao
    for numero in range(5, 11):
        Atividade.objects.create(
            acao=acao, numero=numero, codigo=f"1.1.{numero}", texto=f"Extra {numero}"
        )
    html = client.get("/plano/").content.decode()
    assert html.index('id="atividade-1.1.9"') < html.index('id="atividade-1.1.10"')
    assert html.index('id="atividade-1.1.10"') < html.index('id="atividade-1.2.1"')


def _consultas(client, url):
    client.get(url)  # warm the demo-banner cache, as in steady state
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# 1. the plan; 2. its actions with their objectives (filter choices); 3. the
#    cycles opened so far (the cycle selector); 4. the institutions linked to
#    the plan (filter choices, sigla spellings); 5. how many activities the
#    filters keep (pages; while searching, the matches' ids in rank order);
#    6. this page's activities with action and objective; 7. their partners'
#    siglas; 8. the activity codes their texts cite, when they cite any (the
#    whole plan's do; that selection's don't); 9. their published evidence
#    count.
CONSULTAS_DO_PLANO = {
    "/plano/": 9,
    "/plano/?busca=regularizacao&situacao=sem_informacao&instituicao=pf": 8,
}


@pytest.mark.parametrize("fator", [1, 10])
@pytest.mark.parametrize(("url", "consultas"), CONSULTAS_DO_PLANO.items())
def test_plano_custa_consultas_fixas_qualquer_que_seja_o_tamanho(
    client, plano, fator, url, consultas
):
    factories.ampliar_plano(plano=plano, fator=fator)
    assert Atividade.objects.count() == 75 * fator
    assert _consultas(client, url) == consultas
