"""WSGI entry point (gunicorn paecm.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paecm.settings")

application = get_wsgi_application()
