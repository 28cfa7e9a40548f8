import uuid
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from comum.restricoes import MensagensDasRestricoes
from parceiros.models import Instituicao
from plano.indicadores import SITUACOES_RELATAVEIS, Situacao
from plano.models import Atividade, Plano


class CicloQuerySet(models.QuerySet):
    def aberto(self, hoje: date | None = None):
        """The cycles open for reporting today (at most one, see Ciclo.clean)."""
        hoje = hoje or timezone.localdate()
        return self.filter(abertura__lte=hoje, encerramento__gte=hoje)

    def encerrados(self, hoje: date | None = None):
        """The cycles whose period has ended and whose reporting window has
        closed: their view is final (evaluated on the period's last day,
        monitoramento.ciclos.data_de_avaliacao), oldest first."""
        hoje = hoje or timezone.localdate()
        return self.filter(fim__lte=hoje, encerramento__lt=hoje).order_by("inicio")

    def para_dados_abertos(self, plano):
        """The plan's cycles with their count of published reports (one query)."""
        return (
            self.filter(plano=plano)
            .select_related("plano")
            .annotate(
                relatos_publicados=models.Count(
                    "atualizacoes", filter=models.Q(atualizacoes__estado="publicada")
                )
            )
            .order_by("inicio")
        )

    def atual(self, plano, hoje: date | None = None):
        """The cycle the public pages report on: the one open today, else the
        most recently closed one; None before the first cycle opens. Cycles
        never overlap, so this is the latest opened on or before today. One query."""
        hoje = hoje or timezone.localdate()
        return self.filter(plano=plano, abertura__lte=hoje).order_by("-abertura").first()


class Ciclo(MensagensDasRestricoes, models.Model):
    """A semestral reporting period (2024.2 … 2029.2)."""

    mensagens_das_restricoes = {
        "ciclo_codigo_unico": "Já existe um ciclo com este código neste plano.",
        "ciclo_periodo_valido": "O fim do período relatado deve vir depois do início.",
        "ciclo_datas_em_ordem": (
            "As datas devem seguir esta ordem: abertura, prazo e encerramento."
        ),
    }

    plano = models.ForeignKey(Plano, on_delete=models.PROTECT, related_name="ciclos")
    codigo = models.CharField("código", max_length=10, help_text="Ano e semestre, como 2025.1.")
    inicio = models.DateField("início do período")
    fim = models.DateField("fim do período")
    abertura = models.DateField("abertura para relatos")
    prazo = models.DateField("prazo para relatos")
    encerramento = models.DateField("encerramento")
    history = HistoricalRecords()
    objects = CicloQuerySet.as_manager()

    class Meta:
        verbose_name = "ciclo de monitoramento"
        verbose_name_plural = "ciclos de monitoramento"
        ordering = ["plano", "inicio"]
        constraints = [
            models.UniqueConstraint(fields=["plano", "codigo"], name="ciclo_codigo_unico"),
            models.CheckConstraint(
                condition=models.Q(fim__gt=models.F("inicio")), name="ciclo_periodo_valido"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    prazo__gte=models.F("abertura"), encerramento__gte=models.F("prazo")
                ),
                name="ciclo_datas_em_ordem",
            ),
        ]

    def __str__(self) -> str:
        return self.codigo

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.abertura and self.encerramento and self.plano_id:
            sobrepostos = Ciclo.objects.filter(
                plano_id=self.plano_id,
                abertura__lte=self.encerramento,
                encerramento__gte=self.abertura,
            ).exclude(pk=self.pk)
            if sobrepostos.exists():
                raise ValidationError(
                    "O período de relatos se sobrepõe ao do ciclo "
                    f"{sobrepostos.first().codigo}: só um ciclo pode estar aberto por vez."
                )

    def esta_aberto(self, hoje: date | None = None) -> bool:
        hoje = hoje or timezone.localdate()
        return self.abertura <= hoje <= self.encerramento


class AtualizacaoQuerySet(models.QuerySet):
    def publicadas(self):
        """Reports validated by CGETP and visible to the public."""
        return self.filter(estado=Atualizacao.Estado.PUBLICADA)

    def em_ordem_de_publicacao(self):
        """Oldest to latest publication (cycle, then validation): the last is
        the current one."""
        return self.order_by("ciclo__inicio", "validado_em", "pk")

    def versoes(self, *, atividade, instituicao, ciclo):
        """Every version of one report (activity, institution, cycle), oldest first."""
        return self.filter(atividade=atividade, instituicao=instituicao, ciclo=ciclo).order_by(
            "versao"
        )

    def na_fila(self):
        """The validation queue: sent reports, oldest first, with what the
        queue shows of each (activity, institution, cycle, author)."""
        return (
            self.filter(estado=Atualizacao.Estado.ENVIADA)
            .select_related("atividade", "instituicao", "ciclo", "autor")
            .prefetch_related("evidencias")
            .order_by("enviado_em", "pk")
        )

    def em_ordem_do_plano(self):
        """By cycle, then activity code as numbers, institution and version."""
        return self.order_by(
            "ciclo__inicio",
            "atividade__acao__objetivo__numero",
            "atividade__acao__numero",
            "atividade__numero",
            "instituicao__sigla",
            "versao",
        )

    def para_dados_abertos(self, plano):
        """Published reports of a plan, in plan order, as the open-data files,
        the feed and the API show them: no person, no validation comment."""
        return (
            self.publicadas()
            .filter(ciclo__plano=plano)
            .select_related("ciclo", "atividade__acao__objetivo", "instituicao")
            .em_ordem_do_plano()
        )

    def para_relatorio(self, ciclo):
        """Every report of a cycle, whatever its state, with the people and
        the evidence the staff report shows."""
        return (
            self.filter(ciclo=ciclo)
            .select_related(
                "atividade__acao__objetivo", "instituicao", "autor", "validador", "ciclo"
            )
            .prefetch_related("evidencias")
            .em_ordem_do_plano()
        )

    def para_publico(self):
        """Published reports as public pages show them: cycle and institution
        joined, evidence prefetched, latest cycle first."""
        return (
            self.publicadas()
            .select_related("ciclo", "instituicao")
            .prefetch_related(
                models.Prefetch("evidencias", queryset=Evidencia.objects.order_by("pk"))
            )
            .order_by("-ciclo__inicio", "instituicao__sigla", "-versao")
        )

    def recentes_do_plano(self, plano):
        """Published reports of the plan's cycles, latest validation first,
        with the institution, activity and cycle the painel lists (one query).
        Filtered through the cycle, not the activity's objective: one small
        join, so the database can walk the atualizacao_recentes index."""
        return (
            self.publicadas()
            .filter(ciclo__plano=plano)
            .select_related("instituicao", "atividade", "ciclo")
            .order_by("-validado_em", "-pk")
        )


class EstadoAtualizacao(models.TextChoices):
    RASCUNHO = "rascunho", "Rascunho"
    ENVIADA = "enviada", "Enviada à CGETP"
    DEVOLVIDA = "devolvida", "Devolvida para correção"
    PUBLICADA = "publicada", "Publicada"


class Atualizacao(MensagensDasRestricoes, models.Model):
    """One institution's report on one activity for one cycle.

    Append-only: a draft may be edited until it is sent; once sent, a row is
    never changed by its authors again. A correction after a return is a new
    row with the next version number."""

    mensagens_das_restricoes = {
        "atualizacao_versao_unica": "Esta versão do relato já existe; abra o relato de novo.",
        "atualizacao_uma_em_andamento": (
            "Já há um relato em rascunho ou enviado para esta atividade neste ciclo."
        ),
        "atualizacao_percentual_0_100": "Informe um % executado de 0 a 100.",
        "atualizacao_situacao_valida": "Escolha uma das situações da lista.",
        "atualizacao_estado_valido": "Estado do relato desconhecido.",
        "atualizacao_concluida_100": "Uma atividade concluída tem 100% executado.",
        "atualizacao_nao_iniciada_0": "Uma atividade não iniciada tem 0% executado.",
        "atualizacao_validada_tem_data": "Um relato validado precisa da data da validação.",
    }

    Estado = EstadoAtualizacao

    atividade = models.ForeignKey(Atividade, on_delete=models.PROTECT, related_name="atualizacoes")
    instituicao = models.ForeignKey(
        Instituicao, models.PROTECT, related_name="atualizacoes", verbose_name="instituição"
    )
    ciclo = models.ForeignKey(Ciclo, on_delete=models.PROTECT, related_name="atualizacoes")
    versao = models.PositiveSmallIntegerField("versão", default=1)
    substitui = models.ForeignKey(
        "self",
        verbose_name="substitui a versão",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substituida_por",
    )
    situacao = models.CharField(
        "situação", max_length=20, choices=[(s.value, s.label) for s in SITUACOES_RELATAVEIS]
    )
    percentual = models.PositiveSmallIntegerField("% executado")
    realizado = models.TextField("o que foi feito no período")
    restricoes = models.TextField("restrições e providências", blank=True)
    estado = models.CharField(
        "estado", max_length=10, choices=Estado.choices, default=Estado.RASCUNHO
    )
    revisao = models.PositiveIntegerField(
        "revisão",
        default=1,
        help_text="Aumenta a cada gravação; impede que uma edição sobrescreva outra.",
    )
    autor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="atualizacoes_escritas"
    )
    criado_em = models.DateTimeField("criado em", default=timezone.now)
    modificado_em = models.DateTimeField("modificado em", default=timezone.now)
    enviado_em = models.DateTimeField("enviado em", null=True, blank=True)
    validador = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="atualizacoes_validadas",
    )
    validado_em = models.DateTimeField("validado em", null=True, blank=True)
    comentario_validacao = models.TextField("comentário da validação", blank=True)
    motivo_correcao = models.TextField(
        "motivo da correção da CGETP",
        blank=True,
        default="",
        # A database default too, so bulk SQL loads that predate the field still work.
        db_default="",
        help_text="Preenchido só quando a CGETP corrige um relato já publicado.",
    )
    history = HistoricalRecords()
    objects = AtualizacaoQuerySet.as_manager()

    class Meta:
        verbose_name = "atualização"
        verbose_name_plural = "atualizações"
        ordering = ["ciclo__inicio", "atividade_id", "instituicao_id", "versao"]
        permissions = [("validar_atualizacao", "Pode validar (publicar ou devolver) relatos")]
        indexes = [
            # The painel's latest published reports (recentes_do_plano).
            models.Index(fields=["estado", "-validado_em", "-id"], name="atualizacao_recentes"),
            # A cycle's published reports, per activity and institution
            # (monitoramento.indicadores.cobertura_do_ciclo): covering, so
            # coverage never reads the reports of other cycles.
            models.Index(
                fields=["ciclo", "estado", "atividade", "instituicao"], name="atualizacao_do_ciclo"
            ),
            # One activity's published reports (its page, its cycles): without
            # it SQLite walks every published report through the index above.
            models.Index(fields=["atividade", "estado"], name="atualizacao_da_atividade"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["atividade", "instituicao", "ciclo", "versao"],
                name="atualizacao_versao_unica",
            ),
            # One version in progress at a time per activity, institution and cycle.
            models.UniqueConstraint(
                fields=["atividade", "instituicao", "ciclo"],
                condition=models.Q(estado__in=["rascunho", "enviada"]),
                name="atualizacao_uma_em_andamento",
            ),
            models.CheckConstraint(
                condition=models.Q(percentual__gte=0, percentual__lte=100),
                name="atualizacao_percentual_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(situacao__in=[s.value for s in SITUACOES_RELATAVEIS]),
                name="atualizacao_situacao_valida",
            ),
            models.CheckConstraint(
                condition=models.Q(estado__in=EstadoAtualizacao.values),
                name="atualizacao_estado_valido",
            ),
            models.CheckConstraint(
                condition=~models.Q(situacao=Situacao.CONCLUIDA) | models.Q(percentual=100),
                name="atualizacao_concluida_100",
            ),
            models.CheckConstraint(
                condition=~models.Q(situacao=Situacao.NAO_INICIADA) | models.Q(percentual=0),
                name="atualizacao_nao_iniciada_0",
            ),
            models.CheckConstraint(
                condition=~models.Q(estado__in=["devolvida", "publicada"])
                | models.Q(validado_em__isnull=False),
                name="atualizacao_validada_tem_data",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.atividade.codigo} · {self.instituicao.sigla} · {self.ciclo.codigo} v{self.versao}"


# At most this many evidence items per report (forms and services enforce it).
EVIDENCIAS_POR_RELATO = 20


def caminho_da_evidencia(instance, filename: str) -> str:
    """Random name under evidencias/: the uploaded name never reaches the disk."""
    sufixo = PurePosixPath(filename).suffix.lower()[:6]
    return f"evidencias/{uuid.uuid4().hex}{sufixo}"


class TipoEvidencia(models.TextChoices):
    DOCUMENTO = "documento", "Documento"
    ATO_NORMATIVO = "ato_normativo", "Ato normativo"
    NOTICIA = "noticia", "Notícia"
    CAPACITACAO = "capacitacao", "Capacitação"
    OUTRO = "outro", "Outro"


class EvidenciaQuerySet(models.QuerySet):
    def para_dados_abertos(self, plano):
        """Evidence of a plan's published reports, in plan order."""
        return (
            self.filter(atualizacao__estado="publicada", atualizacao__ciclo__plano=plano)
            .select_related(
                "atualizacao__ciclo", "atualizacao__atividade", "atualizacao__instituicao"
            )
            .order_by(
                "atualizacao__ciclo__inicio",
                "atualizacao__atividade__acao__objetivo__numero",
                "atualizacao__atividade__acao__numero",
                "atualizacao__atividade__numero",
                "atualizacao__instituicao__sigla",
                "pk",
            )
        )


class Evidencia(MensagensDasRestricoes, models.Model):
    """Proof of what a report says: a link, or a file."""

    mensagens_das_restricoes = {
        "evidencia_tem_link_ou_arquivo": "Informe um link ou envie um arquivo.",
        "evidencia_link_http": "Informe um link que comece com http:// ou https://.",
        "evidencia_tipo_valido": "Escolha um dos tipos de evidência da lista.",
    }

    Tipo = TipoEvidencia

    atualizacao = models.ForeignKey(
        Atualizacao, models.CASCADE, related_name="evidencias", verbose_name="atualização"
    )
    titulo = models.CharField("título", max_length=300)
    tipo = models.CharField("tipo", max_length=20, choices=Tipo.choices, default=Tipo.DOCUMENTO)
    data = models.DateField("data", null=True, blank=True)
    url = models.URLField("link", max_length=500, blank=True)
    arquivo = models.FileField(
        "arquivo", upload_to=caminho_da_evidencia, blank=True, max_length=200
    )
    nome_original = models.CharField("nome do arquivo enviado", max_length=200, blank=True)
    tipo_conteudo = models.CharField("tipo de conteúdo", max_length=100, blank=True)
    history = HistoricalRecords()
    objects = EvidenciaQuerySet.as_manager()

    class Meta:
        verbose_name = "evidência"
        verbose_name_plural = "evidências"
        ordering = ["atualizacao_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(arquivo=""),
                name="evidencia_tem_link_ou_arquivo",
            ),
            models.CheckConstraint(
                condition=models.Q(url="")
                | models.Q(url__startswith="http://")
                | models.Q(url__startswith="https://"),
                name="evidencia_link_http",
            ),
            models.CheckConstraint(
                condition=models.Q(tipo__in=TipoEvidencia.values), name="evidencia_tipo_valido"
            ),
        ]

    def __str__(self) -> str:
        return self.titulo

    @property
    def href(self) -> str:
        """Where a reader opens the evidence: its link, or the view that serves
        the file after checking who may see it (/evidencias/<pk>/)."""
        return self.url or f"/evidencias/{self.pk}/"


class EvidenciaPendente(models.Model):
    """A file uploaded with a report form that was then refused (an error
    elsewhere on the form) or whose save failed (someone else saved the draft
    meanwhile, a rule checked inside the save): kept for the report (activity,
    institution and cycle, whether or not its draft exists yet), so nobody
    picks it twice.
    It becomes an Evidencia when a later save uses it (the row goes, the file
    stays); limpar_evidencias_pendentes removes those never used after
    EVIDENCIAS_PENDENTES_DIAS days. Never shown to the public."""

    atividade = models.ForeignKey(
        Atividade, on_delete=models.CASCADE, related_name="+", verbose_name="atividade"
    )
    instituicao = models.ForeignKey(
        Instituicao, on_delete=models.CASCADE, related_name="+", verbose_name="instituição"
    )
    ciclo = models.ForeignKey(
        Ciclo, on_delete=models.CASCADE, related_name="+", verbose_name="ciclo"
    )
    arquivo = models.FileField("arquivo", upload_to=caminho_da_evidencia, max_length=200)
    nome_original = models.CharField("nome do arquivo enviado", max_length=200)
    tipo_conteudo = models.CharField("tipo de conteúdo", max_length=100)
    enviado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="enviado por",
    )
    enviado_em = models.DateTimeField("enviado em", default=timezone.now)

    class Meta:
        verbose_name = "arquivo de evidência pendente"
        verbose_name_plural = "arquivos de evidência pendentes"
        ordering = ["enviado_em", "id"]
        indexes = [
            models.Index(
                fields=["atividade", "instituicao", "ciclo"], name="evidencia_pendente_relato"
            )
        ]

    def __str__(self) -> str:
        return self.nome_original


class EtapaLembrete(models.TextChoices):
    ANTES_DO_PRAZO = "antes_do_prazo", "Antes do prazo"
    APOS_O_PRAZO = "apos_o_prazo", "Depois do prazo"


class Lembrete(MensagensDasRestricoes, models.Model):
    """A reminder e-mailed to an institution by lembrar_relatos: one row per
    cycle, institution and step, so a reminder is never sent twice."""

    mensagens_das_restricoes = {
        "lembrete_unico_por_etapa": "Este lembrete já foi enviado.",
        "lembrete_etapa_valida": "Etapa de lembrete desconhecida.",
    }

    Etapa = EtapaLembrete

    ciclo = models.ForeignKey(Ciclo, on_delete=models.PROTECT, related_name="lembretes")
    instituicao = models.ForeignKey(
        Instituicao, models.PROTECT, related_name="lembretes", verbose_name="instituição"
    )
    etapa = models.CharField("etapa", max_length=20, choices=Etapa.choices)
    enviado_em = models.DateTimeField("enviado em", default=timezone.now)
    destinatarios = models.TextField("destinatários", help_text="Um endereço por linha.")

    class Meta:
        verbose_name = "lembrete enviado"
        verbose_name_plural = "lembretes enviados"
        ordering = ["-enviado_em"]
        constraints = [
            models.UniqueConstraint(
                fields=["ciclo", "instituicao", "etapa"], name="lembrete_unico_por_etapa"
            ),
            models.CheckConstraint(
                condition=models.Q(etapa__in=EtapaLembrete.values), name="lembrete_etapa_valida"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ciclo.codigo} · {self.instituicao.sigla} · {self.get_etapa_display()}"


class HistoriaGuardada(models.Model):
    """The painel's closed cycles as last computed (their trend points and
    how many deadlines changed: monitoramento.tendencias.historia_guardada),
    pickled under a key of everything they depend on, the deployed code
    included. A derived copy, shared by every app server and kept across
    restarts: the rows of a plan are replaced whenever its key moves, never
    shown, and left out of backups (operacao.copias), being computed anew
    from the reports."""

    plano = models.ForeignKey(Plano, on_delete=models.CASCADE, related_name="+")
    chave = models.CharField(max_length=64, unique=True)
    conteudo = models.BinaryField()
    calculada_em = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "história do painel guardada"
        verbose_name_plural = "histórias do painel guardadas"

    def __str__(self) -> str:
        return self.chave
