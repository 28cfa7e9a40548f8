from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class TipoInstituicao(models.TextChoices):
    EXECUTIVO_FEDERAL = "executivo_federal", "Poder Executivo federal"
    JUSTICA = "justica", "Sistema de justiça"
    ESTADUAL = "estadual", "Órgão ou rede estadual"
    INTERNACIONAL = "internacional", "Organismo internacional"
    SOCIEDADE_CIVIL = "sociedade_civil", "Sociedade civil"
    OUTRO = "outro", "Outro"


class InstituicaoQuerySet(models.QuerySet):
    def por_identificador(self, valor: str) -> "Instituicao | None":
        """The institution whose identifier (slug, "pf") or sigla ("PF") is
        valor, in any case; None when none is."""
        valor = (valor or "").strip()
        if not valor:
            return None
        return self.filter(models.Q(slug__iexact=valor) | models.Q(sigla__iexact=valor)).first()

    def get_by_natural_key(self, sigla):
        """The counterpart of Instituicao.natural_key (loaddata, restaurar_copia)."""
        return self.get(sigla=sigla)


class Instituicao(models.Model):
    """A partner institution (or group of institutions, as the plan lists them).
    Its one public identifier is the slug; every filter also accepts the sigla."""

    Tipo = TipoInstituicao

    sigla = models.CharField("sigla", max_length=60, unique=True)
    slug = models.SlugField("identificador na URL", max_length=60, unique=True)
    nome = models.CharField("nome", max_length=200)
    tipo = models.CharField("tipo", max_length=20, choices=Tipo.choices, default=Tipo.OUTRO)
    site = models.URLField("site", blank=True)
    history = HistoricalRecords()

    objects = InstituicaoQuerySet.as_manager()

    class Meta:
        verbose_name = "instituição parceira"
        verbose_name_plural = "instituições parceiras"
        ordering = ["sigla"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tipo__in=TipoInstituicao.values), name="instituicao_tipo_valido"
            ),
            models.CheckConstraint(
                condition=~models.Q(sigla=""), name="instituicao_sigla_nao_vazia"
            ),
        ]

    def __str__(self) -> str:
        return self.sigla

    def natural_key(self) -> tuple[str]:
        return (self.sigla,)


class Usuario(AbstractUser):
    """A person who logs in: CGETP staff (no institution) or a partner user."""

    instituicao = models.ForeignKey(
        Instituicao,
        verbose_name="instituição",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="usuarios",
        help_text="Preencha para usuários de instituições parceiras; deixe vazio para a equipe da CGETP.",
    )
    # Group membership is history too: it decides who may validate reports.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    class Meta:
        verbose_name = "usuário"
        verbose_name_plural = "usuários"
        constraints = [
            # Partners never get the admin: staff belong to no institution.
            models.CheckConstraint(
                condition=models.Q(instituicao__isnull=True) | models.Q(is_staff=False),
                name="parceiro_nao_e_staff",
            ),
        ]

    @property
    def e_parceiro(self) -> bool:
        return self.instituicao_id is not None

    @property
    def e_validador(self) -> bool:
        """May publish or return reports (by group, own permission or superuser)."""
        return self.has_perm("monitoramento.validar_atualizacao")
