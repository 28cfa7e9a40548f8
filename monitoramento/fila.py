"""The validation queue's filters: by institution, objective, cycle and age
(days since the report was sent). Only values among the choices count; any
other value is dropped, and the queue says so."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from parceiros.models import Instituicao
from plano.models import Objetivo

from .models import Ciclo

IDADES = [
    ("", "Em qualquer data"),
    ("7", "Há mais de 7 dias"),
    ("15", "Há mais de 15 dias"),
    ("30", "Há mais de 30 dias"),
]


class FiltroDaFila(forms.Form):
    instituicao = forms.ChoiceField(label="Instituição", required=False)
    objetivo = forms.ChoiceField(label="Objetivo específico", required=False)
    ciclo = forms.ChoiceField(label="Ciclo", required=False)
    idade = forms.ChoiceField(label="Enviado", required=False, choices=IDADES)

    def __init__(self, dados, fila):
        """`fila`: the queue's queryset; the choices are those it holds (three queries)."""
        super().__init__(dados)
        todas = [("", "Todas")]
        todos = [("", "Todos")]
        self.fields["instituicao"].choices = todas + [
            (i.slug, i.sigla)
            for i in Instituicao.objects.filter(atualizacoes__in=fila).distinct().order_by("sigla")
        ]
        self.fields["objetivo"].choices = todos + [
            (str(o.pk), f"{o.plano.sigla} · Objetivo {o.codigo}")
            for o in Objetivo.objects.filter(acoes__atividades__atualizacoes__in=fila)
            .select_related("plano")
            .distinct()
            .order_by("plano__sigla", "numero")
        ]
        self.fields["ciclo"].choices = todos + [
            (c.codigo, f"{c.plano.sigla} · {c.codigo}")
            for c in Ciclo.objects.filter(atualizacoes__in=fila)
            .select_related("plano")
            .distinct()
            .order_by("plano__sigla", "-inicio")
        ]

    def filtrar(self, fila):
        """The queue narrowed by the valid filters; invalid ones are ignored."""
        self.is_valid()
        dados = getattr(self, "cleaned_data", {})
        if dados.get("instituicao"):
            fila = fila.filter(instituicao__slug=dados["instituicao"])
        if dados.get("objetivo"):
            fila = fila.filter(atividade__acao__objetivo_id=int(dados["objetivo"]))
        if dados.get("ciclo"):
            fila = fila.filter(ciclo__codigo=dados["ciclo"])
        if dados.get("idade"):
            limite = timezone.now() - timedelta(days=int(dados["idade"]))
            fila = fila.filter(enviado_em__lt=limite)
        return fila

    @property
    def ativo(self) -> bool:
        return any(getattr(self, "cleaned_data", {}).values())
