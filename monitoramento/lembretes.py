"""Reminders: what each institution still owes in an open cycle, e-mailed
some days before the cycle's deadline and once after it (lembrar_relatos)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from operacao.correio import enfileirar
from parceiros.models import Instituicao
from plano import indicadores
from plano.models import Atividade, Vinculo

from .avisos import emails_de, mensagem_de
from .models import Atualizacao, Ciclo, Lembrete

Estado = Atualizacao.Estado

# lembrar_relatos writes this many days before the deadline, then once after it.
DIAS_ANTES_DO_PRAZO = 7


def etapa_do_lembrete(ciclo: Ciclo, hoje: date) -> str | None:
    """Which reminder is due today: some days before the deadline, or after it
    (while the cycle is open); None otherwise."""
    if not ciclo.esta_aberto(hoje):
        return None
    if hoje > ciclo.prazo:
        return Lembrete.Etapa.APOS_O_PRAZO
    if hoje >= ciclo.prazo - timedelta(days=DIAS_ANTES_DO_PRAZO):
        return Lembrete.Etapa.ANTES_DO_PRAZO
    return None


def pendentes_por_instituicao(ciclo: Ciclo) -> dict[int, list[Atividade]]:
    """The activities each institution still owes in a cycle: linked, expected
    to report (Atividade.objects.esperadas, the coverage rule), and with no
    report sent or published (missing, draft or returned)."""
    em_dia = set(
        Atualizacao.objects.filter(
            ciclo=ciclo, estado__in=[Estado.ENVIADA, Estado.PUBLICADA]
        ).values_list("atividade_id", "instituicao_id")
    )
    pendentes: dict[int, list[Atividade]] = {}
    atividades = (
        Atividade.objects.filter(acao__objetivo__plano_id=ciclo.plano_id)
        .esperadas()
        .em_ordem()
        .prefetch_related("vinculos")
    )
    for atividade in atividades:
        for vinculo in atividade.vinculos.all():
            if (atividade.pk, vinculo.instituicao_id) not in em_dia:
                pendentes.setdefault(vinculo.instituicao_id, []).append(atividade)
    return pendentes


def atrasadas_por_instituicao(plano_id: int, hoje: date) -> dict[int, list[Atividade]]:
    """Each institution's linked activities shown as "Atrasada" today, by the
    public rule (plano.indicadores.situacao_exibida), in code order (one query)."""
    resultado: dict[int, list[Atividade]] = {}
    vinculos = (
        Vinculo.objects.filter(
            atividade__acao__objetivo__plano_id=plano_id,
            atividade__prazo__lt=hoje,
            atividade__situacao__in=list(indicadores.PODEM_ATRASAR),
        )
        .select_related("atividade")
        .order_by(
            "atividade__acao__objetivo__numero", "atividade__acao__numero", "atividade__numero"
        )
    )
    for vinculo in vinculos:
        atividade = vinculo.atividade
        if (
            indicadores.situacao_exibida(atividade.situacao, atividade.prazo, hoje)
            == indicadores.ATRASADA
        ):
            resultado.setdefault(vinculo.instituicao_id, []).append(atividade)
    return resultado


def enviar_lembretes(*, hoje: date | None = None) -> list[Lembrete]:
    """E-mail each institution what it still owes in the open cycle(s), once
    per cycle, institution and step (see etapa_do_lembrete). Safe to run again:
    a reminder already recorded is never repeated."""
    hoje = hoje or timezone.localdate()
    enviados = []
    for ciclo in Ciclo.objects.aberto(hoje):
        etapa = etapa_do_lembrete(ciclo, hoje)
        if etapa is None:
            continue
        pendentes = pendentes_por_instituicao(ciclo)
        atrasadas = atrasadas_por_instituicao(ciclo.plano_id, hoje)
        for instituicao in Instituicao.objects.filter(pk__in=pendentes):
            destinatarios = emails_de(instituicao.usuarios.all())
            if not destinatarios:
                continue
            with transaction.atomic():
                lembrete, criado = Lembrete.objects.get_or_create(
                    ciclo=ciclo,
                    instituicao=instituicao,
                    etapa=etapa,
                    defaults={"destinatarios": "\n".join(destinatarios)},
                )
                if not criado:
                    continue
                assunto, corpo = mensagem_de(
                    "lembrete",
                    {
                        "ciclo": ciclo,
                        "instituicao": instituicao,
                        "etapa": etapa,
                        "atrasado": etapa == Lembrete.Etapa.APOS_O_PRAZO,
                        "atividades": pendentes[instituicao.pk],
                        "atrasadas": atrasadas.get(instituicao.pk, []),
                    },
                )
                # Queued with the reminder's row: both are written or neither.
                enfileirar(assunto, corpo, destinatarios)
            enviados.append(lembrete)
    return enviados
