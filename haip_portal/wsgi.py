import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haip_portal.settings.production")

django_application = get_wsgi_application()

# Imported once Django is set up: the API module loads DRF, which needs the settings.
from haip_portal.api import ChunkedBodyMiddleware  # noqa: E402

application = ChunkedBodyMiddleware(django_application)
