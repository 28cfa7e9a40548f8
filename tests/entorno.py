"""Loaded by pytest before Django's settings (`-p tests.entorno` in pyproject):
the suite runs with the development defaults, since DJANGO_DEBUG is false
unless set. pytest-django still runs every test with DEBUG off."""

import os
import sys

os.environ.setdefault("DJANGO_DEBUG", "true")
# Playwright runs an event loop in the thread that also talks to the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Compiled modules are cached (in the gitignored __pycache__ folders) even
# where the environment turns caching off (PYTHONDONTWRITEBYTECODE): a run
# starts some twenty-five Python processes (xdist workers, manage.py and
# schemathesis runs), and each would compile its ~1,300 modules anew (about
# 3 s of CPU each here; collecting the suite: 14 s → 5 s).
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
