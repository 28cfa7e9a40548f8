"""The e-mail outbox and the cron jobs' run records."""

from datetime import timedelta

from django.db import models
from django.utils import timezone


class MensagemQuerySet(models.QuerySet):
    def a_enviar(self, agora=None):
        """Pending messages whose next attempt is due."""
        agora = agora or timezone.now()
        return self.filter(
            estado=Mensagem.Estado.PENDENTE, proxima_tentativa_em__lte=agora
        ).order_by("proxima_tentativa_em", "pk")

    def pendentes(self):
        return self.filter(estado=Mensagem.Estado.PENDENTE)

    def atrasadas(self, minutos: int, agora=None):
        """Pending messages written more than `minutos` ago (the health check)."""
        agora = agora or timezone.now()
        return self.pendentes().filter(criada_em__lt=agora - timedelta(minutes=minutos))


class Mensagem(models.Model):
    """One e-mail, written in the same transaction as the action that causes
    it and sent later by `enviar_mensagens` (cron, every minute)."""

    class Estado(models.TextChoices):
        PENDENTE = "pendente", "Pendente"
        ENVIADA = "enviada", "Enviada"
        FALHOU = "falhou", "Falhou (desistimos)"
        # A password reset for an address nobody has: written so that the
        # answer costs the same, never sent (and the address is not kept).
        DESCARTADA = "descartada", "Descartada (endereço sem conta)"

    assunto = models.CharField("assunto", max_length=255)
    corpo = models.TextField("corpo")
    destinatarios = models.TextField("destinatários", help_text="Um endereço por linha.")
    estado = models.CharField(
        "estado", max_length=10, choices=Estado.choices, default=Estado.PENDENTE
    )
    criada_em = models.DateTimeField("criada em", default=timezone.now)
    tentativas = models.PositiveIntegerField("tentativas", default=0)
    proxima_tentativa_em = models.DateTimeField("próxima tentativa em", default=timezone.now)
    enviada_em = models.DateTimeField("enviada em", null=True, blank=True)
    ultimo_erro = models.TextField("último erro", blank=True, default="")

    objects = MensagemQuerySet.as_manager()

    class Meta:
        verbose_name = "mensagem de e-mail"
        verbose_name_plural = "mensagens de e-mail"
        ordering = ["-criada_em", "-pk"]
        indexes = [
            models.Index(fields=["estado", "proxima_tentativa_em"], name="mensagem_a_enviar")
        ]

    def __str__(self):
        return f"{self.assunto} ({self.get_estado_display()})"

    @property
    def lista_de_destinatarios(self) -> list[str]:
        return [linha for linha in self.destinatarios.splitlines() if linha.strip()]


class Tarefa(models.Model):
    """A cron job: when it last ran, succeeded and failed. The health check
    reports it when its last success is older than `atraso_tolerado`."""

    nome = models.CharField("comando", max_length=100, unique=True)
    atraso_tolerado = models.DurationField(
        "atraso tolerado", help_text="Sem sucesso por mais tempo que isto, a tarefa está atrasada."
    )
    ultima_execucao_em = models.DateTimeField("última execução em", null=True, blank=True)
    ultimo_sucesso_em = models.DateTimeField("último sucesso em", null=True, blank=True)
    ultima_falha_em = models.DateTimeField("última falha em", null=True, blank=True)
    ultimo_erro = models.TextField("último erro", blank=True, default="")

    class Meta:
        verbose_name = "tarefa agendada"
        verbose_name_plural = "tarefas agendadas"
        ordering = ["nome"]

    def __str__(self):
        return self.nome

    def atrasada(self, agora=None) -> bool:
        agora = agora or timezone.now()
        return self.ultimo_sucesso_em is None or (
            agora - self.ultimo_sucesso_em > self.atraso_tolerado
        )
