"""Settings for production: every secret comes from the environment, nothing has a default, and
the portal refuses to start on values that are unsafe to serve the public with."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PRIVATE_STORAGE, env

# Values of SECRET_KEY that are published: .env.example's placeholder ("change-me-…"), the
# embedded default of the settings and Django's own "insecure" prefix. A key containing any
# of them is known to others, who could sign sessions and password-reset links with it.
PUBLISHED_SECRET_KEY_MARKERS = ("change-me", "insecure")

SECRET_KEY = env.str("SECRET_KEY")
if any(marker in SECRET_KEY.lower() for marker in PUBLISHED_SECRET_KEY_MARKERS):
    raise ImproperlyConfigured(
        "SECRET_KEY is a published placeholder (it contains "
        + " or ".join(f"'{marker}'" for marker in PUBLISHED_SECRET_KEY_MARKERS)
        + "). Set a new random one: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured(
        "DEBUG is on. Production never runs with DEBUG: it shows settings and tracebacks to "
        "anyone. Remove DEBUG from the environment or set DEBUG=false."
    )
DEBUG = False

ALLOWED_HOSTS = [host for host in env.list("ALLOWED_HOSTS") if host]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty. Name the host names the portal answers to, comma-separated "
        "(e.g. ALLOWED_HOSTS=consultation.example.org)."
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
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
# Preloading HSTS binds the whole registrable domain (example.org, not just the portal's host)
# in browsers' built-in lists, for months, and is asked for by the domain's owner at
# hstspreload.org. So it is the operator's opt-in, not a default; the list requires a max-age
# of at least a year. Without it, check --deploy's reminder (security.W021) is silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
HSTS_PRELOAD_MIN_SECONDS = 60 * 60 * 24 * 365
if SECURE_HSTS_PRELOAD and SECURE_HSTS_SECONDS < HSTS_PRELOAD_MIN_SECONDS:
    raise ImproperlyConfigured(
        f"SECURE_HSTS_PRELOAD is on but SECURE_HSTS_SECONDS is {SECURE_HSTS_SECONDS}: the "
        f"preload list requires at least {HSTS_PRELOAD_MIN_SECONDS} (one year)."
    )
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
