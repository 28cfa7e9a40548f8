"""Point 8: evidence limits. The per-report cap holds in the form and in the
service, TOTAL_FORMS abuse costs nothing, zip bombs are refused."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoramento import services
from monitoramento.forms import EvidenciaFormSet
from monitoramento.models import EVIDENCIAS_POR_RELATO, Atualizacao, Evidencia
from tests.monitoramento.conftest import com_evidencia, dados_do_relato

URL = "/portal/atividades/2.1.1/relatar/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def cliente_pf(client, parceiro_pf, atividade_pf, ciclo):
    client.force_login(parceiro_pf)
    return client


def _com_links(quantos: int) -> dict:
    dados = dados_do_relato(novas=quantos)
    for i in range(quantos):
        com_evidencia(dados, i, url=f"https://www.gov.br/mj/{i}.pdf")
    return dados


def test_relato_com_evidencias_acima_do_limite_e_recusado(cliente_pf):
    resposta = cliente_pf.post(URL, _com_links(EVIDENCIAS_POR_RELATO + 1))
    assert resposta.status_code == 200
    assert f"no máximo {EVIDENCIAS_POR_RELATO} evidências" in resposta.content.decode()
    assert not Evidencia.objects.exists()


def test_300_links_num_post_nao_gravam_nada(cliente_pf):
    # 1,800 fields pass DATA_UPLOAD_MAX_NUMBER_FIELDS: refused before any form.
    resposta = cliente_pf.post(URL, _com_links(300))
    assert resposta.status_code == 400
    assert "Pedido inválido" in resposta.content.decode()
    assert not Evidencia.objects.exists()


def test_relato_com_o_limite_exato_e_gravado(cliente_pf):
    resposta = cliente_pf.post(URL, _com_links(EVIDENCIAS_POR_RELATO))
    assert resposta.status_code == 302
    assert Evidencia.objects.count() == EVIDENCIAS_POR_RELATO


def test_total_forms_enorme_custa_pouco_e_e_recusado(cliente_pf, monkeypatch):
    """The cost is bounded by the forms built, not by what TOTAL_FORMS claims
    (counted, not timed: a wall clock on a shared machine proves nothing)."""
    from monitoramento.forms import EvidenciaForm

    construidos = []
    original = EvidenciaForm.__init__

    def contar(self, *args, **kwargs):
        construidos.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(EvidenciaForm, "__init__", contar)
    dados = _com_links(1)
    dados["evidencias-TOTAL_FORMS"] = 100_000
    resposta = cliente_pf.post(URL, dados)
    assert 0 < len(construidos) <= 2 * (EVIDENCIAS_POR_RELATO + 1)
    assert resposta.status_code == 200
    assert f"no máximo {EVIDENCIAS_POR_RELATO} evidências" in resposta.content.decode()
    assert not Atualizacao.objects.exists()


def test_servico_recusa_evidencias_acima_do_limite_mesmo_sem_o_formulario(
    parceiro_pf, pf, atividade_pf, ciclo
):
    """A caller that skips the form's check (a formset without validate_max)
    still cannot save more than the cap: the service refuses and saves nothing."""
    from django.forms import inlineformset_factory

    from monitoramento.forms import EvidenciaForm

    SemLimite = inlineformset_factory(  # noqa: N806 - a class
        Atualizacao, Evidencia, form=EvidenciaForm, extra=0, max_num=1000, absolute_max=1000
    )
    dados = _com_links(EVIDENCIAS_POR_RELATO + 5)
    evidencias = SemLimite(dados, instance=Atualizacao(), prefix="evidencias")
    assert evidencias.is_valid(), evidencias.errors
    with pytest.raises(ValidationError, match="no máximo"):
        services.gravar_relato(
            atividade=atividade_pf,
            instituicao=pf,
            ciclo=ciclo,
            autor=parceiro_pf,
            revisao=0,
            dados={
                "situacao": "em_andamento",
                "percentual": 10,
                "realizado": "x",
                "restricoes": "",
            },
            evidencias=evidencias,
            enviar=False,
        )
    assert not Atualizacao.objects.exists()
    assert not Evidencia.objects.exists()


def test_formset_nao_constroi_mais_que_o_limite():
    formset = EvidenciaFormSet(
        {
            "evidencias-TOTAL_FORMS": "100000",
            "evidencias-INITIAL_FORMS": "0",
        },
        instance=Atualizacao(),
        prefix="evidencias",
    )
    assert len(formset.forms) == EVIDENCIAS_POR_RELATO
    assert not formset.is_valid()


# Zip bombs ---------------------------------------------------------------------


def _docx(extra: dict[str, bytes]) -> bytes:
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w", zipfile.ZIP_DEFLATED) as pacote:
        pacote.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        pacote.writestr("word/document.xml", "<w:document/>")
        for nome, conteudo in extra.items():
            pacote.writestr(nome, conteudo)
    return saida.getvalue()


def _ods(extra: dict[str, bytes]) -> bytes:
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w", zipfile.ZIP_DEFLATED) as pacote:
        pacote.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        pacote.writestr("content.xml", "<x/>")
        for nome, conteudo in extra.items():
            pacote.writestr(nome, conteudo)
    return saida.getvalue()


def _enviar(cliente, nome: str, conteudo: bytes):
    dados = com_evidencia(dados_do_relato(), arquivo=SimpleUploadedFile(nome, conteudo))
    return cliente.post(URL, dados)


@pytest.mark.parametrize(
    ("nome", "conteudo"),
    [
        # 30 MB of zeros in a 30 KB file: a ratio of about 1,000.
        ("bomba.docx", _docx({"word/media/zeros.bin": b"\x00" * (30 * 1024 * 1024)})),
        ("bomba.ods", _ods({"Pictures/zeros.bin": b"\x00" * (30 * 1024 * 1024)})),
        # 2,000 tiny parts.
        ("partes.docx", _docx({f"word/p{i}.xml": b"<p/>" for i in range(2000)})),
    ],
)
def test_documento_que_incharia_demais_e_recusado(cliente_pf, nome, conteudo):
    assert len(conteudo) < 300_000
    resposta = _enviar(cliente_pf, nome, conteudo)
    assert resposta.status_code == 200
    assert "se expandiria demais" in resposta.content.decode()
    assert not Evidencia.objects.exists()


def test_declarado_acima_de_100_mb_e_recusado_mesmo_com_taxa_normal(cliente_pf, settings):
    from monitoramento import forms

    original = forms.ZIP_DESCOMPACTADO_MAXIMO
    forms.ZIP_DESCOMPACTADO_MAXIMO = 1024  # the same rule, at a size a test can build
    try:
        resposta = _enviar(cliente_pf, "grande.docx", _docx({"word/texto.xml": b"ab" * 1024}))
    finally:
        forms.ZIP_DESCOMPACTADO_MAXIMO = original
    assert "se expandiria demais" in resposta.content.decode()


def test_documento_normal_e_aceito(cliente_pf):
    texto = ("<w:p>Relatório da capacitação em Foz do Iguaçu.</w:p>" * 200).encode()
    resposta = _enviar(cliente_pf, "oficio.docx", _docx({"word/texto.xml": texto}))
    assert resposta.status_code == 302
    assert Evidencia.objects.count() == 1
