"""Chromium from Debian's packages, driven by Playwright (never `playwright install`).

Headless, Playwright runs Chromium's headless shell (the browser without its
window system), as Debian packages it in chromium-headless-shell: the same
Blink and V8, a fifth less time per test here. The full browser when the
shell is missing."""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM_CANDIDATES = [
    os.environ.get("CHROMIUM_PATH", ""),
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/lib/chromium/chromium",
    shutil.which("chromium") or "",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium_path() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return candidate
    # Fail, never skip: the browser tests must run wherever the suite runs.
    pytest.fail("Chromium not found: apt-get install chromium, or set CHROMIUM_PATH.")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def sem_violacoes(axe):
    """Run axe-core on the page; fail with its report on any violation."""

    def verificar(page):
        # Only the violations travel back: the passes' node lists cost as
        # much as the checks themselves on the longer pages.
        opcoes = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        resultado = axe.run(page, options=opcoes)
        assert resultado.violations_count == 0, resultado.generate_report()

    return verificar
