"""The hostile-value sweep: every URL pattern of the resolver, its path
parameters and every query parameter the site reads, filled with NUL bytes,
bytes that are not UTF-8, huge values and values of the wrong type, by GET
and by POST, logged out, as a partner and as staff. Not one answer ≥ 500."""

import pytest
from django.test import Client

from dados.parametros import FILTROS_DE_RELATOS, PAGINACAO
from plano.filters import AtividadeFilter

from .rotas import Cliente, cenario, endereco, rotas

# Already percent-encoded, as they travel in a URL.
NULO, NAO_UTF8 = "a%00b", "%FF%FE%C0%AF"
ENORME = "9" * 6000
TIPOS_ERRADOS = ["-1", "1.5", "abc", "99999999999999999999999", "%5B%5D"]
VALORES = [NULO, NAO_UTF8, ENORME, *TIPOS_ERRADOS]
# Parameters the admin and the auth views read, besides the site's filters.
DO_ADMIN = [
    "q", "o", "p", "e", "all", "_changelist_filters", "_popup", "_to_field", "next",
    "term", "app_label", "model_name", "field_name", "ciclo", "estado", "formato", "format",
    "instituicao__id__exact", "plano__id__exact", "history_id",
]  # fmt: skip
# Fields a POST may carry (login, password reset, the report form, the admin).
CAMPOS = [
    "username", "password", "email", "new_password1", "new_password2", "old_password",
    "situacao", "percentual", "realizado", "restricoes", "revisao", "acao", "comentario",
    "evidencias-TOTAL_FORMS", "evidencias-INITIAL_FORMS", "evidencias-0-titulo",
    "evidencias-0-url", "evidencias-0-data", "selecionados", "resource", "format", "plano",
    "codigo", "texto", "motivo_correcao", "import_file_name", "original_file_name",
]  # fmt: skip


def parametros() -> list[str]:
    nomes = set(AtividadeFilter.base_filters) | set(FILTROS_DE_RELATOS)
    nomes |= {p.nome for p in PAGINACAO} | set(DO_ADMIN)
    return sorted(nomes)


def com_valor_no_caminho(rota, objetos, valor: str) -> str | None:
    """The route's address with each of its parameters replaced by `valor`."""
    base = endereco(rota, objetos)
    if "<" not in rota.padrao and "(" not in rota.padrao:
        return None
    partes_fixas = [p for p in rota.padrao.split("/") if p and "<" not in p and "(" not in p]
    segmentos = base.strip("/").split("/")
    trocados = [s if s in partes_fixas or s == "history" else valor for s in segmentos]
    if rota.padrao.startswith("dados/<slug:nome>"):
        trocados = ["dados", f"{valor}.{valor}"]
    if rota.padrao.startswith("dados/relatorios/"):
        # The public plan's slug, and the hostile value as the cycle's code.
        return "/" + "/".join([*segmentos[:-1], f"{valor}.xlsx"])
    return "/" + "/".join(trocados) + "/"


# The routes are swept in this many parts, every PARTES-th route each: one
# test per part, so that the suite's workers share the sweep.
PARTES = 4


@pytest.mark.demorado
@pytest.mark.django_db
@pytest.mark.parametrize("parte", range(PARTES))
def test_nenhum_valor_hostil_da_erro_de_servidor(
    parte, plano, pf, dpu, parceiro_pf, parceiro_dpu, equipe, validador
):
    objetos = cenario(plano, pf, dpu, parceiro_pf, equipe, validador)
    nomes = parametros()
    usuarios = {None: None, "propria": parceiro_pf, "validador": validador}
    clientes = {p: Cliente(u, raise_request_exception=False) for p, u in usuarios.items()}
    falhas, total = [], 0

    def pedir(persona, metodo, url, dados=None):
        nonlocal total
        cliente = clientes[persona]
        cliente.entrar()
        resposta = getattr(cliente, metodo)(url, dados or {})
        total += 1
        if resposta.status_code >= 500:
            falhas.append(f"{metodo.upper()} {url[:160]} as {persona}: {resposta.status_code}")

    for rota in rotas()[parte::PARTES]:
        base = endereco(rota, objetos)
        separador = "&" if "?" in base else "?"
        privada = rota.padrao.startswith(("admin/", "portal/", "evidencias/"))
        personas = [None, "propria", "validador"] if privada else [None]
        if rota.padrao.startswith("admin/"):
            personas = ["validador"]
        for persona in personas:
            for valor in VALORES:
                consulta = "&".join(f"{nome}={valor}" for nome in nomes)
                pedir(persona, "get", f"{base}{separador}{consulta}")
                caminho = com_valor_no_caminho(rota, objetos, valor)
                if caminho:
                    pedir(persona, "get", caminho)
            for valor in (NULO.replace("%00", "\x00"), ENORME, "abc", "-1"):
                pedir(persona, "post", base, dict.fromkeys(CAMPOS, valor))
    assert total > 1000 // PARTES
    assert not falhas, f"{len(falhas)} of {total} requests answered ≥ 500:\n" + "\n".join(
        falhas[:50]
    )


PUBLICAS = [
    "/plano/", "/parceiros/", "/dados/atividades.csv", "/dados/relatos.json",
    "/api/v1/atividades/", "/api/v1/relatos/", "/api/v1/ciclos/", "/api/v1/instituicoes/",
    "/api/v1/serie/", "/api/v1/alteracoes/", "/dados/serie.csv",
    "/dados/feeds/relatos/",
]  # fmt: skip


@pytest.mark.demorado
@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLICAS)
def test_cada_parametro_sozinho_nas_paginas_publicas(url, plano, pf):
    """Public pages and data, each query parameter alone with each value."""
    cliente = Client(raise_request_exception=False)
    falhas = []
    for nome in parametros():
        for valor in (ENORME, "abc", "-1", "1.5"):
            resposta = cliente.get(f"{url}?{nome}={valor}")
            if resposta.status_code >= 500:
                falhas.append(f"{url}?{nome}={valor[:20]}: {resposta.status_code}")
    assert not falhas, "\n".join(falhas)
