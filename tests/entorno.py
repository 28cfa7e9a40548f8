"""Loaded by pytest before Django's settings (`-p tests.entorno` in pyproject):
the suite runs with the development defaults, since DJANGO_DEBUG is false
unless set. pytest-django still runs every test with DEBUG off."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
# Playwright runs an event loop in the thread that also talks to the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
