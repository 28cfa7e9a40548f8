"""When the public data last changed, in one query, for the /dados/ page and
for conditional GET (ETag, Last-Modified) on every file, feed and API call."""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from comum.sql_compilado import Compilada
from monitoramento.models import Atualizacao, Ciclo
from parceiros.models import Instituicao
from plano.models import Acao, Atividade, Objetivo, Plano, Vinculo

# Every change to these is recorded by django-simple-history, deletions included.
COM_HISTORICO = (Plano, Objetivo, Acao, Atividade, Vinculo, Instituicao, Ciclo)


NOMES_DA_HISTORIA = [f"_ultima_{modelo._meta.model_name}" for modelo in COM_HISTORICO]
NOMES_DA_VERSAO = [*NOMES_DA_HISTORIA, "_ultima_publicacao"]
CAMPOS_DO_PLANO = [campo.attname for campo in Plano._meta.concrete_fields]


def _consulta_da_versao(slug: str):
    ultimas = {
        f"_ultima_{modelo._meta.model_name}": Subquery(
            modelo.history.model.objects.order_by("-history_date").values("history_date")[:1]
        )
        for modelo in COM_HISTORICO
    }
    # Latest first, so the database walks the atualizacao_recentes index
    # instead of reading every published report.
    ultimas["_ultima_publicacao"] = Subquery(
        Atualizacao.objects.publicadas()
        .filter(ciclo__plano=OuterRef("pk"))
        .order_by("-validado_em")
        .values("validado_em")[:1]
    )
    return Plano.objects.filter(slug=slug).values(*CAMPOS_DO_PLANO, **ultimas)


# Every cold page, data file and 304 runs it: its SQL (nine subqueries) is
# compiled once (comum.sql_compilado), a tenth of its cost.
_VERSAO = Compilada(_consulta_da_versao)


def plano_com_versao(slug: str | None = None) -> Plano:
    """The public plan (settings.PLANO_PADRAO, or `slug`), annotated with
    ultima_alteracao: the latest change to the plan, its institutions and
    cycles, or publication of a report. Drafts and reports under review leave
    it untouched. One query."""
    linhas = _VERSAO.linhas(slug or settings.PLANO_PADRAO)
    if not linhas:
        raise Http404("Plano não encontrado.")
    linha = linhas[0]
    plano = Plano.from_db(None, CAMPOS_DO_PLANO, [linha[campo] for campo in CAMPOS_DO_PLANO])
    for nome in NOMES_DA_VERSAO:
        setattr(plano, nome, linha[nome])
    datas = [linha[nome] for nome in NOMES_DA_VERSAO if linha[nome]]
    plano.ultima_alteracao = max(datas) if datas else None
    return plano


def versao_da_historia(plano: Plano) -> str:
    """The latest change of each model in COM_HISTORICO, from
    plano_com_versao's annotations: every public change but a publication
    (copying a report's situation onto its activity leaves no history:
    monitoramento.services). What a closed cycle's point depends on, with the
    reports published for it."""
    return "|".join(str(momento) for momento in momentos_da_historia(plano))


def momentos_da_historia(plano: Plano) -> list[datetime | None]:
    """The latest history record's moment of each model in COM_HISTORICO
    (None for a model without any), from plano_com_versao's annotations."""
    return [getattr(plano, nome) for nome in NOMES_DA_HISTORIA]


def inicio_do_dia() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def validadores(request, plano: Plano, *, muda_a_cada_dia: bool = False) -> dict:
    """ETag and Last-Modified for a response about the plan's public data.

    The ETag covers the path and query string (so each format and filter has
    its own); data whose values depend on today's date (an activity becomes
    "atrasada" overnight) also change them at midnight."""
    modificado = plano.ultima_alteracao or inicio_do_dia()
    if muda_a_cada_dia:
        modificado = max(modificado, inicio_do_dia())
    semente = f"{modificado.isoformat()}|{request.get_full_path()}"
    return {
        "etag": quote_etag(hashlib.sha256(semente.encode()).hexdigest()[:32]),
        "last_modified": int(modificado.timestamp()),
    }


def com_validadores(resposta, versao: dict):
    resposta["ETag"] = versao["etag"]
    resposta["Last-Modified"] = http_date(versao["last_modified"])
    # Caches may keep a copy but must ask before reusing it: polling is cheap.
    resposta["Cache-Control"] = "public, no-cache"
    return resposta


def responder(
    request, plano: Plano, gerar: Callable[[], HttpResponse], *, muda_a_cada_dia: bool = False
) -> HttpResponse:
    """A conditional GET about the plan's public data: a 304 (or 412) when the
    client's copy is current, else what gerar() builds (only then), either
    way with the validators."""
    versao = validadores(request, plano, muda_a_cada_dia=muda_a_cada_dia)
    return com_validadores(get_conditional_response(request, **versao) or gerar(), versao)
