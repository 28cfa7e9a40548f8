"""Fictional monitoring data to try the panel with (carregar_demo)."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from parceiros.demo import DEMO_CACHE_KEY
from parceiros.models import Instituicao, Usuario
from plano.indicadores import Situacao
from plano.models import Atividade, Plano, Vinculo

from .models import Atualizacao, Ciclo, Evidencia
from .services import atualizar_situacao_da_atividade

SENHA_DEMO = "paecm-demo-2026"
MOTIVO_DEMO = (
    "[Demonstração] Prazo ampliado: a formação depende de edital que ainda não foi publicado."
)

# (username, first name, institution sigla or None, groups, is_staff)
CONTAS = [
    ("demo.pf", "Parceiro PF", "PF", [], False),
    ("demo.dpu", "Parceira DPU", "DPU", [], False),
    ("demo.cgetp", "Equipe CGETP", None, ["Equipe CGETP"], True),
    ("demo.validador", "Validadora CGETP", None, ["Equipe CGETP", "Validadores"], True),
]

# Fixed TOTP keys (hex, as django-otp stores them) of the demo staff, so the
# README can print them: add them to any authenticator app, or run
# `manage.py codigo_totp demo.cgetp`. Demo only: never real accounts.
CHAVES_TOTP_DEMO = {
    "demo.cgetp": "64656d6f2d636765747000000000000000000000",
    "demo.validador": "64656d6f2d76616c696461646f72000000000000",
}

# Fictional links beside the plan's own, so the demo has a dozen activities to
# report on. The plan links only 1.1.1-1.1.3 and 1.2.1.
VINCULOS_DEMO = {
    "PF": ["1.3.2", "2.1.1", "2.3.2", "2.6.4", "2.9.2"],
    "DPU": ["3.2.1", "3.3.2", "3.5.1"],
}


def _semestre(ano: int, sem: int) -> tuple[date, date]:
    return (date(ano, 1, 1), date(ano, 6, 30)) if sem == 1 else (date(ano, 7, 1), date(ano, 12, 31))


def _anterior(ano: int, sem: int) -> tuple[int, int]:
    return (ano, 1) if sem == 2 else (ano - 1, 2)


def criar_ciclos(plano: Plano, hoje: date) -> tuple[list[Ciclo], Ciclo]:
    """Two closed cycles and one open today: the open one collects reports on
    the last finished semester, as a real cycle would."""
    aberto_ref = (hoje.year - 1, 2) if hoje.month <= 6 else (hoje.year, 1)
    refs = [_anterior(*_anterior(*aberto_ref)), _anterior(*aberto_ref), aberto_ref]
    ciclos = []
    for ano, sem in refs:
        inicio, fim = _semestre(ano, sem)
        if (ano, sem) == aberto_ref:
            abertura, prazo, encerramento = (
                hoje - timedelta(days=20),
                hoje + timedelta(days=15),
                hoje + timedelta(days=30),
            )
        else:
            abertura = fim + timedelta(days=1)
            prazo, encerramento = abertura + timedelta(days=30), abertura + timedelta(days=45)
        ciclo, _ = Ciclo.objects.get_or_create(
            plano=plano,
            codigo=f"{ano}.{sem}",
            defaults={
                "inicio": inicio,
                "fim": fim,
                "abertura": abertura,
                "prazo": prazo,
                "encerramento": encerramento,
            },
        )
        ciclos.append(ciclo)
    return ciclos[:2], ciclos[2]


def _momento(dia: date, hora: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(dia, time(hora)))


def _relato(
    *,
    atividade,
    instituicao,
    ciclo,
    autor,
    estado,
    situacao,
    percentual,
    validador=None,
    comentario="",
    versao=1,
    substitui=None,
    texto="",
    evidencia=None,
):
    enviado = _momento(ciclo.abertura + timedelta(days=5))
    validado = (
        _momento(ciclo.abertura + timedelta(days=12))
        if estado in ("publicada", "devolvida")
        else None
    )
    atualizacao = Atualizacao.objects.create(
        atividade=atividade,
        instituicao=instituicao,
        ciclo=ciclo,
        versao=versao,
        substitui=substitui,
        situacao=situacao,
        percentual=percentual,
        realizado=texto
        or f"[Demonstração] Relato fictício da {instituicao.sigla} sobre a atividade {atividade.codigo} no ciclo {ciclo.codigo}.",
        restricoes="[Demonstração] Restrições e providências fictícias.",
        estado=estado,
        autor=autor,
        criado_em=enviado - timedelta(days=1),
        modificado_em=enviado,
        enviado_em=None if estado == "rascunho" else enviado,
        validador=validador if validado else None,
        validado_em=validado,
        comentario_validacao=comentario,
    )
    if evidencia:
        Evidencia.objects.create(
            atualizacao=atualizacao,
            titulo=evidencia,
            tipo=Evidencia.Tipo.DOCUMENTO,
            data=ciclo.fim,
            url="https://www.gov.br/mj/pt-br/assuntos/sua-protecao/trafico-de-pessoas",
        )
    return atualizacao


@transaction.atomic
def carregar_demo(hoje: date | None = None) -> bool:
    """Create the demo cycles, accounts, links and reports. Returns False, and
    changes nothing, when the demo is already loaded."""
    if Usuario.objects.filter(username="demo.pf").exists():
        return False
    hoje = hoje or timezone.localdate()
    plano = Plano.objects.get(slug="i-paecm")
    fechados, aberto = criar_ciclos(plano, hoje)
    inst = {i.sigla: i for i in Instituicao.objects.filter(sigla__in=["PF", "DPU"])}

    usuarios = {}
    for username, nome, sigla, grupos, staff in CONTAS:
        usuario = Usuario.objects.create_user(
            username=username,
            password=SENHA_DEMO,
            first_name=nome,
            email=f"{username}@example.org",
            instituicao=inst.get(sigla),
            is_staff=staff,
        )
        usuario.groups.set(Group.objects.filter(name__in=grupos))
        if username in CHAVES_TOTP_DEMO:
            TOTPDevice.objects.create(
                user=usuario, name="Demonstração", key=CHAVES_TOTP_DEMO[username], confirmed=True
            )
        usuarios[username] = usuario

    atividades = {a.codigo: a for a in Atividade.objects.filter(acao__objetivo__plano=plano)}
    # The demo's links hold from the plan's start, as if created with it: its
    # closed cycles expect their reports (plano.historico.vinculos_nas_datas).
    desde_o_inicio = timezone.make_aware(datetime.combine(plano.inicio, time.min))
    for sigla, codigos in VINCULOS_DEMO.items():
        for codigo in codigos:
            if not Vinculo.objects.filter(
                atividade=atividades[codigo], instituicao=inst[sigla]
            ).exists():
                vinculo = Vinculo(atividade=atividades[codigo], instituicao=inst[sigla])
                vinculo._history_date = desde_o_inicio
                vinculo.save()

    pf, dpu = inst["PF"], inst["DPU"]
    upf, udpu, uval = usuarios["demo.pf"], usuarios["demo.dpu"], usuarios["demo.validador"]
    c1, c2 = fechados
    A = atividades
    publicada, ev = "publicada", "Relatório fictício de demonstração"
    # Closed cycles: published history.
    for codigo, inst_, autor, sit1, p1, sit2, p2 in [
        ("1.1.1", pf, upf, Situacao.EM_ANDAMENTO, 20, Situacao.EM_ANDAMENTO, 45),
        ("1.1.2", pf, upf, Situacao.NAO_INICIADA, 0, Situacao.EM_ANDAMENTO, 30),
        ("1.2.1", dpu, udpu, Situacao.EM_ANDAMENTO, 50, Situacao.CONCLUIDA, 100),
        ("2.1.1", pf, upf, Situacao.EM_ANDAMENTO, 10, Situacao.EM_ANDAMENTO, 35),
        ("3.2.1", dpu, udpu, Situacao.NAO_INICIADA, 0, Situacao.EM_ANDAMENTO, 25),
        ("3.5.1", dpu, udpu, Situacao.EM_ANDAMENTO, 60, Situacao.CONCLUIDA, 100),
    ]:
        _relato(
            atividade=A[codigo],
            instituicao=inst_,
            ciclo=c1,
            autor=autor,
            estado=publicada,
            situacao=sit1,
            percentual=p1,
            validador=uval,
            evidencia=ev,
        )
        _relato(
            atividade=A[codigo],
            instituicao=inst_,
            ciclo=c2,
            autor=autor,
            estado=publicada,
            situacao=sit2,
            percentual=p2,
            validador=uval,
            evidencia=ev,
        )
    _relato(
        atividade=A["2.6.4"],
        instituicao=pf,
        ciclo=c2,
        autor=upf,
        estado=publicada,
        situacao=Situacao.CANCELADA,
        percentual=0,
        validador=uval,
    )
    _relato(
        atividade=A["1.3.2"],
        instituicao=pf,
        ciclo=c2,
        autor=upf,
        estado=publicada,
        situacao=Situacao.NAO_SE_APLICA,
        percentual=0,
        validador=uval,
    )
    _relato(
        atividade=A["1.1.3"],
        instituicao=pf,
        ciclo=c2,
        autor=upf,
        estado=publicada,
        situacao=Situacao.EM_ANDAMENTO,
        percentual=20,
        validador=uval,
        evidencia=ev,
    )
    _relato(
        atividade=A["2.9.2"],
        instituicao=pf,
        ciclo=c1,
        autor=upf,
        estado=publicada,
        situacao=Situacao.NAO_INICIADA,
        percentual=0,
        validador=uval,
    )

    # The open cycle: one report in each validation state.
    _relato(
        atividade=A["1.1.1"],
        instituicao=pf,
        ciclo=aberto,
        autor=upf,
        estado=publicada,
        situacao=Situacao.EM_ANDAMENTO,
        percentual=60,
        validador=uval,
        evidencia=ev,
    )
    _relato(
        atividade=A["1.1.2"],
        instituicao=pf,
        ciclo=aberto,
        autor=upf,
        estado="enviada",
        situacao=Situacao.EM_ANDAMENTO,
        percentual=50,
        evidencia=ev,
    )
    devolvida = _relato(
        atividade=A["2.1.1"],
        instituicao=pf,
        ciclo=aberto,
        autor=upf,
        estado="devolvida",
        situacao=Situacao.CONCLUIDA,
        percentual=100,
        validador=uval,
        comentario="[Demonstração] Inclua a evidência da conclusão.",
    )
    _relato(
        atividade=A["2.1.1"],
        instituicao=pf,
        ciclo=aberto,
        autor=upf,
        estado="rascunho",
        situacao=Situacao.EM_ANDAMENTO,
        percentual=80,
        versao=2,
        substitui=devolvida,
    )
    _relato(
        atividade=A["2.3.2"],
        instituicao=pf,
        ciclo=aberto,
        autor=upf,
        estado="rascunho",
        situacao=Situacao.EM_ANDAMENTO,
        percentual=15,
    )
    _relato(
        atividade=A["3.3.2"],
        instituicao=dpu,
        ciclo=aberto,
        autor=udpu,
        estado="enviada",
        situacao=Situacao.EM_ANDAMENTO,
        percentual=40,
        evidencia=ev,
    )
    _relato(
        atividade=A["1.2.1"],
        instituicao=dpu,
        ciclo=aberto,
        autor=udpu,
        estado="devolvida",
        situacao=Situacao.CONCLUIDA,
        percentual=100,
        validador=uval,
        comentario="[Demonstração] Descreva melhor o que foi feito no período.",
    )

    for atividade in Atividade.objects.filter(atualizacoes__isnull=False).distinct():
        atualizar_situacao_da_atividade(atividade=atividade)
    # Demo deadlines, so that "atrasada" shows up, written through the model
    # so that history (and the admin's and the public change log) is right;
    # 1.1.1's deadline is set, then moved with its reason.
    for codigo, prazo, motivo in [
        ("1.1.2", hoje - timedelta(days=30), ""),
        ("2.1.1", hoje - timedelta(days=30), ""),
        ("1.1.1", date(plano.ano_fim - 1, 12, 31), ""),
        ("1.1.1", date(plano.ano_fim, 12, 31), MOTIVO_DEMO),
    ]:
        atividade = Atividade.objects.get(pk=A[codigo].pk)
        atividade.prazo = prazo
        if motivo:
            atividade._change_reason = motivo
        atividade.save()
    cache.delete(DEMO_CACHE_KEY)
    return True
