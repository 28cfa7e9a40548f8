"""The plan as a spreadsheet, in the shape of the ministry's table.

One row per item (objective, action, activity), parents before children:
código, texto, código superior, responsáveis, parceiras (siglas separated by
";"), prazo and peso (activities only), and motivo: the reason for the
change, required when an activity's deadline moves, always exported empty. The code is the natural key: a row
whose code exists in the plan updates that item, any other creates one.
Import never deletes an item (the admin does, refusing items with reports).
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import tablib
from diff_match_patch import diff_match_patch
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import Diff
from import_export.results import RowResult

from comum.celulas import INICIOS_PERIGOSOS
from parceiros.models import Instituicao

from .models import Acao, Atividade, Objetivo, Plano, Vinculo, partes_do_codigo

CODIGO = "Código"
TEXTO = "Texto"
PAI = "Código superior"
RESPONSAVEIS = "Responsáveis"
PARCEIRAS = "Parceiras"
PRAZO = "Prazo"
PESO = "Peso"
# The reason for a change (required when a set deadline moves). Exported
# empty, so re-importing a file never reuses an old reason; optional on import.
MOTIVO = "Motivo"
COLUNAS = [CODIGO, TEXTO, PAI, RESPONSAVEIS, PARCEIRAS, PRAZO, PESO, MOTIVO]
OBRIGATORIAS = COLUNAS[:-1]
PAPEIS = {RESPONSAVEIS: Vinculo.Papel.RESPONSAVEL, PARCEIRAS: Vinculo.Papel.PARCEIRA}
SEPARADOR = ";"
NIVEIS = [Objetivo, Acao, Atividade]
MARCAS = {
    diff_match_patch.DIFF_DELETE: "del",
    diff_match_patch.DIFF_INSERT: "ins",
    diff_match_patch.DIFF_EQUAL: "span",
}
# Model field errors, reported under the column the person can fix.
COLUNA_DO_CAMPO = {"texto": TEXTO, "prazo": PRAZO, "peso": PESO}


def _texto(valor) -> str:
    """A cell as text, with the apostrophe of `neutralizar` removed, so an
    exported CSV imports back unchanged."""
    if valor is None:
        return ""
    valor = str(valor)
    if valor.startswith("'") and valor[1:].startswith(INICIOS_PERIGOSOS):
        return valor[1:]
    return valor


def _numero(peso: Decimal) -> int | float:
    return int(peso) if peso == int(peso) else float(peso)


class DiffDoPlano(Diff):
    """Differences in the spreadsheet's own columns."""

    def __init__(self, resource, instance, new):
        self.left = self._valores(resource, instance)
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        self.right = self._valores(resource, instance)

    def as_html(self) -> list[str]:
        """Removed text in <del>, added text in <ins>, without the inline
        styles of the stock diff (the CSP forbids them)."""
        dmp = diff_match_patch()
        celulas = []
        for antes, depois in zip(self.left, self.right, strict=True):
            partes = dmp.diff_main("" if self.new else antes, depois)
            dmp.diff_cleanupSemantic(partes)
            celulas.append(
                format_html_join(
                    "", "<{0}>{1}</{0}>", ((MARCAS[op], texto) for op, texto in partes)
                )
            )
        return celulas

    @staticmethod
    def _valores(resource, instance) -> list[str]:
        if instance is None:
            return [""] * len(COLUNAS)
        return ["" if v is None else str(v) for v in resource.valores(instance)]


class PlanoResource(resources.Resource):
    """Import and export of one plan's items (see the module docstring).

    Takes `plano` as a keyword argument. Any error in any row is reported
    with its spreadsheet line and column, and the admin imports nothing."""

    codigo = Field(attribute="codigo", column_name=CODIGO)
    texto = Field(attribute="texto", column_name=TEXTO)
    codigo_pai = Field(column_name=PAI)
    responsaveis = Field(column_name=RESPONSAVEIS)
    parceiras = Field(column_name=PARCEIRAS)
    prazo = Field(attribute="prazo", column_name=PRAZO)
    peso = Field(attribute="peso", column_name=PESO)
    motivo = Field(column_name=MOTIVO)

    class Meta:
        import_id_fields = ["codigo"]
        # Items are found by get_or_init_instance, per level.
        instance_loader_class = BaseInstanceLoader
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, plano: Plano | None = None, **kwargs):
        super().__init__(**kwargs)
        self.plano = plano

    @classmethod
    def get_display_name(cls):
        return "Plano (objetivos, ações e atividades)"

    @classmethod
    def get_diff_class(cls):
        return DiffDoPlano

    def get_diff_headers(self):
        return COLUNAS

    def get_db_connection_name(self):
        return "default"

    # Export -----------------------------------------------------------------

    def itens(self) -> list:
        """Every item of the plan in code order, parents first (4 queries:
        objectives, actions, activities, their links). The links go in a
        list, which the preview's copy of each row's item keeps (a copied
        prefetch would be read again)."""
        atividades = {}
        for atividade in Atividade.objects.filter(
            acao__objetivo__plano=self.plano
        ).prefetch_related(Prefetch("vinculos", to_attr="vinculos_salvos")):
            atividades.setdefault(atividade.acao_id, []).append(atividade)
        acoes = {}
        for acao in Acao.objects.filter(objetivo__plano=self.plano).em_ordem():
            acoes.setdefault(acao.objetivo_id, []).append(acao)
        itens = []
        for objetivo in Objetivo.objects.filter(plano=self.plano).order_by("numero"):
            itens.append(objetivo)
            for acao in acoes.get(objetivo.pk, []):
                acao.objetivo = objetivo
                itens.append(acao)
                filhas = sorted(atividades.get(acao.pk, []), key=lambda a: a.numero)
                for atividade in filhas:
                    atividade.acao = acao
                    itens.append(atividade)
        return itens

    def valores(self, item) -> list:
        """The row of one item, as exported and as compared by the preview.
        An item being imported carries the links it is about to get."""
        pai = item.pai
        linha = [item.codigo, item.texto, pai.codigo if pai else ""]
        if not isinstance(item, Atividade):
            return [*linha, "", "", None, None, ""]
        vinculos = getattr(item, "_vinculos_novos", None)
        if vinculos is None:
            existentes = sorted(item.vinculos_salvos, key=lambda v: v.pk) if item.pk else []
            vinculos = [(self.siglas[v.instituicao_id], v.papel) for v in existentes]
        for papel in PAPEIS.values():
            linha.append(f"{SEPARADOR} ".join(s for s, p in vinculos if p == papel))
        return [*linha, item.prazo, _numero(item.peso), ""]

    @cached_property
    def siglas(self) -> dict[int, str]:
        return dict(Instituicao.objects.values_list("pk", "sigla"))

    def export(self, queryset=None, **kwargs):
        dataset = tablib.Dataset(headers=COLUNAS)
        for item in self.itens():
            dataset.append(self.valores(item))
        return dataset

    # Import -----------------------------------------------------------------

    def import_data(self, dataset, **kwargs):
        faltando = [c for c in OBRIGATORIAS if c not in (dataset.headers or [])]
        if faltando:
            result = self.get_result_class()()
            result.append_base_error(
                self.get_error_result_class()(
                    ValueError("Faltam colunas na planilha: " + ", ".join(faltando) + ".")
                )
            )
            return result
        # Spreadsheets often end in formatted but empty rows.
        while len(dataset) and not any(_texto(valor).strip() for valor in dataset[-1]):
            del dataset[-1]
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        self.instituicoes = {i.sigla.casefold(): i for i in Instituicao.objects.all()}
        self.por_sigla = {i.sigla: i for i in self.instituicoes.values()}
        # The plan's items by level and code, read once per import (rows look
        # up their item and its parent here); rows that save join them.
        self.existentes = {(type(item), item.codigo): item for item in self.itens()}
        self.vistos = {}

    def before_import_row(self, row, **kwargs):
        # Line 1 holds the headers.
        self.linha = kwargs["row_number"] + 1

    def erro(self, coluna: str, mensagem: str) -> ValidationError:
        return ValidationError({coluna: f"Linha {self.linha}, coluna “{coluna}”: {mensagem}"})

    def get_or_init_instance(self, instance_loader, row):
        valor = row.get(CODIGO)
        if isinstance(valor, float):
            raise self.erro(
                CODIGO,
                f"o código {valor} está como número; formate a coluna como texto "
                "(como número, 1.10 e 1.1 seriam iguais).",
            )
        bruto = _texto(valor).strip()
        if not bruto:
            raise self.erro(CODIGO, "o código está em branco.")
        partes = partes_do_codigo(bruto)
        if partes is None:
            raise self.erro(CODIGO, f"“{bruto}” não é um código do plano (como 1, 1.2 ou 1.2.3).")
        codigo = ".".join(str(p) for p in partes)
        if codigo in self.vistos:
            raise self.erro(CODIGO, f"o código {codigo} já aparece na linha {self.vistos[codigo]}.")
        self.vistos[codigo] = self.linha
        modelo = NIVEIS[len(partes) - 1]
        existente = self.existentes.get((modelo, codigo))
        if existente is not None:
            return existente, False
        return modelo(codigo=codigo, numero=partes[-1]), True

    def import_instance(self, instance, row, **kwargs):
        instance._motivo_da_linha = _texto(row.get(MOTIVO)).strip()
        passos = [self._importar_texto, self._importar_pai]
        if isinstance(instance, Atividade):
            passos += [self._importar_vinculos, self._importar_prazo, self._importar_peso]
        else:
            passos.append(self._recusar_colunas_de_atividade)
        erros = {}
        for passo in passos:
            try:
                passo(instance, row)
            except ValidationError as e:
                erros.update(e.message_dict)
        if erros:
            raise ValidationError(erros)

    def _recusar_colunas_de_atividade(self, instance, row):
        for coluna in OBRIGATORIAS[3:]:
            if _texto(row.get(coluna)).strip():
                raise self.erro(coluna, "só atividades têm instituições, prazo e peso.")

    def _importar_texto(self, instance, row):
        texto = _texto(row.get(TEXTO))
        if not texto.strip():
            raise self.erro(TEXTO, "o texto não pode ficar em branco.")
        instance.texto = texto

    def _importar_pai(self, instance, row):
        esperado = instance.codigo.rpartition(".")[0]
        informado = _texto(row.get(PAI)).strip()
        if informado != esperado:
            raise self.erro(
                PAI,
                f"o item {instance.codigo} pertence a "
                + (f"{esperado}" if esperado else "nenhum item (é um objetivo)")
                + f", não a “{informado}”.",
            )
        if isinstance(instance, Objetivo):
            instance.plano = self.plano
            return
        modelo = NIVEIS[instance.codigo.count(".") - 1]
        pai = self.existentes.get((modelo, esperado))
        if pai is None:
            raise self.erro(
                PAI, f"o item {esperado} não existe no plano nem em linha anterior da planilha."
            )
        setattr(instance, "objetivo" if modelo is Objetivo else "acao", pai)

    def _importar_vinculos(self, instance, row):
        vinculos = []
        erros = {}
        for coluna, papel in PAPEIS.items():
            siglas = [s.strip() for s in _texto(row.get(coluna)).split(SEPARADOR) if s.strip()]
            desconhecidas = [s for s in siglas if s.casefold() not in self.instituicoes]
            if desconhecidas:
                erros.update(
                    self.erro(
                        coluna, "instituição desconhecida: " + ", ".join(desconhecidas) + "."
                    ).message_dict
                )
            vinculos += [
                (self.instituicoes[s.casefold()].sigla, papel)
                for s in siglas
                if s.casefold() in self.instituicoes
            ]
        repetidas = sorted({s for s, _ in vinculos if [x for x, _ in vinculos].count(s) > 1})
        if repetidas and not erros:
            erros.update(
                self.erro(
                    PARCEIRAS, "instituição listada mais de uma vez: " + ", ".join(repetidas) + "."
                ).message_dict
            )
        if erros:
            raise ValidationError(erros)
        instance._vinculos_novos = vinculos

    def _importar_prazo(self, instance, row):
        anterior = instance.prazo if instance.pk else None
        self._ler_prazo(instance, row)
        if anterior is not None and instance.prazo != anterior and not instance._motivo_da_linha:
            novo = f"{instance.prazo:%d/%m/%Y}" if instance.prazo else "sem prazo"
            raise self.erro(
                MOTIVO,
                f"o prazo muda de {anterior:%d/%m/%Y} para {novo}: informe o motivo "
                "(ele será publicado na lista de alterações do plano).",
            )

    def _ler_prazo(self, instance, row):
        valor = row.get(PRAZO)
        if isinstance(valor, datetime):
            instance.prazo = valor.date()
            return
        if isinstance(valor, date):
            instance.prazo = valor
            return
        texto = _texto(valor).strip()
        if not texto:
            instance.prazo = None
            return
        for ler in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
            try:
                instance.prazo = ler(texto)
                return
            except ValueError:
                continue
        raise self.erro(PRAZO, f"“{texto}” não é uma data (use 31/12/2026 ou 2026-12-31).")

    def _importar_peso(self, instance, row):
        texto = _texto(row.get(PESO)).strip().replace(",", ".")
        if not texto:
            instance.peso = Decimal(1)
            return
        try:
            peso = Decimal(texto)
        except InvalidOperation:
            peso = None
        if peso is None or not peso.is_finite() or peso <= 0 or peso >= 1000:
            raise self.erro(PESO, f"“{texto}” não é um peso válido (um número maior que zero).")
        instance.peso = peso.quantize(Decimal("0.01"))

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        try:
            instance.full_clean()
        except ValidationError as e:
            erros = {}
            for campo, mensagens in e.message_dict.items():
                coluna = COLUNA_DO_CAMPO.get(campo, CODIGO)
                erros.update(self.erro(coluna, " ".join(mensagens)).message_dict)
            raise ValidationError(erros) from None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged: same values, and the same links whatever their order."""
        if import_validation_errors or original is None or instance.pk is None:
            return False

        def comparavel(item):
            valores = self.valores(item)
            for i in (3, 4):
                valores[i] = set(valores[i].split(f"{SEPARADOR} "))
            return valores

        return comparavel(instance) == comparavel(original)

    def before_save_instance(self, instance, row, **kwargs):
        self._marcar(instance, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        # A later row may name this item as its parent.
        self.existentes[type(instance), instance.codigo] = instance

    def _marcar(self, objeto, **kwargs):
        """History records who imported and from which file."""
        if kwargs.get("user") is not None:
            objeto._history_user = kwargs["user"]
        motivo = getattr(objeto, "_motivo_da_linha", "")
        objeto._change_reason = (
            motivo or f"Importação da planilha {kwargs.get('file_name') or ''}".strip()
        )

    def save_m2m(self, instance, row, **kwargs):
        """Make the activity's links exactly those of the row."""
        if not isinstance(instance, Atividade):
            return
        desejados = dict(instance._vinculos_novos)
        for vinculo in instance.vinculos.select_related("instituicao"):
            papel = desejados.pop(vinculo.instituicao.sigla, None)
            if papel is None:
                self._marcar(vinculo, **kwargs)
                vinculo.delete()
            elif papel != vinculo.papel:
                vinculo.papel = papel
                self._marcar(vinculo, **kwargs)
                vinculo.save()
        for sigla, papel in desejados.items():
            vinculo = Vinculo(atividade=instance, instituicao=self.por_sigla[sigla], papel=papel)
            self._marcar(vinculo, **kwargs)
            vinculo.save()


def contar(result) -> dict[str, int]:
    """New, changed and unchanged rows of an import result."""
    return {
        "novos": result.totals[RowResult.IMPORT_TYPE_NEW],
        "alterados": result.totals[RowResult.IMPORT_TYPE_UPDATE],
        "inalterados": result.totals[RowResult.IMPORT_TYPE_SKIP],
    }
