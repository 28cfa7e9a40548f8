"""/dados/: the open data page, the files, and datapackage.json."""

import json
import tempfile

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from comum.enderecos import absoluto
from monitoramento.ciclos import data_de_avaliacao
from monitoramento.models import Ciclo

from .conjuntos import CONJUNTOS, Conjunto
from .formatos import TIPOS_DE_CONTEUDO, gerar_csv, gerar_csv_excel, gerar_json, json_de
from .pacote import (
    FORMATOS,
    FREQUENCIA,
    LICENCA_DADOS,
    LICENCA_TEXTO,
    NEUTRALIZACAO,
    NOME_DO_ZIP,
    PALAVRAS_CHAVE,
    PUBLICADOR,
    cobertura_temporal,
    descricao_do_pacote,
    gravar,
    gravar_zip,
    json_do_pacote,
    momento_dos_dados,
    registros,
)
from .parametros import ParametrosInvalidos, resposta_de_erro
from .relatorio import (
    ciclos_com_relatorio_publico,
    endereco_do_relatorio_publico,
    gerar_relatorio,
    nome_do_arquivo,
)
from .versao import plano_com_versao, responder
from .versoes import HISTORICO, VERSAO

FORMATO_EXCEL = "excel.csv"
GERADORES = {"csv": gerar_csv, "json": gerar_json, FORMATO_EXCEL: gerar_csv_excel}


def resposta_do_arquivo(conjunto: Conjunto, formato: str, plano, params):
    nome = f"{conjunto.nome}.{formato}"
    tipo = TIPOS_DE_CONTEUDO[formato]
    linhas = conjunto.linhas(registros(conjunto, plano, params))
    if formato in GERADORES:
        resposta = StreamingHttpResponse(
            GERADORES[formato](conjunto.colunas, linhas), content_type=tipo
        )
        resposta["Content-Disposition"] = f'attachment; filename="{nome}"'
        return resposta
    arquivo = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    gravar(arquivo, conjunto, formato, plano, linhas, params=params)
    arquivo.seek(0)
    return FileResponse(arquivo, as_attachment=True, filename=nome, content_type=tipo)


def arquivo(request, nome: str, formato: str):
    conjunto = CONJUNTOS.get(nome)
    if conjunto is None or formato not in (*FORMATOS, FORMATO_EXCEL):
        raise Http404("Conjunto de dados ou formato inexistente.")
    plano = plano_com_versao()

    def gerar():
        try:
            return resposta_do_arquivo(conjunto, formato, plano, request.GET)
        except ParametrosInvalidos as erro:
            return resposta_de_erro(erro.erros, json_de)

    return responder(request, plano, gerar, muda_a_cada_dia=conjunto.muda_a_cada_dia)


def datapackage(request):
    plano = plano_com_versao()

    def gerar():
        base = absoluto(reverse("dados:index"), request)
        return HttpResponse(
            json_do_pacote(descricao_do_pacote(plano, base)), content_type="application/json"
        )

    return responder(request, plano, gerar, muda_a_cada_dia=True)


def pacote_zip(request):
    """Every data set in every format, with its datapackage.json, in one zip."""
    plano = plano_com_versao()

    def gerar():
        arquivo = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        gravar_zip(arquivo, plano)
        arquivo.seek(0)
        return FileResponse(
            arquivo, as_attachment=True, filename=NOME_DO_ZIP, content_type="application/zip"
        )

    return responder(request, plano, gerar, muda_a_cada_dia=True)


def relatorio_publico(request, plano: str, ciclo: str):
    """The public semestral report of a closed cycle of the public plan
    (dados.relatorio): 404 for another plan, an unknown cycle or one still
    open (its view is not final)."""
    publico = plano_com_versao()
    encontrado = (
        ciclos_com_relatorio_publico(publico).filter(codigo=ciclo).first()
        if plano == publico.slug
        else None
    )
    if encontrado is None:
        raise Http404("Relatório inexistente: o ciclo não existe ou ainda não foi encerrado.")

    def gerar():
        arquivo = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        gerar_relatorio(encontrado, arquivo, publico=True, momento=momento_dos_dados(publico))
        arquivo.seek(0)
        return FileResponse(
            arquivo,
            as_attachment=True,
            filename=nome_do_arquivo(encontrado, publico=True),
            content_type=TIPOS_DE_CONTEUDO["xlsx"],
        )

    return responder(request, publico, gerar)


def json_ld(plano, request, ciclos) -> str:
    """Schema.org Dataset markup of /dados/, escaped for a <script> element."""
    dados = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"Monitoramento do {plano.sigla}",
        "description": f"Dados abertos do painel de monitoramento do {plano.nome}.",
        "url": absoluto(reverse("dados:index"), request),
        "version": VERSAO,
        "keywords": PALAVRAS_CHAVE,
        "license": LICENCA_DADOS["path"],
        "isAccessibleForFree": True,
        "inLanguage": "pt-BR",
        "temporalCoverage": "{start}/{end}".format(**cobertura_temporal(plano)),
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": PUBLICADOR["title"],
            "url": PUBLICADOR["path"],
        },
        "creator": {"@type": "GovernmentOrganization", "name": PUBLICADOR["title"]},
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"{conjunto.nome}.{formato}",
                "encodingFormat": TIPOS_DE_CONTEUDO[formato].split(";")[0],
                "contentUrl": absoluto(f"/dados/{conjunto.nome}.{formato}", request),
            }
            for conjunto in CONJUNTOS.values()
            for formato in FORMATOS
        ]
        + [
            {
                "@type": "DataDownload",
                "name": nome_do_arquivo(ciclo, publico=True),
                "encodingFormat": TIPOS_DE_CONTEUDO["xlsx"],
                "contentUrl": absoluto(endereco_do_relatorio_publico(ciclo), request),
            }
            for ciclo in ciclos
        ]
        + [
            {
                "@type": "DataDownload",
                "name": NOME_DO_ZIP,
                "encodingFormat": "application/zip",
                "contentUrl": absoluto(reverse("dados:zip"), request),
            }
        ],
    }
    if plano.ultima_alteracao:
        dados["dateModified"] = plano.ultima_alteracao.isoformat(timespec="seconds")
    texto = json.dumps(dados, ensure_ascii=False)
    return texto.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def index(request):
    # 1. the plan with its data version; 2. its closed cycles.
    plano = plano_com_versao()
    ciclos = list(ciclos_com_relatorio_publico(plano))
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
            "neutralizacao": NEUTRALIZACAO,
            "versao": VERSAO,
            "historico": HISTORICO,
            "publicador": PUBLICADOR,
            "json_ld": mark_safe(json_ld(plano, request, ciclos)),  # noqa: S308 - escaped above
            "relatorios": [
                (c, endereco_do_relatorio_publico(c), data_de_avaliacao(c)) for c in ciclos
            ],
            "nome_do_zip": NOME_DO_ZIP,
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
