"""The open data sets: what each one holds, its columns (the data dictionary
the /dados/ page shows and datapackage.json describes) and where its rows come
from. Every export format, the feed and the API read the rows from here, so
they always agree.

Nothing private leaves through these definitions: only published reports,
and no person's name (authors and validators are never a column).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from comum.celulas import celula
from comum.enderecos import absoluto
from monitoramento.demo import VINCULOS_DEMO
from monitoramento.models import Atualizacao, Ciclo, Evidencia
from parceiros.demo import demo_carregada
from parceiros.models import Instituicao
from plano.historico import CAMPOS as CAMPOS_ALTERADOS
from plano.historico import alteracoes_do_plano
from plano.indicadores import ATRASADA, ROTULOS, Situacao, situacao_exibida
from plano.models import Atividade, Plano, Vinculo

from .serie import LinhaDaSerie, NoCiclo, linhas_da_serie

# Rows are read from the database in chunks of this size, never all at once.
LOTE = 2000


@dataclass(frozen=True)
class Coluna:
    nome: str  # machine name, the CSV header
    titulo: str  # label for people (spreadsheet header, data dictionary)
    tipo: str  # Frictionless Table Schema type
    descricao: str
    valor: Callable[[Any], Any]
    # Frictionless constraints (required, enum, minimum, maximum, pattern).
    restricoes: dict = field(default_factory=dict)

    @property
    def restricoes_em_texto(self) -> str:
        """The constraints as the data dictionary shows them."""
        partes = []
        if self.restricoes.get("required"):
            partes.append("obrigatório")
        if "enum" in self.restricoes:
            partes.append("um de: " + ", ".join(self.restricoes["enum"]))
        if "minimum" in self.restricoes and "maximum" in self.restricoes:
            partes.append(f"de {self.restricoes['minimum']} a {self.restricoes['maximum']}")
        elif "minimum" in self.restricoes:
            partes.append(f"a partir de {self.restricoes['minimum']}")
        if "pattern" in self.restricoes:
            partes.append(f"padrão {self.restricoes['pattern']}")
        return "; ".join(partes)


def _nunca(registro) -> bool:
    return False


@dataclass(frozen=True)
class Conjunto:
    nome: str  # file name in the URLs: /dados/<nome>.<formato>
    titulo: str
    descricao: str
    chave: tuple[str, ...]
    colunas: tuple[Coluna, ...]
    registros: Callable[[Plano], models.QuerySet]
    # (column, data set, its column): each relation to another data set.
    chaves_estrangeiras: tuple[tuple[str, str, str], ...] = ()
    # Values judged on today's date (lateness), so the file changes at midnight.
    muda_a_cada_dia: bool = False

    def linhas(self, registros: Iterable) -> Iterator[list]:
        """One list of values per record, in column order. Nothing is a demo
        row unless the demo is loaded (asked once per call)."""
        demo = any(c.nome == "demonstracao" for c in self.colunas) and demo_carregada()
        valores = [
            coluna.valor if demo or coluna.nome != "demonstracao" else _nunca
            for coluna in self.colunas
        ]
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


def no_ciclo(atividade: Atividade) -> NoCiclo | None:
    """The activity at a cycle's close, when the rows are of ?ciclo= (dados.serie)."""
    return getattr(atividade, "no_ciclo", None)


def situacao_hoje(atividade: Atividade) -> str:
    """The displayed situação: today's, or at the close of the cycle asked for."""
    if visto := no_ciclo(atividade):
        return visto.situacao.exibida
    return situacao_exibida(atividade.situacao, atividade.prazo, timezone.localdate())


def no_ciclo_ou_hoje(nome: str) -> Callable[[Atividade], Any]:
    """A field of the activity at the cycle's close (SituacaoNoCiclo), else today's."""

    def valor(atividade: Atividade):
        visto = no_ciclo(atividade)
        return getattr(visto.situacao if visto else atividade, nome)

    return valor


def siglas_dos_parceiros(atividade: Atividade) -> str:
    """The linked institutions' siglas (as para_plano orders the links),
    empty while the partners are still to be defined."""
    return "; ".join(v.instituicao.sigla for v in atividade.vinculos.all())


def em_segundos(momento):
    """Datetimes to the second, so each column has one format."""
    return momento.replace(microsecond=0) if momento else momento


def _atividades(plano: Plano):
    # The original deadline (the first non-empty one history records; the
    # current one without history) in the same query, as a subquery.
    primeiro = (
        Atividade.history.filter(id=models.OuterRef("pk"), prazo__isnull=False)
        .order_by("history_date", "history_id")
        .values("prazo")[:1]
    )
    return (
        Atividade.objects.para_plano()
        .do_plano(plano)
        .annotate(prazo_original=Coalesce(models.Subquery(primeiro), "prazo"))
    )


def _alteracoes(plano: Plano):
    return alteracoes_do_plano(plano)


def _instituicoes(plano: Plano):
    return Instituicao.objects.annotate(
        total_atividades=models.Count(
            "vinculos", filter=models.Q(vinculos__atividade__acao__objetivo__plano=plano)
        )
    ).order_by("slug")


def _vinculos(plano: Plano):
    return (
        Vinculo.objects.filter(atividade__acao__objetivo__plano=plano)
        .order_by(
            "atividade__acao__objetivo__numero",
            "atividade__acao__numero",
            "atividade__numero",
            "-papel",
            "instituicao__slug",
        )
        .values(
            "atividade__codigo", "instituicao__slug", "instituicao__sigla", "papel", "atividade_id"
        )
    )


CAMPOS_RELATO = [
    "id",
    "ciclo__codigo",
    "atividade__codigo",
    "atividade__acao__codigo",
    "atividade__acao__objetivo__codigo",
    "instituicao__slug",
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
    "atualizacao__instituicao__slug",
    "atualizacao__instituicao__sigla",
    "titulo",
    "tipo",
    "data",
    "url",
]

ROTULOS_TIPO_EVIDENCIA = dict(Evidencia.Tipo.choices)
ROTULOS_TIPO_INSTITUICAO = dict(Instituicao.Tipo.choices)
ROTULOS_PAPEL = dict(Vinculo.Papel.choices)

SITUACAO_DESCRICAO = "Código da situação: " + ", ".join(ROTULOS)
FUSO = (
    " Em CSV e JSON, ISO 8601 com fuso (-03:00), ao segundo; em XLSX e ODS, data e hora "
    "no horário de Brasília (America/Sao_Paulo), que as planilhas guardam sem fuso."
)
TITULO_FUSO = " (horário de Brasília)"

# Frictionless constraints shared by several columns.
OBRIGATORIO = {"required": True}
CODIGO_OBJETIVO = {"required": True, "pattern": r"[1-9][0-9]*"}
CODIGO_ACAO = {"required": True, "pattern": r"[1-9][0-9]*\.[1-9][0-9]*"}
CODIGO_ATIVIDADE = {"required": True, "pattern": r"[1-9][0-9]*\.[1-9][0-9]*\.[1-9][0-9]*"}
CODIGO_CICLO = {"required": True, "pattern": r"[0-9]{4}\.[12]"}
IDENTIFICADOR = {"required": True, "pattern": r"[a-z0-9]+(-[a-z0-9]+)*"}
PERCENTUAL = {"minimum": 0, "maximum": 100}
SITUACOES = {"required": True, "enum": list(ROTULOS)}


def coluna_demonstracao(e_demo: Callable[[Any], bool]) -> Coluna:
    return Coluna(
        "demonstracao",
        "Dado de demonstração",
        "boolean",
        "Verdadeiro quando a linha é fictícia: só acontece enquanto os dados de demonstração "
        "estão carregados (ambiente de demonstração). Falso em produção.",
        e_demo,
        {"required": True},
    )


def _vinculo_de_demo(vinculo) -> bool:
    return vinculo["atividade__codigo"] in VINCULOS_DEMO.get(vinculo["instituicao__sigla"], ())


def colunas_do_objetivo_e_da_acao(objetivo, acao) -> tuple[Coluna, Coluna]:
    """The codes of an activity's objective and action, read by `objetivo` and `acao`."""
    return (
        Coluna(
            "objetivo_codigo",
            "Código do objetivo",
            "string",
            "Objetivo específico da atividade.",
            objetivo,
            CODIGO_OBJETIVO,
        ),
        Coluna(
            "acao_codigo",
            "Código da ação",
            "string",
            "Ação prioritária da atividade.",
            acao,
            CODIGO_ACAO,
        ),
    )


def coluna_instituicao(campo_slug: str, campo_sigla: str, descricao: str) -> tuple[Coluna, ...]:
    return (
        Coluna(
            "instituicao",
            "Instituição (identificador)",
            "string",
            descricao + " Identificador da instituição (conjunto \u201cinstituicoes\u201d).",
            campo(campo_slug),
            IDENTIFICADOR,
        ),
        Coluna(
            "instituicao_sigla",
            "Instituição",
            "string",
            "Sigla da instituição, para leitura.",
            campo(campo_sigla),
            OBRIGATORIO,
        ),
    )


ATIVIDADES = Conjunto(
    nome="atividades",
    titulo="Atividades do plano e sua situação",
    descricao=(
        "Uma linha por atividade, com o objetivo específico e a ação prioritária a que "
        "pertence, a situação e o percentual executado segundo o último relato publicado. "
        "As instituições de cada atividade estão no conjunto \u201cvinculos\u201d."
    ),
    chave=("atividade_codigo",),
    colunas=(
        Coluna(
            "plano",
            "Plano",
            "string",
            "Sigla do plano.",
            lambda a: a.acao.objetivo.plano.sigla,
            OBRIGATORIO,
        ),
        Coluna(
            "objetivo_codigo",
            "Código do objetivo",
            "string",
            "Número do objetivo específico.",
            lambda a: a.acao.objetivo.codigo,
            CODIGO_OBJETIVO,
        ),
        Coluna(
            "objetivo_texto",
            "Objetivo específico",
            "string",
            "Texto do objetivo, como publicado.",
            lambda a: a.acao.objetivo.texto,
            OBRIGATORIO,
        ),
        Coluna(
            "acao_codigo",
            "Código da ação",
            "string",
            "Código da ação prioritária (objetivo.ação).",
            lambda a: a.acao.codigo,
            CODIGO_ACAO,
        ),
        Coluna(
            "acao_texto",
            "Ação prioritária",
            "string",
            "Texto da ação, como publicado.",
            lambda a: a.acao.texto,
            OBRIGATORIO,
        ),
        Coluna(
            "atividade_codigo",
            "Código da atividade",
            "string",
            "Código da atividade (objetivo.ação.atividade).",
            lambda a: a.codigo,
            CODIGO_ATIVIDADE,
        ),
        Coluna(
            "atividade_texto",
            "Atividade",
            "string",
            "Texto da atividade, como publicado.",
            lambda a: a.texto,
            OBRIGATORIO,
        ),
        Coluna(
            "prazo",
            "Prazo",
            "date",
            "Prazo da atividade, quando definido (com ?ciclo=, o prazo em vigor na data de "
            "avaliação do ciclo).",
            no_ciclo_ou_hoje("prazo"),
        ),
        Coluna(
            "prazo_original",
            "Prazo original",
            "date",
            "Primeiro prazo definido para a atividade; difere do prazo quando ele foi alterado "
            "(conjunto “alteracoes”).",
            lambda a: a.prazo_original,
        ),
        Coluna(
            "peso",
            "Peso",
            "number",
            "Peso da atividade na execução do plano, dos objetivos e das instituições (média "
            "ponderada do % executado).",
            lambda a: a.peso,
            {"required": True, "minimum": 0.01},
        ),
        Coluna(
            "situacao",
            "Código da situação",
            "string",
            SITUACAO_DESCRICAO + ". \u201catrasada\u201d quando o prazo passou "
            "(na data de avaliação).",
            situacao_hoje,
            SITUACOES,
        ),
        Coluna(
            "situacao_rotulo",
            "Situação",
            "string",
            "Nome da situação.",
            lambda a: ROTULOS[situacao_hoje(a)],
            OBRIGATORIO,
        ),
        Coluna(
            "percentual",
            "% executado",
            "integer",
            "Percentual executado (0 a 100) no último relato publicado (com ?ciclo=, no último "
            "publicado para esse ciclo ou um anterior); vazio sem relato.",
            no_ciclo_ou_hoje("percentual"),
            PERCENTUAL,
        ),
        Coluna(
            "atrasada",
            "Atrasada",
            "boolean",
            "Verdadeiro quando o prazo passou antes da data de avaliação sem que a atividade "
            "fosse concluída, cancelada ou considerada não aplicável.",
            lambda a: situacao_hoje(a) == ATRASADA,
            OBRIGATORIO,
        ),
        Coluna(
            "atualizado_em",
            "Última atualização" + TITULO_FUSO,
            "datetime",
            "Data e hora da publicação do último relato (vazio com ?ciclo=)." + FUSO,
            lambda a: None if no_ciclo(a) else em_segundos(a.atualizado_em),
        ),
        Coluna(
            "ciclo",
            "Ciclo",
            "string",
            "Vazio: a situação atual. Com ?ciclo=2026.1 (em todos os formatos e na API), o "
            "código do ciclo em cujo fechamento a situação, o %, o atraso e o prazo são dados.",
            lambda a: visto.ciclo.codigo if (visto := no_ciclo(a)) else None,
            {"pattern": CODIGO_CICLO["pattern"]},
        ),
        Coluna(
            "data_de_avaliacao",
            "Data de avaliação",
            "date",
            "Data em que o atraso foi avaliado: hoje, ou o último dia do período do ciclo pedido "
            "(hoje, se ele ainda está aberto).",
            lambda a: visto.data if (visto := no_ciclo(a)) else timezone.localdate(),
            OBRIGATORIO,
        ),
        coluna_demonstracao(lambda a: a.atualizado_em is not None),
    ),
    registros=_atividades,
    muda_a_cada_dia=True,
)

VINCULOS = Conjunto(
    nome="vinculos",
    titulo="Vínculos entre atividades e instituições",
    descricao=(
        "Uma linha por vínculo: cada instituição que acompanha cada atividade, com o seu papel. "
        "Uma atividade sem linha aqui tem os parceiros ainda a definir."
    ),
    chave=("atividade_codigo", "instituicao"),
    colunas=(
        Coluna(
            "atividade_codigo",
            "Código da atividade",
            "string",
            "Atividade (conjunto \u201catividades\u201d).",
            campo("atividade__codigo"),
            CODIGO_ATIVIDADE,
        ),
        *coluna_instituicao(
            "instituicao__slug", "instituicao__sigla", "Instituição vinculada à atividade."
        ),
        Coluna(
            "papel",
            "Código do papel",
            "string",
            "Código do papel: " + ", ".join(ROTULOS_PAPEL),
            campo("papel"),
            {"required": True, "enum": list(ROTULOS_PAPEL)},
        ),
        Coluna(
            "papel_rotulo",
            "Papel",
            "string",
            "Nome do papel.",
            lambda v: ROTULOS_PAPEL[v["papel"]],
            OBRIGATORIO,
        ),
        coluna_demonstracao(_vinculo_de_demo),
    ),
    registros=_vinculos,
    chaves_estrangeiras=(
        ("atividade_codigo", "atividades", "atividade_codigo"),
        ("instituicao", "instituicoes", "instituicao"),
    ),
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
        Coluna(
            "relato_id",
            "Identificador",
            "integer",
            "Identificador do relato.",
            campo("id"),
            {"required": True, "minimum": 1},
        ),
        Coluna(
            "ciclo",
            "Ciclo",
            "string",
            "Ciclo de monitoramento (ano.semestre; conjunto \u201cciclos\u201d).",
            campo("ciclo__codigo"),
            CODIGO_CICLO,
        ),
        *colunas_do_objetivo_e_da_acao(
            campo("atividade__acao__objetivo__codigo"), campo("atividade__acao__codigo")
        ),
        Coluna(
            "atividade_codigo",
            "Código da atividade",
            "string",
            "Atividade relatada (conjunto \u201catividades\u201d).",
            campo("atividade__codigo"),
            CODIGO_ATIVIDADE,
        ),
        *coluna_instituicao("instituicao__slug", "instituicao__sigla", "Instituição que relatou."),
        Coluna(
            "versao",
            "Versão",
            "integer",
            "Versão do relato no ciclo (aumenta a cada correção).",
            campo("versao"),
            {"required": True, "minimum": 1},
        ),
        Coluna(
            "situacao",
            "Código da situação",
            "string",
            SITUACAO_DESCRICAO,
            campo("situacao"),
            SITUACOES,
        ),
        Coluna(
            "situacao_rotulo",
            "Situação",
            "string",
            "Nome da situação.",
            lambda r: ROTULOS[r["situacao"]],
            OBRIGATORIO,
        ),
        Coluna(
            "percentual",
            "% executado",
            "integer",
            "Percentual executado (0 a 100).",
            campo("percentual"),
            {"required": True, **PERCENTUAL},
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
            "Publicado em" + TITULO_FUSO,
            "datetime",
            "Data e hora da validação e publicação pela CGETP." + FUSO,
            lambda r: em_segundos(r["validado_em"]),
            OBRIGATORIO,
        ),
        coluna_demonstracao(lambda r: True),
    ),
    registros=lambda plano: Atualizacao.objects.para_dados_abertos(plano).values(*CAMPOS_RELATO),
    chaves_estrangeiras=(
        ("ciclo", "ciclos", "ciclo"),
        ("atividade_codigo", "atividades", "atividade_codigo"),
        ("instituicao", "instituicoes", "instituicao"),
    ),
)

EVIDENCIAS = Conjunto(
    nome="evidencias",
    titulo="Evidências dos relatos publicados",
    descricao="Uma linha por evidência (documento, ato, notícia…) anexada a um relato publicado.",
    chave=("evidencia_id",),
    colunas=(
        Coluna(
            "evidencia_id",
            "Identificador",
            "integer",
            "Identificador da evidência.",
            campo("id"),
            {"required": True, "minimum": 1},
        ),
        Coluna(
            "relato_id",
            "Relato",
            "integer",
            "Identificador do relato (conjunto \u201crelatos\u201d).",
            campo("atualizacao_id"),
            {"required": True, "minimum": 1},
        ),
        Coluna(
            "ciclo",
            "Ciclo",
            "string",
            "Ciclo do relato.",
            campo("atualizacao__ciclo__codigo"),
            CODIGO_CICLO,
        ),
        Coluna(
            "atividade_codigo",
            "Código da atividade",
            "string",
            "Atividade do relato.",
            campo("atualizacao__atividade__codigo"),
            CODIGO_ATIVIDADE,
        ),
        *coluna_instituicao(
            "atualizacao__instituicao__slug",
            "atualizacao__instituicao__sigla",
            "Instituição que relatou.",
        ),
        Coluna("titulo", "Título", "string", "Título da evidência.", campo("titulo"), OBRIGATORIO),
        Coluna(
            "tipo",
            "Código do tipo",
            "string",
            "Código do tipo: " + ", ".join(ROTULOS_TIPO_EVIDENCIA),
            campo("tipo"),
            {"required": True, "enum": list(ROTULOS_TIPO_EVIDENCIA)},
        ),
        Coluna(
            "tipo_rotulo",
            "Tipo",
            "string",
            "Nome do tipo.",
            lambda r: ROTULOS_TIPO_EVIDENCIA[r["tipo"]],
            OBRIGATORIO,
        ),
        Coluna("data", "Data", "date", "Data do documento, quando informada.", campo("data")),
        Coluna(
            "link",
            "Link",
            "string",
            "Endereço da evidência.",
            lambda r: link_da_evidencia(r["url"], r["id"]),
            {"required": True, "pattern": "https?://.+"},
        ),
        coluna_demonstracao(lambda r: True),
    ),
    registros=lambda plano: Evidencia.objects.para_dados_abertos(plano).values(*CAMPOS_EVIDENCIA),
    chaves_estrangeiras=(("relato_id", "relatos", "relato_id"),),
)

INSTITUICOES = Conjunto(
    nome="instituicoes",
    titulo="Instituições parceiras",
    descricao=(
        "Uma linha por instituição (ou grupo de instituições, como o plano as lista). Os outros "
        "conjuntos se referem a ela pelo identificador (coluna instituicao)."
    ),
    chave=("instituicao",),
    colunas=(
        Coluna(
            "instituicao",
            "Identificador",
            "string",
            "Identificador da instituição, o mesmo dos endereços do painel (como pf). "
            "Os filtros aceitam também a sigla, em qualquer caixa.",
            lambda i: i.slug,
            IDENTIFICADOR,
        ),
        Coluna("sigla", "Sigla", "string", "Sigla da instituição.", lambda i: i.sigla, OBRIGATORIO),
        Coluna("nome", "Nome", "string", "Nome da instituição.", lambda i: i.nome, OBRIGATORIO),
        Coluna(
            "tipo",
            "Código do tipo",
            "string",
            "Código do tipo: " + ", ".join(ROTULOS_TIPO_INSTITUICAO),
            lambda i: i.tipo,
            {"required": True, "enum": list(ROTULOS_TIPO_INSTITUICAO)},
        ),
        Coluna(
            "tipo_rotulo",
            "Tipo",
            "string",
            "Nome do tipo.",
            lambda i: i.get_tipo_display(),
            OBRIGATORIO,
        ),
        Coluna("site", "Site", "string", "Endereço do site, quando informado.", lambda i: i.site),
        Coluna(
            "atividades",
            "Atividades vinculadas",
            "integer",
            "Quantas atividades do plano a instituição acompanha (conjunto \u201cvinculos\u201d).",
            lambda i: i.total_atividades,
            {"required": True, "minimum": 0},
        ),
        coluna_demonstracao(lambda i: False),
    ),
    registros=_instituicoes,
)

CICLOS = Conjunto(
    nome="ciclos",
    titulo="Ciclos de monitoramento",
    descricao="Uma linha por ciclo semestral: o período relatado e as datas de coleta.",
    chave=("ciclo",),
    colunas=(
        Coluna(
            "ciclo",
            "Ciclo",
            "string",
            "Código do ciclo (ano.semestre).",
            lambda c: c.codigo,
            CODIGO_CICLO,
        ),
        Coluna("plano", "Plano", "string", "Sigla do plano.", lambda c: c.plano.sigla, OBRIGATORIO),
        Coluna(
            "inicio",
            "Início do período",
            "date",
            "Primeiro dia do período.",
            lambda c: c.inicio,
            OBRIGATORIO,
        ),
        Coluna(
            "fim", "Fim do período", "date", "Último dia do período.", lambda c: c.fim, OBRIGATORIO
        ),
        Coluna(
            "abertura",
            "Abertura para relatos",
            "date",
            "Dia em que os parceiros podem começar a relatar.",
            lambda c: c.abertura,
            OBRIGATORIO,
        ),
        Coluna(
            "prazo",
            "Prazo para relatos",
            "date",
            "Prazo para enviar relatos.",
            lambda c: c.prazo,
            OBRIGATORIO,
        ),
        Coluna(
            "encerramento",
            "Encerramento",
            "date",
            "Último dia da coleta e da validação.",
            lambda c: c.encerramento,
            OBRIGATORIO,
        ),
        Coluna(
            "relatos_publicados",
            "Relatos publicados",
            "integer",
            "Quantos relatos do ciclo foram publicados.",
            lambda c: c.relatos_publicados,
            {"required": True, "minimum": 0},
        ),
        coluna_demonstracao(lambda c: True),
    ),
    registros=lambda plano: Ciclo.objects.para_dados_abertos(plano),
)

SITUACOES_REGISTRADAS = {"required": True, "enum": list(Situacao.values)}
LISTA_DE_IDENTIFICADORES = {"pattern": r"[a-z0-9]+(-[a-z0-9]+)*(; [a-z0-9]+(-[a-z0-9]+)*)*"}


def da_atividade(nome: str) -> Callable[[LinhaDaSerie], Any]:
    return lambda linha: linha.atividade[nome]


def da_situacao(nome: str) -> Callable[[LinhaDaSerie], Any]:
    return lambda linha: getattr(linha.situacao, nome)


SERIE = Conjunto(
    nome="serie",
    titulo="Série histórica: o plano no fechamento de cada ciclo",
    descricao=(
        "Uma linha por atividade e por ciclo de monitoramento já aberto: a situação, o % e o "
        "atraso de cada atividade no fechamento do ciclo, como o painel os mostra com "
        "\u201c?ciclo=\u201d. Cada atividade tem a situação do seu último relato publicado "
        "para esse ciclo ou um anterior; o atraso é avaliado no último dia do período do ciclo "
        "(hoje, para um ciclo ainda aberto), contra o prazo em vigor nessa data."
    ),
    chave=("ciclo", "atividade_codigo"),
    colunas=(
        Coluna("plano", "Plano", "string", "Sigla do plano.", lambda li: li.plano, OBRIGATORIO),
        Coluna(
            "ciclo",
            "Ciclo",
            "string",
            "Ciclo de monitoramento (conjunto \u201cciclos\u201d).",
            lambda li: li.ciclo.codigo,
            CODIGO_CICLO,
        ),
        Coluna(
            "data_de_avaliacao",
            "Data de avaliação",
            "date",
            "Último dia do período do ciclo, ou hoje para um ciclo ainda aberto: a data em que "
            "o atraso e o prazo em vigor são avaliados.",
            lambda li: li.data,
            OBRIGATORIO,
        ),
        *colunas_do_objetivo_e_da_acao(
            da_atividade("acao__objetivo__codigo"), da_atividade("acao__codigo")
        ),
        Coluna(
            "atividade_codigo",
            "Código da atividade",
            "string",
            "Atividade (conjunto \u201catividades\u201d).",
            da_atividade("codigo"),
            CODIGO_ATIVIDADE,
        ),
        Coluna(
            "situacao",
            "Código da situação registrada",
            "string",
            "Situação do último relato publicado até o ciclo, sem o atraso (\u201csem_informacao"
            "\u201d sem relato): " + ", ".join(Situacao.values),
            da_situacao("situacao"),
            SITUACOES_REGISTRADAS,
        ),
        Coluna(
            "situacao_exibida",
            "Código da situação exibida",
            "string",
            SITUACAO_DESCRICAO + ". A situação como o painel a mostra: \u201catrasada\u201d "
            "quando o prazo em vigor passou antes da data de avaliação.",
            da_situacao("exibida"),
            SITUACOES,
        ),
        Coluna(
            "situacao_rotulo",
            "Situação",
            "string",
            "Nome da situação exibida.",
            lambda li: ROTULOS[li.situacao.exibida],
            OBRIGATORIO,
        ),
        Coluna(
            "percentual",
            "% executado",
            "integer",
            "Percentual executado (0 a 100) no último relato publicado até o ciclo; vazio sem "
            "relato (conta como 0 na execução).",
            da_situacao("percentual"),
            PERCENTUAL,
        ),
        Coluna(
            "atrasada",
            "Atrasada",
            "boolean",
            "Verdadeiro quando a situação exibida é \u201catrasada\u201d.",
            lambda li: li.atrasada,
            OBRIGATORIO,
        ),
        Coluna(
            "prazo",
            "Prazo em vigor",
            "date",
            "Prazo da atividade em vigor na data de avaliação (conjunto \u201calteracoes\u201d).",
            da_situacao("prazo"),
        ),
        Coluna(
            "relato_publicado_no_ciclo",
            "Relato publicado no ciclo",
            "boolean",
            "Verdadeiro quando alguma instituição teve relato publicado para este mesmo ciclo "
            "(a cobertura do ciclo).",
            da_situacao("relato_no_ciclo"),
            OBRIGATORIO,
        ),
        Coluna(
            "peso",
            "Peso",
            "number",
            "Peso atual da atividade na execução (média ponderada do % executado).",
            da_atividade("peso"),
            {"required": True, "minimum": 0.01},
        ),
        Coluna(
            "instituicoes",
            "Instituições vinculadas",
            "string",
            "Identificadores das instituições vinculadas à atividade na data de avaliação, "
            "separados por \u201c; \u201d (conjunto \u201cinstituicoes\u201d); vazio quando os "
            "parceiros estavam a definir. Cada uma devia relatar no ciclo.",
            lambda li: "; ".join(li.instituicoes),
            LISTA_DE_IDENTIFICADORES,
        ),
        coluna_demonstracao(lambda li: True),
    ),
    registros=linhas_da_serie,
    muda_a_cada_dia=True,
    chaves_estrangeiras=(
        ("ciclo", "ciclos", "ciclo"),
        ("atividade_codigo", "atividades", "atividade_codigo"),
    ),
)

ALTERACOES = Conjunto(
    nome="alteracoes",
    titulo="Alterações no plano",
    descricao=(
        "Uma linha por alteração no plano depois da sua publicação: prazo e peso de cada "
        "atividade, instituições vinculadas e seus papéis, e textos de objetivos, ações e "
        "atividades, com o valor anterior, o novo e o motivo. Definir o primeiro prazo não é "
        "uma alteração. As alterações são feitas pela CGETP."
    ),
    chave=("alteracao",),
    colunas=(
        Coluna(
            "alteracao",
            "Identificador",
            "string",
            "Identificador estável da alteração (item, campo, data e hora, valores).",
            lambda a: a.chave,
            OBRIGATORIO,
        ),
        Coluna(
            "data",
            "Data e hora" + TITULO_FUSO,
            "datetime",
            "Quando a alteração foi registrada." + FUSO,
            lambda a: em_segundos(timezone.localtime(a.data)),
            OBRIGATORIO,
        ),
        Coluna(
            "item_codigo",
            "Código do item",
            "string",
            "Código do objetivo, da ação ou da atividade alterada.",
            lambda a: a.codigo,
            {"required": True, "pattern": r"[1-9][0-9]*(\.[1-9][0-9]*){0,2}"},
        ),
        Coluna(
            "campo",
            "Código do campo",
            "string",
            "O que mudou: " + ", ".join(CAMPOS_ALTERADOS),
            lambda a: a.campo,
            {"required": True, "enum": list(CAMPOS_ALTERADOS)},
        ),
        Coluna(
            "campo_rotulo", "Campo", "string", "Nome do campo.", lambda a: a.rotulo, OBRIGATORIO
        ),
        Coluna(
            "valor_anterior",
            "Antes",
            "string",
            "Valor antes da alteração (datas em dd/mm/aaaa; vazio quando um vínculo foi criado).",
            lambda a: a.anterior,
        ),
        Coluna(
            "valor_novo",
            "Depois",
            "string",
            "Valor depois da alteração (vazio quando um vínculo foi removido).",
            lambda a: a.novo,
        ),
        Coluna("motivo", "Motivo", "string", "Motivo registrado pela CGETP.", lambda a: a.motivo),
        Coluna(
            "responsavel",
            "Responsável",
            "string",
            "Quem fez a alteração: sempre a equipe (CGETP), nunca uma pessoa.",
            lambda a: a.responsavel,
            OBRIGATORIO,
        ),
    ),
    registros=_alteracoes,
)

CONJUNTOS = {
    c.nome: c
    for c in (ATIVIDADES, VINCULOS, RELATOS, EVIDENCIAS, INSTITUICOES, CICLOS, SERIE, ALTERACOES)
}
