"""Citations between the plan's texts (plano.referencias)."""

from plano.referencias import codigos_citados, com_referencias


def endereco(codigo: str) -> str:
    return f"/plano/{codigo}/"


def test_encontra_as_formas_de_citacao_do_plano():
    assert codigos_citados("previsto na Atividade 1.1.1.") == ["1.1.1"]
    assert codigos_citados("nos itens 3.8.1 e 3.9.2 e promover") == ["3.8.1", "3.9.2"]
    assert codigos_citados("no item 3.2.1 e outros") == ["3.2.1"]
    assert codigos_citados("em linha com o POP previsto na atividade 3.2.1.") == ["3.2.1"]
    assert codigos_citados("mencionado na Atividade 4.3.1, focando") == ["4.3.1"]
    assert codigos_citados("as atividades 1.1.1, 1.1.2 e 1.1.3") == ["1.1.1", "1.1.2", "1.1.3"]


def test_numeros_sem_palavra_de_citacao_nao_sao_citacoes():
    assert codigos_citados("Lei 13.445 de 2017, versão 1.1.1") == []
    assert codigos_citados("Atividade 1.2.3.4") == []


def test_liga_apenas_codigos_existentes_e_escapa_o_resto():
    html = com_referencias(
        "A <b>Atividade</b> 1.1.1 & item 9.9.9;\nnova linha, Atividade 1.1.1",
        {"1.1.1"},
        endereco,
    )
    assert html == (
        "A &lt;b&gt;Atividade&lt;/b&gt; 1.1.1 &amp; item 9.9.9;<br>"
        'nova linha, Atividade <a href="/plano/1.1.1/">1.1.1</a>'
    )


def test_lista_de_codigos_liga_cada_um():
    html = com_referencias("itens 3.8.1 e 3.9.2", {"3.8.1", "3.9.2"}, endereco)
    assert html == ('itens <a href="/plano/3.8.1/">3.8.1</a> e <a href="/plano/3.9.2/">3.9.2</a>')
