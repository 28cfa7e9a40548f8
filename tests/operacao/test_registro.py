"""Structured logs with a request id, and server errors mailed to ADMINS."""

import json
import logging

from django.test import Client

from operacao.registro import FormatoJson


def test_cada_resposta_tem_um_id_e_o_log_e_json(client, db, caplog):
    resposta = client.get("/saude/", HTTP_X_REQUEST_ID="abc12345-proxy")
    assert resposta["X-Request-ID"] == "abc12345-proxy"
    estranho = client.get("/saude/", HTTP_X_REQUEST_ID="<script>")
    assert len(estranho["X-Request-ID"]) == 32 and "<" not in estranho["X-Request-ID"]
    registro = logging.LogRecord(
        "paecm.x", logging.WARNING, __file__, 1, "olá %s", ("mundo",), None
    )
    linha = json.loads(FormatoJson().format(registro))
    assert (linha["nivel"], linha["mensagem"], linha["pedido"]) == ("WARNING", "olá mundo", "-")


def test_erro_do_servidor_vai_por_email_aos_admins(settings, db, mailoutbox, monkeypatch):
    settings.ADMINS = ["ti@example.org"]
    settings.DEBUG = False
    import operacao.views

    # A check that raises is a "falha"; make the view itself raise instead.
    monkeypatch.setattr(operacao.views, "VERIFICACOES", None)
    resposta = Client(raise_request_exception=False).get("/saude/")
    assert resposta.status_code == 500
    assert [m.to for m in mailoutbox] == [["ti@example.org"]]
    assert "/saude/" in mailoutbox[0].subject
