"""CGETP's tools: reporting cycles, the reports (read-only) and the validation queue."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from comum.admin import HistoricoAdmin, SomenteLeitura

from . import services
from .fila import FiltroDaFila
from .forms import CorrecaoForm, DevolucaoForm
from .models import Atualizacao, Ciclo, Evidencia, EvidenciaPendente, Lembrete

PERMISSAO_CORRIGIR = "monitoramento.change_atualizacao"


@admin.register(Ciclo)
class CicloAdmin(HistoricoAdmin):
    """Ciclo.clean refuses a reporting window that overlaps another: the admin
    form runs it, so at most one cycle is open at a time."""

    list_display = ["codigo", "plano", "inicio", "fim", "abertura", "prazo", "encerramento"]
    list_filter = ["plano"]
    ordering = ["-inicio"]
    fields = ["plano", "codigo", "inicio", "fim", "abertura", "prazo", "encerramento"]


@admin.display(description="link ou arquivo")
def link(evidencia):
    return format_html('<a href="{}">{}</a>', evidencia.href, evidencia.url or "arquivo")


class EvidenciaInline(SomenteLeitura, admin.TabularInline):
    model = Evidencia
    fields = ["titulo", "tipo", "data", link]
    readonly_fields = fields
    extra = 0
    can_delete = False


def campos_comparados(atual: Atualizacao, anterior: Atualizacao | None) -> list[dict]:
    """What changed since the last published report of the same activity and
    institution: each field with its value then and now."""

    def evidencias(relato):
        return [(e.titulo, e.href) for e in relato.evidencias.all()]

    campos = [
        ("Situação", lambda r: r.get_situacao_display()),
        ("% executado", lambda r: f"{r.percentual}%"),
        ("O que foi feito no período", lambda r: r.realizado),
        ("Restrições e providências", lambda r: r.restricoes),
        ("Evidências", evidencias),
    ]
    linhas = []
    for rotulo, valor in campos:
        agora = valor(atual)
        antes = valor(anterior) if anterior else type(agora)()
        linhas.append(
            {
                "rotulo": rotulo,
                "antes": antes,
                "agora": agora,
                "mudou": antes != agora,
                "links": isinstance(agora, list),
            }
        )
    return linhas


def ultimas_publicadas(relatos) -> dict[tuple[int, int], Atualizacao]:
    """The last published report of each (activity, institution) among
    `relatos`, in one query (plus one for their evidence)."""
    publicadas = (
        Atualizacao.objects.publicadas()
        .filter(
            atividade_id__in={r.atividade_id for r in relatos},
            instituicao_id__in={r.instituicao_id for r in relatos},
        )
        .select_related("ciclo")
        .prefetch_related("evidencias")
        .em_ordem_de_publicacao()
    )
    return {(p.atividade_id, p.instituicao_id): p for p in publicadas}


@admin.register(Atualizacao)
class AtualizacaoAdmin(SomenteLeitura, HistoricoAdmin):
    """Reports are append-only: the admin shows them; validators publish or
    return them through the queue (services.publicar_relato / devolver_relato)."""

    list_display = ["atividade_codigo", "instituicao", "ciclo", "versao", "estado", "enviado_em"]
    list_filter = ["estado", "ciclo", "instituicao"]
    list_select_related = ["atividade", "instituicao", "ciclo"]
    search_fields = ["atividade__codigo", "instituicao__sigla"]
    ordering = ["-modificado_em"]
    inlines = [EvidenciaInline]

    @admin.display(description="atividade", ordering="atividade__codigo")
    def atividade_codigo(self, atualizacao):
        return atualizacao.atividade.codigo

    def get_urls(self):
        return [
            path(
                "fila/",
                self.admin_site.admin_view(self.fila),
                name="monitoramento_atualizacao_fila",
            ),
            path(
                "<int:pk>/validar/",
                self.admin_site.admin_view(self.validar),
                name="monitoramento_atualizacao_validar",
            ),
            path(
                "<int:pk>/corrigir/",
                self.admin_site.admin_view(self.corrigir),
                name="monitoramento_atualizacao_corrigir",
            ),
            *super().get_urls(),
        ]

    def _contexto(self, request, titulo: str) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": titulo}

    def fila(self, request):
        """Sent reports, oldest first, each with what changed since the last
        published one, filtered by institution, objective, cycle and age;
        several may be published at once, after a confirmation."""
        if not request.user.e_validador:
            return _sem_permissao(request)
        if request.method == "POST":
            selecionados = list(
                Atualizacao.objects.na_fila().filter(
                    pk__in=[
                        pk
                        for pk in request.POST.getlist("selecionados")
                        if pk.isascii() and pk.isdigit() and len(pk) < 19
                    ]
                )
            )
            if not selecionados:
                messages.warning(request, "Selecione pelo menos um relato para publicar.")
            elif request.POST.get("confirmado") != "1":
                return TemplateResponse(
                    request,
                    "admin/monitoramento/atualizacao/confirmar.html",
                    {
                        **self._contexto(request, "Confirmar a publicação"),
                        "acao": "publicar",
                        "relatos": selecionados,
                        "voltar": reverse("admin:monitoramento_atualizacao_fila"),
                    },
                )
            else:
                try:
                    services.publicar_relatos(atualizacoes=selecionados, validador=request.user)
                except services.RelatoBloqueado as erro:
                    messages.error(request, f"Nada foi publicado: {erro}")
                else:
                    messages.success(request, f"Relatos publicados: {len(selecionados)}.")
            return redirect("admin:monitoramento_atualizacao_fila")
        fila = Atualizacao.objects.na_fila()
        filtro = FiltroDaFila(request.GET or None, fila)
        relatos = list(filtro.filtrar(fila))
        anteriores = ultimas_publicadas(relatos)
        itens = [
            {
                "relato": relato,
                "proprio": relato.autor_id == request.user.pk,
                "anterior": anteriores.get((relato.atividade_id, relato.instituicao_id)),
            }
            for relato in relatos
        ]
        for item in itens:
            item["campos"] = campos_comparados(item["relato"], item["anterior"])
        return TemplateResponse(
            request,
            "admin/monitoramento/atualizacao/fila.html",
            {**self._contexto(request, "Fila de validação"), "itens": itens, "filtro": filtro},
        )

    def validar(self, request, pk: int):
        """One sent report: publish it, or return it with a required comment."""
        if not request.user.e_validador:
            return _sem_permissao(request)
        relato = get_object_or_404(Atualizacao.objects.na_fila(), pk=pk)
        form = DevolucaoForm()
        if request.method == "POST":
            acao = request.POST.get("acao")
            try:
                confirmado = request.POST.get("confirmado") == "1"
                if acao == "devolver":
                    form = DevolucaoForm(request.POST)
                    if form.is_valid() and not confirmado:
                        return self._confirmar(
                            request, relato, acao, form.cleaned_data["comentario"]
                        )
                    if form.is_valid():
                        services.devolver_relato(
                            atualizacao=relato,
                            validador=request.user,
                            comentario=form.cleaned_data["comentario"],
                        )
                        messages.success(request, f"Relato {relato} devolvido à instituição.")
                        return redirect("admin:monitoramento_atualizacao_fila")
                elif acao == "publicar" and not confirmado:
                    return self._confirmar(request, relato, acao)
                elif acao == "publicar":
                    services.publicar_relato(atualizacao=relato, validador=request.user)
                    messages.success(request, f"Relato {relato} publicado.")
                    return redirect("admin:monitoramento_atualizacao_fila")
            except services.RelatoBloqueado as erro:
                messages.error(request, str(erro))
            except ValidationError as erro:
                form.add_error(None, erro)
        anterior = ultimas_publicadas([relato]).get((relato.atividade_id, relato.instituicao_id))
        # A resubmission: the version CGETP returned, its comment, and what changed since.
        devolvida = (
            Atualizacao.objects.filter(pk=relato.substitui_id, estado=Atualizacao.Estado.DEVOLVIDA)
            .select_related("validador")
            .prefetch_related("evidencias")
            .first()
            if relato.substitui_id
            else None
        )
        return TemplateResponse(
            request,
            "admin/monitoramento/atualizacao/validar.html",
            {
                **self._contexto(request, f"Validar o relato {relato}"),
                "relato": relato,
                "anterior": anterior,
                "campos": campos_comparados(relato, anterior),
                "devolvida": devolvida,
                "campos_da_devolvida": campos_comparados(relato, devolvida) if devolvida else [],
                "proprio": relato.autor_id == request.user.pk,
                "form": form,
            },
        )

    def _confirmar(self, request, relato, acao: str, comentario: str = ""):
        """The step before publishing or returning one report: what will happen, and to what."""
        titulo = "Confirmar a publicação" if acao == "publicar" else "Confirmar a devolução"
        return TemplateResponse(
            request,
            "admin/monitoramento/atualizacao/confirmar.html",
            {
                **self._contexto(request, titulo),
                "acao": acao,
                "relatos": [relato],
                "comentario": comentario,
                "voltar": reverse("admin:monitoramento_atualizacao_validar", args=[relato.pk]),
            },
        )

    def corrigir(self, request, pk: int):
        """Record a CGETP correction of a published report as its next version;
        it goes to the queue, and someone else publishes it."""
        if not request.user.has_perm(PERMISSAO_CORRIGIR):
            return _sem_permissao(request)
        publicada = get_object_or_404(
            Atualizacao.objects.publicadas().select_related("atividade", "instituicao", "ciclo"),
            pk=pk,
        )
        form = CorrecaoForm(
            request.POST or None,
            instance=Atualizacao(
                situacao=publicada.situacao,
                percentual=publicada.percentual,
                realizado=publicada.realizado,
                restricoes=publicada.restricoes,
            ),
        )
        if request.method == "POST" and form.is_valid():
            dados = {campo: form.cleaned_data[campo] for campo in CorrecaoForm.Meta.fields}
            motivo = dados.pop("motivo_correcao")
            try:
                nova = services.corrigir_relato_publicado(
                    publicada=publicada, autor=request.user, dados=dados, motivo=motivo
                )
            except (services.RelatoBloqueado, services.ConflitoDeEdicao) as erro:
                form.add_error(None, str(erro) or "Já há outra versão deste relato em andamento.")
            except ValidationError as erro:
                form.add_error(None, erro)
            else:
                messages.success(
                    request, f"Correção registrada como {nova} e enviada à fila de validação."
                )
                return redirect("admin:monitoramento_atualizacao_fila")
        return TemplateResponse(
            request,
            "admin/monitoramento/atualizacao/corrigir.html",
            {
                **self._contexto(request, f"Corrigir o relato publicado {publicada}"),
                "relato": publicada,
                "form": form,
            },
        )


def _sem_permissao(request):
    messages.error(request, "Você não tem permissão para esta ação.")
    return redirect(reverse("admin:monitoramento_atualizacao_changelist"))


@admin.register(Evidencia)
class EvidenciaAdmin(SomenteLeitura, HistoricoAdmin):
    list_display = ["titulo", "tipo", "data", "atualizacao", link]
    list_select_related = [
        "atualizacao__atividade",
        "atualizacao__instituicao",
        "atualizacao__ciclo",
    ]
    list_filter = ["tipo"]
    search_fields = ["titulo"]


@admin.register(Lembrete)
class LembreteAdmin(SomenteLeitura, admin.ModelAdmin):
    list_display = ["ciclo", "instituicao", "etapa", "enviado_em"]
    list_filter = ["ciclo", "etapa"]
    list_select_related = ["ciclo", "instituicao"]


@admin.register(EvidenciaPendente)
class EvidenciaPendenteAdmin(SomenteLeitura, admin.ModelAdmin):
    """Files received with a report form that was refused or failed, kept for
    the report until a save uses them or limpar_evidencias_pendentes removes
    them. Read-only, and no download: a file becomes readable (through the
    permission-checked evidence view) once it is an evidence of a report."""

    list_display = [
        "nome_original",
        "atividade_codigo",
        "instituicao",
        "ciclo",
        "enviado_em",
        "tamanho",
        "removido_a_partir_de",
    ]
    list_filter = ["ciclo", "instituicao"]
    list_select_related = ["atividade", "instituicao", "ciclo"]
    search_fields = ["nome_original", "atividade__codigo", "instituicao__sigla"]
    ordering = ["-enviado_em"]
    # Never the file field itself: its link would bypass the permission check.
    fields = [
        "nome_original",
        "tipo_conteudo",
        "tamanho",
        "atividade",
        "instituicao",
        "ciclo",
        "enviado_por",
        "enviado_em",
        "removido_a_partir_de",
    ]
    readonly_fields = fields

    @admin.display(description="atividade", ordering="atividade__codigo")
    def atividade_codigo(self, pendente):
        return pendente.atividade.codigo

    @admin.display(description="tamanho")
    def tamanho(self, pendente):
        try:
            return filesizeformat(pendente.arquivo.size)
        except OSError:  # the file is gone (a restore without the media folder)
            return "arquivo ausente"

    @admin.display(description="removido a partir de")
    def removido_a_partir_de(self, pendente):
        """When limpar_evidencias_pendentes may remove it, if still unused."""
        prazo = pendente.enviado_em + timedelta(days=settings.EVIDENCIAS_PENDENTES_DIAS)
        return timezone.localtime(prazo).strftime("%d/%m/%Y %H:%M")
