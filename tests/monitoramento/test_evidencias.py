"""Evidence files: checked by content, stored under random names, and served
as attachments only to whoever may see them."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoramento import services
from monitoramento.models import Atualizacao, Evidencia, EvidenciaPendente
from tests import factories

from .conftest import com_evidencia, dados_do_relato

URL = "/portal/atividades/2.1.1/relatar/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def _zip(arquivos: dict[str, bytes]) -> bytes:
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w") as pacote:
        for nome, conteudo in arquivos.items():
            pacote.writestr(nome, conteudo)
    return saida.getvalue()


def _xlsx() -> bytes:
    saida = io.BytesIO()
    openpyxl.Workbook().save(saida)
    return saida.getvalue()


ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
DOCX = _zip(
    {
        "[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "word/document.xml": b"<w:document/>",
    }
)


@pytest.fixture
def cliente_pf(client, parceiro_pf, atividade_pf, ciclo):
    client.force_login(parceiro_pf)
    return client


def _enviar_arquivo(cliente, nome: str, conteudo: bytes, content_type="application/octet-stream"):
    dados = com_evidencia(
        dados_do_relato(), arquivo=SimpleUploadedFile(nome, conteudo, content_type=content_type)
    )
    return cliente.post(URL, dados)


@pytest.mark.parametrize(
    ("nome", "conteudo", "tipo"),
    [
        ("relatorio.pdf", PDF, "application/pdf"),
        ("foto.png", PNG, "image/png"),
        ("foto.JPEG", JPG, "image/jpeg"),
        ("ata.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("planilha.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        (
            "oficio.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "dados.xlsx",
            _xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_arquivo_aceito_fica_com_nome_aleatorio_fora_do_static(
    cliente_pf, settings, nome, conteudo, tipo
):
    assert _enviar_arquivo(cliente_pf, nome, conteudo).status_code == 302
    evidencia = Evidencia.objects.get()
    assert evidencia.nome_original == nome
    assert evidencia.tipo_conteudo == tipo
    guardado = Path(evidencia.arquivo.path)
    assert guardado.is_relative_to(Path(settings.MEDIA_ROOT) / "evidencias")
    assert Path(nome).stem not in guardado.name
    assert guardado.read_bytes() == conteudo


@pytest.mark.parametrize(
    ("nome", "conteudo"),
    [
        ("relatorio.pdf", b"<html><script>alert(1)</script></html>"),  # disguised
        ("relatorio.pdf", PNG),  # a PNG that says it is a PDF
        ("programa.exe", b"MZ\x90\x00" + b"\x00" * 64),
        ("pagina.html", b"<!DOCTYPE html><html></html>"),
        ("apresentacao.docx", _zip({"[Content_Types].xml": b"presentationml.slide+xml"})),
        ("ata.odt", _zip({"mimetype": b"application/x-evil"})),
        ("quebrado.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_arquivo_disfarcado_ou_de_outro_tipo_e_recusado(cliente_pf, nome, conteudo):
    resposta = _enviar_arquivo(cliente_pf, nome, conteudo, content_type="application/pdf")
    assert resposta.status_code == 200
    assert "O conteúdo do arquivo não é um PDF" in resposta.content.decode()
    assert not Atualizacao.objects.exists()
    assert not Evidencia.objects.exists()


def test_arquivo_acima_de_10_mb_e_recusado(cliente_pf):
    resposta = _enviar_arquivo(cliente_pf, "grande.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert "O arquivo passa de 10 MB." in resposta.content.decode()
    assert not Evidencia.objects.exists()


def test_nome_de_arquivo_nao_escapa_da_pasta(cliente_pf, settings):
    assert _enviar_arquivo(cliente_pf, "../../../etc/passwd.pdf", PDF).status_code == 302
    evidencia = Evidencia.objects.get()
    assert Path(evidencia.arquivo.path).parent == Path(settings.MEDIA_ROOT) / "evidencias"
    assert evidencia.nome_original == "passwd.pdf"


def test_envio_que_falha_depois_de_gravar_o_arquivo_nao_deixa_o_arquivo(
    cliente_pf, settings, monkeypatch
):
    # The evidence cap is checked last, after the evidence file was written.
    monkeypatch.setattr(services, "EVIDENCIAS_POR_RELATO", 0)
    dados = com_evidencia(dados_do_relato(), arquivo=SimpleUploadedFile("relatorio.pdf", PDF))
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 200
    assert "no máximo 0 evidências; nada foi gravado" in resposta.content.decode()
    assert not Atualizacao.objects.exists()
    assert not Evidencia.objects.exists()
    # The file the failed save wrote is gone; the upload is kept once, as
    # pending evidence of the report, and offered again.
    pendente = EvidenciaPendente.objects.get()
    pasta = Path(settings.MEDIA_ROOT) / "evidencias"
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in pasta.rglob("*.pdf")] == [
        pendente.arquivo.name
    ]
    html = resposta.content.decode()
    assert f'<option value="{pendente.pk}" selected>relatorio.pdf' in html
    assert "Arquivo enviado" not in html  # never a link to a row rolled back

    # The same form, saved as a draft, keeps its file.
    monkeypatch.undo()
    dados["acao"] = "salvar"
    dados["evidencias-0-arquivo"] = SimpleUploadedFile("relatorio.pdf", PDF)
    assert cliente_pf.post(URL, dados).status_code == 302
    assert Path(Evidencia.objects.get().arquivo.path).read_bytes() == PDF


@pytest.fixture
def evidencia_de_arquivo(pf, atividade_pf, ciclo, parceiro_pf):
    def criar(estado):
        relato = factories.criar_atualizacao(
            atividade=atividade_pf, instituicao=pf, ciclo=ciclo, autor=parceiro_pf, estado=estado
        )
        return factories.criar_evidencia(
            atualizacao=relato,
            url="",
            arquivo=SimpleUploadedFile("x.pdf", PDF),
            nome_original="Relatório final.pdf",
            tipo_conteudo="application/pdf",
        )

    return criar


def test_arquivo_publicado_e_baixado_como_anexo_sem_sniffing(client, evidencia_de_arquivo):
    evidencia = evidencia_de_arquivo(Atualizacao.Estado.PUBLICADA)
    assert evidencia.href == f"/evidencias/{evidencia.pk}/"
    resposta = client.get(evidencia.href)
    assert resposta.status_code == 200
    assert resposta["Content-Disposition"].startswith("attachment;")
    assert "Relat" in resposta["Content-Disposition"]
    assert resposta["Content-Type"] == "application/pdf"
    assert resposta["X-Content-Type-Options"] == "nosniff"
    assert b"".join(resposta.streaming_content) == PDF


def test_arquivo_nao_publicado_so_para_a_instituicao_e_a_equipe(
    client, evidencia_de_arquivo, parceiro_pf, parceiro_dpu, equipe
):
    evidencia = evidencia_de_arquivo(Atualizacao.Estado.ENVIADA)
    assert client.get(evidencia.href).status_code == 404
    client.force_login(parceiro_dpu)
    assert client.get(evidencia.href).status_code == 404
    client.force_login(parceiro_pf)
    assert client.get(evidencia.href).status_code == 200
    client.force_login(equipe)
    assert client.get(evidencia.href).status_code == 200


def test_evidencia_de_link_nao_tem_arquivo_para_baixar(
    client, pf, atividade_pf, ciclo, parceiro_pf
):
    relato = factories.criar_atualizacao(
        atividade=atividade_pf,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Atualizacao.Estado.PUBLICADA,
    )
    evidencia = factories.criar_evidencia(atualizacao=relato)
    assert client.get(f"/evidencias/{evidencia.pk}/").status_code == 404


def test_arquivo_que_sumiu_da_pasta_responde_410_com_pagina_clara(client, evidencia_de_arquivo):
    """Issue #12 point 15: a restore without the evidence folder never gives a 500."""
    evidencia = evidencia_de_arquivo(Atualizacao.Estado.PUBLICADA)
    evidencia.arquivo.storage.delete(evidencia.arquivo.name)
    resposta = client.get(evidencia.href)
    assert resposta.status_code == 410
    html = resposta.content.decode()
    assert "Arquivo de evidência indisponível" in html
    assert "Relatório final.pdf" in html
