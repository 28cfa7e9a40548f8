"""Issue 14: the public semestral report of each closed cycle on /dados/.
Built from published reports only, with no name of a person and no
validation comment; under the open data's rules (conditional GET, the data
package with size and SHA-256, the same bytes for the same data, the public
full-response cache). Every check reads the workbook back (openpyxl, the
zip's XML, LibreOffice)."""

import csv
import hashlib
import io
import json
import zipfile

import frictionless
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from monitoramento.models import Atualizacao
from plano.models import Atividade
from tests import factories
from tests.paginas.test_cache_publico import CABECALHOS_DE_SEGURANCA, Servidor

from .conftest import FORMULAS, NOMES, SEGREDOS
from .leitores import converter_com_libreoffice

URL = "/dados/relatorios/i-paecm/2025.2.xlsx"
# A published report's people and its validation comment, and a returned
# report's text and comment: none may reach the public version.
AUTORA = {"first_name": "Zuleica", "last_name": "Quintanilha", "email": "zuleica.q@exemplo.gov.br"}
VALIDADOR = {
    "first_name": "Teodoro",
    "last_name": "Vasconcelos",
    "email": "teodoro.v@exemplo.gov.br",
}
COMENTARIO_DA_PUBLICACAO = "Publicado com ressalva interna XPTO"
COMENTARIO_DA_DEVOLUCAO = "Devolvido: falta a assinatura do diretor QWERTY"
TEXTO_DEVOLVIDO = "Texto do relato devolvido ZYXW"
PUBLICADO = "Oficina realizada em Foz do Iguaçu com 40 participantes"


@pytest.fixture
def pessoas(historico, pf, dpu):
    """Besides the history: a published report whose author and validator
    have distinctive names and e-mails, with a comment on its publication,
    and a returned one with a return comment."""
    ciclo = historico["ciclos"][1]
    autora = factories.criar_usuario(username="zuleica.q", instituicao=dpu, **AUTORA)
    validador = factories.criar_usuario(username="teodoro.v", is_staff=True, **VALIDADOR)
    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.2"),
        instituicao=dpu,
        ciclo=ciclo,
        autor=autora,
        validador=validador,
        estado=Atualizacao.Estado.PUBLICADA,
        realizado=PUBLICADO,
        comentario_validacao=COMENTARIO_DA_PUBLICACAO,
    )
    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.3"),
        instituicao=dpu,
        ciclo=ciclo,
        autor=autora,
        validador=validador,
        estado=Atualizacao.Estado.DEVOLVIDA,
        realizado=TEXTO_DEVOLVIDO,
        comentario_validacao=COMENTARIO_DA_DEVOLUCAO,
    )
    return {"autora": autora, "validador": validador}


def baixar(client, caminho: str = URL) -> bytes:
    resposta = client.get(caminho)
    assert resposta.status_code == 200, caminho
    return b"".join(resposta.streaming_content)


def textos_das_celulas(livro) -> list[str]:
    return [
        str(c.value)
        for folha in livro.worksheets
        for linha in folha.iter_rows()
        for c in linha
        if c.value is not None
    ]


def xml_do_arquivo(conteudo: bytes) -> str:
    """Every part of the package as text: cells, shared strings, headers and
    footers, charts and the document's properties."""
    with zipfile.ZipFile(io.BytesIO(conteudo)) as pacote:
        return "\n".join(pacote.read(n).decode("utf-8") for n in pacote.namelist())


def test_so_relatos_publicados_sem_nomes_emails_nem_comentarios(client, pessoas):
    conteudo = baixar(client)
    livro = load_workbook(io.BytesIO(conteudo))
    assert livro.sheetnames == ["Resumo", "Gráficos", "Plano", "Relatos publicados", "Evidências"]
    celulas = textos_das_celulas(livro)
    texto = "\n".join(celulas)
    # The published reports are there, on "Plano" and on their own sheet.
    assert PUBLICADO in texto and FORMULAS["realizado"] in texto
    relatos = [[c.value for c in linha] for linha in livro["Relatos publicados"].iter_rows()]
    assert relatos[1] == [
        "Atividade",
        "Instituição",
        "Versão",
        "Situação",
        "% executado",
        "O que foi feito no período",
        "Restrições e providências",
        "Evidências",
        "Validado em",
    ]
    assert sorted((r[0], r[1]) for r in relatos[2:]) == [
        ("1.1.1", "PF"),
        ("1.1.2", "DPU"),
        ("1.2.1", "DPU"),
    ]
    evidencias = [[c.value for c in linha] for linha in livro["Evidências"].iter_rows(min_row=3)]
    assert sorted(e[2] for e in evidencias) == ["=Relatório", "Ato"]
    # Nothing of a draft, a report under review or a returned one; no person,
    # no e-mail, no validation comment, anywhere in the file.
    xml = xml_do_arquivo(conteudo)
    pessoas_ = [pessoas["autora"], pessoas["validador"]]
    proibidos = [
        *SEGREDOS,
        *NOMES,
        "Falta a evidência",
        "Evidência do rascunho",
        TEXTO_DEVOLVIDO,
        COMENTARIO_DA_DEVOLUCAO,
        COMENTARIO_DA_PUBLICACAO,
        "fulana.autora",
        "beltrano",
        *(u.username for u in pessoas_),
        *(u.email for u in pessoas_),
        *(u.first_name for u in pessoas_),
        *(u.last_name for u in pessoas_),
        "Uso interno",
        "Comentário",
        "Rascunho",
        "Devolvida",
    ]
    for proibido in proibidos:
        assert proibido not in xml, proibido
        assert not any(proibido in c for c in celulas), proibido


def test_versao_publica_e_data_de_avaliacao_em_cada_folha(client, historico):
    livro = load_workbook(io.BytesIO(baixar(client)))
    marca = "Versão pública · ciclo 2025.2, avaliado em 31/12/2025"
    for folha in livro.worksheets:
        primeira = [c.value for c in folha[1] if c.value]
        assert any(v.startswith(("Versão pública", marca)) for v in primeira), folha.title
        assert folha.oddHeader.center.text == marca, folha.title
        assert folha.evenHeader.center.text == marca, folha.title
        assert folha.oddFooter.right.text == "Página &P de &N", folha.title
    notas = [c.value for linha in livro["Resumo"]["A1:A8"] for c in linha if c.value]
    assert "Situações avaliadas em 31/12/2025, com o prazo em vigor nessa data." in notas
    assert any(n.startswith("Versão pública: só os relatos validados e publicados") for n in notas)
    assert any(n.startswith("Dados de ") for n in notas)
    assert not any(n.startswith("Gerado em") for n in notas)  # never "now"
    assert livro.properties.title.endswith("versão pública")
    assert livro.properties.creator == "Painel de Monitoramento do I PAECM (MJSP/CGETP)"
    # The same numbers as the internal version (published reports only there too).
    resumo = {linha[1]: linha[2] for linha in livro["Resumo"].values if linha[1] and linha[2]}
    assert (resumo["Em andamento"], resumo["Concluída"], resumo["Sem informação"]) == (1, 1, 73)
    assert len(livro["Gráficos"]._charts) == 3


def test_304_com_o_etag_ate_uma_publicacao(client, historico):
    primeira = client.get(URL)
    etag, modificado = primeira["ETag"], primeira["Last-Modified"]
    assert primeira["Cache-Control"] == "public, no-cache"
    assert "relatorio-semestral-publico-i-paecm-2025.2.xlsx" in primeira["Content-Disposition"]
    assert client.get(URL, headers={"if-none-match": etag}).status_code == 304
    assert client.get(URL, headers={"if-modified-since": modificado}).status_code == 304
    # Another cycle's report is another representation.
    outro = client.get(URL.replace("2025.2", "2025.1"), headers={"if-none-match": etag})
    assert outro.status_code == 200
    # A draft changes nothing public; a publication does.
    enviada = Atualizacao.objects.get(estado="enviada")
    enviada.realizado = "outro rascunho"
    enviada.save()
    assert client.get(URL, headers={"if-none-match": etag}).status_code == 304
    from django.utils import timezone

    enviada.estado, enviada.validado_em = "publicada", timezone.now()
    enviada.save()
    nova = client.get(URL, headers={"if-none-match": etag})
    assert nova.status_code == 200 and nova["ETag"] != etag


def test_ciclo_aberto_inexistente_ou_de_outro_plano_da_404(client, historico, plano):
    # Its period has ended, but reports are still taken: not final yet.
    factories.criar_ciclo(plano=plano, codigo="2026.1", aberto=True)
    # Its period has not ended.
    factories.criar_ciclo(plano=plano, codigo="2026.2")
    for codigo in ("2026.1", "2026.2", "9999.9", "2025", "2025.2.xlsx", "x" * 300):
        assert client.get(f"/dados/relatorios/i-paecm/{codigo}.xlsx").status_code == 404, codigo
    assert client.get("/dados/relatorios/i-paecm/'%20OR%201=1%20--.xlsx").status_code == 404
    outro = factories.criar_plano(slug="outro-plano")
    factories.criar_ciclo(plano=outro, codigo="2025.2")
    assert client.get("/dados/relatorios/outro-plano/2025.2.xlsx").status_code == 404
    assert client.get(URL).status_code == 200


def test_pagina_de_dados_liga_o_relatorio_de_cada_ciclo_encerrado(client, historico, plano):
    factories.criar_ciclo(plano=plano, codigo="2026.2", aberto=True)
    html = client.get("/dados/").content.decode()
    assert 'href="/dados/relatorios/i-paecm/2025.1.xlsx"' in html
    assert 'href="/dados/relatorios/i-paecm/2025.2.xlsx"' in html
    assert "2026.2.xlsx" not in html
    assert 'situações avaliadas em <time datetime="2025-12-31">31/12/2025</time>' in html
    dados = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    enderecos = [d["contentUrl"] for d in dados["distribution"]]
    assert "http://testserver/dados/relatorios/i-paecm/2025.2.xlsx" in enderecos


def test_pacote_lista_cada_relatorio_com_tamanho_e_sha256_do_que_e_servido(
    client, historico, plano
):
    factories.criar_ciclo(plano=plano, codigo="2026.2", aberto=True)
    pacote = client.get("/dados/datapackage.json").json()
    assert pacote["profile"] == "data-package"
    relatorios = [r for r in pacote["resources"] if r.get("type") == "file"]
    assert [r["path"] for r in relatorios] == [
        "http://testserver/dados/relatorios/i-paecm/2025.1.xlsx",
        "http://testserver/dados/relatorios/i-paecm/2025.2.xlsx",
    ]
    for recurso in relatorios:
        conteudo = baixar(client, recurso["path"].removeprefix("http://testserver"))
        soma = hashlib.sha256(conteudo).hexdigest()
        assert (recurso["bytes"], recurso["hash"]) == (len(conteudo), f"sha256:{soma}")
        assert recurso["integridade"] == {"bytes": len(conteudo), "sha256": soma}
        assert (recurso["format"], recurso["profile"]) == ("xlsx", "data-resource")
        assert recurso["mediatype"].endswith("spreadsheetml.sheet")
    # Every other resource is still a table.
    tabelas = [r for r in pacote["resources"] if r.get("type") != "file"]
    assert {r["profile"] for r in tabelas} == {"tabular-data-resource"}


def test_zip_traz_os_relatorios_e_frictionless_valida_o_pacote(
    client, historico, tmp_path, monkeypatch
):
    servido = baixar(client)
    with zipfile.ZipFile(io.BytesIO(baixar(client, "/dados/dados-abertos.zip"))) as pacote:
        assert pacote.read("relatorios/i-paecm/2025.2.xlsx") == servido
        pacote.extractall(tmp_path)
    monkeypatch.chdir(tmp_path)  # frictionless reads relative paths only
    relatorio = frictionless.validate("datapackage.json")
    assert relatorio.valid, [
        (t.name, e.type, e.note[:80]) for t in relatorio.tasks for e in t.errors
    ]
    tarefas = {t.name: t for t in relatorio.tasks}
    assert tarefas["relatorio-semestral-2025.2"].type == "file"
    # frictionless checks the file's hash: a changed byte fails the package.
    caminho = tmp_path / "relatorios" / "i-paecm" / "2025.2.xlsx"
    caminho.write_bytes(servido + b"\0")
    assert not frictionless.validate("datapackage.json").valid


def test_libreoffice_abre_o_relatorio_publico(client, historico, tmp_path):
    arquivo = tmp_path / "publico.xlsx"
    arquivo.write_bytes(baixar(client))
    convertido = converter_com_libreoffice(
        arquivo, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path
    )
    linhas = list(csv.reader(convertido.read_text(encoding="utf-8").splitlines()))
    assert linhas[0][0] == "I PAECM · Relatório semestral do ciclo 2025.2"
    assert "Versão pública" in linhas[0]
    assert ["PF", "Polícia Federal", "4", "1", "25.0"] in linhas


@pytest.mark.parametrize("fator", [1, 10])
def test_relatorio_publico_custa_as_mesmas_consultas_com_10_vezes_os_dados(
    client, plano, pf, fator
):
    ciclo = factories.criar_ciclo(plano=plano, codigo="2025.1")
    factories.ampliar_plano(plano=plano, fator=fator)
    factories.relatar_todas(plano=plano, instituicao=pf, ciclos=[ciclo])
    factories.criar_evidencia(atualizacao=Atualizacao.objects.first())
    url = "/dados/relatorios/i-paecm/2025.1.xlsx"
    client.get(url)  # as in steady state
    with CaptureQueriesContext(connection) as ctx:
        conteudo = baixar(client, url)
    # 1. the plan with its data version; 2. the closed cycle; then the
    # report's: 3. the activities; 4. their links with institutions; 5. the
    # published reports up to the cycle (the situations at its close); 6. the
    # deadlines' history; 7. the cycle's published reports; 8. their
    # evidence; 9.-10. the coverage, overall and per institution.
    assert len(ctx.captured_queries) == 10, "\n".join(q["sql"] for q in ctx.captured_queries)
    plano_ = load_workbook(io.BytesIO(conteudo), read_only=True)["Plano"]
    assert sum(1 for _ in plano_.iter_rows()) == 2 + 75 * fator


def test_cache_publico_guarda_o_relatorio_com_os_cabecalhos_dos_dados(settings, historico):
    from paecm import cache_publico

    cache_publico.memoria.limpar()
    cache_publico.versao.__init__()
    settings.CACHE_PUBLICO_BANCO_SEGUNDOS = 3600
    servidor = Servidor()
    try:
        primeira = servidor.get(URL)
        assert primeira.status == 200
        acerto = servidor.sem_consultas(URL)
        servidor.get("/dados/atividades.xlsx")
        arquivo = servidor.sem_consultas("/dados/atividades.xlsx")
        nao_modificado = servidor.get(URL, if_none_match=acerto["ETag"])
    finally:
        cache_publico.memoria.limpar()
    assert acerto.corpo == primeira.corpo
    load_workbook(io.BytesIO(acerto.corpo))  # a whole workbook
    for nome in (*CABECALHOS_DE_SEGURANCA, "ETag", "Content-Disposition", "Content-Type"):
        assert acerto.get(nome) == primeira.get(nome), nome
    # The same headers as the other data files' (the cache's Cache-Control among them).
    assert {k.lower() for k, _ in acerto.cabecalhos} == {k.lower() for k, _ in arquivo.cabecalhos}
    assert acerto["Cache-Control"] == arquivo["Cache-Control"]
    assert acerto["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert nao_modificado.status == 304
