"""The plan as data: the fixture matches the ministry's page, and loading it is idempotent."""

import json
import re

import pytest
from django.core.management import call_command

from parceiros.models import Instituicao
from plano.carga import FIXTURE, carregar_plano
from plano.models import Acao, Atividade, Objetivo, Plano, Vinculo

# The seed's PARCEIROS column, read by hand from the page.
PARCEIROS_DO_SEED = {
    "1.1.1": {"MJSP", "MPF", "PF", "DPU", "Agências Internacionais", "OSCs"},
    "1.1.2": {"MJSP", "MPF", "PF", "DPU", "Agências Internacionais", "OSCs"},
    "1.1.3": {"MJSP", "MPF", "PF", "DPU", "Núcleos Estaduais", "PAAHMs"},
    "1.2.1": {"MJSP", "MPF", "PF", "DPU", "Núcleos Estaduais", "PAAHMs"},
}


@pytest.fixture
def fixture_data():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _tabela(seed: str) -> str:
    return seed.split("PARCEIROS LINKS\n", 1)[1].split("Compartilhe por Facebook", 1)[0]


def _itens(fixture_data):
    for objetivo in fixture_data["objetivos"]:
        yield "objetivo", objetivo
        for acao in objetivo["acoes"]:
            yield "acao", acao
            for atividade in acao["atividades"]:
                yield "atividade", atividade


def test_fixture_tem_4_objetivos_28_acoes_75_atividades(fixture_data):
    tipos = [tipo for tipo, _ in _itens(fixture_data)]
    assert tipos.count("objetivo") == 4
    assert tipos.count("acao") == 28
    assert tipos.count("atividade") == 75


def test_todo_codigo_da_tabela_do_seed_esta_no_fixture(seed_text, fixture_data):
    tabela = _tabela(seed_text)
    # Activity and action codes as the page writes them: "1.1.1. Elaborar", "2.3. Detectar".
    codigos_seed = set(re.findall(r"(?:^|\s)(\d\.\d+\.\d+)\. [A-ZÁÉÍÓÚ]", tabela))
    codigos_seed |= set(re.findall(r"(?:^|\s)(\d\.\d+)\. [A-ZÁÉÍÓÚ]", tabela))
    codigos_seed |= set(re.findall(r"(?:^|\n)(\d) ?- [A-Z]", tabela))
    codigos_fixture = {item["codigo"] for _, item in _itens(fixture_data)}
    assert codigos_seed == codigos_fixture


def test_todo_texto_do_fixture_aparece_literalmente_no_seed(seed_text, fixture_data):
    tabela = _tabela(seed_text)
    for tipo, item in _itens(fixture_data):
        separador = " ?- " if tipo == "objetivo" else r"\. "
        padrao = re.escape(item["codigo"]) + separador + re.escape(item["texto"])
        assert re.search(padrao, tabela), f"{item['codigo']} não aparece literalmente no seed"


def test_textos_com_paragrafos_sao_mantidos(fixture_data):
    itens = {item["codigo"]: item for _, item in _itens(fixture_data)}
    assert itens["1.1"]["texto"].splitlines()[1:] == [
        "Especificamente, a formação deverá conter, no mínimo, conteúdos sobre:",
        "a) A identificação e a detecção de documentos de viagem ou de identidade fraudulentos;",
        itens["1.1"]["texto"].splitlines()[3],
        "c) A melhoria de procedimentos para a detecção, nos pontos de entrada e de saída regulares e não regulares, de pessoas introduzidas clandestinamente; e",
        "d) O tratamento humano de migrantes e a proteção dos direitos que lhes são reconhecidos no direito interno e no direito internacional.",
    ]
    assert itens["1.1"]["texto"].splitlines()[3].startswith("b) A obtenção de informações")
    assert itens["1.3"]["texto"].endswith("\n*O mesmo para brasileiros com destino ao exterior.")
    assert itens["1.2.3"]["texto"].endswith(
        "\nExemplo de redes: FONACERAM, FOMIGRA, Rede MIR, REMIR, Rede Clamor etc."
    )
    # Codes cited inside texts stay text, not new items.
    assert itens["3.2.2"]["texto"].endswith("previsto na Atividade 1.1.1.")


def test_parceiros_do_fixture_sao_exatamente_os_do_seed(fixture_data):
    parceiros = {
        item["codigo"]: set(item["parceiros"])
        for tipo, item in _itens(fixture_data)
        if tipo == "atividade" and item["parceiros"]
    }
    assert parceiros == PARCEIROS_DO_SEED


def test_carregar_plano_cria_o_plano_inteiro(plano):
    assert Objetivo.objects.filter(plano=plano).count() == 4
    assert Acao.objects.filter(objetivo__plano=plano).count() == 28
    assert Atividade.objects.filter(acao__objetivo__plano=plano).count() == 75
    assert Instituicao.objects.count() == 8
    vinculos = {}
    for vinculo in Vinculo.objects.select_related("atividade", "instituicao"):
        vinculos.setdefault(vinculo.atividade.codigo, set()).add(vinculo.instituicao.sigla)
    assert vinculos == PARCEIROS_DO_SEED


def test_carregar_plano_guarda_texto_exato(plano, seed_text):
    atividade = Atividade.objects.get(codigo="4.6.2")
    assert atividade.texto == (
        "Produção de relatórios semestrais por atores ligados à inteligência, investigação, "
        "fiscalização e persecução penal na temática de contrabando de migrantes para "
        "compartilhamento com membros da rede. Os dados constantes de tais relatórios comporão "
        "os indicadores do Plano de Ação."
    )
    assert f"4.6.2. {atividade.texto}" in seed_text
    objetivo = Objetivo.objects.get(plano=plano, codigo="2")
    assert objetivo.texto == "Aprimorar o monitoramento e a resposta ao contrabando nas fronteiras"
    assert objetivo.descricao.startswith(
        "Aprimorar o monitoramento e a resposta ao contrabando nas fronteiras: aperfeiçoar"
    )
    assert objetivo.descricao in seed_text


def test_carregar_plano_duas_vezes_nao_muda_nada(plano):
    def retrato():
        return (
            list(Objetivo.objects.values_list("pk", "codigo", "texto")),
            list(Acao.objects.values_list("pk", "codigo", "texto")),
            list(Atividade.objects.values_list("pk", "codigo", "texto", "peso")),
            list(Vinculo.objects.values_list("pk", "atividade_id", "instituicao_id", "papel")),
            list(Instituicao.objects.values_list("pk", "sigla", "nome")),
            Atividade.history.count(),
        )

    antes = retrato()
    resultado = carregar_plano()
    assert resultado.criados == {}
    assert retrato() == antes


def test_carregar_plano_nao_sobrescreve_texto_editado(plano, capsys):
    atividade = Atividade.objects.get(codigo="1.1.4")
    atividade.texto = "Texto corrigido pela CGETP."
    atividade.save()
    call_command("carregar_plano")
    atividade.refresh_from_db()
    assert atividade.texto == "Texto corrigido pela CGETP."
    assert "1.1.4: texto no banco difere do publicado" in capsys.readouterr().out


def test_plano_registra_fonte_e_licenca(plano):
    assert plano.sigla == "I PAECM"
    assert (plano.ano_inicio, plano.ano_fim) == (2024, 2029)
    assert "CC BY-ND 3.0" in plano.licenca
    assert Plano.objects.count() == 1
