"""The validation queue in the admin: oldest first, the difference from the
last published report, publish, return with a comment, publish several."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoramento.models import Atualizacao, Ciclo
from plano.indicadores import Situacao
from plano.models import Atividade
from tests import factories
from tests.mfa import CONSULTA_DO_SEGUNDO_FATOR

FILA = "/admin/monitoramento/atualizacao/fila/"
Estado = Atualizacao.Estado


@pytest.fixture
def enviadas(plano, pf, dpu, ciclo, parceiro_pf, parceiro_dpu):
    """Three sent reports, sent in the order 1.1.2 (DPU), 1.1.1 (PF), 1.2.1 (PF)."""
    agora = timezone.now()
    relatos = {}
    for minutos, codigo, inst, autor in [
        (30, "1.1.2", dpu, parceiro_dpu),
        (20, "1.1.1", pf, parceiro_pf),
        (10, "1.2.1", pf, parceiro_pf),
    ]:
        relatos[codigo] = factories.criar_atualizacao(
            atividade=Atividade.objects.get(codigo=codigo),
            instituicao=inst,
            ciclo=ciclo,
            autor=autor,
            estado=Estado.ENVIADA,
            enviado_em=agora - timezone.timedelta(minutes=minutos),
            percentual=70,
            realizado=f"Relato novo de {codigo}.",
        )
    return relatos


@pytest.fixture
def cliente_validador(client, validador):
    client.force_login(validador)
    return client


def test_fila_mostra_os_enviados_do_mais_antigo_ao_mais_novo(cliente_validador, enviadas):
    html = cliente_validador.get(FILA).content.decode()
    posicoes = [html.index(f"Atividade {codigo}") for codigo in ["1.1.2", "1.1.1", "1.2.1"]]
    assert posicoes == sorted(posicoes)


def test_fila_mostra_a_diferenca_do_ultimo_publicado(
    cliente_validador, enviadas, plano, pf, parceiro_pf
):
    anterior = factories.criar_ciclo(plano=plano, codigo="2025.2")
    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.1"),
        instituicao=pf,
        ciclo=anterior,
        autor=parceiro_pf,
        estado=Estado.PUBLICADA,
        percentual=70,
        realizado="Relato antigo.",
    )
    html = cliente_validador.get(FILA).content.decode()
    bloco = html.split("Atividade 1.1.1")[1].split("Atividade 1.2.1")[0]
    assert "último relato publicado (ciclo 2025.2, versão 1)" in bloco
    linha_texto = bloco.split("O que foi feito no período")[1].split("</tr>")[0]
    assert "(alterado)" in linha_texto
    assert "Relato antigo." in linha_texto and "Relato novo de 1.1.1." in linha_texto
    linha_percentual = bloco.split("% executado")[1].split("</tr>")[0]
    assert "(alterado)" not in linha_percentual


def test_publicar_torna_publico_atualiza_a_atividade_e_avisa_a_instituicao(
    cliente_validador,
    enviadas,
    validador,
    parceiro_pf,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    relato = enviadas["1.1.1"]
    with django_capture_on_commit_callbacks(execute=True):
        resposta = cliente_validador.post(
            f"/admin/monitoramento/atualizacao/{relato.pk}/validar/",
            {"acao": "publicar", "confirmado": "1"},
        )
    assert resposta.status_code == 302
    relato.refresh_from_db()
    assert (relato.estado, relato.validador) == (Estado.PUBLICADA, validador)
    assert relato.validado_em is not None
    atividade = relato.atividade
    atividade.refresh_from_db()
    assert (atividade.situacao, atividade.percentual) == (Situacao.EM_ANDAMENTO, 70)
    assert [m.to for m in mailoutbox] == [[parceiro_pf.email]]
    assert "publicado" in mailoutbox[0].subject
    assert relato.history.first().history_user == validador


def test_devolver_exige_comentario(cliente_validador, enviadas, mailoutbox):
    relato = enviadas["1.1.1"]
    url = f"/admin/monitoramento/atualizacao/{relato.pk}/validar/"
    resposta = cliente_validador.post(url, {"acao": "devolver", "comentario": "  "})
    assert resposta.status_code == 200
    assert "Este campo é obrigatório" in resposta.content.decode()
    relato.refresh_from_db()
    assert relato.estado == Estado.ENVIADA
    assert mailoutbox == []


def test_devolver_com_comentario_avisa_a_instituicao(
    cliente_validador, enviadas, parceiro_pf, mailoutbox, django_capture_on_commit_callbacks
):
    relato = enviadas["1.1.1"]
    with django_capture_on_commit_callbacks(execute=True):
        cliente_validador.post(
            f"/admin/monitoramento/atualizacao/{relato.pk}/validar/",
            {"acao": "devolver", "comentario": "Falta a lista de presença.", "confirmado": "1"},
        )
    relato.refresh_from_db()
    assert (relato.estado, relato.comentario_validacao) == (
        Estado.DEVOLVIDA,
        "Falta a lista de presença.",
    )
    assert relato.atividade.situacao == Situacao.SEM_INFORMACAO
    assert mailoutbox[0].to == [parceiro_pf.email]
    assert "Falta a lista de presença." in mailoutbox[0].body


def test_publicar_varios_de_uma_vez(cliente_validador, enviadas):
    ids = [enviadas["1.1.1"].pk, enviadas["1.1.2"].pk]
    resposta = cliente_validador.post(FILA, {"selecionados": ids, "confirmado": "1"})
    assert resposta.status_code == 302
    assert set(Atualizacao.objects.publicadas().values_list("pk", flat=True)) == set(ids)
    assert Atualizacao.objects.get(pk=enviadas["1.2.1"].pk).estado == Estado.ENVIADA


def test_ninguem_valida_o_proprio_relato(client, enviadas, validador, pf, ciclo):
    """A staff member who wrote a report (a CGETP correction) cannot validate it."""
    relato = factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.3"),
        instituicao=pf,
        ciclo=ciclo,
        autor=validador,
        estado=Estado.ENVIADA,
    )
    client.force_login(validador)
    assert "não pode validá-lo" in client.get(FILA).content.decode()
    client.post(
        f"/admin/monitoramento/atualizacao/{relato.pk}/validar/",
        {"acao": "publicar", "confirmado": "1"},
    )
    client.post(FILA, {"selecionados": [relato.pk, enviadas["1.1.1"].pk], "confirmado": "1"})
    relato.refresh_from_db()
    assert relato.estado == Estado.ENVIADA
    # All or nothing: the other selected report was not published either.
    assert not Atualizacao.objects.publicadas().exists()


def test_equipe_sem_permissao_de_validador_nao_valida(client, equipe, enviadas):
    client.force_login(equipe)
    relato = enviadas["1.1.1"]
    assert client.get(FILA).status_code == 302
    client.post(
        f"/admin/monitoramento/atualizacao/{relato.pk}/validar/",
        {"acao": "publicar", "confirmado": "1"},
    )
    client.post(FILA, {"selecionados": [relato.pk], "confirmado": "1"})
    relato.refresh_from_db()
    assert relato.estado == Estado.ENVIADA


def test_parceiro_nao_entra_na_fila(client, parceiro_pf, enviadas):
    client.force_login(parceiro_pf)
    resposta = client.get(FILA)
    assert resposta.status_code == 302
    assert resposta["Location"].startswith("/admin/login/")


def test_relatos_nao_sao_editados_nem_apagados_no_admin(cliente_validador, enviadas):
    relato = enviadas["1.1.1"]
    base = f"/admin/monitoramento/atualizacao/{relato.pk}"
    assert cliente_validador.get(f"{base}/change/").status_code == 200  # read-only view
    assert cliente_validador.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert Atualizacao.objects.filter(pk=relato.pk).exists()


def test_admin_recusa_ciclo_que_se_sobrepoe_ao_aberto(client, plano, ciclo, equipe):
    client.force_login(equipe)
    resposta = client.post(
        "/admin/monitoramento/ciclo/add/",
        {
            "plano": plano.pk,
            "codigo": "2026.2",
            "inicio": "2026-07-01",
            "fim": "2026-12-31",
            "abertura": ciclo.prazo.isoformat(),
            "prazo": (ciclo.encerramento + timezone.timedelta(days=5)).isoformat(),
            "encerramento": (ciclo.encerramento + timezone.timedelta(days=10)).isoformat(),
        },
    )
    assert resposta.status_code == 200
    assert "só um ciclo pode estar aberto por vez" in resposta.content.decode()
    assert Ciclo.objects.count() == 1


def _consultas(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("fator", [1, 10])
def test_fila_custa_o_mesmo_numero_de_consultas_com_mais_relatos(
    cliente_validador, plano, pf, ciclo, parceiro_pf, fator
):
    factories.ampliar_plano(plano=plano, fator=fator)
    anterior = factories.criar_ciclo(plano=plano, codigo="2025.2")
    for atividade in Atividade.objects.filter(vinculos__instituicao=pf)[: 3 * fator]:
        for c, estado in ((anterior, Estado.PUBLICADA), (ciclo, Estado.ENVIADA)):
            relato = factories.criar_atualizacao(
                atividade=atividade, instituicao=pf, ciclo=c, autor=parceiro_pf, estado=estado
            )
            factories.criar_evidencia(atualizacao=relato)
    assert Atualizacao.objects.filter(estado=Estado.ENVIADA).count() == 3 * fator
    # 1. session; 2. user; 3. user's own permissions; 4. group permissions;
    # 5-7. the filters' institutions, objectives and cycles; 8. the queue with
    # activity, institution, cycle and author; 9. its evidence; 10. the last
    # published reports with their cycle; 11. their evidence; 12. the demo
    # banner's check (cached for a minute outside tests).
    assert _consultas(cliente_validador, FILA) == 12 + CONSULTA_DO_SEGUNDO_FATOR
    # Filtered, the same, less the banner's check, now cached.
    objetivo = Atividade.objects.get(codigo="1.1.1").acao.objetivo_id
    filtrada = f"{FILA}?instituicao=pf&objetivo={objetivo}&ciclo={ciclo.codigo}"
    assert _consultas(cliente_validador, filtrada) == 11 + CONSULTA_DO_SEGUNDO_FATOR


@pytest.fixture
def publicada_em_ciclo_encerrado(plano, pf, parceiro_pf, validador):
    encerrado = factories.criar_ciclo(plano=plano, codigo="2025.1")
    relato = factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.1"),
        instituicao=pf,
        ciclo=encerrado,
        autor=parceiro_pf,
        estado=Estado.PUBLICADA,
        validador=validador,
        percentual=30,
    )
    factories.criar_evidencia(atualizacao=relato, titulo="Ofício 12/2025")
    return relato


def test_correcao_da_equipe_vira_nova_versao_e_passa_pela_fila(
    client,
    equipe,
    validador,
    publicada_em_ciclo_encerrado,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    original = publicada_em_ciclo_encerrado
    client.force_login(equipe)
    pagina = client.get(f"/admin/monitoramento/atualizacao/{original.pk}/change/")
    assert "Registrar correção da CGETP" in pagina.content.decode()
    url = f"/admin/monitoramento/atualizacao/{original.pk}/corrigir/"
    dados = {
        "situacao": "em_andamento",
        "percentual": 35,
        "realizado": original.realizado,
        "restricoes": "",
        "motivo_correcao": "",
    }
    sem_motivo = client.post(url, dados)
    assert "Este campo é obrigatório" in sem_motivo.content.decode()
    assert Atualizacao.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        resposta = client.post(url, {**dados, "motivo_correcao": "Erro de digitação no %."})
    assert resposta.status_code == 302
    correcao = Atualizacao.objects.get(versao=2)
    assert (correcao.estado, correcao.autor, correcao.substitui) == (
        Estado.ENVIADA,
        equipe,
        original,
    )
    assert correcao.motivo_correcao == "Erro de digitação no %."
    assert [e.titulo for e in correcao.evidencias.all()] == ["Ofício 12/2025"]
    original.refresh_from_db()
    assert (original.estado, original.percentual) == (Estado.PUBLICADA, 30)
    assert mailoutbox[0].to == [validador.email]
    # Another person publishes it; then it is the activity's current situation.
    client.force_login(validador)
    assert "Erro de digitação no %." in client.get(FILA).content.decode()
    client.post(
        f"/admin/monitoramento/atualizacao/{correcao.pk}/validar/",
        {"acao": "publicar", "confirmado": "1"},
    )
    atividade = Atividade.objects.get(pk=original.atividade_id)
    assert atividade.percentual == 35


def test_parceiro_nao_corrige_pelo_admin(client, parceiro_pf, publicada_em_ciclo_encerrado):
    client.force_login(parceiro_pf)
    url = f"/admin/monitoramento/atualizacao/{publicada_em_ciclo_encerrado.pk}/corrigir/"
    assert client.post(url, {"situacao": "concluida"}).status_code == 302
    assert Atualizacao.objects.count() == 1


@pytest.mark.parametrize("fator", [1, 10])
@pytest.mark.parametrize(
    ("url", "esperadas"),
    [
        # Each: session, user, own and group permissions, the demo banner's
        # check (cached for a minute outside tests), count, total count, then:
        # the page of rows with their related rows, the cycles and
        # institutions of the filters.
        ("/admin/monitoramento/atualizacao/", 10),
        # rows, plans filter.
        ("/admin/monitoramento/ciclo/", 9),
        # rows.
        ("/admin/monitoramento/evidencia/", 8),
        # rows, cycles filter.
        ("/admin/monitoramento/lembrete/", 9),
    ],
)
def test_listas_do_admin_custam_o_mesmo_numero_de_consultas(
    cliente_validador, plano, pf, parceiro_pf, fator, url, esperadas
):
    from monitoramento.models import Lembrete

    for i in range(fator):
        ciclo = factories.criar_ciclo(plano=plano, codigo=f"{2030 + i}.1")
        Lembrete.objects.create(ciclo=ciclo, instituicao=pf, etapa="antes_do_prazo")
        for atividade in Atividade.objects.do_parceiro(pf):
            relato = factories.criar_atualizacao(
                atividade=atividade, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
            )
            factories.criar_evidencia(atualizacao=relato)
    assert _consultas(cliente_validador, url) == esperadas + CONSULTA_DO_SEGUNDO_FATOR


@pytest.mark.parametrize("modelo", ["atualizacao", "evidencia", "ciclo"])
def test_historico_de_relatos_evidencias_e_ciclos_nao_e_editavel(
    client, enviadas, validador, modelo
):
    relato = enviadas["1.1.1"]
    objeto = {
        "atualizacao": relato,
        "evidencia": factories.criar_evidencia(atualizacao=relato),
        "ciclo": relato.ciclo,
    }[modelo]
    # Even a superuser, who may change cycles, cannot write through a past version.
    validador.is_superuser = True
    validador.save()
    client.force_login(validador)
    antiga = objeto.history.last()
    url = f"/admin/monitoramento/{modelo}/{objeto.pk}/history/{antiga.history_id}/"
    html = client.get(url).content.decode()
    assert "Reverter" not in html and "Revert" not in html
    campos = {
        campo.name: getattr(antiga, campo.attname) or ""
        for campo in type(objeto)._meta.concrete_fields
        if campo.editable and not campo.primary_key
    }
    assert client.post(url, {**campos, "realizado": "ADULTERADO"}).status_code == 403
    objeto.refresh_from_db()
    assert objeto.history.count() == 1
    assert getattr(objeto, "realizado", "") != "ADULTERADO"


def test_reenvio_mostra_o_comentario_e_a_diferenca_da_versao_devolvida(
    cliente_validador, enviadas, validador, parceiro_pf
):
    from monitoramento import services

    relato = enviadas["1.1.1"]
    services.devolver_relato(
        atualizacao=relato, validador=validador, comentario="Informe as datas do curso."
    )
    relato.refresh_from_db()
    nova = services.iniciar_correcao(devolvida=relato, autor=parceiro_pf)
    Atualizacao.objects.filter(pk=nova.pk).update(realizado="Curso de 10 a 12 de março.")
    nova.refresh_from_db()
    services.enviar_relato(atualizacao=nova, usuario=parceiro_pf)
    html = cliente_validador.get(
        f"/admin/monitoramento/atualizacao/{nova.pk}/validar/"
    ).content.decode()
    assert "Reenvio após devolução" in html
    assert "Informe as datas do curso." in html
    assert f"Diferenças em relação à versão devolvida (versão {relato.versao})" in html
    tabela = html.split("Diferenças em relação à versão devolvida")[1].split("</table>")[0]
    assert "Versão devolvida" in tabela
    linha = tabela.split("O que foi feito no período")[1].split("</tr>")[0]
    assert "(alterado)" in linha
    assert relato.realizado in linha and "Curso de 10 a 12 de março." in linha
    # The comparison with the last published report is still there.
    assert "Primeiro relato publicado" in html or "último relato publicado" in html


def test_primeiro_envio_nao_mostra_devolucao(cliente_validador, enviadas):
    relato = enviadas["1.1.1"]
    html = cliente_validador.get(
        f"/admin/monitoramento/atualizacao/{relato.pk}/validar/"
    ).content.decode()
    assert "Reenvio após devolução" not in html


def _atividades_na_fila(html: str) -> list[str]:
    return re.findall(r"Atividade (\d+\.\d+\.\d+) ·", html)


def test_fila_filtra_por_instituicao_objetivo_ciclo_e_idade(cliente_validador, enviadas, plano):
    assert _atividades_na_fila(cliente_validador.get(FILA).content.decode()) == [
        "1.1.2",
        "1.1.1",
        "1.2.1",
    ]
    html = cliente_validador.get(FILA, {"instituicao": "pf"}).content.decode()
    assert _atividades_na_fila(html) == ["1.1.1", "1.2.1"]
    assert "Relatos com estes filtros: 2." in html
    objetivo = Atividade.objects.get(codigo="1.2.1").acao.objetivo_id
    html = cliente_validador.get(FILA, {"objetivo": objetivo, "instituicao": "pf"}).content.decode()
    assert _atividades_na_fila(html) == ["1.1.1", "1.2.1"]  # both in objective 1
    outro = factories.criar_ciclo(plano=plano, codigo="2025.2")
    Atualizacao.objects.filter(pk=enviadas["1.2.1"].pk).update(ciclo=outro)
    html = cliente_validador.get(FILA, {"ciclo": "2025.2"}).content.decode()
    assert _atividades_na_fila(html) == ["1.2.1"]
    Atualizacao.objects.filter(pk=enviadas["1.1.2"].pk).update(
        enviado_em=timezone.now() - timezone.timedelta(days=20)
    )
    html = cliente_validador.get(FILA, {"idade": "15"}).content.decode()
    assert _atividades_na_fila(html) == ["1.1.2"]
    assert (
        "Nenhum relato com estes filtros."
        in cliente_validador.get(FILA, {"idade": "30"}).content.decode()
    )


@pytest.mark.parametrize(
    "hostil",
    [{"instituicao": "<script>"}, {"objetivo": "1 OR 1=1"}, {"ciclo": "9" * 40}, {"idade": "-1"}],
)
def test_filtro_hostil_e_ignorado_com_aviso(cliente_validador, enviadas, hostil):
    resposta = cliente_validador.get(FILA, hostil)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "foi ignorado" in html
    assert len(_atividades_na_fila(html)) == 3


def test_publicar_da_fila_pede_confirmacao(cliente_validador, enviadas):
    ids = [enviadas["1.1.1"].pk, enviadas["1.1.2"].pk]
    resposta = cliente_validador.post(FILA, {"selecionados": ids})
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "Estes 2 relatos ficarão públicos" in html
    assert "Confirmar a publicação" in html and "1.1.1" in html and "1.1.2" in html
    assert not Atualizacao.objects.publicadas().exists()
    cliente_validador.post(FILA, {"selecionados": ids, "confirmado": "1"})
    assert set(Atualizacao.objects.publicadas().values_list("pk", flat=True)) == set(ids)


def test_publicar_e_devolver_um_relato_pedem_confirmacao(cliente_validador, enviadas, mailoutbox):
    relato = enviadas["1.1.1"]
    url = f"/admin/monitoramento/atualizacao/{relato.pk}/validar/"
    html = cliente_validador.post(url, {"acao": "publicar"}).content.decode()
    assert "Este relato ficará público" in html and "Confirmar a publicação" in html
    html = cliente_validador.post(
        url, {"acao": "devolver", "comentario": "Falta a ata."}
    ).content.decode()
    assert "Confirmar a devolução" in html
    assert '<input type="hidden" name="comentario" value="Falta a ata.">' in html
    relato.refresh_from_db()
    assert relato.estado == Estado.ENVIADA and mailoutbox == []
    resposta = cliente_validador.post(
        url, {"acao": "devolver", "comentario": "Falta a ata.", "confirmado": "1"}
    )
    assert resposta.status_code == 302
    relato.refresh_from_db()
    assert (relato.estado, relato.comentario_validacao) == (Estado.DEVOLVIDA, "Falta a ata.")


def test_fila_mostra_as_evidencias_como_links(cliente_validador, enviadas):
    evidencia = factories.criar_evidencia(
        atualizacao=enviadas["1.1.1"], url="https://www.gov.br/ata", titulo="Ata da reunião"
    )
    html = cliente_validador.get(FILA).content.decode()
    assert f'<a href="{evidencia.href}">Ata da reunião</a>' in html
    assert "(https://www.gov.br/ata)" not in html


def test_faixa_de_demonstracao_no_admin(cliente_validador, enviadas):
    from django.core.cache import cache

    from parceiros.demo import DEMO_CACHE_KEY

    assert "Ambiente de demonstração" not in cliente_validador.get(FILA).content.decode()
    factories.criar_usuario(username="demo.parceiro")
    cache.delete(DEMO_CACHE_KEY)
    for url in [FILA, "/admin/", "/admin/plano/atividade/"]:
        assert "Ambiente de demonstração." in cliente_validador.get(url).content.decode()
