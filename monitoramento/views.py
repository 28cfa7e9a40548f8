"""The partner portal (/portal/…) and the guarded download of evidence files.

A partner sees only the activities their institution is linked to: the access
helpers below answer 404 for any other activity, before anything is read or
written. Staff work in the admin; the portal's activity pages are not theirs.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from comum.http import aceita
from parceiros.models import Instituicao
from plano.indicadores import (
    ATRASADA,
    FORA_DO_DENOMINADOR,
    ROTULOS,
    SITUACOES_EXIBIDAS,
    situacao_exibida,
)
from plano.models import Atividade

from . import services
from .forms import EvidenciaFormSet, LinhaDoCicloForm, RelatoForm
from .models import EVIDENCIAS_POR_RELATO, Atualizacao, Ciclo, Evidencia, EvidenciaPendente

logger = logging.getLogger("paecm.evidencias")
Estado = Atualizacao.Estado
# Reports the institution no longer owes in a cycle.
EM_DIA = {Estado.ENVIADA, Estado.PUBLICADA}


def _instituicao(request) -> Instituicao:
    """The partner's institution; anyone without one (staff) gets 403."""
    if not request.user.e_parceiro:
        raise PermissionDenied("O portal é das instituições parceiras.")
    return request.user.instituicao


def _atividade_do_parceiro(request, codigo: str) -> tuple[Atividade, Instituicao]:
    """The activity with this code in the default plan, if the partner's
    institution is linked to it; 404 otherwise."""
    instituicao = _instituicao(request)
    atividade = get_object_or_404(
        Atividade.objects.do_parceiro(instituicao)
        .filter(acao__objetivo__plano__slug=settings.PLANO_PADRAO, codigo=codigo)
        .select_related("acao__objetivo__plano")
    )
    return atividade, instituicao


def _ciclo_aberto(plano_id: int) -> Ciclo | None:
    return Ciclo.objects.aberto().filter(plano_id=plano_id).first()


def _deve(atividade: Atividade, relato: Atualizacao | None) -> bool:
    """Whether the institution still owes this activity's report in the open
    cycle: the activity is expected to report (Atividade.esperadas) and the
    cycle's report, if any, is neither sent nor published."""
    return atividade.situacao not in FORA_DO_DENOMINADOR and (
        relato is None or relato.estado not in EM_DIA
    )


# The portal's filter of "Minhas atividades": a situação as the public site
# shows it ("atrasada" included), or the reports still due this cycle.
PENDENTES = "pendentes"


@login_required
def inicio(request):
    """Minhas atividades: each linked activity with its deadline and its situação
    exactly as the public site shows it (plano.indicadores.situacao_exibida,
    "atrasada" included), overdue ones first, this cycle's report state, and
    how many reports are still due (the coverage rule: Atividade.esperadas)."""
    if request.user.is_staff and not request.user.e_parceiro:
        return redirect("admin:monitoramento_atualizacao_fila")
    instituicao = _instituicao(request)
    hoje = timezone.localdate()
    ciclo = Ciclo.objects.aberto().filter(plano__slug=settings.PLANO_PADRAO).first()
    atividades = (
        Atividade.objects.do_parceiro(instituicao)
        .filter(acao__objetivo__plano__slug=settings.PLANO_PADRAO)
        .em_ordem()
        .prefetch_related(
            Prefetch(
                "atualizacoes",
                queryset=Atualizacao.objects.filter(instituicao=instituicao, ciclo=ciclo).order_by(
                    "versao"
                ),
                to_attr="versoes_do_ciclo",
            )
        )
    )
    linhas = []
    for atividade in atividades:
        relato = atividade.versoes_do_ciclo[-1] if atividade.versoes_do_ciclo else None
        valor = situacao_exibida(atividade.situacao, atividade.prazo, hoje)
        linhas.append(
            {
                "atividade": atividade,
                "relato": relato,
                "situacao": valor,
                "situacao_rotulo": ROTULOS[valor],
                "deve": ciclo is not None and _deve(atividade, relato),
            }
        )
    # Overdue first; otherwise the plan's order (sorted() is stable).
    linhas.sort(key=lambda linha: linha["situacao"] != ATRASADA)
    pendentes = sum(1 for linha in linhas if linha["deve"])
    filtro = request.GET.get("situacao", "")
    opcoes = [(PENDENTES, "Relatos a enviar neste ciclo")] if ciclo else []
    opcoes += [
        (valor, rotulo)
        for valor, rotulo in SITUACOES_EXIBIDAS
        if any(linha["situacao"] == valor for linha in linhas)
    ]
    if filtro not in dict(opcoes):
        filtro = ""
    elif filtro == PENDENTES:
        linhas = [linha for linha in linhas if linha["deve"]]
    else:
        linhas = [linha for linha in linhas if linha["situacao"] == filtro]
    return render(
        request,
        "portal/inicio.html",
        {
            "instituicao": instituicao,
            "ciclo": ciclo,
            "linhas": linhas,
            "pendentes": pendentes,
            "atrasadas": sum(1 for linha in linhas if linha["situacao"] == ATRASADA),
            "filtro": filtro,
            "opcoes": opcoes,
        },
    )


@login_required
def atividade(request, codigo: str):
    """An activity and its institution's report history, cycle by cycle: every
    version, or "não reportada neste ciclo"."""
    atividade, instituicao = _atividade_do_parceiro(request, codigo)
    hoje = timezone.localdate()
    ciclos = Ciclo.objects.filter(
        plano_id=atividade.acao.objetivo.plano_id, abertura__lte=hoje
    ).order_by("-inicio")
    relatos = (
        Atualizacao.objects.filter(atividade=atividade, instituicao=instituicao)
        .prefetch_related("evidencias")
        .order_by("-versao")
    )
    por_ciclo: dict[int, list[Atualizacao]] = {}
    for relato in relatos:
        por_ciclo.setdefault(relato.ciclo_id, []).append(relato)
    historico = [
        {"ciclo": ciclo, "aberto": ciclo.esta_aberto(hoje), "versoes": por_ciclo.get(ciclo.pk, [])}
        for ciclo in ciclos
    ]
    return render(
        request,
        "portal/atividade.html",
        {"atividade": atividade, "instituicao": instituicao, "historico": historico},
    )


@aceita("GET", "POST")
@login_required
def relatar(request, codigo: str):
    """The report for the open cycle: a draft to save or send; or, once sent,
    returned or published, what happened to it."""
    atividade, instituicao = _atividade_do_parceiro(request, codigo)
    ciclo = _ciclo_aberto(atividade.acao.objetivo.plano_id)
    versoes = (
        list(Atualizacao.objects.versoes(atividade=atividade, instituicao=instituicao, ciclo=ciclo))
        if ciclo
        else []
    )
    atual = versoes[-1] if versoes else None
    contexto = {
        "atividade": atividade,
        "instituicao": instituicao,
        "ciclo": ciclo,
        "atual": atual,
        "devolvida": next((v for v in reversed(versoes) if v.estado == Estado.DEVOLVIDA), None),
    }
    editavel = ciclo is not None and (atual is None or atual.estado == Estado.RASCUNHO)
    if not editavel:
        if request.method == "POST":
            messages.error(request, "Este relato não pode ser alterado agora; nada foi gravado.")
            return redirect("monitoramento:relatar", codigo=atividade.codigo)
        return render(request, "portal/relatar.html", contexto)

    rascunho = atual or Atualizacao(
        atividade=atividade, instituicao=instituicao, ciclo=ciclo, situacao="", percentual=None
    )
    pendentes = list(
        EvidenciaPendente.objects.filter(atividade=atividade, instituicao=instituicao, ciclo=ciclo)
    )
    contexto["pendentes"] = pendentes
    contexto["dias_pendentes"] = settings.EVIDENCIAS_PENDENTES_DIAS
    if request.method == "POST" and "adicionar_evidencia" in request.POST:
        # One more blank evidence form, everything typed kept: nothing saved
        # or checked, so no error is shown for what is still being written.
        form, evidencias = _relato_digitado(request, rascunho, pendentes)
    elif request.method == "POST":
        evidencias = EvidenciaFormSet(
            request.POST.copy(),
            request.FILES,
            instance=rascunho,
            prefix="evidencias",
            form_kwargs={"pendentes": pendentes},
        )
        form = RelatoForm(request.POST, instance=rascunho, evidencias=evidencias)
        valido = form.is_valid()
        if not (evidencias.is_valid() and valido):
            # The files that passed their checks are kept for the next try.
            _oferecer_de_novo(request, evidencias, pendentes)
        else:
            # "Enviar à CGETP" saves the draft, then asks for a confirmation
            # (confirmar_envio) showing exactly what will be sent.
            enviar = request.POST.get("acao") == "enviar"
            try:
                services.gravar_relato(
                    atividade=atividade,
                    instituicao=instituicao,
                    ciclo=ciclo,
                    autor=request.user,
                    revisao=form.cleaned_data["revisao"],
                    dados={campo: form.cleaned_data[campo] for campo in RelatoForm.Meta.fields},
                    evidencias=evidencias,
                    enviar=False,
                )
            except services.ConflitoDeEdicao:
                # Nothing was saved, the files neither: kept as pending, they
                # are offered again here and when the report is opened again.
                guardados = _oferecer_de_novo(request, evidencias, pendentes)
                form.add_error(
                    None,
                    "Outra pessoa da sua instituição gravou este relato enquanto você o editava, "
                    "e nada do que você escreveu foi gravado. O seu texto continua abaixo: copie-o, "
                    "abra o relato de novo para ver a versão gravada e junte as duas."
                    + (ARQUIVOS_GUARDADOS if guardados else ""),
                )
            except services.RelatoBloqueado as erro:
                messages.error(request, str(erro))
                return redirect("monitoramento:relatar", codigo=atividade.codigo)
            except ValidationError as erro:
                _oferecer_de_novo(request, evidencias, pendentes)
                form.add_error(None, erro)
            else:
                if enviar:
                    return redirect("monitoramento:confirmar_envio", codigo=atividade.codigo)
                messages.success(
                    request,
                    "Rascunho gravado. A CGETP pode consultá-lo, mas só o analisa depois que for enviado.",
                )
                # A saved draft stays on its form.
                return redirect("monitoramento:relatar", codigo=atividade.codigo)
    else:
        evidencias = EvidenciaFormSet(
            instance=rascunho, prefix="evidencias", form_kwargs={"pendentes": pendentes}
        )
        anterior = _ultimo_publicado(atividade, instituicao) if atual is None else None
        inicial = _inicio_do_relato(atual, anterior)
        contexto["copiado_de"] = inicial.pop("copiado_de", None)
        form = RelatoForm(instance=rascunho, initial=inicial)
        if contexto["copiado_de"]:
            for campo in COPIADOS:
                form.fields[campo].copiado_de = contexto["copiado_de"]
    contexto.update({"form": form, "evidencias": evidencias})
    return render(request, "portal/relatar.html", contexto)


@aceita("GET", "POST")
@login_required
def confirmar_envio(request, codigo: str):
    """The step before sending, which cannot be undone: the saved draft
    exactly as CGETP will receive it, and one button to send it. The POST
    carries the draft's revision: a draft changed meanwhile is not sent."""
    atividade, instituicao = _atividade_do_parceiro(request, codigo)
    ciclo = _ciclo_aberto(atividade.acao.objetivo.plano_id)
    atual = (
        Atualizacao.objects.versoes(atividade=atividade, instituicao=instituicao, ciclo=ciclo)
        .prefetch_related("evidencias")
        .last()
        if ciclo
        else None
    )
    if atual is None or atual.estado != Estado.RASCUNHO:
        messages.error(request, "Não há rascunho para enviar neste ciclo.")
        return redirect("monitoramento:relatar", codigo=atividade.codigo)
    erro = None
    if request.method == "POST":
        if request.POST.get("revisao") != str(atual.revisao):
            erro = (
                "O rascunho foi alterado depois que esta página foi aberta. "
                "Confira abaixo a versão gravada antes de enviar."
            )
        else:
            try:
                services.enviar_relato(atualizacao=atual, usuario=request.user)
            except ValidationError as recusa:
                erro = " ".join(recusa.messages)
            except services.RelatoBloqueado as recusa:
                erro = str(recusa)
            else:
                messages.success(request, "Relato enviado à CGETP para validação.")
                return redirect("monitoramento:atividade", codigo=atividade.codigo)
    return render(
        request,
        "portal/confirmar_envio.html",
        {"atividade": atividade, "ciclo": ciclo, "atual": atual, "erro": erro},
        status=409 if erro else 200,
    )


def _digitado(form, dados) -> None:
    """Show what was typed in `form` (unbound: it shows no error) as its
    initial values, read from the POST data as its widgets would read them."""
    for nome, campo in form.fields.items():
        if campo.widget.value_omitted_from_data(dados, {}, form.add_prefix(nome)):
            continue
        form.initial[nome] = campo.widget.value_from_datadict(dados, {}, form.add_prefix(nome))


def _guardar_pendentes(request, evidencias, pendentes: list) -> list:
    """Keep each new upload of a refused submission that passed its own
    checks as an EvidenciaPendente of the report, and offer it to every
    evidence form; returns the (form, pendente) pairs."""
    rascunho = evidencias.instance
    novos = []
    for ev in evidencias.forms:
        arquivo = getattr(ev, "cleaned_data", {}).get("arquivo")
        if "arquivo" in ev.errors or not hasattr(arquivo, "content_type"):
            continue  # nothing new uploaded, or refused
        pendente = EvidenciaPendente.objects.create(
            atividade_id=rascunho.atividade_id,
            instituicao_id=rascunho.instituicao_id,
            ciclo_id=rascunho.ciclo_id,
            arquivo=arquivo,
            nome_original=ev.instance.nome_original,
            tipo_conteudo=ev.instance.tipo_conteudo,
            enviado_por=request.user,
        )
        novos.append((ev, pendente))
    if novos:
        pendentes.extend(pendente for _, pendente in novos)
        for ev in evidencias.forms:
            ev.oferecer_pendentes(pendentes)
    return novos


ARQUIVOS_GUARDADOS = (
    " Os arquivos que você escolheu foram recebidos e guardados: ao abrir o relato de novo, "
    "use “Ou use um arquivo já recebido” em cada evidência, sem escolhê-los outra vez."
)


def _oferecer_de_novo(request, evidencias, pendentes: list) -> list:
    """After a refused or failed submission: its files that passed their
    checks are kept (_guardar_pendentes) and each is chosen in its own
    evidence form. Returns the pending files kept."""
    guardados = _guardar_pendentes(request, evidencias, pendentes)
    for ev, pendente in guardados:
        ev.data[ev.add_prefix("pendente")] = str(pendente.pk)
    return [pendente for _, pendente in guardados]


def _relato_digitado(request, rascunho, pendentes: list):
    """The report form and its evidence forms as typed, unbound, with one
    more blank evidence form (up to the cap). A file picked in the browser
    cannot be put back in its field: one that passes its checks is kept as
    pending (_guardar_pendentes) and chosen in its form."""
    dados = request.POST
    enviadas = EvidenciaFormSet(
        dados,
        request.FILES,
        instance=rascunho,
        prefix="evidencias",
        form_kwargs={"pendentes": pendentes},
    )
    digitadas = (
        enviadas.management_form.cleaned_data["TOTAL_FORMS"]
        if enviadas.management_form.is_valid()
        else 0
    )
    guardados = {}
    if request.FILES and enviadas.management_form.is_valid():
        enviadas.is_valid()  # each form's own checks; their errors are not shown
        guardados = {ev.prefix: p for ev, p in _guardar_pendentes(request, enviadas, pendentes)}
        if len(guardados) < len(request.FILES):
            messages.warning(
                request,
                "Um arquivo escolhido não foi aceito: escolha-o de novo e grave o rascunho "
                "para ver o motivo.",
            )
    evidencias = EvidenciaFormSet(
        instance=rascunho, prefix="evidencias", form_kwargs={"pendentes": pendentes}
    )
    evidencias.extra = max(digitadas - evidencias.initial_form_count(), 0) + 1
    for ev in evidencias.forms:
        _digitado(ev, dados)
        if ev.prefix in guardados:
            ev.initial["pendente"] = str(guardados[ev.prefix].pk)
    if evidencias.total_form_count() > digitadas:
        evidencias.forms[-1].fields["titulo"].widget.attrs["autofocus"] = True
    else:
        messages.warning(
            request,
            f"Um relato pode ter no máximo {EVIDENCIAS_POR_RELATO} evidências: "
            "não há espaço para mais uma.",
        )
    form = RelatoForm(instance=rascunho, evidencias=evidencias)
    _digitado(form, dados)
    return form, evidencias


# The fields a new report copies from the institution's last published one.
COPIADOS = ("situacao", "percentual", "restricoes")


def _ultimo_publicado(atividade, instituicao) -> Atualizacao | None:
    """The institution's last published report on the activity."""
    return (
        Atualizacao.objects.publicadas()
        .filter(atividade=atividade, instituicao=instituicao)
        .select_related("ciclo")
        .order_by("-ciclo__inicio", "-versao")
        .first()
    )


def _inicio_do_relato(atual, anterior) -> dict:
    """Initial values of a report form: the draft's revision; for a new
    report, the situação, % and blockers (COPIADOS) of `anterior`, the
    institution's last published one, and its cycle as "copiado_de"."""
    if atual is not None:
        return {"revisao": atual.revisao}
    if anterior is None:
        return {"revisao": 0}
    return {
        "revisao": 0,
        "copiado_de": anterior.ciclo.codigo,
        **{campo: getattr(anterior, campo) for campo in COPIADOS},
    }


@aceita("POST")
@login_required
@require_POST
def corrigir(request, codigo: str):
    """Start correcting a returned report: its next version, as a draft."""
    atividade, instituicao = _atividade_do_parceiro(request, codigo)
    ciclo = _ciclo_aberto(atividade.acao.objetivo.plano_id)
    atual = (
        Atualizacao.objects.versoes(
            atividade=atividade, instituicao=instituicao, ciclo=ciclo
        ).last()
        if ciclo
        else None
    )
    if atual is None or atual.estado != Estado.DEVOLVIDA:
        messages.error(request, "Não há relato devolvido para corrigir neste ciclo.")
        return redirect("monitoramento:relatar", codigo=atividade.codigo)
    try:
        services.iniciar_correcao(devolvida=atual, autor=request.user)
    except (services.RelatoBloqueado, services.ConflitoDeEdicao):
        messages.error(request, "A correção já foi iniciada por outra pessoa da sua instituição.")
    return redirect("monitoramento:relatar", codigo=atividade.codigo)


# "Relatar o ciclo": every report the institution owes in the open cycle, on
# one page, saved as drafts together and sent together after a confirmation.


def _relatos_do_ciclo(instituicao: Instituicao, ciclo: Ciclo) -> list[dict]:
    """The activities whose report the institution owes in `ciclo` (_deve),
    in plan order, each with its latest version in the cycle (evidence
    prefetched) and its last published report: three queries, whatever the
    number of links."""
    atividades = (
        Atividade.objects.do_parceiro(instituicao)
        .filter(acao__objetivo__plano_id=ciclo.plano_id)
        .esperadas()
        .em_ordem()
        .prefetch_related(
            Prefetch(
                "atualizacoes",
                queryset=Atualizacao.objects.filter(instituicao=instituicao, ciclo=ciclo)
                .prefetch_related("evidencias")
                .order_by("versao"),
                to_attr="versoes_do_ciclo",
            ),
            Prefetch(
                "atualizacoes",
                queryset=Atualizacao.objects.publicadas()
                .filter(instituicao=instituicao)
                .select_related("ciclo")
                .order_by("-ciclo__inicio", "-versao"),
                to_attr="publicadas_da_instituicao",
            ),
        )
    )
    linhas = []
    for atividade in atividades:
        relato = atividade.versoes_do_ciclo[-1] if atividade.versoes_do_ciclo else None
        if _deve(atividade, relato):
            anterior = (
                atividade.publicadas_da_instituicao[0]
                if atividade.publicadas_da_instituicao
                else None
            )
            linhas.append(
                {
                    "atividade": atividade,
                    "relato": relato,
                    "anterior": anterior,
                    "form": None,
                    "copiado_de": None,
                    "gravada": False,
                    "recusa": None,
                }
            )
    return linhas


def _linha_do_ciclo(linha: dict, instituicao, ciclo, dados=None) -> LinhaDoCicloForm | None:
    """The row's form: the draft, or a new report starting from the last
    published one (the rule of the report form, _inicio_do_relato); None for
    a returned report, which is corrected on its own form."""
    relato = linha["relato"]
    if relato is not None and relato.estado != Estado.RASCUNHO:
        return None
    inicial = _inicio_do_relato(relato, linha["anterior"])
    linha["copiado_de"] = inicial.pop("copiado_de", None)
    instancia = relato or Atualizacao(
        atividade=linha["atividade"],
        instituicao=instituicao,
        ciclo=ciclo,
        situacao="",
        percentual=None,
        restricoes=inicial.get("restricoes", ""),
    )
    return LinhaDoCicloForm(
        dados, instance=instancia, initial=inicial, prefix=f"a{linha['atividade'].pk}"
    )


def _codigos(linhas: list[dict]) -> str:
    return ", ".join(linha["atividade"].codigo for linha in linhas)


def _gravar_linha(request, linha: dict, instituicao, ciclo) -> bool:
    """Save a row's draft through the report form's service; the row's error
    otherwise (nothing of the row saved)."""
    form = linha["form"]
    if not form.is_valid():
        return False
    dados = {campo: form.cleaned_data[campo] for campo in LinhaDoCicloForm.Meta.fields}
    try:
        linha["relato"] = services.gravar_relato(
            atividade=linha["atividade"],
            instituicao=instituicao,
            ciclo=ciclo,
            autor=request.user,
            revisao=form.cleaned_data["revisao"],
            dados={**dados, "restricoes": form.instance.restricoes},
            enviar=False,
        )
    except services.ConflitoDeEdicao:
        form.add_error(
            None,
            "Outra pessoa da sua instituição gravou este relato enquanto você o editava; "
            "nada desta linha foi gravado. Abra a página de novo para ver a versão gravada.",
        )
    except services.RelatoBloqueado as erro:
        form.add_error(None, str(erro))
    except ValidationError as erro:
        form.add_error(None, erro)
    return not form.errors


@aceita("GET", "POST")
@login_required
def relatar_ciclo(request):
    """Relatar o ciclo: a row per activity the institution owes in the open
    cycle (situação, %, what was done). "Gravar rascunhos" saves every changed
    row that is valid, each row all or nothing; "Enviar selecionados" saves
    too, then asks for the confirmation (confirmar_envio_ciclo)."""
    instituicao = _instituicao(request)
    ciclo = Ciclo.objects.aberto().filter(plano__slug=settings.PLANO_PADRAO).first()
    linhas = _relatos_do_ciclo(instituicao, ciclo) if ciclo else []
    dados = request.POST if request.method == "POST" else None
    for linha in linhas:
        linha["form"] = _linha_do_ciclo(linha, instituicao, ciclo, dados)
    contexto = {
        "instituicao": instituicao,
        "ciclo": ciclo,
        "linhas": linhas,
        "erro": None,
        "com_erro": [],
    }
    if dados is None:
        return render(request, "portal/relatar_ciclo.html", contexto)

    enviar = dados.get("acao") == "enviar"
    gravadas, com_erro, selecionadas = [], [], []
    for linha in linhas:
        form = linha["form"]
        if form is None:
            continue
        marcada = enviar and form.fields["enviar"].widget.value_from_datadict(
            dados, {}, form.add_prefix("enviar")
        )
        # A row the page did not show when it was opened (a link made since)
        # is left as it is.
        mostrada = form.add_prefix("revisao") in dados
        if mostrada and (form.conteudo_alterado() or (marcada and linha["relato"] is None)):
            if not _gravar_linha(request, linha, instituicao, ciclo):
                com_erro.append(linha)
                continue
            gravadas.append(linha)
            linha["gravada"] = True
        if marcada and mostrada:
            selecionadas.append(linha)
        # Saved or untouched: the row as it now stands, without errors.
        linha["form"] = _linha_do_ciclo(linha, instituicao, ciclo)
        if marcada:
            linha["form"].initial["enviar"] = True
    if gravadas:
        messages.success(
            request,
            f"Rascunhos gravados: {_codigos(gravadas)}. "
            "A CGETP só os analisa depois que forem enviados.",
        )
    if not com_erro and enviar and selecionadas:
        consulta = urlencode([("atividade", linha["atividade"].codigo) for linha in selecionadas])
        return redirect(reverse("monitoramento:confirmar_envio_ciclo") + "?" + consulta)
    if not com_erro and not enviar:
        if not gravadas:
            messages.info(request, "Nenhuma linha foi alterada: nada foi gravado.")
        return redirect("monitoramento:relatar_ciclo")
    if not com_erro:
        contexto["erro"] = "Marque, na coluna “Enviar”, as atividades a enviar."
    contexto["com_erro"] = com_erro
    return render(request, "portal/relatar_ciclo.html", contexto)


@aceita("GET", "POST")
@login_required
def confirmar_envio_ciclo(request):
    """The step before sending the rows chosen on "Relatar o ciclo": each
    draft exactly as CGETP will receive it. Drafts the sending rule refuses
    (services.recusa_do_envio) are listed apart, with a link to their form;
    the others are sent, each through services.enviar_relato, if unchanged
    since the page was opened."""
    instituicao = _instituicao(request)
    ciclo = Ciclo.objects.aberto().filter(plano__slug=settings.PLANO_PADRAO).first()
    fonte = request.POST if request.method == "POST" else request.GET
    codigos = set(fonte.getlist("atividade"))
    linhas = [
        linha
        for linha in (_relatos_do_ciclo(instituicao, ciclo) if ciclo else [])
        if linha["atividade"].codigo in codigos
        and linha["relato"] is not None
        and linha["relato"].estado == Estado.RASCUNHO
    ]
    if not linhas:
        messages.error(request, "Não há rascunho selecionado para enviar neste ciclo.")
        return redirect("monitoramento:relatar_ciclo")
    for linha in linhas:
        linha["recusa"] = services.recusa_do_envio(linha["relato"])
    if request.method == "POST":
        enviadas = []
        for linha in linhas:
            relato = linha["relato"]
            if linha["recusa"]:
                continue
            if fonte.get(f"revisao-{relato.pk}") != str(relato.revisao):
                linha["recusa"] = "O rascunho foi alterado depois que a confirmação foi aberta."
                continue
            try:
                services.enviar_relato(atualizacao=relato, usuario=request.user)
            except ValidationError as recusa:
                linha["recusa"] = " ".join(recusa.messages)
            except services.RelatoBloqueado as recusa:
                linha["recusa"] = str(recusa)
            else:
                enviadas.append(linha)
        if enviadas:
            messages.success(
                request, f"Relatos enviados à CGETP para validação: {_codigos(enviadas)}."
            )
        if len(enviadas) == len(linhas):
            return redirect("monitoramento:inicio")
        contexto = {
            "ciclo": ciclo,
            "a_enviar": [],
            "recusadas": [linha for linha in linhas if linha not in enviadas],
            "enviado": True,
        }
        return render(request, "portal/confirmar_envio_ciclo.html", contexto, status=409)
    contexto = {
        "ciclo": ciclo,
        "a_enviar": [linha for linha in linhas if not linha["recusa"]],
        "recusadas": [linha for linha in linhas if linha["recusa"]],
        "enviado": False,
    }
    return render(request, "portal/confirmar_envio_ciclo.html", contexto)


def _pode_ver(usuario, atualizacao: Atualizacao) -> bool:
    if atualizacao.estado == Estado.PUBLICADA:
        return True
    if not usuario.is_authenticated:
        return False
    if usuario.e_parceiro:
        return usuario.instituicao_id == atualizacao.instituicao_id
    return usuario.has_perm("monitoramento.view_evidencia")


def evidencia_arquivo(request, pk: int):
    """Download an evidence file, as an attachment that is never sniffed or
    rendered, if its report is published or the user may see it (404 otherwise)."""
    evidencia = get_object_or_404(
        Evidencia.objects.exclude(arquivo="").select_related("atualizacao"), pk=pk
    )
    if not _pode_ver(request.user, evidencia.atualizacao):
        raise Http404
    try:
        arquivo = evidencia.arquivo.open("rb")
    except FileNotFoundError:
        # The database knows the file but the evidence folder lost it (e.g. a
        # restore without the media folder): say so, never a 500.
        logger.error("Evidência %s: arquivo %s ausente", evidencia.pk, evidencia.arquivo.name)
        return render(request, "evidencia_ausente.html", {"evidencia": evidencia}, status=410)
    resposta = FileResponse(
        arquivo,
        as_attachment=True,
        filename=evidencia.nome_original or evidencia.arquivo.name.rsplit("/", 1)[-1],
        content_type=evidencia.tipo_conteudo or "application/octet-stream",
    )
    resposta["X-Content-Type-Options"] = "nosniff"
    resposta["Cache-Control"] = "private, no-store"
    return resposta
