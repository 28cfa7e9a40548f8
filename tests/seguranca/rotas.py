"""Every URL pattern of the site, from the resolver, with an address to try
it at: shared by the permission matrix and the hostile-value sweep."""

import re
from dataclasses import dataclass

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp import DEVICE_ID_SESSION_KEY

from monitoramento.models import Atualizacao, EvidenciaPendente, Lembrete
from parceiros.models import Instituicao
from plano.models import Acao, Atividade, ImportacaoDoPlano, Objetivo
from tests import factories
from tests.mfa import ClienteVerificado

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Cliente(ClienteVerificado):
    """The client of one persona (None: logged out). Staff log in past the
    second factor as the rest of the suite does (tests/mfa.py). `entrar()`
    before each request: it logs the persona in the first time, and again
    only after a request logged it out (a logout, a flushed session), so
    every request goes out logged in as the persona, without a login's
    writes (last_login and its history row) before each of thousands."""

    def __init__(self, usuario=None, **kwargs):
        super().__init__(**kwargs)
        self.usuario = usuario
        self._com_segundo_fator = False

    def entrar(self) -> None:
        if self.usuario is None:
            return
        sessao = self.session
        if sessao.get(SESSION_KEY) == str(self.usuario.pk) and (
            not self._com_segundo_fator or DEVICE_ID_SESSION_KEY in sessao
        ):
            return
        self.force_login(self.usuario)
        self._com_segundo_fator = DEVICE_ID_SESSION_KEY in self.session


@dataclass(frozen=True)
class Rota:
    padrao: str  # the full route, as the resolver spells it: the matrix's key
    nome: str | None


def _sem_ordem_de_registro(padrao: str) -> str:
    """The admin's app-index route lists the apps in the order their admins
    registered (an import detail): the key sorts them."""
    return re.sub(
        r"\(\?P<app_label>([\w|]+)\)",
        lambda m: "(?P<app_label>" + "|".join(sorted(m[1].split("|"))) + ")",
        padrao,
    )


def rotas() -> list[Rota]:
    def percorrer(padroes, prefixo="", espaco=""):
        for padrao in padroes:
            if isinstance(padrao, URLResolver):
                nome = espaco + (f"{padrao.namespace}:" if padrao.namespace else "")
                yield from percorrer(padrao.url_patterns, prefixo + str(padrao.pattern), nome)
            elif isinstance(padrao, URLPattern):
                nome = f"{espaco}{padrao.name}" if padrao.name else None
                yield Rota(_sem_ordem_de_registro(prefixo + str(padrao.pattern)), nome)

    return list(percorrer(get_resolver().url_patterns))


def cenario(plano, pf, dpu, parceiro_pf, equipe, validador) -> dict:
    """One object of every kind a URL can name: PF's draft with a file (its
    own partner and staff may open it, the DPU may not), a published report."""
    atividade = Atividade.objects.get(codigo="2.1.1")
    vinculo = factories.vincular(atividade=atividade, instituicao=pf)
    ciclo = factories.criar_ciclo(plano=plano, codigo="2026.1", aberto=True)
    publicado = factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.1"),
        instituicao=pf,
        ciclo=factories.criar_ciclo(plano=plano, codigo="2025.1"),
        autor=parceiro_pf,
        estado=Atualizacao.Estado.PUBLICADA,
        validador=validador,
    )
    rascunho = factories.criar_atualizacao(
        atividade=atividade, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
    )
    evidencia = factories.criar_evidencia(
        atualizacao=rascunho,
        url="",
        arquivo=SimpleUploadedFile("x.pdf", PDF),
        nome_original="x.pdf",
        tipo_conteudo="application/pdf",
    )
    pendente = EvidenciaPendente.objects.create(
        atividade=atividade,
        instituicao=pf,
        ciclo=ciclo,
        arquivo=SimpleUploadedFile("y.pdf", PDF),
        nome_original="y.pdf",
        tipo_conteudo="application/pdf",
        enviado_por=parceiro_pf,
    )
    importacao = ImportacaoDoPlano.objects.create(
        plano=plano,
        usuario=equipe,
        arquivo="plano.xlsx",
        sha256="0" * 64,
        novos=0,
        alterados=0,
        inalterados=75,
    )
    lembrete = Lembrete.objects.create(
        ciclo=ciclo, instituicao=pf, etapa=Lembrete.Etapa.values[0], destinatarios="a@example.org"
    )
    objetivo = Objetivo.objects.get(plano=plano, numero=1)
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from operacao.correio import enfileirar
    from operacao.models import Tarefa
    from operacao.tarefas import executando

    with executando("enviar_mensagens"):
        pass
    return {
        "operacao_mensagem": enfileirar("Assunto", "Corpo", ["a@example.org"]),
        "operacao_tarefa": Tarefa.objects.get(),
        "otp_totp_totpdevice": TOTPDevice.objects.filter(user=equipe).first(),
        "otp_static_staticdevice": StaticDevice.objects.create(user=equipe, name="recuperação"),
        "auth_group": Group.objects.get(name="Equipe CGETP"),
        "plano_objetivo": objetivo,
        "plano_acao": Acao.objects.get(codigo="1.1", objetivo=objetivo),
        "plano_atividade": atividade,
        "plano_vinculo": vinculo,
        "plano_plano": plano,
        "plano_importacaodoplano": importacao,
        "parceiros_usuario": parceiro_pf,
        "parceiros_instituicao": pf,
        "monitoramento_ciclo": ciclo,
        "monitoramento_atualizacao": publicado,
        "monitoramento_evidencia": evidencia,
        "monitoramento_evidenciapendente": pendente,
        "monitoramento_lembrete": lembrete,
        "rascunho": rascunho,
        "dpu": dpu,
    }


def endereco(rota: Rota, objetos: dict) -> str:
    """An address that reaches the route's view with real objects."""
    padrao = rota.padrao
    modelo = re.match(r"admin/(\w+)/(\w+)/", padrao)
    chave = f"{modelo.group(1)}_{modelo.group(2)}" if modelo else None
    objeto = objetos.get(chave)
    if "^([^/]+)/history/([^/]+)/$" in padrao:
        historico = objeto.history.order_by("history_id").first()
        return "/" + padrao.split("^")[0] + f"{objeto.pk}/history/{historico.history_id}/"
    if padrao.startswith("admin/otp_totp/totpdevice/<int:pk>/"):
        return "/" + padrao.replace("<int:pk>", str(objeto.pk))
    if padrao.startswith("admin/^(?P<app_label>"):
        return "/admin/plano/"
    if padrao == "admin/(?P<url>.*)$":
        return "/admin/nao-existe/"
    if padrao == "admin/r/<path:content_type_id>/<path:object_id>/":
        tipo = ContentType.objects.get_for_model(Instituicao)
        return f"/admin/r/{tipo.pk}/{objetos['parceiros_instituicao'].pk}/"
    if padrao == "admin/autocomplete/":
        return (
            "/admin/autocomplete/?term=P&app_label=plano&model_name=vinculo&field_name=instituicao"
        )
    if padrao == "admin/relatorio-semestral/":
        return f"/admin/relatorio-semestral/?ciclo={objetos['monitoramento_ciclo'].pk}"
    substituicoes = {
        "<path:object_id>": str(objeto.pk) if objeto is not None else "1",
        "<id>": str(objetos["parceiros_usuario"].pk),
        "<int:pk>": str(
            objetos["monitoramento_evidencia"].pk
            if padrao.startswith("evidencias/")
            else objetos["monitoramento_atualizacao"].pk
        ),
        "<slug:plano>/<str:ciclo>.xlsx": (
            f"{objetos['plano_plano'].slug}/{objetos['monitoramento_atualizacao'].ciclo.codigo}.xlsx"
        ),
        "<slug:nome>.<str:formato>": "relatos.csv",
        "dados/feeds/relatos/objetivo/<str:codigo>/": "dados/feeds/relatos/objetivo/1/",
        "dados/feeds/relatos/atividade/<str:codigo>/": "dados/feeds/relatos/atividade/1.1.1/",
        "<slug:slug>": "pf",
        "<uidb64>/<token>": "MQ/conjunto-invalido",
        "plano/<str:codigo>/": "plano/1.1.1/",
        "<str:codigo>": "2.1.1",
    }
    for marca, valor in substituicoes.items():
        padrao = padrao.replace(marca, valor)
    assert "<" not in padrao and "(" not in padrao, padrao
    return "/" + padrao
