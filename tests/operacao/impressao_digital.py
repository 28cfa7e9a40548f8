"""The fingerprint of a running panel, the same in the test's process and in
the restored copy's (run as `python -m tests.operacao.impressao_digital`, with
DATABASE_URL and MEDIA_ROOT pointing at the copy): every table's rows, in the
backup's own serialisation, and the status and bytes of every URL given."""

import hashlib
import io
import json
import sys


def impressao_digital(urls: list[str]) -> dict:
    from django.apps import apps
    from django.core.management import call_command
    from django.test import Client

    from operacao.copias import EXCLUIDOS, FORMATO

    tabelas = {}
    for modelo in apps.get_models():
        rotulo = modelo._meta.label_lower
        if modelo._meta.app_label in EXCLUIDOS or rotulo in EXCLUIDOS or modelo._meta.proxy:
            continue
        saida = io.StringIO()
        call_command(
            "dumpdata",
            rotulo,
            format=FORMATO,
            natural_foreign=True,
            natural_primary=True,
            stdout=saida,
            verbosity=0,
        )
        linhas = json.loads(saida.getvalue())
        tabelas[rotulo] = [len(linhas), hashlib.sha256(saida.getvalue().encode()).hexdigest()]

    cliente = Client()
    respostas = {}
    for url in urls:
        resposta = cliente.get(url)
        corpo = b"".join(resposta.streaming_content) if resposta.streaming else resposta.content
        respostas[url] = [resposta.status_code, hashlib.sha256(corpo).hexdigest()]
    return {"tabelas": tabelas, "urls": respostas}


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(impressao_digital(json.loads(sys.argv[1]))))
