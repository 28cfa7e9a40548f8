"""The plan pages cost the same number of queries at 100 times the real plan
(7,500 activities, 75,000 reports) as at its real size."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoramento.models import Atualizacao, Ciclo
from plano.indicadores import Situacao
from plano.models import Acao, Atividade, Objetivo, Vinculo
from tests import factories

URLS = [
    "/plano/",
    "/plano/?busca=regularizacao&situacao=em_andamento&instituicao=pf",
    "/plano/1/",
    "/plano/1.1/",
    "/plano/1.1.1/",
    "/plano/3.2.1/",
]


def consultas(client, url: str) -> int:
    client.get("/plano/1/")  # warm the demo-banner cache with a cheap page
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def copiar_plano(*, plano, copias: int) -> None:
    """As factories.ampliar_plano, but with one bulk insert per level."""
    originais = list(
        Atividade.objects.do_plano(plano)
        .select_related("acao__objetivo")
        .prefetch_related("vinculos")
    )
    n = Objetivo.objects.filter(plano=plano).count()
    objetivos = Objetivo.objects.bulk_create(
        Objetivo(plano=plano, numero=o, codigo=str(o), texto=f"Objetivo ampliado {o}")
        for o in range(n + 1, n + 1 + n * copias)
    )
    por_numero = {o.numero: o for o in objetivos}
    modelos = {a.acao for a in originais}
    acoes = Acao.objects.bulk_create(
        Acao(
            objetivo=por_numero[o],
            numero=acao.numero,
            codigo=f"{o}.{acao.numero}",
            texto=acao.texto,
        )
        for acao in modelos
        for o in range(n + acao.objetivo.numero, n + 1 + n * copias, n)
    )
    acoes_por_codigo = {a.codigo: a for a in acoes}
    novas = []
    for original in originais:
        for o in range(n + original.acao.objetivo.numero, n + 1 + n * copias, n):
            codigo_acao = f"{o}.{original.acao.numero}"
            novas.append(
                (
                    Atividade(
                        acao=acoes_por_codigo[codigo_acao],
                        numero=original.numero,
                        codigo=f"{codigo_acao}.{original.numero}",
                        texto=original.texto,
                    ),
                    original,
                )
            )
    Atividade.objects.bulk_create([nova for nova, _ in novas], batch_size=2000)
    Vinculo.objects.bulk_create(
        Vinculo(atividade=nova, instituicao_id=v.instituicao_id, papel=v.papel)
        for nova, original in novas
        for v in original.vinculos.all()
    )


def relatar_todas(*, plano, instituicao, ciclos) -> None:
    """One published report per activity and cycle, in one INSERT … SELECT
    (75,000 model instances would take most of a minute)."""
    autor = factories.criar_usuario(instituicao=instituicao)
    agora = timezone.now()
    tabela, atividades = Atualizacao._meta.db_table, Atividade._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {tabela} (atividade_id, instituicao_id, ciclo_id, versao, situacao,
                percentual, realizado, restricoes, estado, revisao, autor_id, criado_em,
                modificado_em, enviado_em, validado_em, comentario_validacao)
            SELECT a.id, %s, c.id, 1, %s, 50, %s, '', %s, 1, %s, %s, %s, %s, %s, ''
            FROM {atividades} a CROSS JOIN {Ciclo._meta.db_table} c WHERE c.id IN ({", ".join(["%s"] * len(ciclos))})""",  # noqa: S608 - table names from the models
            [
                instituicao.pk,
                Situacao.EM_ANDAMENTO,
                "Relato em massa.",
                Atualizacao.Estado.PUBLICADA,
                autor.pk,
                agora,
                agora,
                agora - timedelta(days=7),
                agora,
                *[c.pk for c in ciclos],
            ],
        )


def test_paginas_do_plano_custam_o_mesmo_com_100_vezes_os_dados(client, plano, pf):
    ciclos = [
        factories.criar_ciclo(plano=plano, codigo=f"{2024 + n // 2}.{n % 2 + 1}")
        for n in range(1, 11)
    ]
    relatar_todas(plano=plano, instituicao=pf, ciclos=ciclos[:1])
    antes = {url: consultas(client, url) for url in URLS}

    copiar_plano(plano=plano, copias=99)
    Atualizacao.objects.all().delete()
    relatar_todas(plano=plano, instituicao=pf, ciclos=ciclos)
    assert Atividade.objects.count() == 7_500
    assert Atualizacao.objects.count() == 75_000

    assert {url: consultas(client, url) for url in URLS} == antes
    assert antes["/plano/"] <= 8  # + the cycles opened so far (the cycle selector)
    assert max(antes[url] for url in URLS[2:4]) <= 6
    assert max(antes[url] for url in URLS[4:]) <= 11  # activities: + cycles and changes
