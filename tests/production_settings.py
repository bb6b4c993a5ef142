"""The production settings, for a gunicorn that a test starts from the Dockerfile's command.

Only the static files differ: the production storage needs the manifest that the image's
``collectstatic`` writes, which a test run does not build; pages then fail to render. Every
other setting (the proxy header, HTTPS redirect, cookies, HSTS) is production's own.
"""

from haip_portal.settings.production import *  # noqa: F403
from haip_portal.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
