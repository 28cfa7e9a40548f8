import hashlib
import zipfile
from pathlib import PurePosixPath

import filetype
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.template.loader import render_to_string
from django.utils.timezone import localtime

from comum.celulas import recusar_ilegais
from operacao.correio import enfileirar
from operacao.models import Mensagem
from parceiros.auth import MENSAGEM_BLOQUEIO, contar, endereco, recusar_se_bloqueado
from parceiros.models import Usuario
from plano.indicadores import PERCENTUAL_FIXO, Situacao

from .models import EVIDENCIAS_POR_RELATO, Atualizacao, Evidencia

TAMANHO_MAXIMO = 10 * 1024 * 1024

# Formats accepted for evidence files: extension -> content type.
FORMATOS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SINONIMOS = {"jpeg": "jpg"}
# The part of [Content_Types].xml that tells a Word file from a spreadsheet.
CONTEUDO_OOXML = {
    "docx": "wordprocessingml.document.main+xml",
    "xlsx": "spreadsheetml.sheet.main+xml",
}


def formato_pelo_conteudo(arquivo) -> str | None:
    """The accepted format (an extension of FORMATOS) the file's bytes show,
    or None. PDF and images by magic bytes; ODT/ODS/DOCX/XLSX are zip files,
    told apart by their `mimetype` entry or their [Content_Types].xml."""
    arquivo.seek(0)
    tipo = filetype.guess(arquivo.read(8192))
    arquivo.seek(0)
    if tipo is None:
        return None
    if tipo.extension in ("pdf", "png", "jpg"):
        return tipo.extension
    if tipo.mime != "application/zip" and tipo.extension not in {*CONTEUDO_OOXML, "odt", "ods"}:
        return None
    try:
        with zipfile.ZipFile(arquivo) as pacote:
            nomes = set(pacote.namelist())
            if "mimetype" in nomes:
                declarado = pacote.read("mimetype").decode("ascii", "replace").strip()
                return next((ext for ext in ("odt", "ods") if FORMATOS[ext] == declarado), None)
            if "[Content_Types].xml" in nomes:
                tipos = pacote.read("[Content_Types].xml").decode("utf-8", "replace")
                return next((ext for ext, marca in CONTEUDO_OOXML.items() if marca in tipos), None)
    except zipfile.BadZipFile:
        return None
    finally:
        arquivo.seek(0)
    return None


# A zip-based evidence (ODT, ODS, DOCX, XLSX) that would inflate past these is
# refused: 1 MB files inflating to 1 GiB were accepted and became downloads.
ZIP_ENTRADAS_MAXIMAS = 1000
ZIP_DESCOMPACTADO_MAXIMO = 100 * 1024 * 1024
ZIP_TAXA_MAXIMA = 100  # uncompressed size over the file's size


def verificar_compactado(arquivo) -> None:
    """Refuse a zip whose directory declares too many entries, too many bytes
    once inflated, or an inflation ratio no office document has. zipfile never
    inflates an entry past its declared size, so the declared sizes bound what
    reading the file costs."""
    arquivo.seek(0)
    try:
        with zipfile.ZipFile(arquivo) as pacote:
            entradas = pacote.infolist()
    except zipfile.BadZipFile:
        entradas = None
    finally:
        arquivo.seek(0)
    if entradas is None:
        raise forms.ValidationError("O arquivo está corrompido.")
    descompactado = sum(entrada.file_size for entrada in entradas)
    if (
        len(entradas) > ZIP_ENTRADAS_MAXIMAS
        or descompactado > ZIP_DESCOMPACTADO_MAXIMO
        or descompactado > ZIP_TAXA_MAXIMA * max(arquivo.size, 1)
    ):
        raise forms.ValidationError(
            "O arquivo se expandiria demais ao ser aberto (mais de "
            f"{ZIP_DESCOMPACTADO_MAXIMO // 2**20} MB, ou {ZIP_TAXA_MAXIMA} vezes o seu tamanho, "
            f"ou mais de {ZIP_ENTRADAS_MAXIMAS} partes) e não é aceito como evidência."
        )


class SemCaracteresIlegais:
    """Every text field refuses what a spreadsheet cannot hold (comum.celulas)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in self.fields.values():
            if isinstance(campo, forms.CharField):
                campo.validators.append(recusar_ilegais)


class EvidenciaForm(SemCaracteresIlegais, forms.ModelForm):
    class Meta:
        model = Evidencia
        fields = ["titulo", "tipo", "data", "url", "arquivo"]
        widgets = {
            "data": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "arquivo": forms.FileInput(
                attrs={"accept": ",".join(f".{ext}" for ext in FORMATOS) + ",.jpeg"}
            ),
        }
        help_texts = {
            "url": "Endereço começando com http:// ou https://.",
            "arquivo": "Opcional se houver link. PDF, ODT, DOCX, ODS, XLSX, PNG ou JPG, até 10 MB.",
        }

    def __init__(self, *args, pendentes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.oferecer_pendentes(pendentes)

    def oferecer_pendentes(self, pendentes) -> None:
        """Files this report received with a refused form (EvidenciaPendente):
        the form may use one of them instead of a new upload."""
        self.pendentes = {str(p.pk): p for p in pendentes}
        self._bound_fields_cache.pop("pendente", None)
        if not self.pendentes:
            self.fields.pop("pendente", None)
            return
        self.fields["pendente"] = forms.ChoiceField(
            label="Ou use um arquivo já recebido",
            required=False,
            choices=[
                ("", "Nenhum"),
                *(
                    (
                        pk,
                        f"{p.nome_original} (recebido em {localtime(p.enviado_em):%d/%m/%Y %H:%M})",
                    )
                    for pk, p in self.pendentes.items()
                ),
            ],
            help_text="Enviado antes, quando o formulário tinha erros: não é preciso escolhê-lo de novo.",
        )

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if url:
            URLValidator(
                schemes=["http", "https"],
                message="Informe um link que comece com http:// ou https://.",
            )(url)
        return url

    def clean_arquivo(self):
        arquivo = self.cleaned_data.get("arquivo")
        if not arquivo or not hasattr(arquivo, "content_type"):
            return arquivo  # nothing new uploaded
        if arquivo.size > TAMANHO_MAXIMO:
            raise forms.ValidationError("O arquivo passa de 10 MB.")
        declarada = PurePosixPath(arquivo.name).suffix.lower().lstrip(".")
        declarada = SINONIMOS.get(declarada, declarada)
        if zipfile.is_zipfile(arquivo):
            verificar_compactado(arquivo)
        formato = formato_pelo_conteudo(arquivo)
        if formato is None or formato != declarada:
            raise forms.ValidationError(
                "O conteúdo do arquivo não é um PDF, ODT, DOCX, ODS, XLSX, PNG ou JPG "
                "(ou não corresponde à extensão do nome)."
            )
        # Only our own names reach the disk; the sent name is kept for the download.
        self.instance.nome_original = PurePosixPath(arquivo.name).name[:200]
        self.instance.tipo_conteudo = FORMATOS[formato]
        arquivo.name = f"evidencia.{formato}"
        return arquivo

    def clean(self):
        dados = super().clean()
        pendente = self.pendentes.get(dados.get("pendente") or "")
        if pendente is not None and not dados.get("arquivo"):
            # The file already received: the evidence keeps its stored name.
            dados["arquivo"] = pendente.arquivo.name
            self.instance.nome_original = pendente.nome_original
            self.instance.tipo_conteudo = pendente.tipo_conteudo
        if not dados.get("url") and not dados.get("arquivo") and not self.errors:
            raise forms.ValidationError("Informe um link ou envie um arquivo.")
        return dados


class BaseEvidenciaFormSet(BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": (
            f"Um relato pode ter no máximo {EVIDENCIAS_POR_RELATO} evidências. "
            "Remova alguma antes de acrescentar outra."
        ),
    }


# max_num + validate_max refuse more than the cap; absolute_max bounds the
# forms built whatever TOTAL_FORMS says (100,000 used to cost seconds).
EvidenciaFormSet = inlineformset_factory(
    Atualizacao,
    Evidencia,
    form=EvidenciaForm,
    formset=BaseEvidenciaFormSet,
    extra=1,
    can_delete=True,
    max_num=EVIDENCIAS_POR_RELATO,
    validate_max=True,
    absolute_max=EVIDENCIAS_POR_RELATO,
)


class CamposDoRelatoForm(SemCaracteresIlegais, forms.ModelForm):
    """What every report form checks: a situation a partner may state, and a
    % between 0 and 100 that agrees with it (not started 0, concluded 100)."""

    class Meta:
        model = Atualizacao
        fields = ["situacao", "percentual", "realizado", "restricoes"]
        widgets = {
            "situacao": forms.RadioSelect,
            "percentual": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "realizado": forms.Textarea(attrs={"rows": 6}),
            "restricoes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "percentual": (
                "De 0 a 100. Concluída define 100% e Não iniciada define 0%, "
                "seja qual for o número informado aqui."
            ),
            "restricoes": "O que atrasou ou impediu a execução, e o que foi feito a respeito.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's choices, without Django's blank one.
        self.fields["situacao"].choices = Atualizacao._meta.get_field("situacao").choices
        # Concluída and Não iniciada set the % themselves (clean).
        self.fields["percentual"].required = False

    def clean_percentual(self):
        percentual = self.cleaned_data["percentual"]
        if percentual is not None and not 0 <= percentual <= 100:
            raise forms.ValidationError("Informe um número de 0 a 100.")
        return percentual

    def clean(self):
        """A situation with a fixed % (PERCENTUAL_FIXO: concluída 100, não
        iniciada 0) sets it, whatever was typed; the others need one."""
        dados = super().clean()
        situacao = dados.get("situacao")
        fixo = PERCENTUAL_FIXO.get(situacao)
        if fixo is not None:
            if "percentual" not in self.errors:
                dados["percentual"] = fixo
                self.instance.percentual = fixo
        elif situacao and dados.get("percentual") is None and "percentual" not in self.errors:
            self.add_error("percentual", "Informe o % executado, de 0 a 100.")
        return dados


class RelatoForm(CamposDoRelatoForm):
    """A partner's report, checked together with its evidence formset."""

    revisao = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, evidencias=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidencias = evidencias

    def clean(self):
        dados = super().clean()
        if (
            dados.get("situacao") == Situacao.CONCLUIDA
            and self.evidencias is not None
            and self.evidencias.is_valid()
            and not self._ha_evidencia()
        ):
            self.add_error(
                "situacao", "Uma atividade concluída precisa de pelo menos uma evidência."
            )
        return dados

    def _ha_evidencia(self) -> bool:
        return any(
            f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.evidencias.forms
        )


class LinhaDoCicloForm(CamposDoRelatoForm):
    """One row of "Relatar o ciclo" (the portal's /portal/ciclo/): the
    situação, % and what was done on one activity, checked by the same rules
    as the report form; `enviar` selects the row for sending. Evidence and
    blockers stay on the activity's own form."""

    revisao = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    enviar = forms.BooleanField(label="Enviar", required=False)
    # Not the report's content: a change here alone saves nothing.
    CONTROLES = ("revisao", "enviar")

    class Meta(CamposDoRelatoForm.Meta):
        fields = ["situacao", "percentual", "realizado"]
        widgets = {
            **CamposDoRelatoForm.Meta.widgets,
            "situacao": forms.Select,
            "realizado": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A select starts blank: an untouched row states nothing.
        self.fields["situacao"].choices = [("", "Escolha"), *self.fields["situacao"].choices]
        self.fields["percentual"].help_text = "Concluída define 100%; Não iniciada, 0%."

    def conteudo_alterado(self) -> bool:
        """Whether the report's content differs from what the row showed."""
        return any(nome not in self.CONTROLES for nome in self.changed_data)


class CorrecaoForm(CamposDoRelatoForm):
    """A CGETP correction of a published report (services.corrigir_relato_publicado)."""

    class Meta(CamposDoRelatoForm.Meta):
        fields = [*CamposDoRelatoForm.Meta.fields, "motivo_correcao"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motivo_correcao"].required = True


class DevolucaoForm(SemCaracteresIlegais, forms.Form):
    comentario = forms.CharField(
        label="Comentário para a instituição",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Obrigatório: explique o que precisa ser corrigido.",
    )


class EntradaForm(AuthenticationForm):
    """Login form that refuses a locked username and address up front, with a
    clear message (the backend enforces the same lock for the admin)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            try:
                recusar_se_bloqueado(username, endereco(self.request))
            except PermissionDenied as erro:
                raise forms.ValidationError(MENSAGEM_BLOQUEIO, code="bloqueado") from erro
        return super().clean()


def _resumo(texto: str) -> str:
    return hashlib.sha256(texto.encode()).hexdigest()


class RedefinirSenhaForm(PasswordResetForm):
    """Password reset through the outbox, rate-limited per client address and
    per account (REDEFINICOES_POR_ENDERECO / _POR_CONTA an hour), doing the
    same work for a known and an unknown address: one user lookup, the same
    templates rendered, one outbox row (a discarded one, without the address,
    when nobody has it). The answer never says which it was."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        assunto = render_to_string(subject_template_name, context)
        enfileirar(assunto, render_to_string(email_template_name, context), [to_email])
        self.enfileiradas += 1

    def save(self, *, request=None, **kwargs):
        email = self.cleaned_data["email"].strip().lower()
        ip = endereco(request)
        por_endereco = contar("paecm:redefinicao-endereco:" + _resumo(ip), 3600)
        por_conta = contar("paecm:redefinicao-conta:" + _resumo(email), 3600)
        if (
            por_endereco > settings.REDEFINICOES_POR_ENDERECO
            or por_conta > settings.REDEFINICOES_POR_CONTA
        ):
            return
        self.enfileiradas = 0
        super().save(request=request, **kwargs)
        if self.enfileiradas:
            return
        # Nobody with this address: the same rendering and one row, sent to no one.
        contexto = {
            "email": email,
            "domain": "-",
            "site_name": "-",
            "uid": "-",
            "protocol": "https",
            "user": Usuario(username="-", email=email),
            "token": default_token_generator.make_token(Usuario(username="-", email=email)),
        }
        assunto = render_to_string(kwargs["subject_template_name"], contexto)
        render_to_string(kwargs["email_template_name"], contexto)
        Mensagem.objects.create(
            assunto=" ".join(assunto.split())[:255],
            corpo="",
            destinatarios="",
            estado=Mensagem.Estado.DESCARTADA,
        )
