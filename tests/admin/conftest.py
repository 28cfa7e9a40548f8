"""Personas and helpers of the admin tests."""

import io

import pytest
from django.contrib.auth.models import Permission
from openpyxl import Workbook

from plano.resources import COLUNAS
from tests import factories

# Index of each format in PlanoAdmin.import_formats.
XLSX, CSV = "0", "1"


@pytest.fixture
def staff_sem_permissao(db):
    """Staff who may view the plan in the admin, but not import or export it."""
    usuario = factories.criar_usuario(username="staff.sem.permissao", is_staff=True)
    usuario.user_permissions.add(
        Permission.objects.get(codename="view_plano"),
        Permission.objects.get(codename="view_atividade"),
    )
    return usuario


def planilha_xlsx(linhas, colunas=COLUNAS) -> bytes:
    livro = Workbook()
    folha = livro.active
    folha.append(colunas)
    for linha in linhas:
        folha.append(linha)
    saida = io.BytesIO()
    livro.save(saida)
    return saida.getvalue()


def arquivo(conteudo: bytes, nome: str):
    dados = io.BytesIO(conteudo)
    dados.name = nome
    return dados


def previa(client, plano, conteudo: bytes, *, formato=XLSX, nome=None):
    """POST the upload step; returns the preview response."""
    nome = nome or ("plano.xlsx" if formato == XLSX else "plano.csv")
    return client.post(
        "/admin/plano/plano/import/",
        {
            "resource": "0",
            "plano": plano.pk,
            "format": formato,
            "import_file": arquivo(conteudo, nome),
        },
    )


def confirmar(client, resposta_da_previa):
    """POST the confirmation of a preview, as its form would."""
    form = resposta_da_previa.context["confirm_form"]
    return client.post("/admin/plano/plano/process_import/", form.initial)


def importar(client, plano, conteudo: bytes, *, formato=XLSX):
    resposta = previa(client, plano, conteudo, formato=formato)
    assert resposta.context["confirm_form"] is not None, resposta.content.decode()[:3000]
    return confirmar(client, resposta)


def exportar(client, plano, *, formato=XLSX):
    return client.post(
        "/admin/plano/plano/export/", {"resource": "0", "plano": plano.pk, "format": formato}
    )
