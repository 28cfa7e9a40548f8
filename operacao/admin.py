"""CGETP sees the outbox (above all the messages that failed) and each cron
job's last run. Everything is read-only; a failed message can be queued again.
The body is never shown: a password-reset message carries a login link."""

from django.contrib import admin, messages
from django.utils import timezone

from .models import Mensagem, Tarefa


class _SomenteLeitura(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mensagem)
class MensagemAdmin(_SomenteLeitura):
    list_display = [
        "assunto",
        "estado",
        "criada_em",
        "tentativas",
        "proxima_tentativa_em",
        "ultimo_erro",
    ]
    list_filter = ["estado"]
    search_fields = ["assunto", "destinatarios"]
    date_hierarchy = "criada_em"
    fields = [
        "assunto",
        "destinatarios",
        "estado",
        "criada_em",
        "tentativas",
        "proxima_tentativa_em",
        "enviada_em",
        "ultimo_erro",
    ]
    readonly_fields = fields
    actions = ["tentar_de_novo"]

    def has_tentar_permission(self, request):
        return request.user.has_perm("operacao.view_mensagem")

    @admin.action(description="Tentar enviar de novo", permissions=["tentar"])
    def tentar_de_novo(self, request, queryset):
        total = queryset.exclude(estado=Mensagem.Estado.ENVIADA).update(
            estado=Mensagem.Estado.PENDENTE, tentativas=0, proxima_tentativa_em=timezone.now()
        )
        messages.success(request, f"Mensagens na fila de novo: {total}.")


@admin.register(Tarefa)
class TarefaAdmin(_SomenteLeitura):
    list_display = [
        "nome",
        "ultima_execucao_em",
        "ultimo_sucesso_em",
        "ultima_falha_em",
        "situacao",
    ]
    fields = [
        "nome",
        "atraso_tolerado",
        "ultima_execucao_em",
        "ultimo_sucesso_em",
        "ultima_falha_em",
        "ultimo_erro",
    ]
    readonly_fields = fields

    @admin.display(description="situação")
    def situacao(self, obj):
        return "Atrasada" if obj.atrasada() else "Em dia"
