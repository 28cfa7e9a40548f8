"""The filters of the plan table (/plano/), reused by its downloads and API.

`AtividadeFilter(request.GET, queryset=Atividade.objects.para_plano()...)`.qs
is the filtered activities, in the queryset's (code) order."""

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache, reduce
from html import escape
from operator import and_, or_

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_filters.fields import ChoiceField as CampoDeEscolha

from parceiros.models import Instituicao

from . import busca_textual
from .indicadores import ATRASADA, PODEM_ATRASAR, SITUACOES_EXIBIDAS
from .models import Acao, Atividade, Objetivo, Vinculo, partes_do_codigo

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
    """ "1.1 – text…", cut to `largura` characters (plain slicing: Django's
    Truncator costs 0.1 ms a label, and a plan 100 times larger has 3,200)."""
    texto = " ".join(item.texto.split())
    if len(texto) > largura:
        texto = texto[: largura - 1] + "…"
    return f"{item.codigo} – {texto}"


def _opcao(chave, rotulo) -> str:
    chave = "" if chave is None else str(chave)
    return f'<option value="{escape(chave)}">{escape(str(rotulo))}</option>'


@lru_cache(maxsize=64)
def _html_das_opcoes(escolhas: tuple) -> str:
    """The <option>s (and <optgroup>s) of `escolhas`, none selected: the
    choices change only with the plan, while a plan 100 times larger offers
    2,800 actions on every visit to /plano/."""
    partes = []
    for chave, rotulo in escolhas:
        if isinstance(rotulo, tuple):
            partes.append(f'<optgroup label="{escape(str(chave))}">')
            partes.extend(_opcao(c, r) for c, r in rotulo)
            partes.append("</optgroup>")
        else:
            partes.append(_opcao(chave, rotulo))
    return "\n".join(partes)


class SelecaoRapida(forms.Select):
    """A <select> with the markup of Django's, built in Python (the template
    Django renders for each option costs about half a millisecond) and its
    options kept once built (_html_das_opcoes)."""

    def render(self, name, value, attrs=None, renderer=None):
        atributos = self.build_attrs(self.attrs, attrs)
        atributos["name"] = name
        escolhas = tuple(
            (chave, tuple(map(tuple, rotulo)) if isinstance(rotulo, list | tuple) else rotulo)
            for chave, rotulo in self.choices
        )
        opcoes = _html_das_opcoes(escolhas)
        for chave in {str(v) for v in self.format_value(value)}:
            opcao = f'<option value="{escape(chave)}">'
            opcoes = opcoes.replace(opcao, f"{opcao[:-1]} selected>")
        partes = [f"<select{flatatt(atributos)}>", *([opcoes] if opcoes else []), "</select>"]
        return mark_safe("\n".join(partes))  # noqa: S308 - every value escaped


class CampoDeInstituicao(CampoDeEscolha):
    """The institution's slug, also given as its sigla, in any case
    ("PF", "pf", " Pf "): one identifier, the spellings people type. The
    choices are (slug, "Full name (SIGLA)"); `apelidos` maps each accepted
    lower-case spelling to the slug."""

    def __init__(self, *args, apelidos=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.apelidos = apelidos or (lambda: {})

    def to_python(self, value):
        valor = super().to_python(value).strip()
        return self.apelidos().get(valor.lower(), valor) if valor else valor


class FiltroDeInstituicao(django_filters.ChoiceFilter):
    field_class = CampoDeInstituicao


def apelidos_de_instituicao(instituicoes) -> dict[str, str]:
    """Every accepted spelling (slug or sigla, lower case) -> the slug."""
    aceitos = {}
    for instituicao in instituicoes:
        aceitos[instituicao.slug.lower()] = instituicao.slug
        aceitos.setdefault(instituicao.sigla.lower(), instituicao.slug)
    return aceitos


def rotulo_de_instituicao(instituicao) -> str:
    """ "Polícia Federal (PF)"; the sigla alone when it is the name."""
    if not instituicao.nome or instituicao.nome == instituicao.sigla:
        return instituicao.sigla
    return f"{instituicao.nome} ({instituicao.sigla})"


class AtividadeFilter(django_filters.FilterSet):
    """Objective, action, situação (with the derived "atrasada"), institution,
    deadline, and an accent- and case-insensitive search over codes and texts.

    Pass `acoes` (paginas.plano.Estrutura's) and `instituicoes` to offer
    choices without a query; otherwise they are read when first needed."""

    busca = django_filters.CharFilter(
        label="Buscar por código ou texto",
        method="buscar",
        widget=forms.SearchInput(attrs={"id": "busca", "autocomplete": "off"}),
    )
    objetivo = django_filters.ChoiceFilter(
        label="Objetivo específico",
        widget=SelecaoRapida,
        field_name="acao__objetivo__codigo",
        empty_label="Todos",
    )
    acao = django_filters.ChoiceFilter(
        label="Ação prioritária",
        widget=SelecaoRapida,
        field_name="acao__codigo",
        empty_label="Todas",
    )
    situacao = django_filters.ChoiceFilter(
        label="Situação",
        widget=SelecaoRapida,
        choices=SITUACOES_EXIBIDAS,
        method="filtrar_situacao",
        empty_label="Todas",
    )
    instituicao = FiltroDeInstituicao(
        label="Instituição parceira",
        widget=SelecaoRapida,
        field_name="vinculos__instituicao__slug",
        empty_label="Todas",
    )
    prazo = django_filters.ChoiceFilter(
        label="Prazo",
        widget=SelecaoRapida,
        choices=PRAZOS,
        method="filtrar_prazo",
        empty_label="Qualquer prazo",
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
        if instituicoes is not None and data and data.get("instituicao"):
            # The form shows the institution chosen whatever spelling was typed.
            slug = apelidos_de_instituicao(instituicoes).get(data["instituicao"].strip().lower())
            if slug and slug != data["instituicao"]:
                data = data.copy()
                data["instituicao"] = slug
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.hoje = hoje or timezone.localdate()
        self._acoes = acoes
        self._instituicoes = instituicoes
        # Plain functions: the form deep-copies its fields, and a bound method
        # would drag this filter set along. Each list is built once: the form
        # asks for it again at each use, and a plan 100 times larger has 2,800
        # actions.
        opcoes = {}

        def uma_vez(nome, construir):
            return lambda: opcoes[nome] if nome in opcoes else opcoes.setdefault(nome, construir())

        self.filters["objetivo"].extra["choices"] = uma_vez("objetivo", self._opcoes_de_objetivo)
        self.filters["acao"].extra["choices"] = uma_vez("acao", self._opcoes_de_acao)
        self.filters["instituicao"].extra["choices"] = uma_vez(
            "instituicao", self._opcoes_de_instituicao
        )
        self.filters["instituicao"].extra["apelidos"] = lambda: apelidos_de_instituicao(
            self._lista_de_instituicoes()
        )

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

    def _lista_de_instituicoes(self) -> list[Instituicao]:
        if self._instituicoes is None:
            self._instituicoes = list(
                Instituicao.objects.filter(vinculos__atividade__in=self.queryset.values("pk"))
                .distinct()
                .order_by("nome")
            )
        return self._instituicoes

    def _opcoes_de_instituicao(self):
        return [(i.slug, rotulo_de_instituicao(i)) for i in self._lista_de_instituicoes()]

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
        activities where each of them appears, ignoring accents and case, in
        the activity's code or text, its action's or objective's text, or its
        partners' siglas and names. `nivel_da_busca` tells where (NIVEIS_DA_BUSCA),
        for the page to rank by; .qs itself stays in code order. On
        PostgreSQL, the same tiers by full-text search (plano.busca_textual)."""
        termo = value.strip().strip(".")
        if partes_do_codigo(termo) is not None:
            return queryset.filter(Q(codigo=termo) | Q(codigo__startswith=f"{termo}.")).annotate(
                nivel_da_busca=Value(0)
            )
        palavras = palavras_da_busca(value)
        if not palavras:
            return queryset
        condicoes = condicoes_de_cada_nivel(palavras)
        return queryset.filter(condicoes[-1]).annotate(
            nivel_da_busca=Case(
                *(When(condicao, then=Value(nivel)) for nivel, condicao in enumerate(condicoes)),
                default=Value(len(condicoes)),
                output_field=IntegerField(),
            )
        )


# Where a search word was found, from the strongest match to the weakest: the
# page ranks activities by the first level at which every word is found.
NIVEIS_DA_BUSCA = [
    "no texto da atividade",
    "no texto da ação",
    "no texto do objetivo",
    "nos parceiros",
]


def palavras_da_busca(busca: str) -> list[str]:
    """The words of a search, without repeats ("rede  Rede" -> ["rede"])."""
    return list(dict.fromkeys(dobrar(palavra) for palavra in busca.split()))


def _no_texto_de(modelo, padrao: str):
    """The ids of the objectives or actions whose text has the pattern: an
    uncorrelated subquery, run once per search (on SQLite, one regular
    expression per action, not one per activity of the action)."""
    return modelo.objects.filter(texto__regex=padrao).values("pk")


def _em_parceiro(palavra: str):
    """An activity linked to an institution whose sigla is the word, or
    whose name contains it (the institutions are matched once per search)."""
    instituicoes = Instituicao.objects.filter(
        Q(sigla__iexact=palavra) | Q(nome__regex=padrao_sem_acentos(palavra))
    )
    return Q(pk__in=Vinculo.objects.filter(instituicao__in=instituicoes).values("atividade_id"))


def condicoes_de_cada_nivel(palavras: list[str]) -> list[Q]:
    """condicoes_da_busca, with the words made only of letters looked up by
    the full-text search on PostgreSQL (plano.busca_textual); words with
    digits or signs ("1.²", "bem-estar") keep the patterns' exact match."""
    textuais = [p for p in palavras if p.isalpha()] if busca_textual.no_postgres() else []
    outras = [p for p in palavras if p not in textuais]
    por_texto = busca_textual.condicoes(textuais) if textuais else None
    por_padrao = condicoes_da_busca(outras) if outras else None
    if por_texto is None:
        return por_padrao
    if por_padrao is None:
        return [Q(c) for c in por_texto]
    return [Q(t) & p for t, p in zip(por_texto, por_padrao, strict=True)]


def condicoes_da_busca(palavras: list[str]) -> list[Q]:
    """One condition per level of NIVEIS_DA_BUSCA, each wider than the last:
    every word in the activity's own code or text; every word there or in its
    action; … or in its partners. The last one is the search's filter."""
    por_nivel = [
        # A code has only digits and dots: a word of letters is not looked for in it.
        lambda palavra, padrao: (
            [Q(texto__regex=padrao)] + ([] if palavra.isalpha() else [Q(codigo__regex=padrao)])
        ),
        lambda palavra, padrao: [Q(acao__in=_no_texto_de(Acao, padrao))],
        lambda palavra, padrao: [Q(acao__objetivo__in=_no_texto_de(Objetivo, padrao))],
        lambda palavra, padrao: [_em_parceiro(palavra)],
    ]
    condicoes = []
    for nivel in range(len(NIVEIS_DA_BUSCA)):
        por_palavra = []
        for palavra in palavras:
            padrao = padrao_sem_acentos(palavra)
            alternativas = [q for onde in por_nivel[: nivel + 1] for q in onde(palavra, padrao)]
            por_palavra.append(reduce(or_, alternativas))
        condicoes.append(reduce(and_, por_palavra))
    return condicoes


def destacar(html: str, palavras: list[str]) -> SafeString:
    """The HTML with each occurrence of the words (accents and case ignored)
    wrapped in <mark>; tags and entities are left alone. Done in Python so
    that both databases show the same highlights."""
    if not palavras:
        return mark_safe(html)  # noqa: S308 - the caller's HTML, already safe
    padrao = re.compile(
        "|".join(padrao_sem_acentos(p) for p in sorted(palavras, key=len, reverse=True))
    )
    partes = re.split(r"(<[^>]*>|&[#\w]+;)", str(html))
    for i in range(0, len(partes), 2):
        partes[i] = padrao.sub(lambda m: f"<mark>{m.group(0)}</mark>", partes[i])
    return mark_safe("".join(partes))  # noqa: S308 - only <mark> added to safe HTML


# How /plano/ may sort its list (?ordem=); "relevancia" ranks a search by
# NIVEIS_DA_BUSCA and is the default while searching, "codigo" otherwise.
ORDEM_CODIGO, ORDEM_RELEVANCIA = "codigo", "relevancia"
ORDENS = [
    (ORDEM_CODIGO, "Código (agrupado por objetivo e ação)"),
    (ORDEM_RELEVANCIA, "Relevância da busca"),
    ("prazo", "Prazo (mais próximo primeiro)"),
    ("percentual", "% executado (maior primeiro)"),
    ("situacao", "Situação"),
]
_EM_ORDEM = ("acao__objetivo__plano_id", "acao__objetivo__numero", "acao__numero", "numero")


def ordem_pedida(valor: str | None, *, buscando: bool) -> str:
    """The sort order to apply: the one asked for when it exists, otherwise
    relevance while searching and code order otherwise."""
    if valor in dict(ORDENS) and (valor != ORDEM_RELEVANCIA or buscando):
        return valor
    return ORDEM_RELEVANCIA if buscando else ORDEM_CODIGO


def ordenar(queryset, ordem: str, hoje: date):
    """The activities in the order chosen, ties broken by code. Situations
    sort as the painel lists them, "atrasada" derived from the deadline."""
    if ordem == ORDEM_RELEVANCIA and "nivel_da_busca" in queryset.query.annotations:
        return queryset.order_by("nivel_da_busca", *_EM_ORDEM)
    if ordem == "prazo":
        return queryset.order_by(F("prazo").asc(nulls_last=True), *_EM_ORDEM)
    if ordem == "percentual":
        return queryset.order_by(F("percentual").desc(nulls_last=True), *_EM_ORDEM)
    if ordem == "situacao":
        posicao = {valor: i for i, (valor, _rotulo) in enumerate(SITUACOES_EXIBIDAS)}
        return queryset.annotate(
            posicao_da_situacao=Case(
                When(Q(prazo__lt=hoje, situacao__in=PODEM_ATRASAR), then=Value(posicao[ATRASADA])),
                *(When(situacao=valor, then=Value(i)) for valor, i in posicao.items()),
                default=Value(len(posicao)),
                output_field=IntegerField(),
            )
        ).order_by("posicao_da_situacao", *_EM_ORDEM)
    return queryset.order_by(*_EM_ORDEM)
