"""Backup and restore of the database plus the evidence files, as one
.tar.gz (commands salvar_copia and restaurar_copia; README).

The copy holds `banco.json` (every table but sessions, content types and
permissions, which are referred to by natural key; datetimes to the
microsecond; primary keys kept, so
every URL with an id still works; read in one REPEATABLE READ transaction on
PostgreSQL, so it is one consistent moment), `arquivos/` (every file the
database refers to in a FileField, read after the database: files are
written before their row and never changed, so every referenced file is
there) and `manifesto.json` (each file's size and SHA-256). A restore goes
into an empty, migrated database and an empty evidence folder, checks every
hash, and never brings back sessions: everyone logs in again."""

import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test.utils import override_settings
from django.utils import timezone

# The painel's kept history is derived from the rest (monitoramento.tendencias).
EXCLUIDOS = ["contenttypes", "auth.permission", "sessions", "monitoramento.historiaguardada"]
# Django's JSON to the microsecond (operacao.serializacao; SERIALIZATION_MODULES).
FORMATO = "copia"


class CopiaInvalida(Exception):
    pass


def _resumo(conteudo: bytes) -> str:
    return hashlib.sha256(conteudo).hexdigest()


def _arquivos_referidos() -> list[str]:
    nomes = set()
    for modelo in apps.get_models():
        for campo in modelo._meta.get_fields():
            if isinstance(campo, models.FileField) and not campo.many_to_many:
                nomes.update(
                    modelo._base_manager.exclude(**{campo.name: ""})
                    .exclude(**{f"{campo.name}__isnull": True})
                    .values_list(campo.name, flat=True)
                )
    return sorted(nomes)


def salvar(destino: Path) -> dict:
    """Write the copy to `destino` (a .tar.gz path); returns its manifest."""
    saida = io.StringIO()
    ja_numa_transacao = connection.in_atomic_block  # e.g. inside a test
    with transaction.atomic():
        if connection.vendor == "postgresql" and not ja_numa_transacao:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command(
            "dumpdata",
            format=FORMATO,
            exclude=EXCLUIDOS,
            natural_foreign=True,
            natural_primary=True,
            stdout=saida,
            verbosity=0,
        )
        referidos = _arquivos_referidos()
    banco = saida.getvalue().encode()
    raiz = Path(settings.MEDIA_ROOT)
    manifesto = {
        "criada_em": timezone.now().isoformat(),
        "banco": {"tamanho": len(banco), "sha256": _resumo(banco)},
        "arquivos": {},
    }
    destino.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(destino, "w:gz") as tar:
        _adicionar(tar, "banco.json", banco)
        for nome in referidos:
            caminho = raiz / nome
            if not caminho.is_file():
                manifesto["arquivos"][nome] = None  # already missing: answered 410
                continue
            conteudo = caminho.read_bytes()
            manifesto["arquivos"][nome] = {"tamanho": len(conteudo), "sha256": _resumo(conteudo)}
            _adicionar(tar, f"arquivos/{nome}", conteudo)
        _adicionar(tar, "manifesto.json", json.dumps(manifesto, indent=1).encode())
    return manifesto


def _adicionar(tar, nome: str, conteudo: bytes) -> None:
    info = tarfile.TarInfo(nome)
    info.size = len(conteudo)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(conteudo))


def restaurar(origem: Path) -> dict:
    """Restore a copy into this (empty, migrated) database and MEDIA_ROOT."""
    if get_user_model()._base_manager.exists():
        raise CopiaInvalida(
            "O banco de destino já tem usuários: restaure num banco vazio e migrado."
        )
    raiz = Path(settings.MEDIA_ROOT)
    with tarfile.open(origem, "r:gz") as tar:
        membros = {m.name: m for m in tar.getmembers() if m.isfile()}
        if "manifesto.json" not in membros or "banco.json" not in membros:
            raise CopiaInvalida("Cópia incompleta: faltam manifesto.json ou banco.json.")
        manifesto = json.loads(tar.extractfile(membros["manifesto.json"]).read())
        banco = tar.extractfile(membros["banco.json"]).read()
        if _resumo(banco) != manifesto["banco"]["sha256"]:
            raise CopiaInvalida("banco.json não confere com o manifesto.")
        arquivos = {}
        for nome, dados in manifesto["arquivos"].items():
            if dados is None:
                continue
            conteudo = tar.extractfile(membros[f"arquivos/{nome}"]).read()
            if _resumo(conteudo) != dados["sha256"]:
                raise CopiaInvalida(f"O arquivo {nome} não confere com o manifesto.")
            arquivos[nome] = conteudo
    for nome, conteudo in arquivos.items():
        caminho = (raiz / nome).resolve()
        if raiz.resolve() not in caminho.parents:
            raise CopiaInvalida(f"Caminho fora da pasta de evidências: {nome}")
        caminho.parent.mkdir(parents=True, exist_ok=True)
        caminho.write_bytes(conteudo)
    with tempfile.NamedTemporaryFile(suffix=f".{FORMATO}") as temporario:
        temporario.write(banco)
        temporario.flush()
        with transaction.atomic():
            # The migrations' groups are replaced by the copy's (same names,
            # the permissions CGETP gave them since).
            from django.contrib.auth.models import Group

            Group.objects.all().delete()
            # The copy holds the whole history: loading users' groups would
            # add a history entry per staff member, dated the restore
            # (django-simple-history records m2m changes even of raw loads).
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", temporario.name, verbosity=0)
            # Never bring back a live session (none is copied; none may remain).
            from django.contrib.sessions.models import Session

            Session.objects.all().delete()
    return manifesto
