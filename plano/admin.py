"""CGETP's admin for the plan: items with their links, the spreadsheet import
and export, and the history of every change."""

import hashlib
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from comum.admin import ComAutocompleteSeguro, HistoricoAdmin, SomenteLeitura

from .formatos import CSVSeguro, XLSXSeguro
from .importacao import TAMANHO_MAXIMO, verificar_planilha
from .indicadores import ROTULOS, situacao_exibida
from .models import Acao, Atividade, ImportacaoDoPlano, Objetivo, Plano, Vinculo
from .resources import PlanoResource, contar

# Items -----------------------------------------------------------------------


class ItemDoPlanoForm(forms.ModelForm):
    """The code follows from the parent's code and the number. A saved item
    keeps its number and parent: the codes below it, the links and the
    reports all hang on them."""

    campo_pai: str | None = None

    def clean(self):
        dados = super().clean()
        if self.instance.pk:
            fixos = ["numero", self.campo_pai or "plano"]
            mudou = [c for c in fixos if c in self.changed_data]
            if mudou:
                # Keep the saved values, so the model's own checks see a
                # consistent item while the form reports the error.
                dados.update({campo: getattr(self.instance, campo) for campo in mudou})
                raise ValidationError(
                    "O número e o item superior de um item já cadastrado não mudam "
                    "(os códigos abaixo dele dependem deles). Cadastre um item novo."
                )
            return dados
        numero = dados.get("numero")
        pai = dados.get(self.campo_pai) if self.campo_pai else None
        if pai is None and self.campo_pai and getattr(self.instance, f"{self.campo_pai}_id"):
            pai = getattr(self.instance, self.campo_pai)
        if numero:
            self.instance.codigo = f"{pai.codigo}.{numero}" if pai else str(numero)
        return dados


class ObjetivoForm(ItemDoPlanoForm):
    campo_pai = None


class AcaoForm(ItemDoPlanoForm):
    campo_pai = "objetivo"


class AtividadeForm(ItemDoPlanoForm):
    """A changed deadline needs its reason, which the public change log shows
    (plano.historico). Setting a first deadline is not a change."""

    campo_pai = "acao"
    motivo = forms.CharField(
        label="Motivo da alteração",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obrigatório ao mudar um prazo já definido; publicado na lista de "
        "alterações do plano, em nome da CGETP.",
    )

    def clean(self):
        dados = super().clean()
        motivo = (dados.get("motivo") or "").strip()
        if (
            self.instance.pk
            and "prazo" in self.changed_data
            and self.initial.get("prazo") is not None
            and not motivo
        ):
            self.add_error("motivo", "Informe o motivo da mudança de prazo: ele será publicado.")
        if motivo:
            self.instance._change_reason = motivo
        return dados


class AcaoInline(admin.TabularInline):
    model = Acao
    form = AcaoForm
    fields = ["numero", "codigo", "texto"]
    readonly_fields = ["codigo"]
    extra = 0
    show_change_link = True


class AtividadeInline(admin.TabularInline):
    model = Atividade
    form = AtividadeForm
    fields = ["numero", "codigo", "texto", "prazo", "peso", "motivo"]
    readonly_fields = ["codigo"]
    extra = 0
    show_change_link = True


class VinculoInline(ComAutocompleteSeguro, admin.TabularInline):
    model = Vinculo
    fields = ["instituicao", "papel"]
    autocomplete_fields = ["instituicao"]
    extra = 0


def ordem_numerica(niveis: list[str]):
    """One sortable number for a code column (up to 999 items per level), as
    the admin sorts a column by a single expression."""
    ordem = F(niveis[0])
    for nivel in niveis[1:]:
        ordem = ordem * 1000 + F(nivel)
    return ordem


def _resumo(texto: str) -> str:
    return texto if len(texto) <= 120 else texto[:117].rstrip() + "…"


class ItemDoPlanoAdmin(HistoricoAdmin):
    """Items listed and sorted by code as numbers (1.9 before 1.10)."""

    # The plan, then the number of each level down to the item's own.
    niveis_do_codigo: list[str]
    readonly_fields = ["codigo"]
    search_fields = ["codigo", "texto"]
    search_help_text = "Busca no código e no texto."
    list_per_page = 50

    def get_ordering(self, request):
        return self.niveis_do_codigo

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ordem=ordem_numerica(self.niveis_do_codigo))

    def get_deleted_objects(self, objs, request):
        # An item with reports can never be deleted (PROTECT): say so by listing
        # the reports, rather than "you lack permission to delete atualizações".
        apagados, contagem, permissoes, protegidos = super().get_deleted_objects(objs, request)
        return apagados, contagem, set() if protegidos else permissoes, protegidos

    @admin.display(description="código", ordering="ordem")
    def codigo_em_ordem(self, obj) -> str:
        return obj.codigo

    @admin.display(description="texto")
    def resumo(self, obj) -> str:
        return _resumo(obj.texto)


@admin.register(Objetivo)
class ObjetivoAdmin(ItemDoPlanoAdmin):
    form = ObjetivoForm
    fields = ["plano", "numero", "codigo", "texto", "descricao"]
    list_display = ["codigo_em_ordem", "resumo", "plano", "total_de_acoes"]
    list_filter = ["plano"]
    list_select_related = ["plano"]
    niveis_do_codigo = ["plano_id", "numero"]
    autocomplete_fields = ["plano"]
    inlines = [AcaoInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total_acoes=Count("acoes"))

    @admin.display(description="ações", ordering="total_acoes")
    def total_de_acoes(self, obj) -> int:
        return obj.total_acoes


@admin.register(Acao)
class AcaoAdmin(ItemDoPlanoAdmin):
    form = AcaoForm
    fields = ["objetivo", "numero", "codigo", "texto"]
    list_display = ["codigo_em_ordem", "resumo", "total_de_atividades"]
    list_filter = ["objetivo__plano", "objetivo"]
    autocomplete_fields = ["objetivo"]
    niveis_do_codigo = ["objetivo__plano_id", "objetivo__numero", "numero"]
    inlines = [AtividadeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total_atividades=Count("atividades"))

    @admin.display(description="atividades", ordering="total_atividades")
    def total_de_atividades(self, obj) -> int:
        return obj.total_atividades


class PrazoFilter(admin.SimpleListFilter):
    """Deadlines as staff think of them, instead of Django's generic dates."""

    title = "prazo"
    parameter_name = "prazo"

    def lookups(self, request, model_admin):
        return [
            ("vencidas", "Vencidas"),
            ("30", "Vencem em 30 dias"),
            ("90", "Vencem em 90 dias"),
            ("sem", "Sem prazo"),
        ]

    def queryset(self, request, queryset):
        hoje = timezone.localdate()
        valor = self.value()
        if valor == "vencidas":
            return queryset.filter(prazo__lt=hoje)
        if valor in ("30", "90"):
            return queryset.filter(prazo__gte=hoje, prazo__lte=hoje + timedelta(days=int(valor)))
        if valor == "sem":
            return queryset.filter(prazo__isnull=True)
        return queryset


@admin.register(Atividade)
class AtividadeAdmin(ItemDoPlanoAdmin):
    form = AtividadeForm
    fields = [
        "acao",
        "numero",
        "codigo",
        "texto",
        "prazo",
        "motivo",
        "peso",
        "links",
        "situacao",
        "percentual",
        "atualizado_em",
    ]
    readonly_fields = ["codigo", "situacao", "percentual", "atualizado_em"]
    list_display = [
        "codigo_em_ordem",
        "resumo",
        "lista_de_instituicoes",
        "situacao",
        "percentual_executado",
        "atualizado_em",
        "prazo",
        "situacao_publica",
    ]
    list_filter = [
        "acao__objetivo__plano",
        "situacao",
        ("vinculos__instituicao", admin.RelatedOnlyFieldListFilter),
        PrazoFilter,
    ]
    search_fields = ["codigo", "texto", "vinculos__instituicao__sigla"]
    search_help_text = "Busca no código, no texto e na sigla das instituições."
    autocomplete_fields = ["acao"]
    niveis_do_codigo = [
        "acao__objetivo__plano_id",
        "acao__objetivo__numero",
        "acao__numero",
        "numero",
    ]
    inlines = [VinculoInline]

    def get_queryset(self, request):
        return super().get_queryset(request).com_vinculos()

    @admin.display(description="instituições")
    def lista_de_instituicoes(self, obj) -> str:
        siglas = [
            v.instituicao.sigla + (" (responsável)" if v.papel == Vinculo.Papel.RESPONSAVEL else "")
            for v in obj.vinculos.all()
        ]
        return "; ".join(siglas) or "a definir"

    @admin.display(description="no painel")
    def situacao_publica(self, obj) -> str:
        """The situação the public site shows today, "Atrasada" included."""
        return ROTULOS[situacao_exibida(obj.situacao, obj.prazo, timezone.localdate())]

    @admin.display(description="% executado", ordering="percentual")
    def percentual_executado(self, obj) -> str:
        return "—" if obj.percentual is None else f"{obj.percentual} %"


@admin.register(Vinculo)
class VinculoAdmin(HistoricoAdmin):
    list_display = ["atividade_codigo", "instituicao", "papel"]
    list_filter = ["papel", ("instituicao", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["atividade", "instituicao"]
    search_fields = ["atividade__codigo", "instituicao__sigla", "instituicao__nome"]
    search_help_text = "Busca no código da atividade e na sigla ou nome da instituição."
    autocomplete_fields = ["atividade", "instituicao"]
    niveis_da_atividade = [f"atividade__{nivel}" for nivel in AtividadeAdmin.niveis_do_codigo]
    ordering = [*niveis_da_atividade, "instituicao__sigla"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(ordem=ordem_numerica(self.niveis_da_atividade))
        )

    @admin.display(description="atividade", ordering="ordem")
    def atividade_codigo(self, obj) -> str:
        return f"{obj.atividade.codigo} {_resumo(obj.atividade.texto)}"


# The plan, its spreadsheets and the import log --------------------------------


class ComPlano(forms.Form):
    plano = forms.ModelChoiceField(Plano.objects.all(), label="Plano")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        planos = list(self.fields["plano"].queryset[:2])
        if len(planos) == 1:
            self.initial.setdefault("plano", planos[0].pk)


class ImportarPlanoForm(ImportForm, ComPlano):
    """The upload step; refuses hostile files before anything parses them."""

    field_order = ["resource", "plano", "import_file", "format"]

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formatos = formats
        self.fields["import_file"].label = "Planilha"
        self.fields["import_file"].help_text = (
            f"XLSX ou CSV (UTF-8), até {TAMANHO_MAXIMO // (1024 * 1024)} MB, "
            "com as colunas da exportação."
        )

    def clean(self):
        dados = super().clean()
        arquivo = dados.get("import_file")
        formato = dados.get("format")
        if arquivo is None or formato in (None, ""):
            return dados
        # Refused before it is even read into memory.
        if arquivo.size > TAMANHO_MAXIMO:
            self.add_error("import_file", f"O arquivo passa de {TAMANHO_MAXIMO // 2**20} MB.")
            return dados
        conteudo = arquivo.read()
        arquivo.seek(0)
        try:
            verificar_planilha(conteudo, self.formatos[int(formato)]().get_extension())
        except ValidationError as erro:
            self.add_error("import_file", erro)
        return dados


class ConfirmarImportacaoForm(ConfirmImportForm):
    plano = forms.ModelChoiceField(Plano.objects.all(), widget=forms.HiddenInput)


class ExportarPlanoForm(ExportForm, ComPlano):
    field_order = ["resource", "plano", "format"]


@admin.register(Plano)
class PlanoAdmin(ImportExportMixin, HistoricoAdmin):
    list_display = ["sigla", "nome", "ano_inicio", "ano_fim", "publicado_em"]
    search_fields = ["sigla", "nome"]
    prepopulated_fields = {"slug": ["sigla"]}

    resource_classes = [PlanoResource]
    import_formats = [base_formats.XLSX, CSVSeguro]
    export_formats = [XLSXSeguro, CSVSeguro]
    import_form_class = ImportarPlanoForm
    confirm_form_class = ConfirmarImportacaoForm
    export_form_class = ExportarPlanoForm
    import_template_name = "admin/plano/plano/importar.html"
    from_encoding = "utf-8-sig"
    # A BOM, so Excel reads the accents of a CSV right.
    to_encoding = "utf-8-sig"
    skip_admin_log = True

    def get_import_resource_kwargs(self, request, *args, **kwargs):
        form = kwargs.get("form")
        return {"plano": getattr(form, "cleaned_data", {}).get("plano")}

    def get_export_resource_kwargs(self, request, *args, **kwargs):
        form = kwargs.get("export_form")
        return {"plano": getattr(form, "cleaned_data", {}).get("plano")}

    def get_import_data_kwargs(self, **kwargs):
        # Any invalid row rolls the whole import back.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def get_confirm_form_initial(self, request, import_form):
        inicial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            inicial["plano"] = import_form.cleaned_data["plano"].pk
        return inicial

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Import the file previewed, checked again, in one transaction, and
        log it; if anything changed since the preview and a row fails,
        nothing is imported."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return super().process_import(request, **kwargs)
        url_importar = reverse("admin:plano_plano_import")
        formato = self.get_import_formats()[int(form.cleaned_data["format"])](
            encoding=self.from_encoding
        )
        armazenamento = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"], read_mode="rb"
        )
        try:
            conteudo = armazenamento.read()
            armazenamento.remove()
        except FileNotFoundError:
            messages.error(
                request, "A prévia expirou ou já foi importada; envie a planilha de novo."
            )
            return redirect(url_importar)
        try:
            verificar_planilha(conteudo, formato.get_extension())
        except ValidationError as erro:
            messages.error(request, erro.messages[0])
            return redirect(url_importar)
        with transaction.atomic():
            result = self.process_dataset(formato.create_dataset(conteudo), form, request, **kwargs)
            if result.has_errors() or result.has_validation_errors():
                messages.error(
                    request,
                    "Nada foi importado: a planilha tem erros diante do plano atual "
                    "(ele pode ter mudado desde a prévia). Envie a planilha de novo para ver quais.",
                )
                return redirect(url_importar)
            ImportacaoDoPlano.objects.create(
                plano=form.cleaned_data["plano"],
                usuario=request.user,
                arquivo=form.cleaned_data["original_file_name"][:255],
                sha256=hashlib.sha256(conteudo).hexdigest(),
                **contar(result),
            )
        return self.process_result(result, request)

    def add_success_message(self, result, request):
        totais = contar(result)
        messages.success(
            request,
            f"Planilha importada: {totais['novos']} itens novos, {totais['alterados']} "
            f"alterados e {totais['inalterados']} sem alteração.",
        )


@admin.register(ImportacaoDoPlano)
class ImportacaoDoPlanoAdmin(SomenteLeitura, admin.ModelAdmin):
    """The import log: read only, for everyone."""

    list_display = [
        "criado_em",
        "usuario",
        "plano",
        "arquivo",
        "sha256",
        "novos",
        "alterados",
        "inalterados",
    ]
    list_filter = ["plano"]
    list_select_related = ["usuario", "plano"]
    search_fields = ["arquivo", "sha256", "usuario__username"]
