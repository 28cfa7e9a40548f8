"""/saude/ for the load balancer (issue #12 point 16): database, cache, evidence
folder writable, outbox backlog, overdue cron jobs; 503 when one fails, and
nothing in the answer but the checks' names and ok/falha."""

from datetime import timedelta

import pytest
from django.utils import timezone

from operacao.models import Mensagem, Tarefa
from operacao.tarefas import executando


def test_tudo_em_ordem(client, db, django_assert_num_queries):
    with django_assert_num_queries(3):
        resposta = client.get("/saude/")
    assert resposta.status_code == 200
    assert resposta["Cache-Control"] == "no-store"
    assert resposta.json() == {
        "situacao": "ok",
        "verificacoes": dict.fromkeys(["banco", "cache", "evidencias", "correio", "tarefas"], "ok"),
    }


def test_correio_parado_e_tarefa_atrasada_dao_503(client, db):
    Mensagem.objects.create(
        assunto="a",
        corpo="b",
        destinatarios="c@example.org",
        criada_em=timezone.now() - timedelta(hours=1),
    )
    with executando("lembrar_relatos"):
        pass
    Tarefa.objects.update(ultimo_sucesso_em=timezone.now() - timedelta(days=3))
    resposta = client.get("/saude/")
    assert resposta.status_code == 503
    dados = resposta.json()
    assert dados["verificacoes"]["correio"] == "falha"
    assert dados["verificacoes"]["tarefas"] == "falha"
    assert dados["verificacoes"]["banco"] == "ok"


def test_pasta_de_evidencias_sem_escrita_da_503_sem_revelar_o_caminho(
    client, db, settings, tmp_path
):
    arquivo = tmp_path / "nao-e-pasta"
    arquivo.write_text("x")
    settings.MEDIA_ROOT = arquivo
    resposta = client.get("/saude/")
    assert resposta.status_code == 503
    assert resposta.json()["verificacoes"]["evidencias"] == "falha"
    texto = resposta.content.decode()
    assert str(tmp_path) not in texto and "Django" not in texto and "6.1" not in texto


def test_falha_de_uma_tarefa_fica_registrada(db):
    with pytest.raises(RuntimeError), executando("enviar_mensagens"):
        raise RuntimeError("SMTP caiu")
    tarefa = Tarefa.objects.get(nome="enviar_mensagens")
    assert tarefa.ultima_falha_em is not None and "SMTP caiu" in tarefa.ultimo_erro
    assert tarefa.ultimo_sucesso_em is None
