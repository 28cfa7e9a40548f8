"""Writes that span models or enforce the reporting rules."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from parceiros.models import Instituicao, Usuario
from plano.indicadores import Situacao
from plano.models import Atividade

from .avisos import avisar, avisar_instituicao, emails_de, validadores
from .models import EVIDENCIAS_POR_RELATO, Atualizacao, Ciclo, Evidencia, EvidenciaPendente

Estado = Atualizacao.Estado


class RelatoBloqueado(Exception):
    """The report cannot be changed now (closed cycle, sent or published)."""


class ConflitoDeEdicao(Exception):
    """Someone else saved the same report since this form was opened."""


@transaction.atomic
def atualizar_situacao_da_atividade(*, atividade: Atividade) -> Atividade:
    """Copy the latest published report's situação and % onto the activity
    (latest cycle first, then latest validation); "sem informação" if none.

    Saved without a history record: the copy is derived from the reports,
    which are its history (append-only), and the activity's history then
    holds only CGETP's edits of the plan, the version that closed cycles'
    cached trend points are kept under (paginas.views)."""
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
    atividade.save_without_historical_record(
        update_fields=["situacao", "percentual", "atualizado_em"]
    )
    return atividade


def _gravar(objeto, usuario: Usuario, **campos) -> None:
    """Save through the model, so simple-history records who changed it."""
    for nome, valor in campos.items():
        setattr(objeto, nome, valor)
    objeto._history_user = usuario
    objeto.save()


def gravar_relato(*, evidencias=None, **kwargs) -> Atualizacao:
    """Save the draft of a report (see _gravar_relato), all or nothing: when
    the save fails, the evidence files it already wrote are deleted too, as
    the transaction cannot take them back, and the forms' new evidence is
    unsaved again (no id of a row rolled back). Without an evidence formset
    (the portal's "Relatar o ciclo"), the draft's evidence stays as it is."""
    forms = evidencias.forms if evidencias is not None else ()
    instancia = evidencias.instance if evidencias is not None else None
    novas = [form.instance for form in forms if form.instance.pk is None]
    try:
        with transaction.atomic():
            return _gravar_relato(evidencias=evidencias, **kwargs)
    except BaseException:
        for form in forms:
            arquivo = form.instance.arquivo
            # Uncommitted: still the upload in memory, never written.
            if "arquivo" in form.changed_data and arquivo and arquivo._committed:
                arquivo.storage.delete(arquivo.name)
        if evidencias is not None:
            evidencias.instance = instancia
        for evidencia in novas:
            evidencia.pk = None
            evidencia._state.adding = True
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
    if evidencias is not None:
        evidencias.instance = relato
        evidencias.save()
        # Received files now used by the report's evidence are pending no more.
        EvidenciaPendente.objects.filter(
            atividade=atividade,
            instituicao=instituicao,
            ciclo=ciclo,
            arquivo__in=relato.evidencias.values("arquivo"),
        ).delete()
    # The form refuses more too; this holds whatever the caller sent.
    if relato.evidencias.count() > EVIDENCIAS_POR_RELATO:
        raise ValidationError(
            f"Um relato pode ter no máximo {EVIDENCIAS_POR_RELATO} evidências; nada foi gravado."
        )
    if enviar:
        enviar_relato(atualizacao=relato, usuario=autor)
    return relato


def recusa_do_envio(atualizacao: Atualizacao) -> str | None:
    """Why this draft's content cannot be sent yet, or None: a concluded
    activity needs at least one evidence item. Reads the evidence through
    `atualizacao.evidencias.all()`, so a prefetch answers it."""
    if atualizacao.situacao == Situacao.CONCLUIDA and not atualizacao.evidencias.all():
        return "Uma atividade concluída precisa de pelo menos uma evidência."
    return None


@transaction.atomic
def enviar_relato(*, atualizacao: Atualizacao, usuario: Usuario) -> Atualizacao:
    """Send a draft to CGETP and e-mail the validators. A concluded activity
    needs at least one evidence item."""
    if atualizacao.estado != Estado.RASCUNHO:
        raise RelatoBloqueado("Só um rascunho pode ser enviado.")
    recusa = recusa_do_envio(atualizacao)
    if recusa:
        raise ValidationError({"situacao": recusa})
    _gravar(atualizacao, usuario, estado=Estado.ENVIADA, enviado_em=timezone.now())
    avisar(
        destinatarios=emails_de(validadores()),
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
    avisar_instituicao(atualizacao, "relato_publicado")
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
    avisar_instituicao(atualizacao, "relato_devolvido")
    return atualizacao


@transaction.atomic
def publicar_relatos(*, atualizacoes, validador: Usuario) -> list[Atualizacao]:
    """Publish several sent reports at once: all of them, or none."""
    return [publicar_relato(atualizacao=a, validador=validador) for a in atualizacoes]


def remover_evidencias_pendentes(*, dias: int) -> list[str]:
    """Remove the received files (EvidenciaPendente) no report used within
    `dias` days: the rows first, then, once that is committed, their files
    (a file an evidence shares is kept). Returns the original names removed."""
    limite = timezone.now() - timedelta(days=dias)
    with transaction.atomic():
        antigas = list(EvidenciaPendente.objects.select_for_update().filter(enviado_em__lt=limite))
        nomes = [pendente.arquivo.name for pendente in antigas]
        em_uso = set(Evidencia.objects.filter(arquivo__in=nomes).values_list("arquivo", flat=True))
        EvidenciaPendente.objects.filter(pk__in=[pendente.pk for pendente in antigas]).delete()
    for pendente in antigas:
        if pendente.arquivo.name not in em_uso:
            pendente.arquivo.storage.delete(pendente.arquivo.name)
    return [pendente.nome_original for pendente in antigas]
