"""The open data as files: each data set in each format, and the public
semestral report of each closed cycle, as bytes that depend only on the data
(the same data version gives the same bytes), their description as a
Frictionless data package, and one zip of everything."""

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import urlencode

from comum.enderecos import absoluto
from monitoramento.ciclos import data_de_avaliacao
from plano.models import Atividade

from .conjuntos import ATIVIDADES, CONJUNTOS, LOTE, Conjunto
from .formatos import TIPOS_DE_CONTEUDO, gerar_csv, gerar_json, gravar_ods, gravar_xlsx
from .parametros import ParametrosInvalidos
from .relatorio import caminho_do_relatorio_publico, ciclos_com_relatorio_publico, gerar_relatorio
from .selecao import consulta_valida, erros_dos_filtros, filtro_de_atividades
from .serie import FILTROS_DO_CICLO, VisaoDoCiclo, ciclo_dos_parametros, sem_filtros_do_ciclo
from .versoes import HISTORICO, VERSAO

FORMATOS = ("csv", "json", "xlsx", "ods")
BLOCO = 1 << 20
NOME_DO_ZIP = "dados-abertos.zip"
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
PUBLICADOR = {
    "title": (
        "Coordenação-Geral de Enfrentamento ao Tráfico de Pessoas e Contrabando de Migrantes "
        "(CGETP), Ministério da Justiça e Segurança Pública"
    ),
    "role": "publisher",
    # Requests under the access-to-information law go through Fala.BR.
    "path": "https://falabr.cgu.gov.br/",
}
PALAVRAS_CHAVE = [
    "contrabando de migrantes",
    "migração",
    "plano de ação",
    "monitoramento",
    "políticas públicas",
    "Ministério da Justiça e Segurança Pública",
]
# DCAT's frequency vocabulary: each file is generated at download time.
FREQUENCIA_DCAT = "http://purl.org/cld/freq/continuous"
FREQUENCIA = (
    "Contínua: os arquivos são gerados no momento do download e refletem cada relato assim que "
    "a CGETP o publica. Os parceiros relatam a cada semestre (ciclos de monitoramento)."
)
NEUTRALIZACAO = (
    "No CSV, um texto que começa com =, +, -, @, tabulação ou retorno de carro ganha um "
    "apóstrofo (') no início, para que planilhas não o tratem como fórmula: remova-o para "
    "obter o texto exato. JSON, XLSX e ODS trazem o texto exato (nas planilhas, sempre "
    "como texto)."
)
DESCRICAO_DOS_FORMATOS = {
    "csv": "CSV (RFC 4180): UTF-8, vírgula, datas ISO 8601, ponto decimal. " + NEUTRALIZACAO,
    "json": "JSON: uma lista de objetos com as mesmas colunas e os tipos de cada uma.",
    "xlsx": "XLSX (Office Open XML): a primeira folha traz os dados; a folha Sobre, a fonte.",
    "ods": "ODS (OpenDocument): a primeira folha traz os dados; a folha Sobre, a fonte.",
}


def momento_dos_dados(plano) -> datetime:
    """The date written into files: the data version's, never "now"."""
    return plano.ultima_alteracao or datetime(2024, 1, 1, tzinfo=timezone.get_current_timezone())


def atividades_selecionadas(plano, params):
    """(activities filtered like /plano/, the cycle's view or None). With
    ?ciclo=, the rows are as at that cycle's close and the situação and prazo
    filters apply to that view. An invalid value raises ParametrosInvalidos
    (a 400, never ignored)."""
    consulta = ATIVIDADES.registros(plano)
    if not params:
        return consulta, None
    try:
        ciclo, erros = ciclo_dos_parametros(plano, params), {}
    except ParametrosInvalidos as erro:
        ciclo, erros = None, erro.erros
    filtro = filtro_de_atividades(params, consulta)
    if erros := {**erros, **erros_dos_filtros(filtro)}:
        raise ParametrosInvalidos(erros)
    if ciclo is None:
        return filtro.qs, None
    visao = VisaoDoCiclo(plano, ciclo)
    consulta = filtro_de_atividades(sem_filtros_do_ciclo(params), consulta).qs
    escolhidos = {n: v for n in FILTROS_DO_CICLO if (v := filtro.form.cleaned_data.get(n))}
    if escolhidos:
        consulta = consulta.filter(pk__in=visao.que_passam(escolhidos))
    return consulta, visao


def registros(conjunto: Conjunto, plano, params=None):
    """The rows of a data set, filtered like /plano/ for activities (and as
    at a cycle's close with ?ciclo=, dados.serie); an invalid filter raises
    ParametrosInvalidos (a 400, never ignored)."""
    if conjunto is ATIVIDADES:
        consulta, visao = atividades_selecionadas(plano, params)
        linhas = consulta.iterator(chunk_size=LOTE)
        return visao.marcar(linhas) if visao else linhas
    consulta = conjunto.registros(plano)
    if not isinstance(consulta, QuerySet):  # data sets built in Python (alteracoes, serie)
        return iter(consulta)
    return consulta.iterator(chunk_size=LOTE)


def descricao_dos_filtros(params) -> str:
    """The valid filters applied, as a person reads them ("Situação: Concluída")."""
    if not params:
        return "Nenhum: todas as linhas do conjunto."
    filtro = filtro_de_atividades(params, Atividade.objects.all())
    filtro.is_valid()
    partes = []
    for nome, campo in filtro.form.fields.items():
        valor = filtro.form.cleaned_data.get(nome)
        if valor:
            opcoes = dict(
                par
                for chave, rotulo in getattr(campo, "choices", ())
                for par in (rotulo if isinstance(rotulo, list | tuple) else [(chave, rotulo)])
            )
            partes.append(f"{campo.label}: {opcoes.get(valor, valor)}")
    if params.get("ciclo"):
        partes.append(f"Ciclo: no fechamento do ciclo {params['ciclo'].strip()}")
    return "; ".join(partes) or "Nenhum: todas as linhas do conjunto."


def pagina_do_conjunto(conjunto: Conjunto, params) -> str:
    """Where a person sees these rows: the filtered /plano/ table for a
    selection of activities, else the data set on /dados/."""
    if conjunto is ATIVIDADES and params:
        filtro = filtro_de_atividades(params, Atividade.objects.all())
        consulta = consulta_valida(filtro)
        if params.get("ciclo"):  # valid: the rows were written
            ciclo = urlencode({"ciclo": params["ciclo"].strip()})
            consulta = f"{consulta}&{ciclo}" if consulta else ciclo
        if consulta:
            return absoluto(f"/plano/?{consulta}")
    return absoluto(f"/dados/#conjunto-{conjunto.nome}")


def folha_sobre(conjunto: Conjunto, plano, *, params=None, endereco: str) -> list:
    """The "Sobre" sheet: source, licence, filters, the data's date, the link."""
    momento = timezone.localtime(momento_dos_dados(plano))
    return [
        ("Conjunto de dados", f"{conjunto.titulo}: {conjunto.descricao}"),
        (
            "Fonte",
            f"Painel de Monitoramento do {plano.sigla}, {PUBLICADOR['title']}. "
            "Só relatos validados e publicados; nenhum nome de pessoa.",
        ),
        ("Endereço", endereco),
        ("Página", pagina_do_conjunto(conjunto, params)),
        ("Filtros aplicados", descricao_dos_filtros(params)),
        ("Dados de", f"{momento:%d/%m/%Y %H:%M} (horário de Brasília): a última alteração."),
        ("Versão do formato", f"{VERSAO} (mudanças em {absoluto('/dados/')}#versoes)"),
        (
            "Licença",
            f"Dados de monitoramento: {LICENCA_DADOS['title']} ({LICENCA_DADOS['path']}). "
            f"Texto do plano: {LICENCA_TEXTO['title']} ({LICENCA_TEXTO['path']}).",
        ),
        ("Plano", f"{plano.nome}. Fonte oficial: {plano.url_fonte}"),
    ]


def gravar(arquivo, conjunto: Conjunto, formato: str, plano, linhas, *, params=None) -> None:
    """Write a spreadsheet (xlsx or ods) of the rows into a binary file."""
    gravador = gravar_xlsx if formato == "xlsx" else gravar_ods
    consulta = ""
    if params:
        consulta = "?" + (params.urlencode() if hasattr(params, "urlencode") else "")
    gravador(
        arquivo,
        titulo=f"{conjunto.titulo} · {plano.sigla}",
        folha=conjunto.nome,
        colunas=conjunto.colunas,
        linhas=linhas,
        momento=momento_dos_dados(plano),
        sobre=folha_sobre(
            conjunto,
            plano,
            params=params,
            endereco=absoluto(f"/dados/{conjunto.nome}.{formato}{consulta}"),
        ),
    )


def escrever(destino, conjunto: Conjunto, formato: str, plano, prontos=None) -> None:
    """Write the whole file, as /dados/<conjunto>.<formato> serves it
    unfiltered (from `prontos`, the records already computed, if given)."""
    linhas = conjunto.linhas(registros(conjunto, plano) if prontos is None else prontos)
    if formato in ("csv", "json"):
        for pedaco in (gerar_csv if formato == "csv" else gerar_json)(conjunto.colunas, linhas):
            destino.write(pedaco)
    else:
        gravar(destino, conjunto, formato, plano, linhas)


def arquivos(plano, ciclos=None) -> Iterator[tuple[str, IO[bytes]]]:
    """(name, file rewound) of every data set in every format, then of the
    public report of each of `ciclos` (the closed ones when not given), one
    at a time in a temporary file, so memory stays bounded whatever the
    data's size. A report's name is its path under /dados/."""
    for conjunto in CONJUNTOS.values():
        # Data sets built in Python (serie, alteracoes) are held in memory
        # anyway: computed once for the four formats.
        consulta = conjunto.registros(plano)
        prontos = None if isinstance(consulta, QuerySet) else list(consulta)
        for formato in FORMATOS:
            with tempfile.TemporaryFile() as arquivo:
                escrever(arquivo, conjunto, formato, plano, prontos)
                arquivo.seek(0)
                yield f"{conjunto.nome}.{formato}", arquivo
    for ciclo in ciclos_com_relatorio_publico(plano) if ciclos is None else ciclos:
        with tempfile.TemporaryFile() as arquivo:
            gerar_relatorio(ciclo, arquivo, publico=True, momento=momento_dos_dados(plano))
            arquivo.seek(0)
            yield caminho_do_relatorio_publico(ciclo), arquivo


def integridade(arquivo: IO[bytes]) -> dict:
    """Size and SHA-256 of a file, read in blocks; rewinds it."""
    soma, tamanho = hashlib.sha256(), 0
    while bloco := arquivo.read(BLOCO):
        soma.update(bloco)
        tamanho += len(bloco)
    arquivo.seek(0)
    return {"bytes": tamanho, "sha256": soma.hexdigest()}


def integridade_de_todos(plano, ciclos=None) -> dict[str, dict]:
    return {nome: integridade(arquivo) for nome, arquivo in arquivos(plano, ciclos)}


def esquema(conjunto: Conjunto, *, com_chaves_estrangeiras: bool, por_titulo: bool) -> dict:
    """The Table Schema; spreadsheets head their columns with the titles
    (for people), so there the titles are the field names."""
    nome = {c.nome: c.titulo if por_titulo else c.nome for c in conjunto.colunas}
    schema = {
        "fields": [
            {
                "name": nome[c.nome],
                **({"title": c.titulo} if not por_titulo else {}),
                "type": c.tipo,
                "description": c.descricao,
                **({"constraints": c.restricoes} if c.restricoes else {}),
            }
            for c in conjunto.colunas
        ],
        "primaryKey": [nome[c] for c in conjunto.chave],
        "missingValues": [""],
    }
    if com_chaves_estrangeiras and conjunto.chaves_estrangeiras:
        schema["foreignKeys"] = [
            {"fields": campo, "reference": {"resource": recurso, "fields": alvo}}
            for campo, recurso, alvo in conjunto.chaves_estrangeiras
        ]
    return schema


def cobertura_temporal(plano) -> dict:
    """The plan's period; the published data covers its cycles within it."""
    return {"start": f"{plano.ano_inicio}-01-01", "end": f"{plano.ano_fim}-12-31"}


def recurso_do_relatorio(ciclo, base: str, soma: dict) -> dict:
    """The public report of a closed cycle as a resource of the package: a
    file (a workbook for people: a title, notes, merged cells and charts),
    not a table, so frictionless checks its size and SHA-256 only."""
    return {
        "name": f"relatorio-semestral-{ciclo.codigo}".lower(),
        "title": f"Relatório semestral do ciclo {ciclo.codigo} (versão pública)",
        "description": (
            f"Resumo, gráficos, o plano no fechamento do ciclo {ciclo.codigo} (situações "
            f"avaliadas em {data_de_avaliacao(ciclo):%d/%m/%Y}), os relatos publicados e suas "
            "evidências, "
            "numa planilha para leitura e impressão. Só relatos validados e publicados; "
            "nenhum nome de pessoa nem comentário da validação."
        ),
        "path": f"{base}{caminho_do_relatorio_publico(ciclo)}",
        "type": "file",
        "profile": "data-resource",
        "format": "xlsx",
        "mediatype": TIPOS_DE_CONTEUDO["xlsx"],
        "bytes": soma["bytes"],
        "hash": f"sha256:{soma['sha256']}",
        "integridade": soma,
    }


def descricao_do_pacote(
    plano, base: str, somas: dict[str, dict] | None = None, ciclos=None
) -> dict:
    """A Frictionless data package: every data set in every format (tabular
    resources), then the public report of each closed cycle (`ciclos`, read
    when not given: a file), each with its size and SHA-256 (somas, computed
    when not given). The CSV resources carry the relations between data sets."""
    ciclos = list(ciclos_com_relatorio_publico(plano)) if ciclos is None else ciclos
    somas = somas if somas is not None else integridade_de_todos(plano, ciclos)
    recursos = []
    for formato in FORMATOS:
        for conjunto in CONJUNTOS.values():
            nome_do_arquivo = f"{conjunto.nome}.{formato}"
            recurso = {
                "name": conjunto.nome if formato == "csv" else f"{conjunto.nome}-{formato}",
                "title": conjunto.titulo,
                "description": f"{conjunto.descricao} {DESCRICAO_DOS_FORMATOS[formato]}",
                "path": f"{base}{nome_do_arquivo}",
                "profile": "tabular-data-resource",
                "format": formato,
                "mediatype": TIPOS_DE_CONTEUDO[formato].split(";")[0],
                # Size and SHA-256 of every file; frictionless checks the standard
                # bytes/hash of byte streams (CSV) only, so the others carry them here.
                "integridade": somas[nome_do_arquivo],
                "schema": esquema(
                    conjunto,
                    com_chaves_estrangeiras=formato == "csv",
                    por_titulo=formato in ("xlsx", "ods"),
                ),
            }
            if formato in ("csv", "json"):
                recurso["encoding"] = "utf-8"
            if formato == "csv":
                recurso["bytes"] = somas[nome_do_arquivo]["bytes"]
                recurso["hash"] = "sha256:" + recurso["integridade"]["sha256"]
                recurso["dialect"] = {"delimiter": ",", "quoteChar": '"', "header": True}
                recurso["neutralizacaoDeFormulas"] = NEUTRALIZACAO
            if formato in ("xlsx", "ods"):
                recurso["dialect"] = {"sheet": 1, "header": True}
            recursos.append(recurso)
    for ciclo in ciclos:
        recursos.append(
            recurso_do_relatorio(ciclo, base, somas[caminho_do_relatorio_publico(ciclo)])
        )
    return {
        # Not "tabular-data-package": the reports are files, not tables.
        "profile": "data-package",
        "name": f"{plano.slug}-monitoramento",
        "title": f"Monitoramento do {plano.sigla}",
        "description": (
            f"Dados abertos do painel de monitoramento do {plano.nome}. {NEUTRALIZACAO}"
        ),
        "version": VERSAO,
        "homepage": base,
        "created": momento_dos_dados(plano).isoformat(timespec="seconds"),
        "keywords": PALAVRAS_CHAVE,
        "contributors": [PUBLICADOR],
        "licenses": [LICENCA_DADOS, LICENCA_TEXTO],
        "sources": [{"title": "Página oficial do plano", "path": plano.url_fonte}],
        "frequencia": FREQUENCIA,
        "accrualPeriodicity": FREQUENCIA_DCAT,
        "temporalCoverage": cobertura_temporal(plano),
        "changelog": [
            {"version": versao, "date": dia.isoformat(), "changes": list(mudancas)}
            for versao, dia, mudancas in HISTORICO
        ],
        "resources": recursos,
    }


def json_do_pacote(descricao: dict) -> bytes:
    return json.dumps(descricao, ensure_ascii=False, indent=2).encode()


def gravar_zip(destino, plano) -> None:
    """Every file and its datapackage.json (with paths inside the zip), each
    entry stamped with the data version's time, so the bytes are fixed. Files
    are copied in one at a time (bounded memory)."""
    local = timezone.localtime(momento_dos_dados(plano))
    carimbo = (
        max(local.year, 1980),
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
    )

    def entrada(nome: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(nome, date_time=carimbo)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    somas = {}
    ciclos = list(ciclos_com_relatorio_publico(plano))
    with zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED) as pacote:
        for nome, arquivo in arquivos(plano, ciclos):
            somas[nome] = integridade(arquivo)
            with pacote.open(entrada(nome), "w") as saida:
                shutil.copyfileobj(arquivo, saida, BLOCO)
        descricao = descricao_do_pacote(plano, "", somas, ciclos)
        pacote.writestr(entrada("datapackage.json"), json_do_pacote(descricao))
