"""What changed in the plan's texts after it was published, from the history
that django-simple-history keeps of every objective, action and activity."""

from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.utils import timezone

from .models import Acao, Atividade, Objetivo, Plano


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
