"""The filters of the plan table (/plano/), reused by its downloads and API.

`AtividadeFilter(request.GET, queryset=Atividade.objects.para_plano()...)`.qs
is the filtered activities, in the queryset's (code) order."""

import re
import unicodedata
from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.text import Truncator

from parceiros.models import Instituicao

from .indicadores import ATRASADA, PODEM_ATRASAR, SITUACOES_EXIBIDAS
from .models import Acao, Atividade, partes_do_codigo

# Accented Latin-1 letters and their base letter ("Ç" -> "c").
ACENTOS = {
    letra: unicodedata.normalize("NFKD", letra)[0].lower()
    for letra in map(chr, range(0xC0, 0x100))
    if unicodedata.normalize("NFKD", letra)[0].isascii()
    and unicodedata.normalize("NFKD", letra) != letra
}
_TABELA = str.maketrans(ACENTOS)
# Every way a base letter may be written: "c" -> "cCçÇ".
_VARIANTES: dict[str, str] = {}
for _letra, _base in ACENTOS.items():
    _VARIANTES.setdefault(_base, _base + _base.upper())
    _VARIANTES[_base] += _letra


PRAZO_VENCIDO, PRAZO_A_VENCER, SEM_PRAZO = "vencido", "a_vencer", "sem_prazo"
PRAZOS = [
    (PRAZO_VENCIDO, "Prazo vencido"),
    (PRAZO_A_VENCER, "Vence nos próximos 12 meses"),
    (SEM_PRAZO, "Sem prazo definido"),
]


def dobrar(texto: str) -> str:
    """Lower case without accents: "Regularização" -> "regularizacao"."""
    return texto.translate(_TABELA).lower()


def padrao_sem_acentos(palavra: str) -> str:
    """A regular expression that finds the word however it is accented or
    capitalised: "acao" -> "[aAáÁ…][cCçÇ][aAáÁ…][oOóÓ…]". Plain character
    classes, so it means the same to PostgreSQL and to SQLite (where Django
    runs REGEXP with Python's re), whatever the database's locale."""
    partes = []
    for letra in dobrar(palavra):
        if letra in _VARIANTES:
            partes.append(f"[{_VARIANTES[letra]}]")
        elif letra.isascii() and letra.isalpha():
            partes.append(f"[{letra}{letra.upper()}]")
        else:
            partes.append(re.escape(letra))
    return "".join(partes)


def _rotulo(item, largura: int = 90) -> str:
    return f"{item.codigo} – {Truncator(' '.join(item.texto.split())).chars(largura)}"


class AtividadeFilter(django_filters.FilterSet):
    """Objective, action, situação (with the derived "atrasada"), institution,
    deadline, and an accent- and case-insensitive search over codes and texts.

    Pass `acoes` (from `Acao.objects.estrutura()`) and `instituicoes` to offer
    choices without a query; otherwise they are read when first needed."""

    busca = django_filters.CharFilter(
        label="Buscar por código ou texto",
        method="buscar",
        widget=forms.SearchInput(attrs={"id": "busca", "autocomplete": "off"}),
    )
    objetivo = django_filters.ChoiceFilter(
        label="Objetivo específico", field_name="acao__objetivo__codigo", empty_label="Todos"
    )
    acao = django_filters.ChoiceFilter(
        label="Ação prioritária", field_name="acao__codigo", empty_label="Todas"
    )
    situacao = django_filters.ChoiceFilter(
        label="Situação", choices=SITUACOES_EXIBIDAS, method="filtrar_situacao", empty_label="Todas"
    )
    instituicao = django_filters.ChoiceFilter(
        label="Instituição parceira",
        field_name="vinculos__instituicao__slug",
        empty_label="Todas",
    )
    prazo = django_filters.ChoiceFilter(
        label="Prazo", choices=PRAZOS, method="filtrar_prazo", empty_label="Qualquer prazo"
    )

    class Meta:
        model = Atividade
        fields = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        request=None,
        prefix=None,
        acoes=None,
        instituicoes=None,
        hoje: date | None = None,
    ):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.hoje = hoje or timezone.localdate()
        self._acoes = acoes
        self._instituicoes = instituicoes
        # Plain functions: the form deep-copies its fields, and a bound method
        # would drag this filter set along.
        self.filters["objetivo"].extra["choices"] = lambda: self._opcoes_de_objetivo()
        self.filters["acao"].extra["choices"] = lambda: self._opcoes_de_acao()
        self.filters["instituicao"].extra["choices"] = lambda: self._opcoes_de_instituicao()

    def _lista_de_acoes(self) -> list[Acao]:
        if self._acoes is None:
            self._acoes = list(
                Acao.objects.em_ordem()
                .select_related("objetivo")
                .filter(objetivo__plano__in=self.queryset.values("acao__objetivo__plano"))
            )
        return self._acoes

    def _opcoes_de_objetivo(self):
        objetivos = dict.fromkeys(acao.objetivo for acao in self._lista_de_acoes())
        return [(o.codigo, _rotulo(o)) for o in objetivos]

    def _opcoes_de_acao(self):
        grupos: dict = {}
        for acao in self._lista_de_acoes():
            grupos.setdefault(f"Objetivo {acao.objetivo.codigo}", []).append(
                (acao.codigo, _rotulo(acao))
            )
        return list(grupos.items())

    def _opcoes_de_instituicao(self):
        if self._instituicoes is None:
            self._instituicoes = list(
                Instituicao.objects.filter(vinculos__atividade__in=self.queryset.values("pk"))
                .distinct()
                .order_by("sigla")
            )
        return [(i.slug, i.sigla) for i in self._instituicoes]

    def filtrar_situacao(self, queryset, name, value):
        vencida = Q(prazo__lt=self.hoje, situacao__in=PODEM_ATRASAR)
        if value == ATRASADA:
            return queryset.filter(vencida)
        # What the table shows: an overdue activity is "atrasada", not "em andamento".
        return queryset.filter(situacao=value).exclude(vencida)

    def filtrar_prazo(self, queryset, name, value):
        if value == PRAZO_VENCIDO:
            return queryset.filter(prazo__lt=self.hoje)
        if value == PRAZO_A_VENCER:
            return queryset.filter(prazo__gte=self.hoje, prazo__lte=self.hoje + timedelta(days=365))
        return queryset.filter(prazo__isnull=True)

    def buscar(self, queryset, name, value):
        """A code ("2.3") finds that item and everything under it; words find
        activities whose code or text, or whose action's or objective's text,
        contains every one of them, ignoring accents and case."""
        termo = value.strip().strip(".")
        if partes_do_codigo(termo) is not None:
            return queryset.filter(Q(codigo=termo) | Q(codigo__startswith=f"{termo}."))
        palavras = value.split()
        if not palavras:
            return queryset
        queryset = queryset.alias(
            _texto_da_busca=Concat(
                F("codigo"),
                Value(" "),
                F("texto"),
                Value(" "),
                F("acao__texto"),
                Value(" "),
                F("acao__objetivo__texto"),
                output_field=TextField(),
            )
        )
        for palavra in palavras:
            queryset = queryset.filter(_texto_da_busca__regex=padrao_sem_acentos(palavra))
        return queryset
