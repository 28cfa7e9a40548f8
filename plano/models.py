from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import StrIndex
from django.urls import get_script_prefix, reverse
from simple_history.models import HistoricalRecords

from comum.sql_compilado import Compilada
from parceiros.models import Instituicao

from .indicadores import FORA_DO_DENOMINADOR, Situacao


def historico() -> HistoricalRecords:
    """History with a reason of any length: the public change log shows it
    (plano.historico), and a deadline change needs one."""
    return HistoricalRecords(history_change_reason_field=models.TextField(null=True))


def partes_do_codigo(codigo: str) -> list[int] | None:
    """'2.3.1' -> [2, 3, 1]; None for anything that is not a plan code."""
    partes = codigo.strip().strip(".").split(".")
    # isascii: "²".isdigit() is true, yet int() refuses it; a part of a plan
    # code has a few digits (a huge one made int() raise).
    if not 1 <= len(partes) <= 3 or not all(
        p.isascii() and p.isdigit() and len(p) <= 6 and int(p) > 0 for p in partes
    ):
        return None
    return [int(p) for p in partes]


class Plano(models.Model):
    """An action plan (the I PAECM is the first; others live beside it)."""

    slug = models.SlugField("identificador", max_length=40, unique=True)
    sigla = models.CharField("sigla", max_length=40, unique=True)
    nome = models.CharField("nome", max_length=300)
    ano_inicio = models.PositiveSmallIntegerField("ano de início")
    ano_fim = models.PositiveSmallIntegerField("ano de término")
    url_fonte = models.URLField("fonte do texto", max_length=300)
    licenca = models.CharField("licença do texto", max_length=200)
    publicado_em = models.DateField("publicado em")
    atualizado_na_fonte_em = models.DateField("atualizado na fonte em", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "plano"
        verbose_name_plural = "planos"
        ordering = ["ano_inicio", "sigla"]
        # Codenames follow IMPORT_EXPORT_*_PERMISSION_CODE ("import", "export").
        permissions = [
            ("import_plano", "Pode importar o plano de uma planilha"),
            ("export_plano", "Pode exportar o plano em planilha"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ano_fim__gte=models.F("ano_inicio")), name="plano_periodo_valido"
            ),
        ]

    def __str__(self) -> str:
        return self.sigla

    @property
    def inicio(self) -> date:
        return date(self.ano_inicio, 1, 1)

    @property
    def fim(self) -> date:
        return date(self.ano_fim, 12, 31)


def endereco_do_item(codigo: str) -> str:
    """/plano/<código>/ (with the script prefix): a page of a plan 100 times
    larger links 600 items, and reverse() costs a tenth of a millisecond."""
    return _endereco_do_item(get_script_prefix(), codigo)


@lru_cache(maxsize=20_000)
def _endereco_do_item(prefixo: str, codigo: str) -> str:
    return reverse("plano:item", args=[codigo])


class ItemDoPlano(models.Model):
    """What objectives, actions and activities share: a number within the
    parent, the full code, and the verbatim text."""

    numero = models.PositiveSmallIntegerField("número", validators=[MinValueValidator(1)])
    codigo = models.CharField("código", max_length=20)
    texto = models.TextField("texto")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.codigo} {self.texto[:80]}"

    def get_absolute_url(self) -> str:
        return endereco_do_item(self.codigo)

    def codigo_esperado(self) -> str:
        pai = self.pai
        return f"{pai.codigo}.{self.numero}" if pai else str(self.numero)

    def clean(self) -> None:
        super().clean()
        if not self.texto or not self.texto.strip():
            raise ValidationError({"texto": "O texto não pode ficar em branco."})
        if self.numero and self.pai is not None and self.codigo != self.codigo_esperado():
            raise ValidationError(
                {"codigo": f"O código deve ser {self.codigo_esperado()}, conforme o item superior."}
            )


def _constraints(prefixo: str, pai: str) -> list:
    return [
        models.UniqueConstraint(fields=[pai, "numero"], name=f"{prefixo}_numero_unico"),
        models.UniqueConstraint(fields=[pai, "codigo"], name=f"{prefixo}_codigo_unico"),
        models.CheckConstraint(
            condition=models.Q(numero__gte=1), name=f"{prefixo}_numero_positivo"
        ),
        models.CheckConstraint(condition=~models.Q(texto=""), name=f"{prefixo}_texto_nao_vazio"),
    ]


class Objetivo(ItemDoPlano):
    """Objetivo específico (level 1)."""

    plano = models.ForeignKey(Plano, on_delete=models.PROTECT, related_name="objetivos")
    descricao = models.TextField("descrição", blank=True)
    history = historico()

    class Meta:
        verbose_name = "objetivo específico"
        verbose_name_plural = "objetivos específicos"
        ordering = ["plano", "numero"]
        constraints = _constraints("objetivo", "plano")

    @property
    def pai(self):
        return None


class AcaoQuerySet(models.QuerySet):
    def em_ordem(self):
        """Actions ordered as numbers (1.9 before 1.10)."""
        return self.order_by("objetivo__plano_id", "objetivo__numero", "numero")


class Acao(ItemDoPlano):
    """Ação prioritária (level 2)."""

    objetivo = models.ForeignKey(Objetivo, on_delete=models.PROTECT, related_name="acoes")
    history = historico()
    objects = AcaoQuerySet.as_manager()

    class Meta:
        verbose_name = "ação prioritária"
        verbose_name_plural = "ações prioritárias"
        ordering = ["objetivo__plano_id", "objetivo__numero", "numero"]
        constraints = _constraints("acao", "objetivo")

    @property
    def pai(self):
        return self.objetivo if self.objetivo_id else None


class AtividadeQuerySet(models.QuerySet):
    def em_ordem(self):
        """Activities ordered as numbers (1.1.9 before 1.1.10)."""
        return self.order_by(
            "acao__objetivo__plano_id", "acao__objetivo__numero", "acao__numero", "numero"
        )

    def com_vinculos(self):
        """Each activity's links with their institutions (one query)."""
        return self.prefetch_related(
            models.Prefetch(
                "vinculos",
                # Responsible institutions first, then in the plan's own order.
                queryset=Vinculo.objects.select_related("instituicao").order_by("-papel", "pk"),
            )
        )

    def para_cartoes(self):
        """What /plano/'s cards show of each activity besides its partners
        (siglas_dos_parceiros): its action and objective, in code order."""
        return self.em_ordem().select_related("acao__objetivo")

    def para_plano(self):
        """Everything the plan table shows: the action and objective of each
        activity, and its links with their institutions, in code order.
        Costs one query plus one for the links."""
        return self.em_ordem().select_related("acao__objetivo__plano").com_vinculos()

    def do_plano(self, plano):
        """The activities of one plan."""
        return self.filter(acao__objetivo__plano=plano)

    def que_podem_citar(self, codigo: str):
        """Activities whose text contains the code: the candidates for citing
        it, to be confirmed with plano.referencias.codigos_citados ("1.1.1" is
        also inside "11.1.10"). The code is a parameter of the SQL, not part
        of a pattern, so the query can be compiled once."""
        return (
            self.annotate(posicao_do_codigo=StrIndex("texto", Value(codigo)))
            .filter(posicao_do_codigo__gt=0)
            .only("codigo", "texto", "acao_id")
        )

    def do_parceiro(self, instituicao):
        """The activities an institution is linked to."""
        return self.filter(vinculos__instituicao=instituicao)

    def esperadas(self):
        """The activities still expected to report: neither cancelled nor
        "não se aplica" (indicadores.FORA_DO_DENOMINADOR). The one rule behind
        the coverage of the public pages, the portal's "faltam relatos" and the
        reminders."""
        return self.exclude(situacao__in=FORA_DO_DENOMINADOR)


class Atividade(ItemDoPlano):
    """Atividade (level 3): what partners report on.

    situacao, percentual and atualizado_em mirror the latest published report;
    only monitoramento.services writes them."""

    acao = models.ForeignKey(
        Acao, models.PROTECT, related_name="atividades", verbose_name="ação prioritária"
    )
    prazo = models.DateField("prazo", null=True, blank=True)
    peso = models.DecimalField(
        "peso nos agregados",
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    links = models.TextField(
        "links",
        blank=True,
        help_text="Coluna LINKS da tabela do plano: um endereço por linha.",
    )
    situacao = models.CharField(
        "situação atual",
        max_length=20,
        choices=Situacao.choices,
        default=Situacao.SEM_INFORMACAO,
        editable=False,
    )
    percentual = models.PositiveSmallIntegerField("% executado", null=True, editable=False)
    atualizado_em = models.DateTimeField("última atualização publicada", null=True, editable=False)
    instituicoes = models.ManyToManyField(
        Instituicao,
        through="Vinculo",
        related_name="atividades",
        blank=True,
        verbose_name="instituições",
    )
    history = historico()
    objects = AtividadeQuerySet.as_manager()

    class Meta:
        verbose_name = "atividade"
        verbose_name_plural = "atividades"
        ordering = ["acao__objetivo__plano_id", "acao__objetivo__numero", "acao__numero", "numero"]
        constraints = [
            *_constraints("atividade", "acao"),
            models.CheckConstraint(condition=models.Q(peso__gt=0), name="atividade_peso_positivo"),
            models.CheckConstraint(
                condition=models.Q(percentual__isnull=True)
                | models.Q(percentual__gte=0, percentual__lte=100),
                name="atividade_percentual_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(situacao__in=Situacao.values),
                name="atividade_situacao_valida",
            ),
        ]

    @property
    def pai(self):
        return self.acao if self.acao_id else None

    def lista_de_links(self) -> list[str]:
        return [linha.strip() for linha in self.links.splitlines() if linha.strip()]


def codigos_existentes(plano: Plano, codigos) -> set[str]:
    """Which of `codigos` are items of `plano`, whatever their level: one
    query, however large the plan (a page links only the codes its texts
    cite, so it never needs the code of every item)."""
    por_nivel: dict[int, list[str]] = {}
    for codigo in codigos:
        por_nivel.setdefault(codigo.count("."), []).append(codigo)
    consultas = {
        0: lambda c: Objetivo.objects.filter(plano=plano, codigo__in=c),
        1: lambda c: Acao.objects.filter(objetivo__plano=plano, codigo__in=c),
        2: lambda c: Atividade.objects.filter(acao__objetivo__plano=plano, codigo__in=c),
    }
    # Only the levels cited: an activity's texts mostly cite activities.
    niveis = [
        consultas[nivel](c).order_by().values_list("codigo", flat=True)
        for nivel, c in sorted(por_nivel.items())
        if nivel in consultas
    ]
    if not niveis:
        return set()
    primeiro, *outros = niveis
    return set(primeiro.union(*outros).order_by() if outros else primeiro)


def siglas_dos_parceiros(atividades) -> dict[int, list[str]]:
    """The siglas of each activity's partners (responsible first, as
    com_vinculos orders them), by activity id: one query of plain values, as
    a page of cards shows only the siglas."""
    siglas: dict[int, list[str]] = {}
    for atividade_id, sigla in (
        Vinculo.objects.filter(atividade__in=atividades)
        .order_by("-papel", "pk")
        .values_list("atividade_id", "instituicao__sigla")
    ):
        siglas.setdefault(atividade_id, []).append(sigla)
    return siglas


def _instituicoes_do_plano(plano_id: int):
    primeiro_vinculo = Vinculo.objects.filter(
        instituicao=models.OuterRef("pk"), atividade__acao__objetivo__plano_id=plano_id
    ).values("pk")[:1]
    return (
        Instituicao.objects.annotate(_primeiro_vinculo=models.Subquery(primeiro_vinculo))
        .filter(_primeiro_vinculo__isnull=False)
        .order_by("nome")
    )


_INSTITUICOES_DO_PLANO = Compilada(_instituicoes_do_plano)


def instituicoes_do_plano(plano: Plano) -> list[Instituicao]:
    """The institutions linked to at least one of the plan's activities, by
    name: for each, its first link in the plan (a subquery with LIMIT 1,
    which PostgreSQL runs as an index walk that stops at the first hit; a
    DISTINCT over the links or an EXISTS read all of them). At 100 times the
    plan's size: 0.4 ms, against 8-10 ms. Its SQL is compiled once."""
    return _INSTITUICOES_DO_PLANO.objetos(plano.pk)


class Vinculo(models.Model):
    """The link between an activity and an institution, with its role."""

    class Papel(models.TextChoices):
        RESPONSAVEL = "responsavel", "Responsável"
        PARCEIRA = "parceira", "Parceira"

    atividade = models.ForeignKey(Atividade, on_delete=models.CASCADE, related_name="vinculos")
    instituicao = models.ForeignKey(
        Instituicao, models.PROTECT, related_name="vinculos", verbose_name="instituição"
    )
    papel = models.CharField("papel", max_length=12, choices=Papel.choices, default=Papel.PARCEIRA)
    history = historico()

    class Meta:
        verbose_name = "vínculo"
        verbose_name_plural = "vínculos"
        constraints = [
            models.UniqueConstraint(fields=["atividade", "instituicao"], name="vinculo_unico"),
            models.CheckConstraint(
                condition=models.Q(papel__in=["responsavel", "parceira"]),
                name="vinculo_papel_valido",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.atividade.codigo} ↔ {self.instituicao.sigla} ({self.get_papel_display()})"


class ImportacaoDoPlano(models.Model):
    """One confirmed spreadsheet import: who, when, which file, what it did.
    Written once by the admin's import view and never edited."""

    plano = models.ForeignKey(Plano, on_delete=models.PROTECT, related_name="importacoes")
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="importacoes_do_plano",
        verbose_name="usuário",
    )
    criado_em = models.DateTimeField("importado em", auto_now_add=True)
    arquivo = models.CharField("nome do arquivo", max_length=255)
    sha256 = models.CharField("SHA-256 do arquivo", max_length=64)
    novos = models.PositiveIntegerField("itens novos")
    alterados = models.PositiveIntegerField("itens alterados")
    inalterados = models.PositiveIntegerField("itens sem alteração")

    class Meta:
        verbose_name = "importação do plano"
        verbose_name_plural = "importações do plano"
        ordering = ["-criado_em", "-pk"]

    def __str__(self) -> str:
        return f"{self.plano} · {self.arquivo} · {self.criado_em:%d/%m/%Y %H:%M}"
