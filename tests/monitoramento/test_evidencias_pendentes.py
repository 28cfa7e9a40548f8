"""Issue 14: a file uploaded with a report form that is refused for another
reason, or whose save fails (a concurrent edit, a rule checked inside the
save), is kept (pending evidence of the report) and offered on the form, so
nobody picks it twice; unused ones are removed after EVIDENCIAS_PENDENTES_DIAS
days by limpar_evidencias_pendentes; backups carry them."""

import io
import re
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from monitoramento.models import Atualizacao, Evidencia, EvidenciaPendente
from operacao import copias
from plano.models import Atividade
from tests import factories

from .conftest import com_evidencia, dados_do_relato

URL = "/portal/atividades/2.1.1/relatar/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cliente_pf(client, parceiro_pf, atividade_pf, ciclo):
    client.force_login(parceiro_pf)
    return client


def enviar_com_erro(cliente, nome="presenca.pdf"):
    """A submission with a good file and an empty "o que foi feito": refused."""
    dados = com_evidencia(dados_do_relato(realizado=""), url="", titulo="Lista de presença")
    dados["evidencias-0-arquivo"] = SimpleUploadedFile(nome, PDF)
    return cliente.post(URL, dados)


def test_arquivo_de_envio_recusado_fica_recebido_e_escolhido(cliente_pf, settings):
    resposta = enviar_com_erro(cliente_pf)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "<title>Erro: " in html
    assert not Atualizacao.objects.exists()  # nothing of the report saved
    pendente = EvidenciaPendente.objects.get()
    assert pendente.nome_original == "presenca.pdf"
    assert pendente.tipo_conteudo == "application/pdf"
    caminho = Path(settings.MEDIA_ROOT) / pendente.arquivo.name
    assert caminho.read_bytes() == PDF
    assert "presenca.pdf" not in pendente.arquivo.name  # our own name on disk
    # Listed, and already chosen in its evidence form.
    assert "Arquivos já recebidos, ainda não gravados como evidência" in html
    assert re.search(rf'<option value="{pendente.pk}" selected>presenca.pdf', html)
    # Opening the form later still lists it.
    html = cliente_pf.get(URL).content.decode()
    assert "presenca.pdf (recebido em" in html


def test_gravar_com_o_arquivo_recebido_nao_pede_o_arquivo_de_novo(cliente_pf, settings):
    enviar_com_erro(cliente_pf)
    pendente = EvidenciaPendente.objects.get()
    dados = com_evidencia(dados_do_relato(), url="", titulo="Lista de presença")
    dados["evidencias-0-pendente"] = pendente.pk  # no file picked this time
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 302
    evidencia = Evidencia.objects.get()
    assert evidencia.arquivo.name == pendente.arquivo.name
    assert evidencia.nome_original == "presenca.pdf"
    assert evidencia.tipo_conteudo == "application/pdf"
    assert not EvidenciaPendente.objects.exists()  # used: pending no more
    assert (Path(settings.MEDIA_ROOT) / evidencia.arquivo.name).read_bytes() == PDF
    html = cliente_pf.get(URL).content.decode()
    assert "Arquivos já recebidos" not in html


def test_arquivo_recebido_nao_serve_a_outra_instituicao_nem_a_outra_atividade(
    client, cliente_pf, parceiro_dpu, dpu, plano, ciclo
):
    enviar_com_erro(cliente_pf)
    pendente = EvidenciaPendente.objects.get()
    cliente_pf.logout()
    outra = Atividade.objects.get(codigo="2.1.2")
    factories.vincular(atividade=outra, instituicao=dpu)
    client.force_login(parceiro_dpu)
    html = client.get("/portal/atividades/2.1.2/relatar/").content.decode()
    assert "presenca.pdf" not in html
    dados = com_evidencia(dados_do_relato(), url="", titulo="Tentativa")
    dados["evidencias-0-pendente"] = pendente.pk
    resposta = client.post("/portal/atividades/2.1.2/relatar/", dados)
    assert resposta.status_code == 200  # refused: no link, no file of its own
    assert not Evidencia.objects.exists()
    assert EvidenciaPendente.objects.get() == pendente


def test_comando_remove_os_nao_usados_depois_de_n_dias(cliente_pf, settings):
    settings.EVIDENCIAS_PENDENTES_DIAS = 7
    enviar_com_erro(cliente_pf, "antigo.pdf")
    enviar_com_erro(cliente_pf, "recente.pdf")
    antigo = EvidenciaPendente.objects.get(nome_original="antigo.pdf")
    recente = EvidenciaPendente.objects.get(nome_original="recente.pdf")
    EvidenciaPendente.objects.filter(pk=antigo.pk).update(
        enviado_em=timezone.now() - timedelta(days=8)
    )
    EvidenciaPendente.objects.filter(pk=recente.pk).update(
        enviado_em=timezone.now() - timedelta(days=6)
    )
    saida = io.StringIO()
    call_command("limpar_evidencias_pendentes", stdout=saida)
    assert "Arquivos pendentes removidos: 1." in saida.getvalue()
    assert list(EvidenciaPendente.objects.all()) == [recente]
    raiz = Path(settings.MEDIA_ROOT)
    assert not (raiz / antigo.arquivo.name).exists()
    assert (raiz / recente.arquivo.name).exists()
    # --dias overrides the setting.
    call_command("limpar_evidencias_pendentes", dias=5, stdout=io.StringIO())
    assert not EvidenciaPendente.objects.exists()


def test_comando_nunca_apaga_o_arquivo_de_uma_evidencia(cliente_pf, settings):
    enviar_com_erro(cliente_pf)
    pendente = EvidenciaPendente.objects.get()
    Evidencia.objects.create(
        atualizacao=factories.criar_atualizacao(
            atividade=pendente.atividade,
            instituicao=pendente.instituicao,
            ciclo=pendente.ciclo,
            autor=pendente.enviado_por,
        ),
        titulo="Mesma",
        arquivo=pendente.arquivo.name,
    )
    EvidenciaPendente.objects.update(enviado_em=timezone.now() - timedelta(days=30))
    call_command("limpar_evidencias_pendentes", stdout=io.StringIO())
    assert not EvidenciaPendente.objects.exists()
    assert (Path(settings.MEDIA_ROOT) / pendente.arquivo.name).exists()


def test_copia_de_seguranca_leva_os_arquivos_recebidos(cliente_pf, tmp_path):
    enviar_com_erro(cliente_pf)
    pendente = EvidenciaPendente.objects.get()
    destino = tmp_path / "copia.tar.gz"
    manifesto = copias.salvar(destino)
    assert pendente.arquivo.name in manifesto["arquivos"]
    with tarfile.open(destino, "r:gz") as tar:
        assert tar.extractfile(f"arquivos/{pendente.arquivo.name}").read() == PDF
        banco = tar.extractfile("banco.json").read().decode()
    assert '"model": "monitoramento.evidenciapendente"' in banco


def test_formulario_com_arquivos_recebidos_e_html_valido(cliente_pf, tmp_path):
    import json

    from tests.test_html_valido import validar

    paginas = {"erro": enviar_com_erro(cliente_pf).content.decode()}
    paginas["depois"] = cliente_pf.get(URL).content.decode()
    problemas = validar(paginas, tmp_path)
    assert problemas == [], json.dumps(problemas, ensure_ascii=False, indent=1)


def _rascunho_de_colega(pf, atividade, ciclo, **campos):
    colega = factories.criar_usuario(username="colega.pf", instituicao=pf)
    return factories.criar_atualizacao(
        atividade=atividade, instituicao=pf, ciclo=ciclo, autor=colega, **campos
    )


def _revisao_passada(pf, atividade, ciclo, monkeypatch) -> int:
    """Both opened revision 3; the colleague saved first."""
    rascunho = _rascunho_de_colega(pf, atividade, ciclo, revisao=3)
    Atualizacao.objects.filter(pk=rascunho.pk).update(revisao=4)
    return 3


def _primeiro_rascunho_simultaneo(pf, atividade, ciclo, monkeypatch) -> int:
    """The form was opened before any draft; a colleague created it meanwhile."""
    _rascunho_de_colega(pf, atividade, ciclo)
    return 0


def _restricao_no_banco(pf, atividade, ciclo, monkeypatch) -> int:
    """The save refused inside the transaction (a rule the form could not see)."""
    from django.core.exceptions import ValidationError

    from monitoramento import services

    def recusar(**kwargs):
        raise ValidationError("Um relato pode ter no máximo 10 evidências; nada foi gravado.")

    monkeypatch.setattr(services, "_gravar_relato", recusar)
    return 0


@pytest.mark.parametrize(
    "falha", [_revisao_passada, _primeiro_rascunho_simultaneo, _restricao_no_banco]
)
def test_gravacao_que_falha_guarda_os_arquivos_e_os_oferece_de_novo(
    cliente_pf, pf, atividade_pf, ciclo, settings, monkeypatch, falha
):
    revisao = falha(pf, atividade_pf, ciclo, monkeypatch)
    antes = set(Atualizacao.objects.values_list("pk", "revisao"))
    dados = com_evidencia(dados_do_relato(revisao=revisao), url="", titulo="Lista de presença")
    dados["evidencias-0-arquivo"] = SimpleUploadedFile("presenca.pdf", PDF)
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "<title>Erro: " in html
    assert set(Atualizacao.objects.values_list("pk", "revisao")) == antes  # nothing saved
    assert not Evidencia.objects.exists()
    pendente = EvidenciaPendente.objects.get()
    assert (pendente.atividade, pendente.instituicao, pendente.ciclo) == (atividade_pf, pf, ciclo)
    assert (Path(settings.MEDIA_ROOT) / pendente.arquivo.name).read_bytes() == PDF
    # The file is listed and already chosen in its evidence form.
    assert "Arquivos já recebidos, ainda não gravados como evidência" in html
    assert re.search(rf'<option value="{pendente.pk}" selected>presenca.pdf', html)
    if falha is not _restricao_no_banco:
        assert "Outra pessoa da sua instituição gravou este relato" in html
        assert "foram recebidos e guardados" in html
        # Opened again, on the colleague's version: offered, and used without a new upload.
        assert "presenca.pdf (recebido em" in cliente_pf.get(URL).content.decode()
        atual = Atualizacao.objects.get()
        dados = com_evidencia(
            dados_do_relato(revisao=atual.revisao), url="", titulo="Lista de presença"
        )
        dados["evidencias-0-pendente"] = pendente.pk
        assert cliente_pf.post(URL, dados).status_code == 302
        assert Evidencia.objects.get().arquivo.name == pendente.arquivo.name
        assert not EvidenciaPendente.objects.exists()
