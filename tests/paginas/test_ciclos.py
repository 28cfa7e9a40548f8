"""?ciclo= on the painel: the plan at the close of an earlier cycle
(monitoramento.ciclos), stated on the page, with a selector that needs no
JavaScript; and the deadline in force on a date, from history."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from monitoramento.ciclos import cobertura_nos_ciclos, plano_no_ciclo
from monitoramento.indicadores import cobertura_do_ciclo
from monitoramento.models import Ciclo
from parceiros.models import Instituicao
from plano.historico import prazos_em_vigor, vinculos_nas_datas
from plano.indicadores import ATRASADA, Situacao
from plano.models import Atividade, Vinculo
from tests import factories

from .test_painel import bloco, linhas_de_situacao, pct


def ciclos_da_demo(plano):
    return list(Ciclo.objects.filter(plano=plano).order_by("inicio"))


def test_painel_de_um_ciclo_anterior_mostra_o_fechamento_e_difere_do_atual(client, demo):
    primeiro, segundo, aberto = ciclos_da_demo(demo)
    atual = client.get("/").content.decode()
    antigo = client.get(f"/?ciclo={primeiro.codigo}").content.decode()
    assert antigo != atual
    assert f"no fechamento do ciclo {primeiro.codigo}</strong>" in antigo
    assert primeiro.fim.strftime("%d/%m/%Y") in bloco_aviso(antigo)
    assert 'id="aviso-ciclo"' not in atual
    # At the close of the first cycle six activities had a report, three of
    # them not started; 1.1.1 was at 20 % (45 % later, 60 % now).
    contagem = linhas_de_situacao(antigo)
    assert contagem[Situacao.NAO_INICIADA] == 3
    assert contagem[Situacao.CONCLUIDA] == 0
    assert contagem[ATRASADA] == 0  # the demo's deadlines had not passed then
    assert linhas_de_situacao(atual)[ATRASADA] == 2
    # Execution at the close: (20 + 0 + 50 + 10 + 0 + 60 + 0) / 75 activities.
    assert pct(round((20 + 50 + 10 + 60) / 75, 1)) in bloco(antigo, "execucao-geral")
    # Each cycle's close gives its own numbers.
    meio = client.get(f"/?ciclo={segundo.codigo}").content.decode()
    assert len({bloco(h, "execucao-geral") for h in (antigo, meio, atual)}) == 3
    assert "Cobertura dos relatos do ciclo " + primeiro.codigo in antigo


def bloco_aviso(html: str) -> str:
    inicio = html.index('id="aviso-ciclo"')
    return html[inicio : html.index("</div>", inicio)]


def test_seletor_de_ciclo_e_um_formulario_get_sem_javascript(client, demo):
    primeiro, _, _ = ciclos_da_demo(demo)
    html = client.get(f"/?ciclo={primeiro.codigo}").content.decode()
    inicio = html.index('<form class="seletor-ciclo" method="get" action="/">')
    formulario = html[inicio : html.index("</form>", inicio)]
    assert '<select id="seletor-ciclo" name="ciclo">' in formulario
    assert f'<option value="{primeiro.codigo}" selected>' in formulario
    assert '<option value="">na situação atual</option>' in formulario
    assert 'type="submit"' in formulario
    # The empty choice is the current state.
    assert client.get("/?ciclo=").content.decode() == client.get("/").content.decode()


@pytest.mark.parametrize("valor", ["1999.1", "2025.1'--", "x" * 500, "<script>", "2099.2"])
def test_ciclo_desconhecido_ou_hostil_da_404(client, demo, valor):
    factories.criar_ciclo(
        plano=demo,
        codigo="2099.2",
        abertura=date(2099, 7, 1),
        prazo=date(2099, 8, 1),
        encerramento=date(2099, 8, 15),
    )
    assert client.get("/", {"ciclo": valor}).status_code == 404


def _mover_historico(atividade, quando):
    """Date the activity's latest history record at `quando` (a past edit)."""
    registro = atividade.history.order_by("-history_id").first()
    atividade.history.filter(history_id=registro.history_id).update(
        history_date=timezone.make_aware(
            timezone.datetime.combine(quando, timezone.datetime.min.time())
        )
    )


def test_prazo_em_vigor_e_o_registrado_ate_a_data_e_o_primeiro_prazo_vale_desde_o_inicio(plano):
    atividade = Atividade.objects.get(codigo="1.1.2")
    _mover_historico(atividade, date(2024, 1, 1))  # loaded without a deadline
    atividade.prazo = date(2026, 11, 1)  # "prazo definido": the original deadline
    atividade.save()
    _mover_historico(atividade, date(2025, 3, 1))
    atividade.prazo = date(2027, 6, 30)  # moved later
    atividade.save()
    _mover_historico(atividade, date(2026, 12, 1))
    atuais = {atividade.pk: atividade.prazo}
    em = lambda d: prazos_em_vigor(plano.pk, d, atuais)[atividade.pk]  # noqa: E731
    assert em(date(2024, 6, 30)).em_vigor == date(2026, 11, 1)  # before it was set
    assert em(date(2026, 11, 30)).em_vigor == date(2026, 11, 1)
    assert em(date(2026, 12, 1)).em_vigor == date(2027, 6, 30)
    assert em(date(2026, 12, 1)).original == date(2026, 11, 1)
    # Without history the current value holds.
    outra = Atividade.objects.get(codigo="1.1.3")
    outra.history.all().delete()
    assert prazos_em_vigor(plano.pk, date(2020, 1, 1), {outra.pk: date(2030, 1, 1)})[
        outra.pk
    ].em_vigor == date(2030, 1, 1)


def test_atraso_no_fechamento_usa_o_prazo_em_vigor_e_nao_o_atual(plano, pf):
    atividade = Atividade.objects.get(codigo="1.1.2")
    ciclo = factories.criar_ciclo(plano=plano, codigo="2025.2")  # period ends 2025-12-31
    autor = factories.criar_usuario(instituicao=pf)
    factories.criar_atualizacao(
        atividade=atividade, instituicao=pf, ciclo=ciclo, autor=autor, estado="publicada"
    )
    atividade.prazo = date(2025, 11, 1)
    atividade.save()
    _mover_historico(atividade, date(2025, 1, 1))
    atividade.prazo = date(2099, 6, 30)  # moved today, after the cycle closed
    atividade.save()
    visao = plano_no_ciclo(ciclo, [atividade])
    assert visao.data == ciclo.fim
    s = visao.situacoes[atividade.pk]
    assert (s.prazo, s.exibida, s.relato_no_ciclo) == (date(2025, 11, 1), ATRASADA, True)
    # The open cycle is judged today.
    aberto = factories.criar_ciclo(plano=plano, codigo="2027.1", aberto=True)
    assert plano_no_ciclo(aberto, [atividade]).data == timezone.localdate()
    assert timedelta(0) <= timezone.localdate() - aberto.abertura


def test_pagina_da_atividade_no_fechamento_de_um_ciclo_e_a_serie_por_ciclo(client, demo):
    primeiro, segundo, aberto = ciclos_da_demo(demo)
    atual = client.get("/plano/1.1.1/").content.decode()
    antigo = client.get(f"/plano/1.1.1/?ciclo={primeiro.codigo}").content.decode()
    assert f"no fechamento do ciclo {primeiro.codigo}</strong>" in antigo
    assert "<dt>% executado</dt><dd>20%</dd>" in antigo
    assert "<dt>% executado</dt><dd>60%</dd>" in atual
    # The series: 20 → 45 → 60 %, as a chart and as a table.
    tabela = atual[atual.index('id="tabela-por-ciclo"') :]
    tabela = tabela[: tabela.index("</table>")]
    for codigo, p in ((primeiro.codigo, 20), (segundo.codigo, 45), (aberto.codigo, 60)):
        assert f">{codigo}</a></th>" in tabela
        assert f'<td class="numero">{p}%</td>' in tabela
    assert atual.count('<circle class="ponto"') == 3
    assert client.get("/plano/1.1.1/?ciclo=1999.1").status_code == 404


def test_painel_conta_os_prazos_alterados_e_leva_a_lista(client, demo):
    html = client.get("/").content.decode()
    # The demo moves 1.1.1's deadline, with its reason.
    assert "1 atividade teve o prazo alterado desde a publicação do plano." in html
    assert '<a href="/plano/alteracoes/">' in html


def test_metodologia_declara_as_definicoes_do_ciclo_a_partir_do_codigo(client, plano):
    from monitoramento.ciclos import DEFINICOES

    html = client.get("/metodologia/").content.decode()
    for definicao in DEFINICOES:
        assert f"<li>{definicao}</li>" in html
    assert "conta <strong>uma vez</strong> no total do plano" in html


def test_painel_diz_quantas_atividades_sem_relato_contam_como_zero(client, demo):
    sem_relato = Atividade.objects.filter(situacao=Situacao.SEM_INFORMACAO).count()
    html = client.get("/").content.decode()
    assert f"{sem_relato} atividades sem relato publicado contam como 0&nbsp;%" in bloco(
        html, "execucao-geral"
    )


def _criada_em(atividade, quando):
    """Date the activity's creation (its first history record) at `quando`."""
    atividade.history.filter(history_type="+").update(
        history_date=timezone.make_aware(
            timezone.datetime.combine(quando, timezone.datetime.min.time())
        )
    )


def test_cobertura_de_um_ciclo_anterior_usa_os_vinculos_do_fechamento(client, demo):
    primeiro, _, aberto = ciclos_da_demo(demo)
    dpu = Instituicao.objects.get(sigla="DPU")
    nova = Atividade.objects.get(codigo="3.1.1")
    assert not nova.vinculos.exists()
    _criada_em(nova, primeiro.inicio)
    antes = cobertura_nos_ciclos([primeiro])[primeiro.pk]
    # Linked today, long after the first cycle closed: expected from now on only.
    factories.vincular(atividade=nova, instituicao=dpu)
    depois = cobertura_nos_ciclos([primeiro, aberto])
    assert depois[primeiro.pk].esperadas == antes.esperadas
    assert depois[primeiro.pk].da_instituicao(dpu.pk) == antes.da_instituicao(dpu.pk)
    assert depois[aberto.pk].esperadas == cobertura_do_ciclo(aberto).esperadas
    html = client.get(f"/?ciclo={primeiro.codigo}").content.decode()
    assert f"de {antes.esperadas} atividades esperadas" in html.replace("\n", " ")
    # A link removed today was still expected at the first cycle's close.
    vinculo = Vinculo.objects.filter(instituicao__sigla="PF").first()
    vinculo.delete()
    removido = cobertura_nos_ciclos([primeiro, aberto])
    assert removido[primeiro.pk].esperadas == antes.esperadas
    assert removido[aberto.pk].da_instituicao(vinculo.instituicao_id) == cobertura_do_ciclo(
        aberto
    ).da_instituicao(vinculo.instituicao_id)


def test_cobertura_do_ciclo_aberto_no_fechamento_e_a_mesma_regra_que_a_atual(demo):
    for ciclo in ciclos_da_demo(demo):
        atual = cobertura_do_ciclo(ciclo)
        no_fechamento = cobertura_nos_ciclos([ciclo])[ciclo.pk]
        if ciclo.esta_aberto():
            assert no_fechamento == atual
        # Closed cycles: the demo's links hold from the start, situations as at the close.
        assert {c.instituicao.sigla for c in no_fechamento.por_instituicao} <= {
            c.instituicao.sigla for c in atual.por_instituicao
        }


def test_vinculos_nas_datas_seguem_o_historico(plano):
    dpu = Instituicao.objects.get(sigla="DPU")
    atividade = Atividade.objects.exclude(vinculos__instituicao=dpu).order_by("pk").first()
    _criada_em(atividade, date(2024, 1, 1))
    originais = set(vinculos_nas_datas(plano.pk, [date(2024, 6, 1)])[date(2024, 6, 1)])
    factories.vincular(atividade=atividade, instituicao=dpu)
    hoje = timezone.localdate()
    ontem = hoje - timedelta(days=1)
    datas = vinculos_nas_datas(plano.pk, [ontem, hoje])
    assert (atividade.pk, dpu.pk) not in datas[ontem]
    assert datas[hoje][(atividade.pk, dpu.pk)] == "parceira"
    assert set(datas[ontem]) == originais
