"""WSGI entry point (gunicorn paecm.wsgi): Django behind the public cache
(paecm.cache_publico), which answers repeated anonymous GETs before Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paecm.settings")

application = get_wsgi_application()

from paecm.cache_publico import CachePublico  # noqa: E402 - needs the settings above

application = CachePublico(application)
