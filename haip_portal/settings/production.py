"""Settings for production: every secret comes from the environment, nothing has a default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Requests reach gunicorn only through nginx (deploy/nginx.conf): `web` publishes no port, and
# nginx replaces any X-Forwarded-Proto and X-Forwarded-For a client sends with the scheme and
# address of the client's own connection. So the scheme is trusted from that header, and the
# client's address (allauth's sign-in limits per address) is the one address nginx puts in
# X-Forwarded-For. Do not publish gunicorn's port: anyone reaching it directly could claim
# HTTPS and any address. See docs/operations.md.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_REFERRER_POLICY = "same-origin"
