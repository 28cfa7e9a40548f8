"""/metodologia/ is rendered from the rules in plano/indicadores.py."""

from plano import indicadores
from plano.indicadores import Situacao


def secao(html: str, id_: str) -> str:
    inicio = html.index(f'id="{id_}"')
    return html[inicio : html.index("</p>", inicio)]


def test_metodologia_lista_as_regras_a_partir_do_codigo(client, plano):
    html = client.get("/metodologia/").content.decode()
    fora = secao(html, "fora-do-denominador")
    assert "<strong>Cancelada</strong> ou <strong>Não se aplica</strong>" in fora
    assert "<strong>Em andamento</strong> ou <strong>Não iniciada</strong>" in html
    assert "<li>Não iniciada: 0&nbsp;%</li><li>Concluída: 100&nbsp;%</li>" in html
    # With the deadline passed, only "não iniciada" and "em andamento" turn into "atrasada".
    assert '<tr><th scope="row">Em andamento</th><td>Atrasada</td></tr>' in html
    assert '<tr><th scope="row">Concluída</th><td>Concluída</td></tr>' in html


def test_metodologia_calcula_o_exemplo_com_as_regras(client, plano):
    html = client.get("/metodologia/").content.decode()
    # (100*1 + 40*2 + 0*1 + 0*1) / 5 = 36.0, the cancelled activity left out.
    assert "Execução: <strong>36,0&nbsp;%</strong>" in html
    # Four expected (the cancelled one leaves), two of them validated.
    assert (
        "Cobertura: 2 de 4 atividades esperadas com relato validado, ou <strong>50,0&nbsp;%" in html
    )
    assert "<td>fora do cálculo</td>" in html


def test_metodologia_muda_quando_a_regra_muda(client, plano, monkeypatch):
    # If cancelled activities stayed in the denominators, the page would say so
    # and the worked example would come out differently.
    monkeypatch.setattr(indicadores, "FORA_DO_DENOMINADOR", frozenset({Situacao.NAO_SE_APLICA}))
    html = client.get("/metodologia/").content.decode()
    assert "<strong>Cancelada</strong>" not in secao(html, "fora-do-denominador")
    assert "<strong>Não se aplica</strong>" in secao(html, "fora-do-denominador")
    # (100 + 80 + 0 + 0 + 30) / 6 = 35.0; five of five expected, three validated.
    assert "Execução: <strong>35,0&nbsp;%</strong>" in html
    assert "Cobertura: 3 de 5 atividades esperadas" in html
    assert "<td>fora do cálculo</td>" not in html


def test_metodologia_custa_uma_consulta(client, plano, django_assert_num_queries):
    client.get("/metodologia/")
    with django_assert_num_queries(1):  # the plan, for its period
        assert client.get("/metodologia/").status_code == 200
