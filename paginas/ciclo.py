"""?ciclo= on the plan and institution pages: which state a page shows, the
current one or the plan at the close of a cycle (monitoramento.ciclos), and
what each activity shows in it."""

from dataclasses import dataclass, field
from datetime import date

from django.http import Http404, QueryDict

from monitoramento.ciclos import PlanoNoCiclo, ciclos_para_escolha, plano_no_ciclo
from monitoramento.indicadores import Grupo
from monitoramento.models import Ciclo
from plano.indicadores import ROTULOS, SITUACOES_EXIBIDAS, situacao_exibida


def ciclo_escolhido(ciclos: list[Ciclo], valor: str | None) -> Ciclo | None:
    """The cycle `?ciclo=` names among `ciclos`, None without it. Any other
    value (unknown, hostile, NUL bytes) is compared, never queried, and is
    not found."""
    codigo = (valor or "").strip()
    if not codigo:
        return None
    ciclo = next((c for c in ciclos if c.codigo == codigo), None)
    if ciclo is None:
        raise Http404("Ciclo não encontrado.")
    return ciclo


@dataclass(frozen=True)
class Retrato:
    """What a page shows of one activity in the chosen state."""

    situacao: dict  # {"valor", "rotulo"}, with "atrasada"
    percentual: int | None
    prazo: date | None  # with a cycle, the deadline in force on its evaluation date
    codigo: str = ""  # the stored situação, for the groups' counts


@dataclass
class Momento:
    """The state a page shows: the current one (`ciclo` None), or the plan at
    the close of `ciclo`; `ciclos` are the choices of the page's selector.
    One query (the cycles opened so far); `avaliar` adds plano_no_ciclo's two."""

    ciclos: list[Ciclo]
    ciclo: Ciclo | None
    hoje: date
    visao: PlanoNoCiclo | None = None
    _retratos: dict = field(default_factory=dict)

    @classmethod
    def do_pedido(cls, request, plano, hoje: date) -> "Momento":
        ciclos = ciclos_para_escolha(plano, hoje)
        return cls(
            ciclos=ciclos, ciclo=ciclo_escolhido(ciclos, request.GET.get("ciclo")), hoje=hoje
        )

    @property
    def data(self) -> date:
        """The date lateness is judged on."""
        return self.visao.data if self.visao else self.hoje

    @property
    def consulta(self) -> str:
        """ "?ciclo=<código>" for the links to other pages, "" for the current state."""
        if self.ciclo is None:
            return ""
        return "?" + QueryDict.fromkeys(["ciclo"], self.ciclo.codigo).urlencode()

    def avaliar(self, atividades) -> None:
        """Read the situation of these activities (objects, or dicts with pk
        and prazo) at the close of the cycle; nothing to read without one."""
        if self.ciclo is not None:
            self.visao = plano_no_ciclo(self.ciclo, atividades, self.hoje)

    def retrato(self, atividade) -> Retrato:
        """The activity (an object with situacao, percentual and prazo) as the
        page shows it; with a cycle, as `avaliar` read it."""
        if self.visao is None:
            valor = situacao_exibida(atividade.situacao, atividade.prazo, self.hoje)
            return Retrato(
                {"valor": valor, "rotulo": ROTULOS[valor]},
                atividade.percentual,
                atividade.prazo,
                atividade.situacao,
            )
        return self.no_ciclo(atividade.pk)

    def no_ciclo(self, pk: int) -> Retrato:
        """The activity `pk` at the close of the cycle, as `avaliar` read it."""
        retrato = self._retratos.get(pk)
        if retrato is None:
            s = self.visao.situacoes[pk]
            retrato = Retrato(
                {"valor": s.exibida, "rotulo": ROTULOS[s.exibida]},
                s.percentual,
                s.prazo,
                s.situacao,
            )
            self._retratos[pk] = retrato
        return retrato

    def grupo(self, atividades) -> Grupo:
        """The activities' counts and execution in this state (objects with peso)."""
        grupo = Grupo()
        for atividade in atividades:
            r = self.retrato(atividade)
            grupo.adicionar(
                situacao=r.codigo,
                percentual=r.percentual,
                peso=atividade.peso,
                prazo=r.prazo,
                n=1,
                hoje=self.data,
            )
        return grupo


POSICAO_DA_SITUACAO = {valor: i for i, (valor, _rotulo) in enumerate(SITUACOES_EXIBIDAS)}


def chave_de_ordem(ordem: str):
    """plano.filters.ordenar's orders on a Retrato, for a cycle's values
    (None for the orders that do not depend on them); a stable sort keeps
    code order between ties."""
    if ordem == "prazo":
        return lambda r: (r.prazo is None, r.prazo or date.min)
    if ordem == "percentual":
        return lambda r: (r.percentual is None, -(r.percentual or 0))
    if ordem == "situacao":
        return lambda r: POSICAO_DA_SITUACAO.get(r.situacao["valor"], len(POSICAO_DA_SITUACAO))
    return None
