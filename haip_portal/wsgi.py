"""The web processes' entry point (gunicorn, and runserver through WSGI_APPLICATION)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from haip_portal.database import use_statement_timeout

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haip_portal.settings.production")

django_application = get_wsgi_application()
# A request never waits on one SQL statement longer than this (see haip_portal.database).
use_statement_timeout(settings.WEB_STATEMENT_TIMEOUT)

# Imported once Django is set up: the API module loads DRF, which needs the settings.
from haip_portal.api.request_body import ChunkedBodyMiddleware  # noqa: E402

application = ChunkedBodyMiddleware(django_application)
