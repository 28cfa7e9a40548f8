from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from comum.consultas import endereco_com_consulta
from comum.sql_compilado import Compilada
from dados.selecao import consulta_valida
from dados.serie import FILTROS_DO_CICLO, NoCiclo, passa_nos_filtros_do_ciclo
from monitoramento.ciclos import ciclos_para_escolha, serie_do_plano
from monitoramento.models import Atualizacao, Evidencia
from plano.filters import (
    NIVEIS_DA_BUSCA,
    ORDEM_CODIGO,
    ORDEM_RELEVANCIA,
    ORDENS,
    AtividadeFilter,
    destacar,
    ordem_pedida,
    ordenar,
    palavras_da_busca,
)
from plano.historico import alteracoes_do_plano
from plano.indicadores import ROTULOS
from plano.models import (
    Acao,
    Atividade,
    Plano,
    codigos_existentes,
    endereco_do_item,
    instituicoes_do_plano,
    partes_do_codigo,
    siglas_dos_parceiros,
)
from plano.referencias import codigos_citados, com_referencias

from .ciclo import Momento, chave_de_ordem, ciclo_escolhido

_PLANO = Compilada(lambda slug: Plano.objects.filter(slug=slug))


def plano_padrao() -> Plano:
    """The plan the public site shows (PLANO_PADRAO, the I PAECM by default)."""
    planos = _PLANO.objetos(settings.PLANO_PADRAO)
    if not planos:
        raise Http404("Plano não encontrado.")
    return planos[0]


_ACOES = Compilada(
    lambda plano_id: (
        Acao.objects.em_ordem()
        .filter(objetivo__plano_id=plano_id)
        .values("codigo", "texto", "objetivo__codigo", "objetivo__texto")
    )
)


class Item(NamedTuple):
    """An objective as a filter's choice: its code and text."""

    codigo: str
    texto: str


class AcaoDaEstrutura(NamedTuple):
    """An action as a filter's choice, with its objective."""

    codigo: str
    texto: str
    objetivo: Item


@dataclass
class Estrutura:
    """What a page needs of the plan's skeleton: its actions with their
    objectives (/plano/'s filter choices, as plain values: a plan 100 times
    larger has 2,800 actions, which as model instances cost 90 ms to build
    and as values 13 ms), and the codes that exist among those its texts
    cite, so only those become links."""

    plano: Plano
    acoes: list[AcaoDaEstrutura] = field(default_factory=list)
    codigos: set[str] = field(default_factory=set)
    # "?ciclo=…" when the page shows the plan at a cycle's close: the links
    # between texts keep it.
    consulta: str = ""

    @classmethod
    def carregar(cls, plano: Plano) -> "Estrutura":
        """The actions of `plano` with their objectives, in one query; their
        codes are known to exist."""
        acoes = [
            AcaoDaEstrutura(codigo, texto, Item(codigo_do_objetivo, texto_do_objetivo))
            for codigo, texto, codigo_do_objetivo, texto_do_objetivo in _ACOES.tuplas(plano.pk)
        ]
        codigos = {acao.codigo for acao in acoes} | {acao.objetivo.codigo for acao in acoes}
        return cls(plano=plano, acoes=acoes, codigos=codigos)

    @classmethod
    def das_citacoes(cls, plano: Plano, textos, consulta: str = "") -> "Estrutura":
        """Only the codes `textos` cite that exist in `plano`, for an item's page."""
        estrutura = cls(plano=plano, consulta=consulta)
        estrutura.conhecer(textos)
        return estrutura

    def conhecer(self, textos) -> None:
        """Learn which of the codes `textos` cite exist, those not known yet:
        one query (none when they cite nothing new), however large the plan."""
        citados = {codigo for texto in textos for codigo in codigos_citados(texto)}
        if citados - self.codigos:
            self.codigos |= codigos_existentes(self.plano, citados - self.codigos)

    def html(self, texto: str) -> SafeString:
        """The text with the codes it cites linked to their pages."""
        return com_referencias(texto, self.codigos, lambda c: endereco_do_item(c) + self.consulta)


def trilha(*itens, consulta: str = "") -> list[dict]:
    """Breadcrumb: the plan, then each item down to the current one; every
    link with `consulta` ("?ciclo=…": the state the page shows)."""
    return [{"rotulo": "Plano", "url": reverse("plano:plano") + consulta}] + [
        {
            "rotulo": f"{item._meta.verbose_name.capitalize()} {item.codigo}",
            "url": item.get_absolute_url() + consulta,
        }
        for item in itens
    ]


def cartao(
    atividade: Atividade, estrutura: Estrutura, momento: Momento, palavras: list[str]
) -> dict:
    """What one activity's card shows: its text (with cited codes linked and
    the search words highlighted), situation, % and deadline (now or at the
    close of the cycle chosen) and, while searching, where the words were found."""
    nivel = getattr(atividade, "nivel_da_busca", None)
    retrato = momento.retrato(atividade)
    return {
        "atividade": atividade,
        "texto": destacar(estrutura.html(atividade.texto), palavras),
        "situacao": retrato.situacao,
        "percentual": retrato.percentual,
        "prazo": retrato.prazo,
        "encontrada": NIVEIS_DA_BUSCA[nivel] if nivel and palavras else "",
    }


def _html_do_cartao(item: dict, momento: Momento, contexto: bool) -> SafeString:
    """One activity's card (li.cartao-atividade), built in Python: rendered
    through templates with their includes, the 100 cards of a page of a plan
    100 times larger cost more than the rest of the page. The markup is the
    same as plano/_situacao.html's and plano/_parceiros.html's elsewhere."""
    atividade = item["atividade"]
    consulta = momento.consulta
    endereco = atividade.get_absolute_url() + consulta
    partes = [
        format_html('<li class="cartao-atividade" id="atividade-{}">\n', atividade.codigo),
        '  <div class="cartao-texto">\n    ',
    ]
    if contexto:
        acao = atividade.acao
        partes.append(
            format_html(
                '<p class="cartao-contexto">Objetivo <a href="{}">{}</a> · '
                'Ação <a href="{}">{}</a></p>',
                acao.objetivo.get_absolute_url() + consulta,
                acao.objetivo.codigo,
                acao.get_absolute_url() + consulta,
                acao.codigo,
            )
        )
    partes.append(
        format_html(
            '\n    <p><a class="codigo" href="{}"><span class="sr-only">Atividade </span>{}</a>'
            " {}</p>\n    ",
            endereco,
            atividade.codigo,
            item["texto"],
        )
    )
    if item["encontrada"]:
        partes.append(
            format_html('<p class="encontrada">Termos encontrados {}.</p>', item["encontrada"])
        )
    if atividade.siglas:
        parceiros = (
            '<ul class="lista-parceiros">\n'
            + "\n".join(format_html("  <li>{}</li>\n", sigla) for sigla in atividade.siglas)
            + "</ul>\n"
        )
    else:
        parceiros = '<span class="a-definir">Parceiros a definir</span>\n'
    situacao = item["situacao"]
    percentual = item["percentual"]
    prazo = item["prazo"]
    partes += [
        '\n  </div>\n  <dl class="cartao-dados">\n',
        f'    <div class="dado-parceiros"><dt>Parceiros</dt><dd>{parceiros}</dd></div>\n',
        format_html(
            '    <div class="dado-situacao"><dt>Situação</dt><dd>'
            '<span class="situacao situacao-{}">{}</span></dd></div>\n',
            situacao["valor"],
            situacao["rotulo"],
        ),
        '    <div class="dado-percentual"><dt>% executado</dt><dd>',
        '<span class="sem-dado">—<span class="sr-only">sem informação</span></span>'
        if percentual is None
        else f"{int(percentual)}%",
        "</dd></div>\n",
        f'    <div class="dado-prazo"><dt>Prazo{" em vigor" if momento.ciclo else ""}</dt><dd>',
        prazo.strftime("%d/%m/%Y")
        if prazo
        else '<span class="sem-dado">—<span class="sr-only">sem prazo definido</span></span>',
        "</dd></div>\n    ",
    ]
    if atividade.atualizado_em and not momento.ciclo:
        partes.append(
            '<div class="dado-atualizacao"><dt>Atualizada em</dt><dd>'
            f"{timezone.localtime(atividade.atualizado_em):%d/%m/%Y}</dd></div>"
        )
    links = [
        format_html('<a href="{}">{}</a>', link, Truncator(link).chars(40))
        for link in atividade.lista_de_links()
    ]
    evidencias = atividade.evidencias_publicadas
    partes += [
        '\n  </dl>\n  <dl class="cartao-links">\n    <div><dt>Links do plano</dt><dd>',
        ", ".join(links) if links else '<span class="sem-links">nenhum</span>',
        "</dd></div>\n    <div><dt>Evidências publicadas</dt><dd>",
        format_html(
            '<a href="{}#relatos">{}<span class="sr-only"> evidência{} da atividade {}</span></a>',
            endereco,
            evidencias,
            "" if evidencias == 1 else "s",
            atividade.codigo,
        )
        if evidencias
        else "0",
        "</dd></div>\n  </dl>\n</li>\n",
    ]
    return mark_safe("".join(partes))  # noqa: S308 - every value escaped above


def texto_de_titulo(texto: str) -> SafeString:
    """A text for a group's heading: escaped, line breaks kept, and no links
    (a summary is itself interactive; the item's page is linked beside it)."""
    return com_referencias(texto, (), endereco_do_item)


def grupos_do_plano(cartoes: list[dict], estrutura: Estrutura, palavras: list[str]) -> list[dict]:
    """The cards grouped by objective and then by action, in their order."""
    grupos: list[dict] = []
    for item in cartoes:
        acao = item["atividade"].acao
        objetivo = acao.objetivo
        if not grupos or grupos[-1]["objetivo"].pk != objetivo.pk:
            grupos.append(
                {
                    "objetivo": objetivo,
                    "texto": destacar(texto_de_titulo(objetivo.texto), palavras),
                    "acoes": [],
                    "n": 0,
                }
            )
        grupo = grupos[-1]
        if not grupo["acoes"] or grupo["acoes"][-1]["acao"].pk != acao.pk:
            grupo["acoes"].append(
                {
                    "acao": acao,
                    "texto": destacar(texto_de_titulo(acao.texto), palavras),
                    "cartoes": [],
                }
            )
        grupo["acoes"][-1]["cartoes"].append(item)
        grupo["n"] += 1
    return grupos


def html_dos_grupos(grupos: list[dict], consulta: str) -> SafeString:
    """/plano/'s cards in their groups (grupos_do_plano), built in Python as
    the cards are: one <details> per objective and, inside, per action; no
    link inside a summary (nested-interactive): the item's page link sits
    beside it. `consulta`: "?ciclo=…" for the links, or ""."""
    partes = []
    for grupo in grupos:
        objetivo, n = grupo["objetivo"], grupo["n"]
        partes.append(
            format_html(
                '\n<details class="grupo-objetivo" open>\n  \n  <summary><h3><span '
                'class="nivel-rotulo">Objetivo específico</span> <span class="codigo">{}</span> '
                '{} <span class="contagem-grupo">({} atividade{})</span></h3></summary>\n'
                '  <a class="ir-para-item" href="{}">Ver<span class="sr-only"> a página do '
                "objetivo {}</span></a>\n  ",
                objetivo.codigo,
                grupo["texto"],
                n,
                "" if n == 1 else "s",
                objetivo.get_absolute_url() + consulta,
                objetivo.codigo,
            )
        )
        for bloco in grupo["acoes"]:
            acao = bloco["acao"]
            partes.append(
                format_html(
                    '\n  <details class="grupo-acao" open>\n    <summary><h4><span '
                    'class="nivel-rotulo">Ação prioritária</span> <span class="codigo">{}</span> '
                    "{}</h4></summary>\n"
                    '    <a class="ir-para-item" href="{}">Ver<span class="sr-only"> a página da '
                    'ação {}</span></a>\n    <ol class="cartoes">\n      ',
                    acao.codigo,
                    bloco["texto"],
                    acao.get_absolute_url() + consulta,
                    acao.codigo,
                )
            )
            partes.extend(item["html"] for item in bloco["cartoes"])
            partes.append("\n    </ol>\n  </details>\n  ")
        partes.append("\n</details>\n")
    return mark_safe("".join(partes))  # noqa: S308 - every value escaped by format_html


def filtros_ativos(filtro: AtividadeFilter) -> list[dict]:
    """The filters in use, each with what it shows and the link that removes
    it. A field with an invalid value is not applied, so it is not listed."""
    filtro.is_valid()  # fills cleaned_data with the valid fields
    ativos = []
    for nome, campo in filtro.form.fields.items():
        valor = filtro.form.cleaned_data.get(nome)
        if not valor:
            continue
        if hasattr(campo, "choices"):
            opcoes = {}
            for chave, rotulo in campo.choices:
                opcoes.update(rotulo if isinstance(rotulo, list | tuple) else [(chave, rotulo)])
            valor = opcoes.get(valor, valor)
        ativos.append({"rotulo": campo.label, "valor": valor, "remover": {nome: None}})
    return ativos


def sem_vazios(consulta: QueryDict) -> QueryDict:
    """The query string without the empty fields a GET form always sends,
    so the links built from it stay short."""
    limpa = QueryDict(mutable=True)
    for chave, valores in consulta.lists():
        if valores := [valor for valor in valores if valor]:
            limpa.setlist(chave, valores)
    return limpa


# Activities per page of /plano/. The real plan (75) fits in one page; a
# plan 100 times larger gets pages of this size, so a render stays bounded
# (docs/adr/0010-long-lists-paginated-and-pages-read-what-they-show.md).
POR_PAGINA = 100
# The query parameters /plano/ reads besides its filters.
PARAMETROS_DO_PLANO = ("ordem", "pagina", "ciclo")


def consulta_canonica(
    filtro: AtividadeFilter, consulta: QueryDict, ordem: str, momento: Momento | None = None
) -> str:
    """The page's address as a link to share: its valid filters with the
    values applied (an institution's slug, whatever spelling was typed), its
    order when not the default, its page and its cycle, normalised by
    comum.consultas.consulta_normalizada."""
    filtro.is_valid()
    valores = {
        nome: filtro.form.cleaned_data[nome]
        for nome in filtro.filters
        if filtro.form.cleaned_data.get(nome)
    }
    if ordem != ordem_pedida(None, buscando=bool(valores.get("busca"))):
        valores["ordem"] = ordem
    if consulta.get("pagina") not in (None, "", "1"):
        valores["pagina"] = consulta["pagina"]
    if momento is not None and momento.ciclo is not None:
        valores["ciclo"] = momento.ciclo.codigo
    return endereco_com_consulta(reverse("plano:plano"), valores)


def evidencias_publicadas(ids: list[int], ciclo=None) -> dict[int, int]:
    """How many pieces of evidence the published reports of each of these
    activities carry (those of `ciclo` or earlier, if given): one query, for
    one page of cards."""
    evidencias = Evidencia.objects.filter(
        atualizacao__atividade__in=ids, atualizacao__estado=Atualizacao.Estado.PUBLICADA
    )
    if ciclo is not None:
        evidencias = evidencias.filter(atualizacao__ciclo__inicio__lte=ciclo.inicio)
    return dict(
        evidencias.order_by()
        .values_list("atualizacao__atividade")
        .annotate(n=Count("pk"))
        .values_list("atualizacao__atividade", "n")
    )


def filtrar_exceto(filtro: AtividadeFilter, nomes):
    """The filter set's queryset with its valid filters but `nomes` applied
    (FilterSet.filter_queryset, leaving those to the caller)."""
    filtro.is_valid()
    queryset = filtro.queryset.all()
    for nome, valor in filtro.form.cleaned_data.items():
        if nome not in nomes:
            queryset = filtro.filters[nome].filter(queryset, valor)
    return queryset


def pagina_no_ciclo(filtro: AtividadeFilter, ordem: str, momento: Momento, numero):
    """/plano/'s page of activities at the close of the cycle chosen: the
    other filters (and a search's rank) in the database; situação, deadline
    and their orders on the values at the close. Four queries: the filtered
    activities' ids and deadlines, plano_no_ciclo's two, this page's activities
    (their partners' siglas are read by the caller)."""
    chave = chave_de_ordem(ordem)
    queryset = ordenar(
        filtrar_exceto(filtro, FILTROS_DO_CICLO),
        ordem if chave is None else ORDEM_CODIGO,
        momento.hoje,
    )
    campos = ["pk", "prazo"] + (
        ["nivel_da_busca"] if "nivel_da_busca" in queryset.query.annotations else []
    )
    linhas = list(queryset.values(*campos))
    momento.avaliar(linhas)
    # The open data's rule (dados.serie), so a page and its download agree.
    visao, filtros = momento.visao, filtro.form.cleaned_data
    ids = [
        linha["pk"]
        for linha in linhas
        if passa_nos_filtros_do_ciclo(
            NoCiclo(visao.ciclo, visao.data, visao.situacoes[linha["pk"]]), filtros
        )
    ]
    if chave is not None:
        ids.sort(key=lambda pk: chave(momento.no_ciclo(pk)))
    return pagina_de_ids(
        ids, {linha["pk"]: linha.get("nivel_da_busca") for linha in linhas}, numero
    )


def pagina_de_ids(ids: list[int], niveis: dict, numero):
    """The page `numero` of activities listed by id, in that order, read in
    one query with what the cards show, each with its search rank if any."""
    pagina = Paginator(ids, POR_PAGINA).get_page(numero)
    por_id = {a.pk: a for a in Atividade.objects.para_cartoes().filter(pk__in=list(pagina))}
    atividades = [por_id[pk] for pk in pagina]
    for atividade in atividades:
        if niveis.get(atividade.pk) is not None:
            atividade.nivel_da_busca = niveis[atividade.pk]
    return pagina, atividades


def plano(request):
    """/plano/: every activity as a card, grouped by objective and action (or
    sorted by ?ordem=), filtered and searched, a page of POR_PAGINA at a time;
    with ?ciclo=, as at the close of that cycle.

    Queries: 1-2. the plan and its actions with their objectives
    (Estrutura); 3. the cycles opened so far (the selector); 4. the
    institutions linked to the plan (filter choices, sigla spellings); 5. how
    many activities the filters keep; 6. this page's activities with action
    and objective; 7. their partners' siglas; 8. the activity codes
    their texts cite (Estrutura.conhecer, when they cite any); 9. their
    published evidence count. With ?ciclo=, 5 becomes the filtered
    activities' ids and 6-7 plano_no_ciclo's reports and deadlines
    (pagina_no_ciclo): eleven queries."""
    consulta = sem_vazios(request.GET)
    if consulta != request.GET:
        # The form sends every field; the address to share keeps only those in use.
        return redirect(f"{request.path}?{consulta.urlencode()}" if consulta else request.path)
    hoje = timezone.localdate()
    estrutura = Estrutura.carregar(plano_padrao())
    momento = Momento.do_pedido(request, estrutura.plano, hoje)
    estrutura.consulta = momento.consulta
    instituicoes = instituicoes_do_plano(estrutura.plano)
    filtro = AtividadeFilter(
        request.GET,
        queryset=Atividade.objects.para_cartoes().do_plano(estrutura.plano),
        acoes=estrutura.acoes,
        instituicoes=instituicoes,
        hoje=hoje,
    )
    filtro.is_valid()
    palavras = (
        []
        if filtro.form.errors.get("busca")
        else palavras_da_busca(filtro.form.cleaned_data.get("busca") or "")
    )
    buscando = "nivel_da_busca" in filtro.qs.query.annotations
    ordem = ordem_pedida(consulta.get("ordem"), buscando=buscando)
    if momento.ciclo is None and buscando:
        # The matches' ids in rank order, then this page's activities: the
        # search's conditions run once over the plan, not once to count and
        # again to list (on SQLite, a regular expression per text in Python).
        niveis = dict(ordenar(filtro.qs, ordem, hoje).values_list("pk", "nivel_da_busca"))
        pagina, atividades = pagina_de_ids(list(niveis), niveis, consulta.get("pagina"))
    elif momento.ciclo is None:
        pagina = Paginator(ordenar(filtro.qs, ordem, hoje), POR_PAGINA).get_page(
            consulta.get("pagina")
        )
        atividades = list(pagina)
    else:
        pagina, atividades = pagina_no_ciclo(filtro, ordem, momento, consulta.get("pagina"))
    estrutura.conhecer(atividade.texto for atividade in atividades)
    ids = [atividade.pk for atividade in atividades]
    siglas = siglas_dos_parceiros(ids)
    contagens = evidencias_publicadas(ids, momento.ciclo)
    for atividade in atividades:
        atividade.siglas = siglas.get(atividade.pk, [])
        atividade.evidencias_publicadas = contagens.get(atividade.pk, 0)
    cartoes = [cartao(atividade, estrutura, momento, palavras) for atividade in atividades]
    for item in cartoes:
        item["html"] = _html_do_cartao(item, momento, contexto=ordem != ORDEM_CODIGO)
    return render(
        request,
        "plano/plano.html",
        {
            "plano": estrutura.plano,
            "filtro": filtro,
            "filtros_ativos": filtros_ativos(filtro),
            "consulta": consulta,
            "ordem": ordem,
            "ordens": [
                (valor, rotulo) for valor, rotulo in ORDENS if buscando or valor != ORDEM_RELEVANCIA
            ],
            "pagina": pagina,
            "total": pagina.paginator.count,
            "cartoes": cartoes,
            "grupos": html_dos_grupos(
                grupos_do_plano(cartoes, estrutura, palavras), momento.consulta
            )
            if ordem == ORDEM_CODIGO
            else "",
            "endereco_canonico": consulta_canonica(filtro, consulta, ordem, momento),
            "arquivos": consulta_dos_arquivos(filtro, momento),
            "momento": momento,
            "atual": endereco_atual(request.path, consulta),
        },
    )


def consulta_dos_arquivos(filtro: AtividadeFilter, momento: Momento) -> str:
    """What "Baixar esta seleção" links carry: the valid filters
    (dados.selecao.consulta_valida) and the cycle, which the files honour."""
    consulta = QueryDict(consulta_valida(filtro), mutable=True)
    if momento.ciclo is not None:
        consulta["ciclo"] = momento.ciclo.codigo
    return consulta.urlencode()


def endereco_atual(caminho: str, consulta: QueryDict) -> str:
    """The page in the current state: its parameters but the cycle and the page."""
    resto = consulta.copy()
    for chave in ("ciclo", "pagina"):
        resto.pop(chave, None)
    return f"{caminho}?{resto.urlencode()}" if resto else caminho


def item(request, codigo: str):
    """/plano/<código>/: an objective, an action or an activity."""
    partes = partes_do_codigo(codigo)
    if partes is None or ".".join(map(str, partes)) != codigo:
        raise Http404("Código inválido.")
    pagina = {1: pagina_do_objetivo, 2: pagina_da_acao, 3: pagina_da_atividade}[len(partes)]
    return pagina(request, codigo)


def pagina_do_objetivo(request, codigo: str):
    # Queries: 1. the objective's actions with the objective and the plan;
    # 2. the cycles opened so far; 3. the objective's activities; 4. the codes
    # their texts cite (Estrutura.das_citacoes, when they cite any); with
    # ?ciclo=, 5-6. their situation at the close (monitoramento.ciclos.plano_no_ciclo).
    acoes = list(
        Acao.objects.em_ordem()
        .select_related("objetivo__plano")
        .filter(objetivo__plano__slug=settings.PLANO_PADRAO, objetivo__codigo=codigo)
    )
    # An objective without any action yet has nothing to show: not found either.
    if not acoes:
        raise Http404("Item não encontrado no plano.")
    objetivo = acoes[0].objetivo
    momento = Momento.do_pedido(request, objetivo.plano, timezone.localdate())
    estrutura = Estrutura.das_citacoes(
        objetivo.plano, [objetivo.texto] + [acao.texto for acao in acoes], momento.consulta
    )
    atividades = list(Atividade.objects.filter(acao__objetivo=objetivo).em_ordem())
    momento.avaliar(atividades)
    por_acao = {chave: list(grupo) for chave, grupo in groupby(atividades, lambda a: a.acao_id)}
    return render(
        request,
        "plano/objetivo.html",
        {
            "plano": estrutura.plano,
            "objetivo": objetivo,
            "trilha": trilha(objetivo, consulta=momento.consulta),
            "texto": estrutura.html(objetivo.texto),
            "progresso": momento.grupo(atividades),
            "momento": momento,
            "acoes": [
                {
                    "acao": acao,
                    "texto": estrutura.html(acao.texto),
                    "progresso": momento.grupo(por_acao.get(acao.pk, [])),
                    "atividades": [
                        {"atividade": atividade, "retrato": momento.retrato(atividade)}
                        for atividade in por_acao.get(acao.pk, [])
                    ],
                }
                for acao in acoes
            ],
        },
    )


def pagina_da_acao(request, codigo: str):
    # Queries: 1. the action with its objective and plan; 2. the cycles opened
    # so far; 3-4. the action's activities with their links; 5. the codes
    # their texts cite (Estrutura.das_citacoes, when they cite any); with
    # ?ciclo=, 6-7. their situation at the close (monitoramento.ciclos.plano_no_ciclo).
    acao = get_object_or_404(
        Acao.objects.select_related("objetivo__plano"),
        objetivo__plano__slug=settings.PLANO_PADRAO,
        codigo=codigo,
    )
    momento = Momento.do_pedido(request, acao.objetivo.plano, timezone.localdate())
    atividades = list(Atividade.objects.para_plano().filter(acao=acao))
    estrutura = Estrutura.das_citacoes(
        acao.objetivo.plano, [acao.texto] + [a.texto for a in atividades], momento.consulta
    )
    momento.avaliar(atividades)
    return render(
        request,
        "plano/acao.html",
        {
            "plano": estrutura.plano,
            "acao": acao,
            "objetivo": acao.objetivo,
            "trilha": trilha(acao.objetivo, acao, consulta=momento.consulta),
            "texto": estrutura.html(acao.texto),
            "progresso": momento.grupo(atividades),
            "momento": momento,
            "atividades": [
                {
                    "atividade": atividade,
                    "texto": estrutura.html(atividade.texto),
                    "retrato": momento.retrato(atividade),
                }
                for atividade in atividades
            ],
        },
    )


# The activity page's fixed queries, compiled once (comum.sql_compilado).
_ATIVIDADE = Compilada(
    lambda slug, codigo: Atividade.objects.para_plano().filter(
        acao__objetivo__plano__slug=slug, codigo=codigo
    )
)
_CITANTES = Compilada(
    lambda plano_id, codigo, atividade_id: (
        Atividade.objects.do_plano(plano_id).que_podem_citar(codigo).exclude(pk=atividade_id)
    )
)
_RELATOS_DA_ATIVIDADE = Compilada(
    lambda atividade_id: Atualizacao.objects.para_publico().filter(atividade_id=atividade_id)
)


def pagina_da_atividade(request, codigo: str):
    # Queries: 1-2. the activity with its action, objective and plan, and its
    # links; 3. the cycles opened so far; 4. its published reports with 5.
    # their evidence; 6. its situation at the close of each cycle (from those
    # reports and its deadlines' history: monitoramento.ciclos); 7-8. its
    # changes (its history and its links' history); 9. the activities that
    # may cite it; 10. the codes all these texts cite (Estrutura.das_citacoes,
    # when they cite any).
    hoje = timezone.localdate()
    encontradas = _ATIVIDADE.objetos(settings.PLANO_PADRAO, codigo)
    if not encontradas:
        raise Http404("Item não encontrado no plano.")
    atividade = encontradas[0]
    plano = atividade.acao.objetivo.plano
    ciclos_abertos = ciclos_para_escolha(plano, hoje)
    ciclo = ciclo_escolhido(ciclos_abertos, request.GET.get("ciclo"))
    relatos = _RELATOS_DA_ATIVIDADE.objetos(atividade.pk)
    serie = serie_do_plano(ciclos_abertos, [atividade], hoje, relatos)
    por_ciclo = []
    for c in sorted(ciclos_abertos, key=lambda c: c.inicio):
        no_ciclo = serie[c.pk].situacoes[atividade.pk]
        por_ciclo.append(
            {
                "ciclo": c,
                "data": serie[c.pk].data,
                "situacao": no_ciclo,
                "exibida": {"valor": no_ciclo.exibida, "rotulo": ROTULOS[no_ciclo.exibida]},
            }
        )
    visao = serie[ciclo.pk] if ciclo is not None else None
    momento = Momento(ciclos_abertos, ciclo, hoje, visao)
    retrato = momento.retrato(atividade)
    situacao, percentual, prazo = retrato.situacao, retrato.percentual, retrato.prazo
    alteracoes = alteracoes_do_plano(plano, atividade_id=atividade.pk)
    original = _prazo_original(atividade, alteracoes)
    if ciclo is not None:
        relatos = [r for r in relatos if r.ciclo.inicio <= ciclo.inicio]
    citantes = [
        citante
        for citante in _CITANTES.objetos(plano.pk, codigo, atividade.pk)
        if codigo in codigos_citados(citante.texto)
    ]
    textos = [atividade.texto, atividade.acao.texto, atividade.acao.objetivo.texto]
    estrutura = Estrutura.das_citacoes(
        plano, textos + [citante.texto for citante in citantes], momento.consulta
    )
    return render(
        request,
        "plano/atividade.html",
        {
            "plano": plano,
            "atividade": atividade,
            "acao": atividade.acao,
            "objetivo": atividade.acao.objetivo,
            "trilha": trilha(
                atividade.acao.objetivo,
                atividade.acao,
                atividade,
                consulta=momento.consulta,
            ),
            "momento": momento,
            "texto": estrutura.html(atividade.texto),
            "texto_da_acao": estrutura.html(atividade.acao.texto),
            "texto_do_objetivo": estrutura.html(atividade.acao.objetivo.texto),
            "situacao": situacao,
            "percentual": percentual,
            "prazo": prazo,
            "prazo_original": original if original != prazo else None,
            "visao": visao,
            "ciclos_abertos": ciclos_abertos,
            "por_ciclo": por_ciclo,
            "grafico": grafico_por_ciclo(por_ciclo),
            "alteracoes": alteracoes,
            "ciclos": [
                {"ciclo": c, "relatos": list(grupo)}
                for c, grupo in groupby(relatos, lambda r: r.ciclo)
            ],
            "citantes": [
                {"atividade": citante, "texto": estrutura.html(citante.texto)}
                for citante in citantes
            ],
            "evidencias_publicadas": sum(len(r.evidencias.all()) for r in relatos),
        },
    )


def _prazo_original(atividade: Atividade, alteracoes) -> date | None:
    """The first non-empty deadline: the oldest deadline change's old value,
    else the current deadline (setting a first deadline is not a change)."""
    mudancas = [a for a in alteracoes if a.campo == "prazo"]
    if not mudancas:
        return atividade.prazo
    anterior = mudancas[-1].anterior
    return datetime.strptime(anterior, "%d/%m/%Y").date() if anterior != "sem prazo" else None


def grafico_por_ciclo(por_ciclo: list[dict]) -> dict:
    """A small SVG line chart of the % per cycle: points in a 0-100 box,
    cycles spaced evenly; cycles without a % are gaps. The table beside it
    carries the same numbers."""
    largura, altura, margem = 300, 100, 10
    n = len(por_ciclo)
    passo = (largura - 2 * margem) / max(n - 1, 1)
    pontos = []
    for i, linha in enumerate(por_ciclo):
        p = linha["situacao"].percentual
        if p is None:
            continue
        x = margem + i * passo if n > 1 else largura / 2
        y = altura - margem - (altura - 2 * margem) * p / 100
        pontos.append({"x": round(x, 1), "y": round(y, 1), "p": p, "ciclo": linha["ciclo"].codigo})
    return {
        "largura": largura,
        "altura": altura,
        "pontos": pontos,
        "linha": " ".join(f"{p['x']},{p['y']}" for p in pontos),
        "base": altura - margem,
        "topo": margem,
    }


def alteracoes(request):
    # Queries: 1. the plan; 2-5. the history of objectives, actions,
    # activities and links (plano.historico.alteracoes_do_plano).
    plano = plano_padrao()
    return render(
        request,
        "plano/alteracoes.html",
        {
            "plano": plano,
            "alteracoes": alteracoes_do_plano(plano),
            "desde": plano.publicado_em,
            "trilha": [
                {"rotulo": "Plano", "url": reverse("plano:plano")},
                {"rotulo": "Alterações no plano", "url": reverse("plano:alteracoes")},
            ],
        },
    )
