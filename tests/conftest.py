import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.test import TransactionTestCase
from django.test.testcases import QuietWSGIRequestHandler

from parceiros.models import Instituicao
from plano.carga import carregar_plano
from plano.models import Plano

from . import factories

# The ministry's page, kept verbatim in the repository (fixtures/fonte/LEIA-ME.md),
# so a clone anywhere is self-contained.
SEED = Path(settings.BASE_DIR) / "fixtures" / "fonte" / "pagina_i_paecm_mjsp.txt"
SEED_SHA256 = "fcf89dc8d27060549b874dea5b365b039c0eaf8ac56ef76614e45820580339f8"


# The live server (browser tests, schemathesis) writes each answer's headers
# and body separately; with Nagle's algorithm the body waits for the client's
# delayed ACK, about 40 ms per request on Linux (robots.txt: 45 ms, 3 ms
# without). TCP_NODELAY on its connections, as production servers set it.
QuietWSGIRequestHandler.disable_nagle_algorithm = True


class CaixaDeSaida(Sequence):
    """Django's test mail outbox, read through the real outbox: every read first
    runs operacao.correio.enviar_pendentes (what cron runs every minute), so a
    test sees exactly the messages the sender would deliver."""

    def __init__(self, enviadas):
        self._enviadas = enviadas

    def _atualizar(self):
        from operacao.correio import enviar_pendentes

        enviar_pendentes()
        return self._enviadas

    def __getitem__(self, indice):
        return self._atualizar()[indice]

    def __len__(self):
        return len(self._atualizar())

    def __eq__(self, outra):
        return list(self._atualizar()) == list(outra)

    __hash__ = None


@pytest.fixture
def client():
    """Django's test client whose force_login() passes the second factor for
    staff (tests/mfa.py explains how tests log in as staff)."""
    from .mfa import ClienteVerificado

    return ClienteVerificado()


@pytest.fixture
def mailoutbox(mailoutbox):
    """pytest-django's mailoutbox, sent from the outbox table first (CaixaDeSaida)."""
    return CaixaDeSaida(mailoutbox)


def _esvaziar_caches():
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _isolamento(settings, tmp_path):
    """Each test starts with empty caches (login throttling, demo banner, painel),
    its own media folder, and templates that fail loudly on a missing variable."""
    _esvaziar_caches()
    # A real hash costs half a second here; tests do not measure it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    for template in settings.TEMPLATES:
        template["OPTIONS"]["string_if_invalid"] = "INVALID[%s]"
    yield
    _esvaziar_caches()


@pytest.fixture
def seed_text() -> str:
    dados = SEED.read_bytes()
    # The copy is the page as published, never edited.
    assert hashlib.sha256(dados).hexdigest() == SEED_SHA256
    return dados.decode("utf-8")


class Retrato:
    """The tables as django_db_setup leaves them (the plan), copied inside the
    database into tables named _retrato__<table>. A transactional test empties
    the tables when it ends (Django's flush); they are put back right after
    (repor), with one INSERT … SELECT per table, where Django's serialized
    rollback (deserialize_db_from_string) would save each object, an UPDATE
    then an INSERT, at the next transactional test's start: the same rows, a
    tenth of the time (PostgreSQL: from about a second per test). So every
    test, of either kind and in any order, starts from the plan: the workers
    of pytest-xdist take tests from each other's queues, and a worker may run
    ordinary tests after transactional ones.

    Kept by alias, never on the connection object: while Playwright's sync API
    runs its event loop, asgiref gives Django's `connections` another storage,
    so a browser test may see a new connection object for the same database."""

    PREFIXO = "_retrato__"

    def __init__(self, alias):
        self.alias = alias
        conexao = connections[alias]
        nome = conexao.ops.quote_name
        self.tabelas = []
        with conexao.cursor() as cursor:
            for tabela in conexao.introspection.django_table_names(
                only_existing=True, include_views=False
            ):
                copia = nome(self.PREFIXO + tabela)
                cursor.execute(f"DROP TABLE IF EXISTS {copia}")  # a kept (--reuse-db) database
                cursor.execute(f"CREATE TABLE {copia} AS SELECT * FROM {nome(tabela)}")  # noqa: S608 - names from the models
                cursor.execute(f"SELECT COUNT(*) FROM {copia}")  # noqa: S608
                if cursor.fetchone()[0]:
                    self.tabelas.append((nome(tabela), copia))

    def repor(self) -> None:
        """The copied rows back, after the flush. Deleted first, in case the
        flush kept some. On PostgreSQL without the triggers, as pg_restore
        --disable-triggers does: the search triggers would compute an activity's
        vector before its objective's row is back (the copy holds the
        vectors), and without the foreign keys' checks the order of the
        tables is free (SQLite defers them to the commit)."""
        conexao = connections[self.alias]
        with transaction.atomic(using=self.alias), conexao.cursor() as cursor:
            if conexao.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = replica")
            for tabela, _ in self.tabelas:
                cursor.execute(f"DELETE FROM {tabela}")  # noqa: S608 - names from the models
            for tabela, copia in self.tabelas:
                cursor.execute(f"INSERT INTO {tabela} SELECT * FROM {copia}")  # noqa: S608


RETRATOS: dict[str, Retrato] = {}


def _repor_depois_do_flush(fixture_teardown):
    """TransactionTestCase._fixture_teardown (the flush), then Retrato.repor."""

    def teardown(caso):
        fixture_teardown(caso)
        for alias in caso._databases_names(include_mirrors=False):
            RETRATOS[alias].repor()

    return teardown


def _apagar_em_vez_de_truncar(sql_flush):
    """PostgreSQL's flush as DELETE of each table instead of one TRUNCATE of
    them all: a TRUNCATE gives every table and index new files, over a second
    after each transactional test; deleting the few rows one leaves takes
    milliseconds. The foreign keys are deferred to the flush's commit, so the
    order is free. A flush that resets sequences or cascades is Django's."""

    def sql(ops, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return sql_flush(
                ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [f"DELETE FROM {ops.quote_name(tabela)};" for tabela in tables]  # noqa: S608 - the models' tables

    return sql


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real plan is loaded once per test database (per xdist worker), as
    carregar_plano does; every test runs in a transaction on top of it.
    Transactional tests (live server, browser) empty the tables when they end:
    the plan is put back after each of them (Retrato). Patched on the classes,
    so that any connection object of the database has them: the flush
    deletes instead of truncating on PostgreSQL (_apagar_em_vez_de_truncar);
    the serialized rollback, which pytest_collection_modifyitems asks for so
    that the flush skips post_migrate, has nothing left to do at the start."""
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.base.creation import BaseDatabaseCreation

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        carregar_plano()
        for alias in connections:
            RETRATOS[alias] = Retrato(alias)
            ops = type(connections[alias].ops)
            if connections[alias].vendor == "postgresql":
                mp.setattr(ops, "sql_flush", _apagar_em_vez_de_truncar(ops.sql_flush))
        mp.setattr(BaseDatabaseWrapper, "_test_serialized_contents", "", raising=False)
        mp.setattr(BaseDatabaseCreation, "deserialize_db_from_string", lambda self, dados: None)
        mp.setattr(
            TransactionTestCase,
            "_fixture_teardown",
            _repor_depois_do_flush(TransactionTestCase._fixture_teardown),
        )
        yield


def pytest_collection_modifyitems(items):
    transacionais = set()
    for item in items:
        marca = item.get_closest_marker("django_db")
        transacional = "live_server" in getattr(item, "fixturenames", ()) or (
            marca is not None
            and (marca.kwargs.get("transaction") or (marca.args and marca.args[0]))
        )
        if transacional:
            transacionais.add(item)
            kwargs = {**(marca.kwargs if marca else {}), "transaction": True}
            kwargs["serialized_rollback"] = True
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    # Transactional tests last, as pytest-django orders them (the order a
    # single worker runs them in). Within each group, the long tests first: a
    # worker that ends up running one of them last leaves the other core idle
    # for as long (the sweep and the permission matrix, last in alphabetical
    # order, kept one worker busy alone for over a minute). The sort is stable.
    items.sort(key=lambda i: (i in transacionais, i.get_closest_marker("demorado") is None))


@pytest.fixture
def plano(db) -> Plano:
    """The real I PAECM, as carregar_plano loads it (once per session)."""
    return Plano.objects.get(slug="i-paecm")


@pytest.fixture
def demo(plano) -> Plano:
    """The real plan with the demo loaded (monitoramento.demo: three cycles, reports, accounts)."""
    from monitoramento.demo import carregar_demo

    carregar_demo()
    return plano


@pytest.fixture
def pf(plano) -> Instituicao:
    return Instituicao.objects.get(sigla="PF")


@pytest.fixture
def dpu(plano) -> Instituicao:
    return Instituicao.objects.get(sigla="DPU")


@pytest.fixture
def parceiro_pf(pf):
    return factories.criar_usuario(username="parceiro.pf", instituicao=pf)


@pytest.fixture
def parceiro_dpu(dpu):
    return factories.criar_usuario(username="parceiro.dpu", instituicao=dpu)


@pytest.fixture
def equipe(db):
    from django.contrib.auth.models import Group

    from .mfa import inscrever

    usuario = factories.criar_usuario(username="equipe.cgetp", is_staff=True)
    usuario.groups.add(Group.objects.get(name="Equipe CGETP"))
    inscrever(usuario)
    return usuario


@pytest.fixture
def validador(db):
    from django.contrib.auth.models import Group

    from .mfa import inscrever

    usuario = factories.criar_usuario(username="validador.cgetp", is_staff=True)
    usuario.groups.add(*Group.objects.filter(name__in=["Equipe CGETP", "Validadores"]))
    inscrever(usuario)
    return usuario


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: browser and PostgreSQL tests must run."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"CI: {skipped} test(s) skipped; skips are not allowed in CI.", red=True
        )
        session.exitstatus = 1
