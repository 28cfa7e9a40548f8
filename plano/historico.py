"""What changed in the plan's texts after it was published, from the history
that django-simple-history keeps of every objective, action and activity."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Min
from django.utils import timezone

from comum.datas import conversor_de_dias
from comum.sql_compilado import Compilada

from .models import Acao, Atividade, Objetivo, Plano, Vinculo


class AlteracaoDeTexto(NamedTuple):
    data: datetime
    codigo: str
    texto_anterior: str
    texto_novo: str


def alteracoes_de_texto(plano: Plano) -> list[AlteracaoDeTexto]:
    """Every change to the text of one of `plano`'s items made after the
    plan's publication date, newest first, with the text before and after.

    Only edits count: loading the plan (creation) is not a change of its text,
    and an edit that keeps the text (a deadline, a weight) is left out.
    Costs 3 queries, one per level of the plan."""
    desde = timezone.make_aware(datetime.combine(plano.publicado_em + timedelta(days=1), time.min))
    historicos = [
        Objetivo.history.filter(plano_id=plano.pk),
        Acao.history.filter(objetivo__plano_id=plano.pk),
        Atividade.history.filter(acao__objetivo__plano_id=plano.pk),
    ]
    alteracoes = []
    for historico in historicos:
        # Records of one item, in the order they were written.
        anterior = None
        registros = historico.order_by("id", "history_id").values_list(
            "id", "codigo", "texto", "history_date", "history_type"
        )
        for item, codigo, texto, quando, tipo in registros:
            if (
                anterior is not None
                and anterior[0] == item
                and tipo == "~"
                and texto != anterior[1]
                and quando >= desde
            ):
                alteracoes.append(AlteracaoDeTexto(quando, codigo, anterior[1], texto))
            anterior = (item, texto)
    return sorted(alteracoes, key=lambda a: a.data, reverse=True)


# The change log ----------------------------------------------------------------

RESPONSAVEL = "CGETP"  # the log names the team, never a person
# A link created this long after its activity is a change to the plan; one
# created with the activity (the plan's load, an import of a new item) is not.
VINCULO_JUNTO_DA_ATIVIDADE = timedelta(minutes=1)
CAMPOS = {
    "prazo": "Prazo",
    "peso": "Peso",
    "texto": "Texto",
    "vinculo": "Instituição vinculada",
}


class Alteracao(NamedTuple):
    data: datetime
    codigo: str  # the item's code
    campo: str  # prazo, peso, texto, vinculo
    anterior: str
    novo: str
    motivo: str
    atividade_id: int | None = None

    @property
    def rotulo(self) -> str:
        return CAMPOS[self.campo]

    @property
    def responsavel(self) -> str:
        return RESPONSAVEL

    @property
    def chave(self) -> str:
        """A stable identifier (feeds, data sets)."""
        valores = hashlib.sha256(f"{self.anterior}|{self.novo}".encode()).hexdigest()[:8]
        return f"{self.codigo}-{self.campo}-{self.data:%Y%m%dT%H%M%S%f}-{valores}"


def _data(valor) -> str:
    return valor.strftime("%d/%m/%Y") if valor else "sem prazo"


def _peso(valor) -> str:
    return "" if valor is None else format(Decimal(valor).normalize(), "f").replace(".", ",")


PAPEIS = {"responsavel": "responsável", "parceira": "parceira"}


def _vinculo(sigla: str, papel: str | None) -> str:
    return f"{sigla} ({PAPEIS.get(papel, papel)})" if papel else ""


def _motivo(registro) -> str:
    return (registro or "").strip()


def inicio_das_alteracoes(plano: Plano) -> datetime:
    return timezone.make_aware(datetime.combine(plano.publicado_em + timedelta(days=1), time.min))


def alteracoes_do_plano(plano: Plano, *, atividade_id: int | None = None) -> list[Alteracao]:
    """Every change to the plan after its publication, newest first: an
    activity's deadline (setting a first one is not a change), its weight,
    the texts of objectives, actions and activities, the activities' linked
    institutions and their roles; each with the reason history records.

    With atividade_id, only that activity's changes. Costs 4 queries (3 with
    atividade_id): the history of objectives, actions, activities and links."""
    desde = inicio_das_alteracoes(plano)
    alteracoes = []
    historicos = []
    if atividade_id is None:
        historicos += [
            Objetivo.history.filter(plano_id=plano.pk),
            Acao.history.filter(objetivo__plano_id=plano.pk),
        ]
        atividades = Atividade.history.filter(acao__objetivo__plano_id=plano.pk)
        vinculos = Vinculo.history.filter(atividade__acao__objetivo__plano_id=plano.pk)
    else:
        atividades = Atividade.history.filter(id=atividade_id)
        vinculos = Vinculo.history.filter(atividade_id=atividade_id)
    for historico in historicos:
        anterior = None
        for item, codigo, texto, quando, tipo, motivo in historico.order_by(
            "id", "history_date", "history_id"
        ).values_list(
            "id", "codigo", "texto", "history_date", "history_type", "history_change_reason"
        ):
            mudou = anterior and anterior[0] == item and texto != anterior[1]
            if mudou and tipo == "~" and quando >= desde:
                alteracoes.append(
                    Alteracao(quando, codigo, "texto", anterior[1], texto, _motivo(motivo))
                )
            anterior = (item, texto)
    criada_em = {}
    anterior = None
    for item, codigo, texto, prazo, peso, quando, tipo, motivo in atividades.order_by(
        "id", "history_date", "history_id"
    ).values_list(
        "id",
        "codigo",
        "texto",
        "prazo",
        "peso",
        "history_date",
        "history_type",
        "history_change_reason",
    ):
        criada_em.setdefault(item, quando)
        if anterior and anterior["id"] == item and tipo == "~" and quando >= desde:
            comum = {"data": quando, "codigo": codigo, "motivo": _motivo(motivo)}
            if prazo != anterior["prazo"] and anterior["prazo"] is not None:
                alteracoes.append(
                    Alteracao(
                        **comum,
                        campo="prazo",
                        anterior=_data(anterior["prazo"]),
                        novo=_data(prazo),
                        atividade_id=item,
                    )
                )
            if peso != anterior["peso"]:
                alteracoes.append(
                    Alteracao(
                        **comum,
                        campo="peso",
                        anterior=_peso(anterior["peso"]),
                        novo=_peso(peso),
                        atividade_id=item,
                    )
                )
            if texto != anterior["texto"]:
                alteracoes.append(
                    Alteracao(
                        **comum,
                        campo="texto",
                        anterior=anterior["texto"],
                        novo=texto,
                        atividade_id=item,
                    )
                )
        anterior = {"id": item, "prazo": prazo, "peso": peso, "texto": texto}
    anterior = None
    for item, atividade, codigo, sigla, papel, quando, tipo, motivo in vinculos.order_by(
        "id", "history_date", "history_id"
    ).values_list(
        "id",
        "atividade_id",
        "atividade__codigo",
        "instituicao__sigla",
        "papel",
        "history_date",
        "history_type",
        "history_change_reason",
    ):
        inicio = criada_em.get(atividade)
        if quando >= desde and codigo:
            comum = {
                "data": quando,
                "codigo": codigo,
                "campo": "vinculo",
                "motivo": _motivo(motivo),
            }
            if tipo == "+" and inicio is not None and quando - inicio > VINCULO_JUNTO_DA_ATIVIDADE:
                alteracoes.append(
                    Alteracao(
                        **comum, anterior="", novo=_vinculo(sigla, papel), atividade_id=atividade
                    )
                )
            elif tipo == "-":
                alteracoes.append(
                    Alteracao(
                        **comum, anterior=_vinculo(sigla, papel), novo="", atividade_id=atividade
                    )
                )
            elif tipo == "~" and anterior and anterior[0] == item and anterior[1] != papel:
                alteracoes.append(
                    Alteracao(
                        **comum,
                        anterior=_vinculo(sigla, anterior[1]),
                        novo=_vinculo(sigla, papel),
                        atividade_id=atividade,
                    )
                )
        anterior = (item, papel)
    return sorted(alteracoes, key=lambda a: (a.data, a.codigo, a.campo), reverse=True)


@dataclass(frozen=True)
class Prazos:
    """An activity's deadlines as history records them."""

    em_vigor: date | None
    original: date | None


# Up to this many activities, a reading of history asks for them by id; more
# (a whole plan), for the plan's.
POUCAS_ATIVIDADES = 500


# The plan-wide readings of history, of a fixed shape: compiled once
# (comum.sql_compilado), as the painel runs them all when it computes its trends.
def _historia_das_atividades(plano_id):
    return Atividade.history.filter(acao__objetivo__plano_id=plano_id).order_by(
        "id", "history_date", "history_id"
    )


_PRAZOS_DO_PLANO = Compilada(
    lambda plano_id: _historia_das_atividades(plano_id).values_list("id", "prazo", "history_date")
)
# Without the moments: prazos_alterados needs none, and at scale converting
# each one costs more than the query.
_PRAZOS_ALTERADOS = Compilada(
    lambda plano_id: _historia_das_atividades(plano_id).values_list("id", "prazo")
)
_CRIACAO_DAS_ATIVIDADES = Compilada(
    lambda plano_id: (
        Atividade.history.filter(acao__objetivo__plano_id=plano_id)
        .values("id")
        .annotate(primeira=Min("history_date"))
        .values_list("id", "primeira")
    )
)
_HISTORIA_DOS_VINCULOS = Compilada(
    lambda plano_id: (
        Vinculo.history.filter(atividade__acao__objetivo__plano_id=plano_id)
        .order_by("id", "history_date", "history_id")
        .values_list(
            "id", "atividade_id", "instituicao_id", "papel", "history_date", "history_type"
        )
    )
)
_VINCULOS_DO_PLANO = Compilada(
    lambda plano_id: Vinculo.objects.filter(
        atividade__acao__objetivo__plano_id=plano_id
    ).values_list("pk", "atividade_id", "instituicao_id", "papel")
)


def prazos_nas_datas(
    plano_id: int, datas: list[date], atuais: dict[int, date | None]
) -> dict[date, dict[int, Prazos]]:
    """Each activity's deadline in force on each of `datas`, and its original
    deadline (the first non-empty one), from the activities' history (one
    query, whatever the number of dates).

    `atuais` maps each activity to its current deadline, used where history
    records nothing. Setting a first deadline (empty -> date) is not a change:
    the original deadline holds from the start."""
    registros = defaultdict(list)
    dia = conversor_de_dias()
    if len(atuais) <= POUCAS_ATIVIDADES:
        linhas = (
            Atividade.history.filter(id__in=list(atuais))
            .order_by("id", "history_date", "history_id")
            .values_list("id", "prazo", "history_date")
        )
    else:
        linhas = _PRAZOS_DO_PLANO.tuplas(plano_id)
    for pk, prazo, quando in linhas:
        registros[pk].append((prazo, dia(quando)))
    resultado = {data: {} for data in datas}
    for pk, atual in atuais.items():
        historia = registros.get(pk)
        if not historia:
            for data in datas:
                resultado[data][pk] = Prazos(atual, atual)
            continue
        original = next((p for p, _ in historia if p is not None), None)
        for data in datas:
            ate_a_data = [p for p, quando in historia if quando <= data]
            definido = any(p is not None for p in ate_a_data)
            resultado[data][pk] = Prazos(ate_a_data[-1] if definido else original, original)
    return resultado


def prazos_em_vigor(plano_id: int, data: date, atuais: dict[int, date | None]) -> dict[int, Prazos]:
    """prazos_nas_datas for one date (one query)."""
    return prazos_nas_datas(plano_id, [data], atuais)[data]


def prazos_alterados(plano: Plano) -> int:
    """How many of the plan's activities had a set deadline changed (one query)."""
    anterior, alteradas = None, set()
    for pk, prazo in _PRAZOS_ALTERADOS.tuplas(plano.pk):
        if anterior and anterior[0] == pk and anterior[1] is not None and prazo != anterior[1]:
            alteradas.add(pk)
        anterior = (pk, prazo)
    return len(alteradas)


def prazo_original(atividade: Atividade) -> date | None:
    """The activity's first non-empty deadline (one query)."""
    hoje = timezone.localdate()
    return prazos_em_vigor(0, hoje, {atividade.pk: atividade.prazo})[atividade.pk].original


def vinculos_nas_datas(plano_id: int, datas: list[date]) -> dict[date, dict[tuple[int, int], str]]:
    """The plan's links (activity id, institution id) -> papel in force at the
    end of each of `datas`, from the links' history (three queries, whatever
    the number of dates: the links' history, the activities' creation, the
    current links).

    As with the original deadline, a link created with its activity (the
    plan's load, the import of a new item: within VINCULO_JUNTO_DA_ATIVIDADE)
    holds from the start; one added later holds from the day it was added,
    and a removed one until the day it was removed. A current link that
    history does not record holds on every date."""
    criada_em = dict(_CRIACAO_DAS_ATIVIDADES.tuplas(plano_id))
    registros = defaultdict(list)
    dia = conversor_de_dias()
    for pk, atividade, instituicao, papel, quando, tipo in _HISTORIA_DOS_VINCULOS.tuplas(plano_id):
        inicio = criada_em.get(atividade)
        # Created with its activity, or older than its history: from the start.
        junto = (
            tipo == "+" and (inicio is None or quando - inicio <= VINCULO_JUNTO_DA_ATIVIDADE)
        ) or (tipo != "+" and not registros[pk])
        registros[pk].append(
            (date.min if junto else dia(quando), atividade, instituicao, papel, tipo)
        )
    resultado = {data: {} for data in datas}
    for pk, atividade, instituicao, papel in _VINCULOS_DO_PLANO.tuplas(plano_id):
        if pk not in registros:
            for data in datas:
                resultado[data][(atividade, instituicao)] = papel
    for historia in registros.values():
        for data in datas:
            ate_a_data = [r for r in historia if r[0] <= data]
            if ate_a_data and ate_a_data[-1][4] != "-":
                _, atividade, instituicao, papel, _ = ate_a_data[-1]
                resultado[data][(atividade, instituicao)] = papel
    return resultado
