"""The open data sets: what each one holds, its columns (the data dictionary
the /dados/ page shows and datapackage.json describes) and where its rows come
from. Every export format, the feed and the API read the rows from here, so
they always agree.

Nothing private leaves through these definitions: only published reports,
and no person's name (authors and validators are never a column).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from comum.celulas import celula
from comum.enderecos import absoluto
from monitoramento.models import Atualizacao, Ciclo, Evidencia
from parceiros.models import Instituicao
from plano.indicadores import ROTULOS, situacao_exibida
from plano.models import Atividade, Plano

# Rows are read from the database in chunks of this size, never all at once.
LOTE = 2000


@dataclass(frozen=True)
class Coluna:
    nome: str  # machine name, the CSV header
    titulo: str  # label for people (spreadsheet header, data dictionary)
    tipo: str  # Frictionless Table Schema type
    descricao: str
    valor: Callable[[Any], Any]


@dataclass(frozen=True)
class Conjunto:
    nome: str  # file name in the URLs: /dados/<nome>.<formato>
    titulo: str
    descricao: str
    chave: tuple[str, ...]
    colunas: tuple[Coluna, ...]
    registros: Callable[[Plano], models.QuerySet]

    def linhas(self, registros: Iterable) -> Iterator[list]:
        """One list of values per record, in column order."""
        valores = [coluna.valor for coluna in self.colunas]
        for registro in registros:
            # Every format and the API show the same, cleaned text.
            yield [celula(valor(registro)) for valor in valores]

    def dicionarios(self, registros: Iterable) -> Iterator[dict]:
        nomes = [coluna.nome for coluna in self.colunas]
        for linha in self.linhas(registros):
            yield dict(zip(nomes, linha, strict=True))


def campo(nome: str) -> Callable[[Any], Any]:
    """Read a key of a .values() row."""
    return lambda registro: registro[nome]


def link_da_evidencia(url: str, pk: int) -> str:
    """The evidence's link, or the absolute address of the view that serves
    its file to those who may see it: Evidencia.href, made absolute."""
    return url or absoluto(f"/evidencias/{pk}/")


def situacao_hoje(atividade: Atividade) -> str:
    return situacao_exibida(atividade.situacao, atividade.prazo, timezone.localdate())


def siglas_dos_parceiros(atividade: Atividade) -> str:
    """The linked institutions' siglas (as para_plano orders the links),
    empty while the partners are still to be defined."""
    return "; ".join(v.instituicao.sigla for v in atividade.vinculos.all())


def _atividades(plano: Plano):
    return Atividade.objects.para_plano().do_plano(plano)


def _instituicoes(plano: Plano):
    return Instituicao.objects.annotate(
        total_atividades=models.Count(
            "vinculos", filter=models.Q(vinculos__atividade__acao__objetivo__plano=plano)
        )
    ).order_by("sigla")


CAMPOS_RELATO = [
    "id",
    "ciclo__codigo",
    "atividade__codigo",
    "atividade__acao__codigo",
    "atividade__acao__objetivo__codigo",
    "instituicao__sigla",
    "versao",
    "situacao",
    "percentual",
    "realizado",
    "restricoes",
    "validado_em",
]

CAMPOS_EVIDENCIA = [
    "id",
    "atualizacao_id",
    "atualizacao__ciclo__codigo",
    "atualizacao__atividade__codigo",
    "atualizacao__instituicao__sigla",
    "titulo",
    "tipo",
    "data",
    "url",
]

ROTULOS_TIPO_EVIDENCIA = dict(Evidencia.Tipo.choices)
ROTULOS_TIPO_INSTITUICAO = dict(Instituicao.Tipo.choices)

SITUACAO_DESCRICAO = "Código da situação: " + ", ".join(ROTULOS)

ATIVIDADES = Conjunto(
    nome="atividades",
    titulo="Atividades do plano e sua situação",
    descricao=(
        "Uma linha por atividade, com o objetivo específico e a ação prioritária a que "
        "pertence, as instituições parceiras, a situação e o percentual executado segundo o "
        "último relato publicado."
    ),
    chave=("atividade_codigo",),
    colunas=(
        Coluna(
            "plano", "Plano", "string", "Sigla do plano.", lambda a: a.acao.objetivo.plano.sigla
        ),
        Coluna(
            "objetivo_codigo",
            "Código do objetivo",
            "string",
            "Número do objetivo específico.",
            lambda a: a.acao.objetivo.codigo,
        ),
        Coluna(
            "objetivo_texto",
            "Objetivo específico",
            "string",
            "Texto do objetivo, como publicado.",
            lambda a: a.acao.objetivo.texto,
        ),
        Coluna(
            "acao_codigo",
            "Código da ação",
            "string",
            "Código da ação prioritária (objetivo.ação).",
            lambda a: a.acao.codigo,
        ),
        Coluna(
            "acao_texto",
            "Ação prioritária",
            "string",
            "Texto da ação, como publicado.",
            lambda a: a.acao.texto,
        ),
        Coluna(
            "atividade_codigo",
            "Código da atividade",
            "string",
            "Código da atividade (objetivo.ação.atividade).",
            lambda a: a.codigo,
        ),
        Coluna(
            "atividade_texto",
            "Atividade",
            "string",
            "Texto da atividade, como publicado.",
            lambda a: a.texto,
        ),
        Coluna(
            "parceiros",
            "Parceiros",
            "string",
            "Siglas das instituições vinculadas, separadas por ponto e vírgula; "
            "vazio quando os parceiros ainda estão a definir.",
            siglas_dos_parceiros,
        ),
        Coluna("prazo", "Prazo", "date", "Prazo da atividade, quando definido.", lambda a: a.prazo),
        Coluna(
            "situacao",
            "Código da situação",
            "string",
            SITUACAO_DESCRICAO + ". \u201catrasada\u201d quando o prazo passou.",
            situacao_hoje,
        ),
        Coluna(
            "situacao_rotulo",
            "Situação",
            "string",
            "Nome da situação.",
            lambda a: ROTULOS[situacao_hoje(a)],
        ),
        Coluna(
            "percentual",
            "% executado",
            "integer",
            "Percentual executado (0 a 100) no último relato publicado; vazio sem relato.",
            lambda a: a.percentual,
        ),
        Coluna(
            "atualizado_em",
            "Última atualização",
            "datetime",
            "Data e hora da publicação do último relato (ISO 8601, com fuso).",
            lambda a: a.atualizado_em,
        ),
    ),
    registros=_atividades,
)

RELATOS = Conjunto(
    nome="relatos",
    titulo="Relatos publicados",
    descricao=(
        "Uma linha por relato validado e publicado pela CGETP: o que cada instituição "
        "informou sobre cada atividade em cada ciclo. Rascunhos, relatos enviados e "
        "devolvidos não são publicados."
    ),
    chave=("relato_id",),
    colunas=(
        Coluna("relato_id", "Identificador", "integer", "Identificador do relato.", campo("id")),
        Coluna(
            "ciclo",
            "Ciclo",
            "string",
            "Ciclo de monitoramento (ano.semestre).",
            campo("ciclo__codigo"),
        ),
        Coluna(
            "objetivo_codigo",
            "Código do objetivo",
            "string",
            "Objetivo específico da atividade.",
            campo("atividade__acao__objetivo__codigo"),
        ),
        Coluna(
            "acao_codigo",
            "Código da ação",
            "string",
            "Ação prioritária da atividade.",
            campo("atividade__acao__codigo"),
        ),
        Coluna(
            "atividade_codigo",
            "Código da atividade",
            "string",
            "Atividade relatada.",
            campo("atividade__codigo"),
        ),
        Coluna(
            "instituicao",
            "Instituição",
            "string",
            "Sigla da instituição que relatou.",
            campo("instituicao__sigla"),
        ),
        Coluna(
            "versao",
            "Versão",
            "integer",
            "Versão do relato no ciclo (aumenta a cada correção).",
            campo("versao"),
        ),
        Coluna("situacao", "Código da situação", "string", SITUACAO_DESCRICAO, campo("situacao")),
        Coluna(
            "situacao_rotulo",
            "Situação",
            "string",
            "Nome da situação.",
            lambda r: ROTULOS[r["situacao"]],
        ),
        Coluna(
            "percentual",
            "% executado",
            "integer",
            "Percentual executado (0 a 100).",
            campo("percentual"),
        ),
        Coluna(
            "realizado",
            "O que foi feito",
            "string",
            "O que foi feito no período.",
            campo("realizado"),
        ),
        Coluna(
            "restricoes",
            "Restrições e providências",
            "string",
            "Dificuldades encontradas e providências tomadas.",
            campo("restricoes"),
        ),
        Coluna(
            "publicado_em",
            "Publicado em",
            "datetime",
            "Data e hora da validação e publicação pela CGETP (ISO 8601, com fuso).",
            campo("validado_em"),
        ),
    ),
    registros=lambda plano: Atualizacao.objects.para_dados_abertos(plano).values(*CAMPOS_RELATO),
)

EVIDENCIAS = Conjunto(
    nome="evidencias",
    titulo="Evidências dos relatos publicados",
    descricao="Uma linha por evidência (documento, ato, notícia…) anexada a um relato publicado.",
    chave=("evidencia_id",),
    colunas=(
        Coluna(
            "evidencia_id", "Identificador", "integer", "Identificador da evidência.", campo("id")
        ),
        Coluna(
            "relato_id",
            "Relato",
            "integer",
            "Identificador do relato (conjunto \u201crelatos\u201d).",
            campo("atualizacao_id"),
        ),
        Coluna("ciclo", "Ciclo", "string", "Ciclo do relato.", campo("atualizacao__ciclo__codigo")),
        Coluna(
            "atividade_codigo",
            "Código da atividade",
            "string",
            "Atividade do relato.",
            campo("atualizacao__atividade__codigo"),
        ),
        Coluna(
            "instituicao",
            "Instituição",
            "string",
            "Sigla da instituição que relatou.",
            campo("atualizacao__instituicao__sigla"),
        ),
        Coluna("titulo", "Título", "string", "Título da evidência.", campo("titulo")),
        Coluna(
            "tipo",
            "Código do tipo",
            "string",
            "Código do tipo: " + ", ".join(ROTULOS_TIPO_EVIDENCIA),
            campo("tipo"),
        ),
        Coluna(
            "tipo_rotulo",
            "Tipo",
            "string",
            "Nome do tipo.",
            lambda r: ROTULOS_TIPO_EVIDENCIA[r["tipo"]],
        ),
        Coluna("data", "Data", "date", "Data do documento, quando informada.", campo("data")),
        Coluna(
            "link",
            "Link",
            "string",
            "Endereço da evidência.",
            lambda r: link_da_evidencia(r["url"], r["id"]),
        ),
    ),
    registros=lambda plano: Evidencia.objects.para_dados_abertos(plano).values(*CAMPOS_EVIDENCIA),
)

INSTITUICOES = Conjunto(
    nome="instituicoes",
    titulo="Instituições parceiras",
    descricao="Uma linha por instituição (ou grupo de instituições, como o plano as lista).",
    chave=("sigla",),
    colunas=(
        Coluna("sigla", "Sigla", "string", "Sigla da instituição.", lambda i: i.sigla),
        Coluna("nome", "Nome", "string", "Nome da instituição.", lambda i: i.nome),
        Coluna(
            "tipo",
            "Código do tipo",
            "string",
            "Código do tipo: " + ", ".join(ROTULOS_TIPO_INSTITUICAO),
            lambda i: i.tipo,
        ),
        Coluna("tipo_rotulo", "Tipo", "string", "Nome do tipo.", lambda i: i.get_tipo_display()),
        Coluna("site", "Site", "string", "Endereço do site, quando informado.", lambda i: i.site),
        Coluna(
            "atividades",
            "Atividades vinculadas",
            "integer",
            "Quantas atividades do plano a instituição acompanha.",
            lambda i: i.total_atividades,
        ),
    ),
    registros=_instituicoes,
)

CICLOS = Conjunto(
    nome="ciclos",
    titulo="Ciclos de monitoramento",
    descricao="Uma linha por ciclo semestral: o período relatado e as datas de coleta.",
    chave=("ciclo",),
    colunas=(
        Coluna("ciclo", "Ciclo", "string", "Código do ciclo (ano.semestre).", lambda c: c.codigo),
        Coluna("plano", "Plano", "string", "Sigla do plano.", lambda c: c.plano.sigla),
        Coluna(
            "inicio", "Início do período", "date", "Primeiro dia do período.", lambda c: c.inicio
        ),
        Coluna("fim", "Fim do período", "date", "Último dia do período.", lambda c: c.fim),
        Coluna(
            "abertura",
            "Abertura para relatos",
            "date",
            "Dia em que os parceiros podem começar a relatar.",
            lambda c: c.abertura,
        ),
        Coluna(
            "prazo", "Prazo para relatos", "date", "Prazo para enviar relatos.", lambda c: c.prazo
        ),
        Coluna(
            "encerramento",
            "Encerramento",
            "date",
            "Último dia da coleta e da validação.",
            lambda c: c.encerramento,
        ),
        Coluna(
            "relatos_publicados",
            "Relatos publicados",
            "integer",
            "Quantos relatos do ciclo foram publicados.",
            lambda c: c.relatos_publicados,
        ),
    ),
    registros=lambda plano: Ciclo.objects.para_dados_abertos(plano),
)

CONJUNTOS = {c.nome: c for c in (ATIVIDADES, RELATOS, EVIDENCIAS, INSTITUICOES, CICLOS)}
