"""Writes that span models or enforce the reporting rules."""

from django.db import transaction

from plano.indicadores import Situacao
from plano.models import Atividade

from .models import Atualizacao


@transaction.atomic
def atualizar_situacao_da_atividade(*, atividade: Atividade) -> Atividade:
    """Copy the latest published report's situação and % onto the activity
    (latest cycle first, then latest validation); "sem informação" if none."""
    ultima = (
        Atualizacao.objects.publicadas()
        .filter(atividade=atividade)
        .order_by("-ciclo__inicio", "-validado_em", "-pk")
        .first()
    )
    if ultima is None:
        atividade.situacao = Situacao.SEM_INFORMACAO
        atividade.percentual = None
        atividade.atualizado_em = None
    else:
        atividade.situacao = ultima.situacao
        atividade.percentual = ultima.percentual
        atividade.atualizado_em = ultima.validado_em
    atividade.save(update_fields=["situacao", "percentual", "atualizado_em"])
    return atividade
