"""Issue 14: staff see the files kept for reports (pending evidence) in the
admin, read-only: what, for which report, when, how big and until when;
never the file itself, and nothing to add, change or delete."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoramento.models import EvidenciaPendente
from plano.models import Atividade
from tests import factories
from tests.mfa import CONSULTA_DO_SEGUNDO_FATOR

LISTA = "/admin/monitoramento/evidenciapendente/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pendente(*, atividade, instituicao, ciclo, autor, nome="lista-de-presenca.pdf", **campos):
    return EvidenciaPendente.objects.create(
        atividade=atividade,
        instituicao=instituicao,
        ciclo=ciclo,
        arquivo=SimpleUploadedFile(nome, PDF),
        nome_original=nome,
        tipo_conteudo="application/pdf",
        enviado_por=autor,
        **campos,
    )


@pytest.fixture
def recebido(plano, pf, parceiro_pf):
    ciclo = factories.criar_ciclo(plano=plano, codigo="2026.1", aberto=True)
    atividade = Atividade.objects.get(codigo="2.1.1")
    factories.vincular(atividade=atividade, instituicao=pf)
    return pendente(
        atividade=atividade,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        enviado_em=timezone.now() - timedelta(days=2),
    )


def test_equipe_ve_os_arquivos_pendentes_com_prazo_de_remocao(client, equipe, recebido, settings):
    settings.EVIDENCIAS_PENDENTES_DIAS = 7
    client.force_login(equipe)
    assert LISTA in client.get("/admin/").content.decode()
    resposta = client.get(LISTA)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    for titulo in (
        "Nome do arquivo enviado",
        "Atividade",
        "Instituição",
        "Ciclo",
        "Enviado em",
        "Tamanho",
        "Removido a partir de",
    ):
        assert f">{titulo}</a>" in html or f">{titulo}</span>" in html, titulo
    assert "lista-de-presenca.pdf" in html and ">2.1.1<" in html and ">PF<" in html
    assert f"{len(PDF)}\xa0bytes" in html
    prazo = timezone.localtime(recebido.enviado_em + timedelta(days=7))
    assert prazo.strftime("%d/%m/%Y %H:%M") in html
    # Read-only: nothing to add, and the item page shows no file to download.
    assert "/admin/monitoramento/evidenciapendente/add/" not in html
    pagina = client.get(f"{LISTA}{recebido.pk}/change/")
    assert pagina.status_code == 200
    detalhe = pagina.content.decode()
    assert "lista-de-presenca.pdf" in detalhe and "parceiro.pf" in detalhe
    assert recebido.arquivo.name not in detalhe  # never a link to the stored file
    assert 'type="file"' not in detalhe and 'name="_save"' not in detalhe
    assert client.get(f"{LISTA}add/").status_code == 403
    assert client.post(f"{LISTA}{recebido.pk}/change/", {}).status_code == 403
    assert client.post(f"{LISTA}{recebido.pk}/delete/", {"post": "yes"}).status_code == 403
    assert EvidenciaPendente.objects.get() == recebido


def test_arquivo_ausente_aparece_como_tal(client, equipe, recebido):
    recebido.arquivo.storage.delete(recebido.arquivo.name)
    client.force_login(equipe)
    assert "arquivo ausente" in client.get(LISTA).content.decode()


def test_validador_tambem_ve_e_parceiro_nao(client, validador, parceiro_pf, recebido):
    client.force_login(validador)
    assert client.get(LISTA).status_code == 200
    client.force_login(parceiro_pf)
    resposta = client.get(LISTA)
    assert resposta.status_code == 302 and resposta["Location"].startswith("/admin/login/")
    assert client.get(f"{LISTA}{recebido.pk}/change/").status_code == 302
    sem_permissao = factories.criar_usuario(username="staff.sem.permissao", is_staff=True)
    client.force_login(sem_permissao)
    assert client.get(LISTA).status_code == 403


@pytest.mark.parametrize("fator", [1, 10])
def test_lista_custa_o_mesmo_numero_de_consultas_em_qualquer_tamanho(
    client, equipe, recebido, pf, dpu, parceiro_pf, fator
):
    for indice in range(5 * fator):
        pendente(
            atividade=recebido.atividade,
            instituicao=pf if indice % 2 else dpu,
            ciclo=recebido.ciclo,
            autor=parceiro_pf,
            nome=f"arquivo-{indice}.pdf",
        )
    client.force_login(equipe)
    client.get(LISTA)
    with CaptureQueriesContext(connection) as ctx:
        resposta = client.get(LISTA)
    assert resposta.status_code == 200
    assert resposta.content.decode().count('class="field-nome_original"') == 1 + 5 * fator
    # 1. the session; 2. the user; 3.-4. the user's own and group permissions;
    # 5.-6. the cycle and institution filters' choices; 7.-8. the filtered and
    # total counts; 9. the page of files with activity, institution and cycle.
    assert len(ctx.captured_queries) == 9 + CONSULTA_DO_SEGUNDO_FATOR, "\n".join(
        q["sql"] for q in ctx.captured_queries
    )
