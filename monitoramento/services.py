"""Writes that span models or enforce the reporting rules."""

from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from comum.enderecos import origem
from operacao.correio import enfileirar
from parceiros.models import Instituicao, Usuario
from plano import indicadores
from plano.indicadores import Situacao
from plano.models import Atividade, Vinculo

from .models import EVIDENCIAS_POR_RELATO, Atualizacao, Ciclo, Evidencia, Lembrete

Estado = Atualizacao.Estado

# lembrar_relatos writes this many days before the deadline, then once after it.
DIAS_ANTES_DO_PRAZO = 7


class RelatoBloqueado(Exception):
    """The report cannot be changed now (closed cycle, sent or published)."""


class ConflitoDeEdicao(Exception):
    """Someone else saved the same report since this form was opened."""


@transaction.atomic
def atualizar_situacao_da_atividade(*, atividade: Atividade) -> Atividade:
    """Copy the latest published report's situação and % onto the activity
    (latest cycle first, then latest validation); "sem informação" if none."""
    ultima = (
        Atualizacao.objects.publicadas().filter(atividade=atividade).em_ordem_de_publicacao().last()
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


def _gravar(objeto, usuario: Usuario, **campos) -> None:
    """Save through the model, so simple-history records who changed it."""
    for nome, valor in campos.items():
        setattr(objeto, nome, valor)
    objeto._history_user = usuario
    objeto.save()


def gravar_relato(*, evidencias, **kwargs) -> Atualizacao:
    """Save the draft of a report (see _gravar_relato), all or nothing: when
    the save fails, the evidence files it already wrote are deleted too, as
    the transaction cannot take them back."""
    try:
        with transaction.atomic():
            return _gravar_relato(evidencias=evidencias, **kwargs)
    except BaseException:
        for form in evidencias.forms:
            arquivo = form.instance.arquivo
            # Uncommitted: still the upload in memory, never written.
            if "arquivo" in form.changed_data and arquivo and arquivo._committed:
                arquivo.storage.delete(arquivo.name)
        raise


def _gravar_relato(
    *,
    atividade: Atividade,
    instituicao: Instituicao,
    ciclo: Ciclo,
    autor: Usuario,
    revisao: int,
    dados: dict,
    evidencias,
    enviar: bool,
) -> Atualizacao:
    """Save the draft of a report for the open cycle (creating it when there is
    none), with its evidence formset, and send it to CGETP when `enviar`.

    `revisao` is the draft's revision the form was opened on (0 for a new
    report): if someone saved in between, ConflitoDeEdicao is raised and
    nothing is saved. Sent and published reports are never changed here."""
    if not ciclo.esta_aberto():
        raise RelatoBloqueado(f"O ciclo {ciclo.codigo} não está aberto para relatos.")
    atual = (
        Atualizacao.objects.versoes(atividade=atividade, instituicao=instituicao, ciclo=ciclo)
        .select_for_update()
        .last()
    )
    agora = timezone.now()
    if atual is None:
        if revisao != 0:
            raise ConflitoDeEdicao
        relato = Atualizacao(
            atividade=atividade, instituicao=instituicao, ciclo=ciclo, autor=autor, **dados
        )
        try:
            with transaction.atomic():
                _gravar(relato, autor, criado_em=agora, modificado_em=agora)
        except IntegrityError as erro:  # another user created it a moment ago
            raise ConflitoDeEdicao from erro
    elif atual.estado == Estado.RASCUNHO:
        # The conditional update is the lock: only one save per revision wins.
        alteradas = Atualizacao.objects.filter(
            pk=atual.pk, revisao=revisao, estado=Estado.RASCUNHO
        ).update(revisao=F("revisao") + 1)
        if not alteradas:
            raise ConflitoDeEdicao
        relato = atual
        _gravar(relato, autor, revisao=revisao + 1, modificado_em=agora, **dados)
    else:
        raise RelatoBloqueado(
            f"Este relato está “{atual.get_estado_display()}” e não pode ser alterado."
        )
    evidencias.instance = relato
    evidencias.save()
    # The form refuses more too; this holds whatever the caller sent.
    if relato.evidencias.count() > EVIDENCIAS_POR_RELATO:
        raise ValidationError(
            f"Um relato pode ter no máximo {EVIDENCIAS_POR_RELATO} evidências; nada foi gravado."
        )
    if enviar:
        enviar_relato(atualizacao=relato, usuario=autor)
    return relato


@transaction.atomic
def enviar_relato(*, atualizacao: Atualizacao, usuario: Usuario) -> Atualizacao:
    """Send a draft to CGETP and e-mail the validators. A concluded activity
    needs at least one evidence item."""
    if atualizacao.estado != Estado.RASCUNHO:
        raise RelatoBloqueado("Só um rascunho pode ser enviado.")
    if atualizacao.situacao == Situacao.CONCLUIDA and not atualizacao.evidencias.exists():
        raise ValidationError(
            {"situacao": "Uma atividade concluída precisa de pelo menos uma evidência."}
        )
    _gravar(atualizacao, usuario, estado=Estado.ENVIADA, enviado_em=timezone.now())
    _avisar(
        destinatarios=_emails(validadores()),
        modelo="relato_enviado",
        contexto={"atualizacao": atualizacao},
    )
    return atualizacao


def _ultima_versao(relato: Atualizacao) -> Atualizacao:
    """The latest version of the same report (activity, institution, cycle)."""
    return Atualizacao.objects.versoes(
        atividade=relato.atividade_id,
        instituicao=relato.instituicao_id,
        ciclo=relato.ciclo_id,
    ).last()


def _nova_versao(
    anterior: Atualizacao, autor: Usuario, *, ultima: Atualizacao | None = None, **campos
) -> Atualizacao:
    """The next version of a report: a copy of `anterior` and its evidence,
    with `campos` changed (the earlier row stays exactly as it was). `ultima`
    is the report's latest version, when the caller has already read it."""
    if ultima is None:
        ultima = _ultima_versao(anterior)
    agora = timezone.now()
    nova = Atualizacao(
        atividade_id=anterior.atividade_id,
        instituicao_id=anterior.instituicao_id,
        ciclo_id=anterior.ciclo_id,
        versao=ultima.versao + 1,
        substitui=anterior,
        situacao=anterior.situacao,
        percentual=anterior.percentual,
        realizado=anterior.realizado,
        restricoes=anterior.restricoes,
        autor=autor,
        criado_em=agora,
        modificado_em=agora,
    )
    try:
        with transaction.atomic():
            _gravar(nova, autor, **campos)
    except IntegrityError as erro:  # another version is already in progress
        raise ConflitoDeEdicao from erro
    for evidencia in anterior.evidencias.all():
        copia = Evidencia(
            atualizacao=nova,
            titulo=evidencia.titulo,
            tipo=evidencia.tipo,
            data=evidencia.data,
            url=evidencia.url,
            # The same stored file: files are never deleted, so sharing is safe.
            arquivo=evidencia.arquivo.name,
            nome_original=evidencia.nome_original,
            tipo_conteudo=evidencia.tipo_conteudo,
        )
        _gravar(copia, autor)
    return nova


@transaction.atomic
def iniciar_correcao(*, devolvida: Atualizacao, autor: Usuario) -> Atualizacao:
    """Start the next version of a returned report: a new draft that copies
    the returned one and its evidence."""
    if devolvida.estado != Estado.DEVOLVIDA or not devolvida.ciclo.esta_aberto():
        raise RelatoBloqueado("Só um relato devolvido, num ciclo aberto, pode ser corrigido.")
    ultima = _ultima_versao(devolvida)
    if ultima.pk != devolvida.pk:
        raise ConflitoDeEdicao
    return _nova_versao(devolvida, autor, ultima=ultima)


@transaction.atomic
def corrigir_relato_publicado(
    *, publicada: Atualizacao, autor: Usuario, dados: dict, motivo: str
) -> Atualizacao:
    """A CGETP correction of a published report (typically in a closed cycle,
    frozen for partners): a new version, marked with its reason, sent to the
    validation queue, so that someone other than its author publishes it."""
    if publicada.estado != Estado.PUBLICADA:
        raise RelatoBloqueado("Só um relato publicado pode receber uma correção da CGETP.")
    if not motivo.strip():
        raise ValidationError({"motivo_correcao": "Explique o motivo da correção."})
    nova = _nova_versao(publicada, autor, motivo_correcao=motivo.strip(), **dados)
    return enviar_relato(atualizacao=nova, usuario=autor)


def _validar(atualizacao: Atualizacao, validador: Usuario) -> None:
    if not validador.e_validador:
        raise RelatoBloqueado("Você não tem permissão para validar relatos.")
    if atualizacao.autor_id == validador.pk:
        raise RelatoBloqueado("Ninguém valida um relato que escreveu.")
    if atualizacao.estado != Estado.ENVIADA:
        raise RelatoBloqueado(
            f"O relato {atualizacao} está “{atualizacao.get_estado_display()}”, não na fila."
        )


@transaction.atomic
def publicar_relato(*, atualizacao: Atualizacao, validador: Usuario) -> Atualizacao:
    """Publish a sent report: it becomes public and its situação and % the
    activity's current ones. The institution's users are told by e-mail."""
    atualizacao = Atualizacao.objects.select_for_update().get(pk=atualizacao.pk)
    _validar(atualizacao, validador)
    _gravar(
        atualizacao,
        validador,
        estado=Estado.PUBLICADA,
        validador=validador,
        validado_em=timezone.now(),
    )
    atualizar_situacao_da_atividade(atividade=atualizacao.atividade)
    _avisar_instituicao(atualizacao, "relato_publicado")
    return atualizacao


@transaction.atomic
def devolver_relato(
    *, atualizacao: Atualizacao, validador: Usuario, comentario: str
) -> Atualizacao:
    """Return a sent report to its institution with a required comment."""
    comentario = comentario.strip()
    if not comentario:
        raise ValidationError({"comentario": "Explique o que precisa ser corrigido."})
    atualizacao = Atualizacao.objects.select_for_update().get(pk=atualizacao.pk)
    _validar(atualizacao, validador)
    _gravar(
        atualizacao,
        validador,
        estado=Estado.DEVOLVIDA,
        validador=validador,
        validado_em=timezone.now(),
        comentario_validacao=comentario,
    )
    _avisar_instituicao(atualizacao, "relato_devolvido")
    return atualizacao


@transaction.atomic
def publicar_relatos(*, atualizacoes, validador: Usuario) -> list[Atualizacao]:
    """Publish several sent reports at once: all of them, or none."""
    return [publicar_relato(atualizacao=a, validador=validador) for a in atualizacoes]


def validadores():
    """Active users who may validate reports (by group, own permission or superuser)."""
    permissao = Permission.objects.get(
        content_type__app_label="monitoramento", codename="validar_atualizacao"
    )
    return Usuario.objects.filter(
        Q(is_superuser=True) | Q(groups__permissions=permissao) | Q(user_permissions=permissao)
    ).distinct()


def _emails(usuarios) -> list[str]:
    return sorted({u.email for u in usuarios.filter(is_active=True).exclude(email="")})


def _mensagem(modelo: str, contexto: dict) -> tuple[str, str]:
    contexto = {**contexto, "SITE_URL": origem()}
    assunto = render_to_string(f"email/{modelo}_assunto.txt", contexto).strip()
    return assunto, render_to_string(f"email/{modelo}.txt", contexto)


def _avisar(*, destinatarios: list[str], modelo: str, contexto: dict) -> None:
    """Queue the e-mail in the action's transaction (operacao.correio): a
    failed report sends nothing, and a mail outage never fails the action."""
    if not destinatarios:
        return
    assunto, corpo = _mensagem(modelo, contexto)
    enfileirar(assunto, corpo, destinatarios)


def _avisar_instituicao(atualizacao: Atualizacao, modelo: str) -> None:
    """Tell the report's institution (its active users) what CGETP decided."""
    _avisar(
        destinatarios=_emails(atualizacao.instituicao.usuarios.all()),
        modelo=modelo,
        contexto={"atualizacao": atualizacao},
    )


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
            destinatarios = _emails(instituicao.usuarios.all())
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
                assunto, corpo = _mensagem(
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
