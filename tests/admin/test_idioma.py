"""Issue 14, point 11: the admin speaks pt-BR. A staff member crawls every
admin page (index, each model's list, add form, change form and history, the
validation queue, the semestral report form, import and export) and no page
shows an English word of a known list, an unaccented slip or a wrong gender.

Staff log in as they would: the login form, then the code of their
authenticator app (parceiros/mfa.py), with a plain Client."""

import contextlib
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from monitoramento.models import Atualizacao, EvidenciaPendente
from plano.models import Atividade
from tests import factories
from tests.factories import SENHA
from tests.mfa import codigo

# English Django/library strings staff used to see, and unaccented slips.
PROIBIDAS = [
    "View history",
    "View on site",
    "Change reason",
    "CHANGE REASON",
    "Select an option",
    "This exporter will export the following fields",
    "This importer will import the following fields",
    "You are 3 hours behind",
    "hours behind server time",
    "hours ahead of server time",
    "Note: You are",
    ">None<",
]
# Field names shown as such (no verbose_name), and Django's "O {name} … foi
# alterado" of feminine nouns.
PROIBIDAS_PALAVRAS = re.compile(
    r"\b(Acao|acao|Instituicao|instituicao|Instituicoes|instituicoes|Usuario|usuario|"
    r"Atualizacao|atualizacao|Evidencia|evidencia)\b|\bO (atividade|ação|instituição|"
    r"evidência|atualização)\b|>\s*None\s*>|\[\d+ chars\]"
)


def _texto_visivel(html: str) -> str:
    """What staff read: the page without scripts, styles and tag attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", ">", html)
    return html


@pytest.fixture
def cenario(plano, pf, parceiro_pf):
    ciclo = factories.criar_ciclo(plano=plano, codigo="2026.1", aberto=True)
    atividade = Atividade.objects.get(codigo="2.1.1")
    factories.vincular(atividade=atividade, instituicao=pf)
    relato = factories.criar_atualizacao(
        atividade=atividade,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Atualizacao.Estado.ENVIADA,
    )
    factories.criar_evidencia(atualizacao=relato, url="https://www.gov.br/x", titulo="Ata")
    # A file kept for the report: its list, item and history pages are crawled too.
    EvidenciaPendente.objects.create(
        atividade=atividade,
        instituicao=pf,
        ciclo=ciclo,
        arquivo=SimpleUploadedFile("ata.pdf", b"%PDF-1.4\n%%EOF\n"),
        nome_original="ata.pdf",
        tipo_conteudo="application/pdf",
        enviado_por=parceiro_pf,
    )


def _paginas() -> list[str]:
    urls = [reverse("admin:index")]
    for modelo in admin.site._registry:
        meta = modelo._meta
        nome = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(reverse(f"{nome}_changelist"))
        urls.append(reverse(f"{nome}_add"))
        primeiro = modelo._default_manager.order_by("pk").first()
        if primeiro is not None:
            urls.append(reverse(f"{nome}_change", args=[primeiro.pk]))
            urls.append(reverse(f"{nome}_history", args=[primeiro.pk]))
        for sufixo in ("import", "export", "fila", "relatorio"):
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(f"{nome}_{sufixo}"))
    return urls


def _entrar_com_segundo_fator(usuario) -> Client:
    cliente = Client()
    cliente.post("/portal/entrar/", {"username": usuario.username, "password": SENHA})
    resposta = cliente.post(
        "/portal/mfa/verificar/", {"codigo": codigo(usuario), "next": "/admin/"}
    )
    assert resposta["Location"] == "/admin/"
    return cliente


def test_admin_inteiro_em_portugues(cenario):
    chefe = factories.criar_usuario(username="chefe.cgetp", is_staff=True, is_superuser=True)
    client = _entrar_com_segundo_fator(chefe)
    achados = []
    paginas = _paginas()
    assert len(paginas) > 30
    for url in paginas:
        resposta = client.get(url, follow=True)
        assert resposta.status_code in (200, 403), (url, resposta.status_code)
        texto = _texto_visivel(resposta.content.decode())
        for palavra in PROIBIDAS:
            if palavra in texto:
                achados.append((url, palavra))
        achados += [(url, m[0]) for m in PROIBIDAS_PALAVRAS.finditer(texto)]
    assert achados == [], "\n".join(f"{u}: {p}" for u, p in achados)


def test_mensagem_de_alteracao_sem_erro_de_genero(client, pf, django_user_model):
    """Django's own "O instituição parceira … foi alterado": the project's
    catalogue words it without gender."""
    chefe = django_user_model.objects.create_superuser("chefe.cgetp", "chefe@mj.gov.br", "x")
    client.force_login(chefe)
    url = reverse("admin:parceiros_instituicao_change", args=[pf.pk])
    resposta = client.post(
        url,
        {"sigla": pf.sigla, "slug": pf.slug, "nome": "Polícia Federal (PF)", "tipo": pf.tipo},
        follow=True,
    )
    texto = re.sub(r"<[^>]+>", "", " ".join(str(m) for m in resposta.context["messages"]))
    assert texto == f"Registro de instituição parceira “{pf.sigla}” alterado com sucesso."
