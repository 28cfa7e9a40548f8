import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections

from parceiros.models import Instituicao
from plano.carga import carregar_plano
from plano.models import Plano

from . import factories

# The ministry's page, kept verbatim in the repository (fixtures/fonte/LEIA-ME.md),
# so a clone anywhere is self-contained.
SEED = Path(settings.BASE_DIR) / "fixtures" / "fonte" / "pagina_i_paecm_mjsp.txt"
SEED_SHA256 = "fcf89dc8d27060549b874dea5b365b039c0eaf8ac56ef76614e45820580339f8"


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real plan is loaded once per test database (per xdist worker), as
    carregar_plano does; every test runs in a transaction on top of it.
    Transactional tests (live server, browser) empty the tables when they end:
    they get a serialized rollback of this state (see
    pytest_collection_modifyitems), so the plan is back for the next one."""
    with django_db_blocker.unblock():
        carregar_plano()
        for alias in connections:
            conexao = connections[alias]
            conexao._test_serialized_contents = conexao.creation.serialize_db_to_string()


def pytest_collection_modifyitems(items):
    for item in items:
        marca = item.get_closest_marker("django_db")
        transacional = "live_server" in getattr(item, "fixturenames", ()) or (
            marca is not None
            and (marca.kwargs.get("transaction") or (marca.args and marca.args[0]))
        )
        if transacional:
            kwargs = {**(marca.kwargs if marca else {}), "transaction": True}
            kwargs["serialized_rollback"] = True
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture
def plano(db) -> Plano:
    """The real I PAECM, as carregar_plano loads it (once per session). Should
    a transactional test's flush have emptied the tables without the
    serialized rollback putting them back, it is loaded again (idempotent)."""
    plano = Plano.objects.filter(slug="i-paecm").first()
    if plano is None:
        carregar_plano()
        plano = Plano.objects.get(slug="i-paecm")
    return plano


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
