"""The permission matrix, generated from the URL resolver: every URL pattern
× anonymous, partner of another institution (DPU), partner of its own (PF),
CGETP staff, validator × GET and POST. A URL without an entry in MATRIZ
fails, so a new view states who may open it.

Each entry is the status each persona gets, GET then POST, in the order of
PERSONAS. Beside the table, invariants that hold whatever it says: no 5xx,
no admin page for anyone but staff, no portal page or draft evidence for
anyone but its institution (and staff). `MATRIZ_GERAR=1` prints the entries
of what the site answers now, part by part, to review and paste.
"""

import os

import pytest

from .rotas import Cliente, cenario, endereco, rotas

PERSONAS = ("anonimo", "outra", "propria", "equipe", "validador")
# Pages anybody may open logged out.
PUBLICAS_NO_PORTAL = {
    "portal/entrar/",
    "portal/senha/redefinir/",
    "portal/senha/redefinir/enviada/",
    "portal/senha/redefinir/<uidb64>/<token>/",
    "portal/senha/redefinida/",
    "admin/login/",
}


# The routes are measured in this many parts, every PARTES-th route each: one
# test per part, so that the suite's workers share the matrix.
PARTES = 3


def medir(objetos, usuarios, parte: int) -> dict[str, str]:
    resultado = {}
    clientes = {p: Cliente(usuarios[p]) for p in PERSONAS}
    for rota in rotas()[parte::PARTES]:
        url = endereco(rota, objetos)
        codigos = []
        for metodo in ("get", "post"):
            for persona in PERSONAS:
                cliente = clientes[persona]
                cliente.entrar()
                codigos.append(getattr(cliente, metodo)(url).status_code)
        resultado[rota.padrao] = (
            " ".join(map(str, codigos[:5])) + " | " + " ".join(map(str, codigos[5:]))
        )
    return resultado


def test_cada_entrada_da_matriz_e_uma_rota_que_existe():
    assert not sorted(set(MATRIZ) - {r.padrao for r in rotas()}), (
        "entries of URLs that no longer exist"
    )


@pytest.mark.demorado
@pytest.mark.django_db
@pytest.mark.parametrize("parte", range(PARTES))
def test_matriz_de_permissoes(parte, plano, pf, dpu, parceiro_pf, parceiro_dpu, equipe, validador):
    objetos = cenario(plano, pf, dpu, parceiro_pf, equipe, validador)
    usuarios = dict(
        zip(PERSONAS, (None, parceiro_dpu, parceiro_pf, equipe, validador), strict=True)
    )
    medido = medir(objetos, usuarios, parte)
    if os.environ.get("MATRIZ_GERAR"):
        print(f"# part {parte + 1} of {PARTES}: entries to paste into MATRIZ")  # noqa: T201
        for padrao, codigos in medido.items():
            print(f"    {padrao!r}: {codigos!r},")  # noqa: T201

    sem_entrada = sorted(set(medido) - set(MATRIZ))
    assert not sem_entrada, f"URLs without an entry in MATRIZ: {sem_entrada}"

    falhas = []
    for padrao, codigos in medido.items():
        numeros = [int(c) for c in codigos.replace("|", "").split()]
        outra, propria = numeros[1], numeros[2]
        if any(n >= 500 for n in numeros):
            falhas.append(f"{padrao}: 5xx {codigos}")
        privada = padrao.startswith(("admin/", "portal/", "evidencias/"))
        if privada and padrao not in PUBLICAS_NO_PORTAL and 200 in (numeros[0], numeros[5]):
            falhas.append(f"{padrao}: anonymous got 200 {codigos}")
        admin = padrao.startswith("admin/") and padrao not in PUBLICAS_NO_PORTAL
        if admin and 200 in (outra, propria, numeros[6], numeros[7]):
            falhas.append(f"{padrao}: a partner got an admin page {codigos}")
        if padrao.startswith(("portal/atividades/", "evidencias/")) and 200 in (outra, numeros[6]):
            falhas.append(f"{padrao}: the other institution got PF's page {codigos}")
        if codigos != MATRIZ.get(padrao, codigos):
            falhas.append(f"{padrao}: {codigos} (expected {MATRIZ[padrao]})")
    assert not falhas, "\n".join(falhas)


# GET: anonimo outra propria equipe validador | POST: the same.
MATRIZ: dict[str, str] = {
    "admin/relatorio-semestral/": "302 302 302 200 200 | 405 405 405 405 405",
    "admin/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/login/": "200 200 200 302 302 | 200 200 200 200 200",
    "admin/logout/": "302 302 302 405 405 | 302 302 302 302 302",
    "admin/password_change/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/password_change/done/": "302 302 302 200 200 | 302 302 302 405 405",
    "admin/autocomplete/": "302 302 302 200 200 | 302 302 302 405 405",
    "admin/jsi18n/": "302 302 302 200 200 | 302 302 302 405 405",
    "admin/r/<path:content_type_id>/<path:object_id>/": "302 302 302 404 404 | 302 302 302 404 404",
    "admin/auth/group/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/auth/group/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/auth/group/<path:object_id>/history/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/auth/group/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/auth/group/<path:object_id>/change/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/auth/group/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/plano/objetivo/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/plano/objetivo/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/objetivo/add/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/objetivo/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/objetivo/<path:object_id>/delete/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/objetivo/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/objetivo/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/plano/acao/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/plano/acao/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/acao/add/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/acao/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/acao/<path:object_id>/delete/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/acao/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/acao/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/plano/atividade/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/plano/atividade/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/atividade/add/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/atividade/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/atividade/<path:object_id>/delete/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/atividade/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/atividade/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/plano/vinculo/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/plano/vinculo/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/vinculo/add/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/vinculo/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/vinculo/<path:object_id>/delete/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/vinculo/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/vinculo/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/plano/plano/process_import/": "302 302 302 405 405 | 302 302 302 200 200",
    "admin/plano/plano/import/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/plano/export/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/plano/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/plano/plano/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/plano/add/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/plano/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/plano/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/plano/plano/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/plano/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/plano/importacaodoplano/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/importacaodoplano/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/plano/importacaodoplano/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/plano/importacaodoplano/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/plano/importacaodoplano/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/plano/importacaodoplano/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/parceiros/usuario/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/parceiros/usuario/<id>/password/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/parceiros/usuario/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/parceiros/usuario/add/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/parceiros/usuario/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/parceiros/usuario/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/parceiros/usuario/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/parceiros/usuario/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/parceiros/instituicao/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/parceiros/instituicao/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/parceiros/instituicao/add/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/parceiros/instituicao/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/parceiros/instituicao/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/parceiros/instituicao/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/parceiros/instituicao/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/monitoramento/ciclo/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/monitoramento/ciclo/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/ciclo/add/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/ciclo/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/ciclo/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/monitoramento/ciclo/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/ciclo/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/monitoramento/atualizacao/fila/": "302 302 302 302 200 | 302 302 302 302 302",
    "admin/monitoramento/atualizacao/<int:pk>/validar/": "302 302 302 302 404 | 302 302 302 302 404",
    "admin/monitoramento/atualizacao/<int:pk>/corrigir/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/atualizacao/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/monitoramento/atualizacao/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/atualizacao/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/monitoramento/atualizacao/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/atualizacao/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/monitoramento/atualizacao/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/monitoramento/atualizacao/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/monitoramento/evidencia/^([^/]+)/history/([^/]+)/$": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/monitoramento/evidencia/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/evidencia/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/monitoramento/evidencia/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/evidencia/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/monitoramento/evidencia/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/monitoramento/evidencia/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    # Files kept for reports (pending evidence): staff read them, nobody changes them.
    "admin/monitoramento/evidenciapendente/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/evidenciapendente/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/monitoramento/evidenciapendente/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/evidenciapendente/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/monitoramento/evidenciapendente/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/monitoramento/evidenciapendente/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/monitoramento/lembrete/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/lembrete/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/monitoramento/lembrete/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/monitoramento/lembrete/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/monitoramento/lembrete/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/monitoramento/lembrete/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    # Outbox, cron jobs (operacao) and second-factor devices (django-otp): staff read
    # the outbox and jobs; only superusers manage devices.
    "admin/otp_totp/totpdevice/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_totp/totpdevice/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_totp/totpdevice/<path:object_id>/history/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_totp/totpdevice/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_totp/totpdevice/<path:object_id>/change/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_totp/totpdevice/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/otp_static/staticdevice/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_static/staticdevice/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_static/staticdevice/<path:object_id>/history/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_static/staticdevice/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_static/staticdevice/<path:object_id>/change/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/otp_static/staticdevice/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/operacao/mensagem/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/operacao/mensagem/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/operacao/mensagem/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/operacao/mensagem/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/operacao/mensagem/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/operacao/mensagem/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/operacao/tarefa/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/operacao/tarefa/add/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/operacao/tarefa/<path:object_id>/history/": "302 302 302 200 200 | 302 302 302 200 200",
    "admin/operacao/tarefa/<path:object_id>/delete/": "302 302 302 403 403 | 302 302 302 403 403",
    "admin/operacao/tarefa/<path:object_id>/change/": "302 302 302 200 200 | 302 302 302 403 403",
    "admin/operacao/tarefa/<path:object_id>/": "302 302 302 302 302 | 302 302 302 302 302",
    "admin/^(?P<app_label>auth|monitoramento|operacao|otp_static|otp_totp|parceiros|plano)/$": "302 302 302 200 200 | 302 302 302 200 200",
    "saude/": "200 200 200 200 200 | 405 405 405 405 405",
    "portal/mfa/": "302 200 200 200 200 | 302 400 400 200 200",
    "portal/mfa/verificar/": "302 302 302 200 200 | 302 302 302 400 400",
    "admin/(?P<url>.*)$": "302 302 302 404 404 | 302 302 302 404 404",
    "plano/": "200 200 200 200 200 | 405 405 405 405 405",
    "plano/alteracoes/": "200 200 200 200 200 | 405 405 405 405 405",
    "plano/<str:codigo>/": "200 200 200 200 200 | 405 405 405 405 405",
    "robots.txt": "200 200 200 200 200 | 405 405 405 405 405",
    "sitemap.xml": "200 200 200 200 200 | 405 405 405 405 405",
    "dados/": "200 200 200 200 200 | 405 405 405 405 405",
    "dados/datapackage.json": "200 200 200 200 200 | 405 405 405 405 405",
    "dados/dados-abertos.zip": "200 200 200 200 200 | 405 405 405 405 405",
    "dados/<slug:nome>.<str:formato>": "200 200 200 200 200 | 405 405 405 405 405",
    # The public semestral report of a closed cycle (2025.1).
    "dados/relatorios/<slug:plano>/<str:ciclo>.xlsx": "200 200 200 200 200 | 405 405 405 405 405",
    "dados/feeds/relatos/": "200 200 200 200 200 | 405 405 405 405 405",
    "dados/feeds/alteracoes/": "200 200 200 200 200 | 405 405 405 405 405",
    "dados/feeds/relatos/objetivo/<str:codigo>/": "200 200 200 200 200 | 405 405 405 405 405",
    "dados/feeds/relatos/instituicao/<slug:slug>/": "200 200 200 200 200 | 405 405 405 405 405",
    "dados/feeds/relatos/atividade/<str:codigo>/": "200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/": "200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/openapi.json": "200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/plano/": "200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/atividades/": "200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/relatos/": "200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/instituicoes/": "200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/ciclos/": "200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/serie/": "200 200 200 200 200 | 405 405 405 405 405",
    "api/v1/alteracoes/": "200 200 200 200 200 | 405 405 405 405 405",
    "": "200 200 200 200 200 | 405 405 405 405 405",
    "parceiros/": "200 200 200 200 200 | 405 405 405 405 405",
    "parceiros/<slug:slug>/": "200 200 200 200 200 | 405 405 405 405 405",
    "metodologia/": "200 200 200 200 200 | 405 405 405 405 405",
    "sobre/": "200 200 200 200 200 | 405 405 405 405 405",
    "acessibilidade/": "200 200 200 200 200 | 405 405 405 405 405",
    "privacidade/": "200 200 200 200 200 | 405 405 405 405 405",
    "portal/": "302 200 200 302 302 | 405 405 405 405 405",
    "portal/entrar/": "200 200 200 200 200 | 200 200 200 200 200",
    "portal/sair/": "405 405 405 405 405 | 302 302 302 302 302",
    "portal/senha/": "302 200 200 200 200 | 302 200 200 200 200",
    "portal/senha/alterada/": "302 200 200 200 200 | 405 405 405 405 405",
    "portal/senha/redefinir/": "200 200 200 200 200 | 200 200 200 200 200",
    "portal/senha/redefinir/enviada/": "200 200 200 200 200 | 405 405 405 405 405",
    "portal/senha/redefinir/<uidb64>/<token>/": "200 200 200 200 200 | 200 200 200 200 200",
    "portal/senha/redefinida/": "200 200 200 200 200 | 405 405 405 405 405",
    "portal/ciclo/": "302 200 200 403 403 | 302 302 302 403 403",
    "portal/ciclo/enviar/": "302 302 302 403 403 | 302 302 302 403 403",
    "portal/atividades/<str:codigo>/": "302 404 200 403 403 | 405 405 405 405 405",
    "portal/atividades/<str:codigo>/relatar/": "302 404 200 403 403 | 302 404 200 403 403",
    # The send confirmation; a POST without the draft's revision sends nothing (409).
    "portal/atividades/<str:codigo>/enviar/": "302 404 200 403 403 | 302 404 409 403 403",
    "portal/atividades/<str:codigo>/corrigir/": "405 405 405 405 405 | 302 404 302 403 403",
    "evidencias/<int:pk>/": "404 404 200 200 200 | 405 405 405 405 405",
}
