"""Demo data, the rules the database enforces, and the activity's current situation."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from monitoramento.demo import carregar_demo
from monitoramento.models import Atualizacao, Ciclo, Evidencia
from monitoramento.services import atualizar_situacao_da_atividade
from parceiros.models import Usuario
from plano.indicadores import Situacao
from plano.models import Atividade
from tests import factories


def test_demo_cria_ciclos_contas_e_relatos_em_todos_os_estados(plano, settings):
    assert carregar_demo(hoje=date(2026, 11, 27)) is True
    assert list(Ciclo.objects.values_list("codigo", flat=True)) == ["2025.1", "2025.2", "2026.1"]
    assert [c.codigo for c in Ciclo.objects.aberto(date(2026, 11, 27))] == ["2026.1"]
    estados = set(Atualizacao.objects.values_list("estado", flat=True))
    assert estados == {"rascunho", "enviada", "devolvida", "publicada"}
    assert len(set(Atualizacao.objects.values_list("atividade", flat=True))) >= 12
    contas = {u.username: u for u in Usuario.objects.filter(username__startswith="demo.")}
    assert contas["demo.pf"].instituicao.sigla == "PF"
    assert contas["demo.dpu"].instituicao.sigla == "DPU"
    assert not contas["demo.pf"].is_staff
    assert contas["demo.validador"].has_perm("monitoramento.validar_atualizacao")
    assert not contas["demo.cgetp"].has_perm("monitoramento.validar_atualizacao")
    assert contas["demo.cgetp"].check_password("paecm-demo-2026")


def test_demo_uma_segunda_vez_nao_muda_nada(plano):
    carregar_demo()
    total = Atualizacao.objects.count()
    assert carregar_demo() is False
    assert Atualizacao.objects.count() == total


def test_demo_recusa_rodar_em_producao_sem_forcar(plano, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG está desligado"):
        call_command("carregar_demo")
    assert not Usuario.objects.filter(username__startswith="demo.").exists()
    call_command("carregar_demo", "--forcar")
    assert Usuario.objects.filter(username__startswith="demo.").count() == 4


def test_faixa_de_demonstracao_so_com_demo_carregada(client, plano):
    assert "Ambiente de demonstração" not in client.get("/plano/").content.decode()
    carregar_demo()
    assert "Ambiente de demonstração" in client.get("/plano/").content.decode()


@pytest.fixture
def relato(plano, pf, parceiro_pf):
    atividade = Atividade.objects.get(codigo="1.1.1")
    ciclo = factories.criar_ciclo(plano=plano, codigo="2025.1")
    return {"atividade": atividade, "instituicao": pf, "ciclo": ciclo, "autor": parceiro_pf}


@pytest.mark.parametrize(
    ("campos", "regra"),
    [
        ({"percentual": 101}, "percentual_0_100"),
        ({"situacao": Situacao.CONCLUIDA, "percentual": 90}, "concluida_100"),
        ({"situacao": Situacao.NAO_INICIADA, "percentual": 10}, "nao_iniciada_0"),
        ({"situacao": "sem_informacao", "percentual": 0}, "situacao_valida"),
        ({"estado": "aprovada"}, "estado_valido"),
    ],
)
def test_banco_recusa_relato_invalido(relato, campos, regra):
    dados = {"situacao": Situacao.EM_ANDAMENTO, "percentual": 50, **campos}
    with pytest.raises(IntegrityError, match=regra), transaction.atomic():
        Atualizacao.objects.create(realizado="x", **relato, **dados)
    assert Atualizacao.objects.count() == 0


def test_banco_recusa_dois_rascunhos_do_mesmo_relato(relato):
    factories.criar_atualizacao(**relato)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.criar_atualizacao(**relato, versao=2)


def test_banco_recusa_evidencia_sem_link_ou_com_link_nao_http(relato):
    atualizacao = factories.criar_atualizacao(**relato)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidencia.objects.create(atualizacao=atualizacao, titulo="Sem nada")
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidencia.objects.create(atualizacao=atualizacao, titulo="JS", url="javascript:alert(1)")


def test_banco_recusa_codigo_duplicado_e_percentual_de_atividade_invalido(plano):
    atividade = Atividade.objects.get(codigo="1.1.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Atividade.objects.create(acao=atividade.acao, numero=1, codigo="1.1.99", texto="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Atividade.objects.filter(pk=atividade.pk).update(percentual=120)


def test_codigo_inconsistente_com_o_pai_e_erro_de_validacao(plano):
    from django.core.exceptions import ValidationError

    acao = Atividade.objects.get(codigo="1.1.1").acao
    atividade = Atividade(acao=acao, numero=9, codigo="2.1.9", texto="x")
    with pytest.raises(ValidationError, match="1.1.9"):
        atividade.full_clean()


def test_situacao_atual_e_a_do_ultimo_relato_publicado(relato, plano):
    atividade = relato["atividade"]
    assert atividade.situacao == Situacao.SEM_INFORMACAO
    assert atividade.percentual is None
    factories.criar_atualizacao(**relato, estado="publicada", percentual=30)
    ciclo2 = factories.criar_ciclo(plano=plano, codigo="2025.2")
    factories.criar_atualizacao(**{**relato, "ciclo": ciclo2}, estado="publicada", percentual=70)
    # A draft and a sent report never become the current situation.
    ciclo3 = factories.criar_ciclo(plano=plano, codigo="2026.1")
    factories.criar_atualizacao(**{**relato, "ciclo": ciclo3}, estado="enviada", percentual=90)
    atualizar_situacao_da_atividade(atividade=atividade)
    atividade.refresh_from_db()
    assert (atividade.situacao, atividade.percentual) == (Situacao.EM_ANDAMENTO, 70)


def test_parceiro_nao_pode_ser_staff(pf):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.criar_usuario(instituicao=pf, is_staff=True)


def test_historico_registra_mudancas_no_plano(plano):
    atividade = Atividade.objects.get(codigo="2.2.2")
    atividade.texto = "Texto alterado"
    atividade.save()
    assert atividade.history.count() == 2
    assert atividade.history.first().texto == "Texto alterado"


def test_faixa_segue_as_contas_da_demo_e_nao_cada_publicacao(
    client, plano, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from parceiros.demo import DEMO_CACHE_KEY

    with django_capture_on_commit_callbacks(execute=True):
        carregar_demo()
    assert "Ambiente de demonstração" in client.get("/plano/").content.decode()
    # A publication (any change but an account's) keeps the flag: no query for it.
    with django_capture_on_commit_callbacks(execute=True):
        atividade = Atividade.objects.get(codigo="1.1.1")
        atividade.texto += " "
        atividade.save()
    assert cache.get(DEMO_CACHE_KEY) is True
    # Renaming the demo's accounts in the admin (they keep their history)
    # removes the banner at once.
    with django_capture_on_commit_callbacks(execute=True):
        for conta in Usuario.objects.filter(username__startswith="demo."):
            conta.username = "antiga." + conta.username
            conta.save()
    assert "Ambiente de demonstração" not in client.get("/plano/").content.decode()
