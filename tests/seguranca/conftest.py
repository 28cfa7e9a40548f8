"""The portal's fixtures (an open cycle, an activity linked to the PF)."""

from tests.monitoramento.conftest import atividade_pf, ciclo  # noqa: F401
