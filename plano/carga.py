"""Loading the plan's fixture into the database (used by carregar_plano)."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from parceiros.models import Instituicao

from .models import Acao, Atividade, Objetivo, Plano, Vinculo

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "i_paecm.json"


@dataclass
class Resultado:
    criados: dict[str, int] = field(default_factory=dict)
    divergentes: list[str] = field(default_factory=list)

    def contar(self, modelo: str, criado: bool) -> None:
        if criado:
            self.criados[modelo] = self.criados.get(modelo, 0) + 1


def _obter(resultado: Resultado, modelo, texto_oficial: str | None = None, **kwargs):
    """get_or_create that never overwrites: an existing row whose text differs
    from the fixture is reported, not changed (CGETP may have corrected it,
    and history must say so)."""
    defaults = kwargs.pop("defaults", {})
    objeto, criado = modelo.objects.get_or_create(**kwargs, defaults=defaults)
    resultado.contar(modelo._meta.verbose_name_plural, criado)
    if not criado and texto_oficial is not None and objeto.texto != texto_oficial:
        resultado.divergentes.append(objeto.codigo)
    return objeto


@transaction.atomic
def carregar_plano(caminho: Path = FIXTURE) -> Resultado:
    """Create whatever of the fixture is missing; leave the rest untouched."""
    dados = json.loads(Path(caminho).read_text(encoding="utf-8"))
    resultado = Resultado()
    info = dados["plano"]
    plano = _obter(resultado, Plano, slug=info["slug"], defaults=info)
    instituicoes = {}
    for inst in dados["instituicoes"]:
        instituicoes[inst["sigla"]] = _obter(
            resultado,
            Instituicao,
            sigla=inst["sigla"],
            defaults={"nome": inst["nome"], "tipo": inst["tipo"], "slug": slugify(inst["sigla"])},
        )
    for obj in dados["objetivos"]:
        objetivo = _obter(
            resultado,
            Objetivo,
            obj["texto"],
            plano=plano,
            numero=int(obj["codigo"]),
            defaults={
                "codigo": obj["codigo"],
                "texto": obj["texto"],
                "descricao": obj["descricao"],
            },
        )
        for ac in obj["acoes"]:
            acao = _obter(
                resultado,
                Acao,
                ac["texto"],
                objetivo=objetivo,
                numero=int(ac["codigo"].split(".")[-1]),
                defaults={"codigo": ac["codigo"], "texto": ac["texto"]},
            )
            for at in ac["atividades"]:
                atividade = _obter(
                    resultado,
                    Atividade,
                    at["texto"],
                    acao=acao,
                    numero=int(at["codigo"].split(".")[-1]),
                    defaults={"codigo": at["codigo"], "texto": at["texto"]},
                )
                for sigla in at["parceiros"]:
                    _obter(
                        resultado,
                        Vinculo,
                        atividade=atividade,
                        instituicao=instituicoes[sigla],
                        defaults={"papel": Vinculo.Papel.PARCEIRA},
                    )
    return resultado
