"""/parceiros/ and /parceiros/<slug>/: the institutions, their activities,
execution and reporting coverage."""

import re
from datetime import timedelta

from django.utils import timezone

from monitoramento.indicadores import cobertura_do_ciclo
from monitoramento.models import Ciclo
from parceiros.models import Instituicao
from plano.indicadores import Item, execucao
from plano.models import Atividade


def pct(valor) -> str:
    return f"{valor:.1f}".replace(".", ",") + "&nbsp;%"


def linha(html: str, id_: str) -> str:
    return html[html.index(f'id="{id_}"') :].split("</tr>")[0]


def test_parceiros_lista_instituicoes_com_atividades_execucao_e_cobertura(client, demo):
    html = client.get("/parceiros/").content.decode()
    instituicoes = list(Instituicao.objects.order_by("sigla"))
    assert f"Instituições parceiras: {len(instituicoes)}" in html
    assert re.findall(r'<tr id="instituicao-([\w-]+)">', html) == [i.slug for i in instituicoes]
    cobertura = cobertura_do_ciclo(Ciclo.objects.aberto().get())
    for instituicao in instituicoes:
        atividades = Atividade.objects.filter(vinculos__instituicao=instituicao)
        celulas = linha(html, f"instituicao-{instituicao.slug}")
        assert f'<td class="numero">{atividades.count()}</td>' in celulas
        assert pct(execucao(Item(a.situacao, a.percentual, a.peso) for a in atividades)) in celulas
        propria = cobertura.da_instituicao(instituicao.pk)
        assert f"{propria.validadas} de {propria.esperadas}: {pct(propria.percentual)}" in celulas
    # PF: 9 links in the demo, 2 of them cancelled or not applicable; one
    # report published in the open cycle.
    assert "1 de 7: 14,3&nbsp;%" in linha(html, "instituicao-pf")


def test_parceiros_instituicao_sem_vinculos_aparece_sem_atividades(client, plano):
    from tests import factories

    factories.criar_instituicao(sigla="NOVA")
    celulas = linha(client.get("/parceiros/").content.decode(), "instituicao-nova")
    assert '<td class="numero">0</td>' in celulas
    assert "sem atividades" in celulas
    assert "nenhum relato esperado" in celulas


def test_pagina_da_instituicao_lista_suas_atividades_com_link(client, demo):
    pf = Instituicao.objects.get(sigla="PF")
    html = client.get("/parceiros/pf/").content.decode()
    assert f"<h1>{pf.nome} (PF)</h1>" in html
    codigos = re.findall(r'<tr id="atividade-([\d.]+)">', html)
    esperados = list(Atividade.objects.do_parceiro(pf).em_ordem().values_list("codigo", flat=True))
    assert codigos == esperados and len(codigos) == 9
    for codigo in codigos:
        assert f'<a href="/plano/{codigo}/">' in html
    # Situação written out; overdue shown as such.
    assert '<span class="situacao situacao-atrasada">Atrasada</span>' in linha(
        html, "atividade-1.1.2"
    )
    assert '<span class="situacao situacao-cancelada">Cancelada</span>' in linha(
        html, "atividade-2.6.4"
    )
    atividades = Atividade.objects.do_parceiro(pf)
    esperado = execucao(Item(a.situacao, a.percentual, a.peso) for a in atividades)
    assert f'id="execucao-instituicao">{pct(esperado)}' in html
    assert 'id="cobertura-instituicao">14,3&nbsp;%' in html
    assert "1 de 7 relatos esperados foram validados" in html


def test_pagina_da_instituicao_nao_mostra_atividades_de_outra(client, demo):
    html = client.get("/parceiros/dpu/").content.decode()
    assert 'id="atividade-3.2.1"' in html
    assert 'id="atividade-2.1.1"' not in html  # linked to PF only


def test_instituicao_inexistente_responde_404(client, plano):
    assert client.get("/parceiros/nao-existe/").status_code == 404


def test_pagina_da_instituicao_sem_ciclo(client, plano):
    html = client.get("/parceiros/pf/").content.decode()
    assert 'id="cobertura-instituicao">—' in html
    assert "nenhum ciclo de monitoramento foi aberto até agora" in html


def test_papel_da_propria_instituicao_em_cada_atividade(client, plano):
    from plano.models import Vinculo

    atividade = Atividade.objects.get(codigo="1.1.1")
    Vinculo.objects.filter(atividade=atividade, instituicao__sigla="PF").update(papel="responsavel")
    assert "<td>Responsável</td>" in linha(
        client.get("/parceiros/pf/").content.decode(), "atividade-1.1.1"
    )
    assert "<td>Parceira</td>" in linha(
        client.get("/parceiros/dpu/").content.decode(), "atividade-1.1.1"
    )
    Atividade.objects.filter(pk=atividade.pk).update(prazo=timezone.localdate() - timedelta(days=1))
    # Still one row per activity whatever the other institutions' roles.
    assert client.get("/parceiros/pf/").content.decode().count('id="atividade-1.1.1"') == 1


def test_em_escala_a_lista_da_instituicao_se_divide_em_paginas_e_o_resumo_conta_todas(
    client, demo, plano
):
    from tests import factories

    factories.ampliar_plano(plano=plano, fator=20)
    pf = Instituicao.objects.get(sigla="PF")
    vinculadas = Atividade.objects.do_parceiro(pf)
    esperados = list(vinculadas.em_ordem().values_list("codigo", flat=True))
    assert len(esperados) == 9 * 20
    html = client.get("/parceiros/pf/").content.decode()
    # The summary counts every linked activity, not only the page's.
    assert f'id="total-atividades">{len(esperados)}<' in html
    esperado = execucao(Item(a.situacao, a.percentual, a.peso) for a in vinculadas)
    assert f'id="execucao-instituicao">{pct(esperado)}' in html
    assert f"vinculadas à PF: {len(esperados)} (nesta página, 1 a 100)" in html
    assert "Página 1 de 2" in html and 'href="?pagina=2"' in html
    vistas = []
    for numero in (1, 2):
        html = client.get(f"/parceiros/pf/?pagina={numero}").content.decode()
        vistas += re.findall(r'<tr id="atividade-([\d.]+)">', html)
    assert vistas == esperados  # every activity reachable, in code order, once
    # With a cycle, the pages keep it; a page out of range shows the last one.
    ciclo = Ciclo.objects.aberto().get()
    html = client.get(f"/parceiros/pf/?ciclo={ciclo.codigo}&pagina=2").content.decode()
    assert re.findall(r'<tr id="atividade-([\d.]+)">', html) == esperados[100:]
    assert f'href="?ciclo={ciclo.codigo}&amp;pagina=1"' in html
    html = client.get("/parceiros/pf/?pagina=999").content.decode()
    assert re.findall(r'<tr id="atividade-([\d.]+)">', html) == esperados[100:]
