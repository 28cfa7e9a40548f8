"""A small monitoring history with every report state, people's names that
must never be published, and texts that would be formulas in a spreadsheet."""

from datetime import date

import pytest

from monitoramento.models import Atualizacao
from monitoramento.services import atualizar_situacao_da_atividade
from parceiros.models import Instituicao
from plano.indicadores import Situacao
from plano.models import Atividade
from tests import factories

PUBLICADA = Atualizacao.Estado.PUBLICADA
FORMULAS = {
    "realizado": '=HYPERLINK("http://exemplo.invalido","clique")',
    "restricoes": "+55 61 2025-0000",
}
TEXTOS_PERIGOSOS = ["-1+2", "@SOMA(1;2)", "\tcom tabulação", "\rcom retorno"]
SEGREDOS = ["RASCUNHO SECRETO", "ENVIADO SECRETO", "DEVOLVIDO SECRETO"]
NOMES = ["Fulana", "Autora", "Beltrano", "Validador"]
MOTIVO_DO_PRAZO = "Prazo ampliado: edital adiado."


@pytest.fixture
def historico(plano, pf, dpu):
    mpf = Instituicao.objects.get(sigla="MPF")
    autor = factories.criar_usuario(
        username="fulana.autora", instituicao=pf, first_name="Fulana", last_name="Autora"
    )
    autor_dpu = factories.criar_usuario(username="autor.dpu", instituicao=dpu)
    autor_mpf = factories.criar_usuario(username="autor.mpf", instituicao=mpf)
    validador = factories.criar_usuario(
        username="beltrano", is_staff=True, first_name="Beltrano", last_name="Validador"
    )
    c1 = factories.criar_ciclo(plano=plano, codigo="2025.1")
    c2 = factories.criar_ciclo(plano=plano, codigo="2025.2")
    a = {
        x.codigo: x
        for x in Atividade.objects.filter(codigo__in=["1.1.1", "1.1.2", "1.1.3", "1.2.1"])
    }
    comum = {"validador": validador}
    r1 = factories.criar_atualizacao(
        atividade=a["1.1.1"],
        instituicao=pf,
        ciclo=c1,
        autor=autor,
        estado=PUBLICADA,
        percentual=20,
        **comum,
    )
    r2 = factories.criar_atualizacao(
        atividade=a["1.1.1"],
        instituicao=pf,
        ciclo=c2,
        autor=autor,
        estado=PUBLICADA,
        percentual=45,
        **FORMULAS,
        **comum,
    )
    factories.criar_evidencia(
        atualizacao=r2, titulo="=Relatório", url="https://example.org/relatorio.pdf"
    )
    r3 = factories.criar_atualizacao(
        atividade=a["1.2.1"],
        instituicao=dpu,
        ciclo=c2,
        autor=autor_dpu,
        estado=PUBLICADA,
        situacao=Situacao.CONCLUIDA,
        percentual=100,
        realizado="\n".join(TEXTOS_PERIGOSOS),
        restricoes=TEXTOS_PERIGOSOS[0],
        **comum,
    )
    factories.criar_evidencia(atualizacao=r3, titulo="Ato", url="https://example.org/ato")
    rascunho = factories.criar_atualizacao(
        atividade=a["1.1.2"], instituicao=pf, ciclo=c2, autor=autor, realizado=SEGREDOS[0]
    )
    factories.criar_evidencia(atualizacao=rascunho, titulo="Evidência do rascunho")
    factories.criar_atualizacao(
        atividade=a["1.1.3"],
        instituicao=pf,
        ciclo=c2,
        autor=autor,
        estado=Atualizacao.Estado.ENVIADA,
        realizado=SEGREDOS[1],
    )
    factories.criar_atualizacao(
        atividade=a["1.1.1"],
        instituicao=mpf,
        ciclo=c2,
        autor=autor_mpf,
        estado=Atualizacao.Estado.DEVOLVIDA,
        realizado=SEGREDOS[2],
        comentario_validacao="Falta a evidência.",
        **comum,
    )
    for codigo in ("1.1.1", "1.2.1"):
        atualizar_situacao_da_atividade(atividade=a[codigo])
    # A deadline set, then moved with its reason: the change log's one row.
    prazo = Atividade.objects.get(codigo="1.1.3")
    prazo.prazo = date(2026, 11, 1)
    prazo.save()
    prazo.prazo = date(2027, 6, 30)
    prazo._change_reason = MOTIVO_DO_PRAZO
    prazo.save()
    return {"ciclos": (c1, c2), "publicados": (r1, r2, r3)}
