"""/dados/: the open data page, the files, and datapackage.json."""

import tempfile

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from comum.enderecos import absoluto
from monitoramento.models import Ciclo

from .conjuntos import ATIVIDADES, CONJUNTOS, LOTE, Conjunto
from .exports import TIPOS_DE_CONTEUDO, gerar_csv, gerar_json, gravar_ods, gravar_xlsx, json_de
from .parametros import ParametrosInvalidos, resposta_de_erro
from .relatorio import gerar_relatorio, nome_do_arquivo
from .selecao import erros_dos_filtros, filtro_de_atividades
from .versao import plano_com_versao, responder

LICENCA_DADOS = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Atribuição 4.0 Internacional (dados de monitoramento)",
    "path": "https://creativecommons.org/licenses/by/4.0/deed.pt-br",
}
LICENCA_TEXTO = {
    "name": "CC-BY-ND-3.0",
    "title": "Creative Commons Atribuição-SemDerivações 3.0 (texto do plano, reproduzido sem alterações)",
    "path": "https://creativecommons.org/licenses/by-nd/3.0/deed.pt_BR",
}
FREQUENCIA = (
    "Contínua: os arquivos são gerados no momento do download e refletem cada relato assim que "
    "a CGETP o publica. Os parceiros relatam a cada semestre (ciclos de monitoramento)."
)
FORMATOS = ("csv", "json", "xlsx", "ods")

# Foreign keys between the data sets, for datapackage.json.
CHAVES_ESTRANGEIRAS = {
    "relatos": [("atividade_codigo", "atividades", "atividade_codigo")],
    "evidencias": [("relato_id", "relatos", "relato_id")],
}


def registros(conjunto: Conjunto, plano, params):
    """The rows of a data set, filtered like /plano/ for activities; an
    invalid filter raises ParametrosInvalidos (a 400, never ignored)."""
    consulta = conjunto.registros(plano)
    if conjunto is ATIVIDADES:
        filtro = filtro_de_atividades(params, consulta)
        if erros := erros_dos_filtros(filtro):
            raise ParametrosInvalidos(erros)
        consulta = filtro.qs
    return consulta.iterator(chunk_size=LOTE)


def resposta_do_arquivo(conjunto: Conjunto, formato: str, linhas, *, titulo: str):
    nome = f"{conjunto.nome}.{formato}"
    tipo = TIPOS_DE_CONTEUDO[formato]
    if formato in ("csv", "json"):
        gerador = gerar_csv if formato == "csv" else gerar_json
        resposta = StreamingHttpResponse(gerador(conjunto.colunas, linhas), content_type=tipo)
        resposta["Content-Disposition"] = f'attachment; filename="{nome}"'
        return resposta
    gravar = gravar_xlsx if formato == "xlsx" else gravar_ods
    arquivo = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    gravar(arquivo, titulo=titulo, folha=conjunto.nome, colunas=conjunto.colunas, linhas=linhas)
    arquivo.seek(0)
    return FileResponse(arquivo, as_attachment=True, filename=nome, content_type=tipo)


def arquivo(request, nome: str, formato: str):
    conjunto = CONJUNTOS.get(nome)
    if conjunto is None or formato not in FORMATOS:
        raise Http404("Conjunto de dados ou formato inexistente.")
    plano = plano_com_versao()

    def gerar():
        try:
            linhas = conjunto.linhas(registros(conjunto, plano, request.GET))
        except ParametrosInvalidos as erro:
            return resposta_de_erro(erro.erros, json_de)
        titulo = f"{conjunto.titulo} · {plano.sigla}"
        return resposta_do_arquivo(conjunto, formato, linhas, titulo=titulo)

    return responder(request, plano, gerar, muda_a_cada_dia=conjunto is ATIVIDADES)


def descricao_do_pacote(plano, base: str) -> dict:
    """A Frictionless tabular data package: each data set's CSV and schema."""
    recursos = []
    for conjunto in CONJUNTOS.values():
        schema = {
            "fields": [
                {"name": c.nome, "title": c.titulo, "type": c.tipo, "description": c.descricao}
                for c in conjunto.colunas
            ],
            "primaryKey": list(conjunto.chave),
            "missingValues": [""],
        }
        if conjunto.nome in CHAVES_ESTRANGEIRAS:
            schema["foreignKeys"] = [
                {"fields": campo, "reference": {"resource": recurso, "fields": alvo}}
                for campo, recurso, alvo in CHAVES_ESTRANGEIRAS[conjunto.nome]
            ]
        recursos.append(
            {
                "name": conjunto.nome,
                "title": conjunto.titulo,
                "description": conjunto.descricao,
                "path": f"{base}{conjunto.nome}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
                "schema": schema,
            }
        )
    pacote = {
        "profile": "tabular-data-package",
        "name": f"{plano.slug}-monitoramento",
        "title": f"Monitoramento do {plano.sigla}",
        "description": f"Dados abertos do painel de monitoramento do {plano.nome}.",
        "homepage": base,
        "licenses": [LICENCA_DADOS, LICENCA_TEXTO],
        "sources": [{"title": "Página oficial do plano", "path": plano.url_fonte}],
        "resources": recursos,
    }
    if plano.ultima_alteracao:
        pacote["created"] = plano.ultima_alteracao.isoformat()
    return pacote


def datapackage(request):
    plano = plano_com_versao()

    def gerar():
        base = absoluto(reverse("dados:index"), request)
        return JsonResponse(
            descricao_do_pacote(plano, base), json_dumps_params={"ensure_ascii": False}
        )

    return responder(request, plano, gerar)


def index(request):
    plano = plano_com_versao()
    return render(
        request,
        "dados/index.html",
        {
            "plano": plano,
            "conjuntos": CONJUNTOS.values(),
            "formatos": FORMATOS,
            "licenca_dados": LICENCA_DADOS,
            "licenca_texto": LICENCA_TEXTO,
            "frequencia": FREQUENCIA,
        },
    )


class RelatorioForm(forms.Form):
    ciclo = forms.ModelChoiceField(
        label="Ciclo de monitoramento",
        queryset=Ciclo.objects.filter(plano__slug=settings.PLANO_PADRAO).order_by("-inicio"),
        empty_label=None,
    )


def relatorio_semestral(request):
    """Staff page: choose a cycle, download its semestral workbook."""
    if not request.user.has_perm("monitoramento.view_atualizacao"):
        raise PermissionDenied
    form = RelatorioForm(request.GET if "ciclo" in request.GET else None)
    if form.is_valid():
        ciclo = form.cleaned_data["ciclo"]
        arquivo = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        autor = request.user.get_full_name() or request.user.get_username()
        gerar_relatorio(ciclo, arquivo, autor=autor)
        arquivo.seek(0)
        return FileResponse(
            arquivo,
            as_attachment=True,
            filename=nome_do_arquivo(ciclo),
            content_type=TIPOS_DE_CONTEUDO["xlsx"],
        )
    contexto = {
        **admin.site.each_context(request),
        "title": "Relatório semestral",
        "form": form,
    }
    return render(request, "admin/relatorio_semestral.html", contexto)


relatorio_admin = admin.site.admin_view(relatorio_semestral)
