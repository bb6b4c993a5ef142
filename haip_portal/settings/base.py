"""Settings shared by every environment, read from the environment (twelve-factor).

Absent variables fall back to embedded defaults: a SQLite file, in-process Celery tasks and
e-mail printed to the console, so the portal runs with no services at all.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from haip_portal.database import with_statement_timeout

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_countries",
    "csp",
    "haip_portal",
    "haip_portal.api",
    "accounts",
    "drafts",
    "comments",
    "comments.digests",
]

MIDDLEWARE = [
    # /healthz and /readyz, answered before the host check and the HTTPS redirect.
    "haip_portal.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "haip_portal.api.request_body.ApiBodySizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the browser or of the switch's cookie; no language prefix in URLs.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Links in e-mails sent while a request is served point to the host it was made to.
    "haip_portal.site.RequestOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    # A signed-in person's chosen language wins over the cookie and the browser.
    "accounts.middleware.UserLanguageMiddleware",
    "haip_portal.middleware.PrivateResponseMiddleware",
    # Pages' answer to a domain error no view showed (haip_portal.exceptions).
    "haip_portal.errors.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "haip_portal.urls"
WSGI_APPLICATION = "haip_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {{ heading|clause }} and {{ name|sentence }}: punctuation never doubled.
            "builtins": ["haip_portal.wording"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "comments.context_processors.moderation",
                "comments.context_processors.attachment_limits",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the in-process tasks write.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A PostgreSQL that does not answer fails the request (503) after this many seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    )
    # Any one statement is stopped after this many seconds: long enough for the worker's
    # digests and exports and for migrations. Web processes use WEB_STATEMENT_TIMEOUT instead
    # (haip_portal/wsgi.py), well within gunicorn's request timeout.
    DATABASES["default"]["OPTIONS"]["options"] = with_statement_timeout(
        DATABASES["default"]["OPTIONS"].get("options", ""),
        env.int("DATABASE_STATEMENT_TIMEOUT", default=1800),
    )
WEB_STATEMENT_TIMEOUT = env.int("WEB_STATEMENT_TIMEOUT", default=30)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "drafts:home"
LOGOUT_REDIRECT_URL = "drafts:home"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Sign-up and sign-in (django-allauth) -------------------------------------------------
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[HAIP Consultation] "
ACCOUNT_SESSION_REMEMBER = None
# Failed sign-ins (accounts.adapters.AccountAdapter): from one address, 10 a minute and 60
# an hour over every account; from one address on one account, 5 in 5 minutes; on one account
# from every address together, 50 an hour. A stranger's failures thus never lock the owner
# out when signing in from elsewhere, short of a distributed attack on that account. Limits
# are counted in the default cache, which is Redis whenever REDIS_URL is set, so they hold
# across every web process.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,60/h/ip,5/5m/key",
    "login_failed_account": "50/h/key",
}
# The client address those limits count is REMOTE_ADDR, unless the portal runs behind this
# many reverse proxies of its own: then it is that entry from the right of X-Forwarded-For
# (1 behind one proxy that appends the address it sees). Never set it without such a proxy:
# anyone could then choose their address by sending the header.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "HAIP Consultation Portal"
# Sessions are recorded at sign-in; tracking every request would cost a write per page.
USERSESSIONS_TRACK_ACTIVITY = False

# --- Personal data ------------------------------------------------------------------------
# Each app's part of a person's data export (accounts.privacy.personal_data): dotted paths to
# functions f(user) -> dict[str, Any] of section name to JSON-ready data.
PERSONAL_DATA_SECTIONS = [
    "accounts.privacy.account_sections",
    "comments.privacy.comment_sections",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Redis: Celery broker and shared cache ------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Seconds to open a connection to Redis, and to wait for one of its answers, before treating
# Redis as down (cache and broker). Redis answers in milliseconds; without these a Redis host
# that vanished would hold a request until the operating system gives up.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=1.0)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=2.0)

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, answered from the process's memory while Redis does not answer.
            "BACKEND": "haip_portal.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "haip",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    TASKS_IN_BACKGROUND = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No broker configured: tasks run in the web process, as soon as they are sent ...
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    # ... on a background thread of the web process, so a request never waits for one.
    TASKS_IN_BACKGROUND = True

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
}
if REDIS_SOCKET_TIMEOUT <= 1:
    # A worker waiting for a task blocks up to 1 s on Redis (kombu's BRPOP) in one call.
    raise ImproperlyConfigured("REDIS_SOCKET_TIMEOUT must be more than 1 second.")
# Long jobs get their own queues, so a 100,000-row upload never delays a receipt e-mail.
CELERY_TASK_ROUTES = {
    "comments.tasks.process_bulk_submission": {"queue": "bulk"},
    "comments.tasks.build_digest": {"queue": "synthesis"},
    "comments.tasks.build_digest_matrix": {"queue": "synthesis"},
    "comments.digests.tasks.read_comments": {"queue": "bulk"},
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Long tasks acknowledge their message when they finish (acks_late). Redis hands a message
# that was not acknowledged within the visibility timeout to another worker, so it must exceed
# the longest task's hard time limit (bulk uploads: 3,700 s), or a long upload would be taken
# twice. A lost worker's jobs do not wait for it: the rows' leases and beat take them up.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
    "BROKER_VISIBILITY_TIMEOUT_SECONDS", default=2 * 3600
)
# A bulk upload is filed under a lease on its row, renewed with every chunk committed (a chunk
# takes a second or two, under a lock on the row, so a slow chunk is never taken over). An
# upload whose lease ran out (its worker was lost) is queued again by beat, which looks every
# BULK_RESUME_EVERY_SECONDS (below): a lost upload waits at most the sum of the two.
BULK_LEASE_SECONDS = env.int("BULK_LEASE_SECONDS", default=20)
# Rows filed per transaction: progress is committed (and visible) after each chunk.
BULK_CHUNK_ROWS = env.int("BULK_CHUNK_ROWS", default=1000)
# A run files at most this many chunks of an upload while others wait, then goes to the back
# of the queue: ten uploads of 100,000 rows from one organisation delay another's upload by a
# slice, not by a million rows.
BULK_SLICE_CHUNKS = env.int("BULK_SLICE_CHUNKS", default=10)
# A chunk of a ZIP upload also ends once the papers its rows name reach this many bytes: they
# are held in memory while the chunk is filed.
BULK_CHUNK_PAPER_BYTES = env.int("BULK_CHUNK_PAPER_BYTES", default=64 * 1024 * 1024)
# A digest that shows no progress for this long is built again (each stage reports progress).
DIGEST_STALLED_AFTER_SECONDS = env.int("DIGEST_STALLED_AFTER_SECONDS", default=600)
# A receipt not sent this long after filing (broker or mail down) is sent by beat's catch-up.
RECEIPTS_PENDING_AFTER_SECONDS = env.int("RECEIPTS_PENDING_AFTER_SECONDS", default=120)
# Beat's scheduler records its heartbeat (haip_portal.heartbeat) at every tick, so it ticks
# at least this often in seconds, even with nothing due.
CELERY_BEAT_SCHEDULER = "haip_portal.celery:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 30
CELERY_BEAT_SCHEDULE = {
    "close-due-versions": {
        "task": "drafts.tasks.close_due_versions",
        "schedule": timedelta(seconds=env.int("CLOSE_VERSIONS_EVERY_SECONDS", default=60)),
    },
    "send-pending-receipts": {
        "task": "comments.tasks.send_pending_receipts",
        "schedule": timedelta(seconds=env.int("RECEIPTS_CATCH_UP_EVERY_SECONDS", default=300)),
    },
    "resume-stalled-bulk-submissions": {
        "task": "comments.tasks.resume_stalled_bulk_submissions",
        "schedule": timedelta(seconds=env.int("BULK_RESUME_EVERY_SECONDS", default=15)),
    },
    "delete-expired-paper-uploads": {
        "task": "comments.tasks.delete_expired_paper_uploads",
        "schedule": timedelta(hours=1),
    },
    "resume-stalled-digests": {
        "task": "comments.tasks.resume_stalled_digests",
        "schedule": timedelta(seconds=env.int("DIGEST_RESUME_EVERY_SECONDS", default=120)),
    },
    "purge-idempotency-records": {
        "task": "haip_portal.api.tasks.purge_idempotency_records",
        "schedule": timedelta(hours=6),
    },
}

# The comments app adds its gutter counts and comment panel to the draft page, and the
# comments carried from the previous version.
DRAFT_PAGE_EXTENSIONS = [
    "comments.views.draft_page_extension",
    "comments.views.carried_page_extension",
]
# The comments app shows, beside each change on the compare page, the comments it answers.
COMPARE_PAGE_EXTENSIONS = ["comments.views.compare_page_extension"]
# The comments app adds the secretariat's list of what waits to be done to the home page.
HOME_PAGE_EXTENSIONS = [
    "comments.views.home_page_extension",
    "comments.views.first_steps_page_extension",
]
# Called with the version inside the transaction that closes its comment period: the digests
# app queues the digests for the public and the working groups.
VERSION_CLOSED_HOOKS = ["comments.digests.services.digests_for_closed_version"]
# Called with the version inside the transaction that prepares its text (a new version, or a
# new text for an unpublished one) and inside the one that publishes it: the comments app
# carries the previous version's comments onto it (comments/services/carry.py).
VERSION_PREPARED_HOOKS = ["comments.services.carry.carry_to_version"]
VERSION_PUBLISHED_HOOKS = [
    "comments.services.carry.carry_to_version",
    "comments.services.carry.notify_commenters",
]
# Called by `load_demo` (comments) with the demo's open version and the secretariat, in its
# transaction: the digests app asks for two digests of it. Returns a line to print, or "".
DEMO_DATA_HOOKS = ["comments.digests.services.digests_for_demo"]
# Called with the ids of comments whose text was stored or changed (filed, edited, a paper
# added), inside that transaction: the digests app has the worker read them once after commit.
COMMENT_TEXT_HOOKS = ["comments.digests.readings.readings_enqueue"]

# --- E-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="HAIP Consultation <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails sent outside a request (a Celery worker's); an e-mail sent while a
# request is served links to that request's host instead (haip_portal.site).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
# The G7's languages, each named in itself (the language switch shows these names). URLs
# carry no language: the choice is the signed-in person's (User.language), else the cookie
# set by the switch, else the browser's Accept-Language.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("ja", "日本語"),
]
# The catalogues (.po and their compiled .mo, both committed: no gettext tools needed to run).
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates as the portal always wrote them ("1 Dec 2026"); the other languages use
# Django's own formats.
FORMAT_MODULE_PATH = ["haip_portal.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Position papers attached to comments live under MEDIA_ROOT/private, a folder no URL serves:
# they are sent only by the view that checks who may see their comment.
PRIVATE_STORAGE = {
    "BACKEND": "haip_portal.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": f"{MEDIA_ROOT}/private"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Attachments to comments (PDF, DOCX, ODT): per file, per comment, and what is unpacked of
# them (a DOCX or ODT is a zip: its declared sizes are checked before anything is read).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_PER_COMMENT = env.int("ATTACHMENT_MAX_PER_COMMENT", default=3)
ATTACHMENT_MAX_UNPACKED_BYTES = env.int("ATTACHMENT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
ATTACHMENT_MAX_RATIO = env.int("ATTACHMENT_MAX_RATIO", default=100)
ATTACHMENT_MAX_TEXT_CHARS = env.int("ATTACHMENT_MAX_TEXT_CHARS", default=200_000)
# Papers uploaded over the API before the comments that name them: kept this long unused, and
# at most this many unused per person.
PAPER_UPLOAD_HOURS = env.int("PAPER_UPLOAD_HOURS", default=24)
PAPER_UPLOADS_MAX_PENDING = env.int("PAPER_UPLOADS_MAX_PENDING", default=1000)

FILE_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024

API_RATES = {
    "api_requests": env.str("API_REQUESTS_RATE", default="600/minute"),
    "api_comments": env.str("API_COMMENTS_RATE", default="200000/hour"),
    # Per organisation, whichever of its members' tokens file for it: a campaign of a million
    # comments from one organisation goes in at this pace, and nobody else's any slower.
    "api_organisation_comments": env.str("API_ORGANISATION_COMMENTS_RATE", default="300000/hour"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["haip_portal.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "haip_portal.api.pagination.Pagination",
    "EXCEPTION_HANDLER": "haip_portal.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["haip_portal.api.throttles.ApiRequestThrottle"],
    "DEFAULT_THROTTLE_RATES": API_RATES,
}
# A request sent with an Idempotency-Key holds the key this long; if the process running it
# dies, a retry takes the key over after it. Longer than any request may run: the proxy gives
# up on the web process after 60 s (deploy/nginx.conf), gunicorn's own timeout is 60 s.
IDEMPOTENCY_LEASE_SECONDS = env.int("IDEMPOTENCY_LEASE_SECONDS", default=120)
# The API takes up to 1,000 comments in one JSON body; larger loads go as a bulk upload.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
# Bulk uploads (a file of up to 50 MB) and paper uploads, with room for the multipart envelope.
API_MAX_UPLOAD_BYTES = 51 * 1024 * 1024

SPECTACULAR_SETTINGS = {
    "TITLE": "HAIP Consultation Portal API",
    "DESCRIPTION": (
        "Read the drafts of the G7 Hiroshima AI Process Code of Conduct and file comments "
        "anchored to their numbered lines, one at a time or up to 1,000 per request. "
        "Authenticate with `Authorization: Bearer <personal token>`. Every POST honours an "
        "`Idempotency-Key` header. Errors share one shape: `code`, `message`, `errors`.\n\n"
        "Limits: JSON bodies up to 10 MB (413 above) and 32 levels of nesting (400 above); "
        "a body sent chunked, without `Content-Length`, is read where the server de-chunks it "
        "(gunicorn does) and answered 411 where it cannot; files up to 50 MB and 100,000 rows; "
        "at most 1,000 comments per bulk request; list pages of at most 200; per token "
        f"{API_RATES['api_requests']} requests and {API_RATES['api_comments']} comments "
        "(a 1,000-item request counts 1,000), and per organisation, whichever of its members' "
        f"tokens file for it, {API_RATES['api_organisation_comments']} comments (an "
        "individual counts as their own organisation), answered with 429 and `Retry-After`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation page's scripts are served from here, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge fetched from validator.swagger.io: the page loads nothing from elsewhere.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Content-Security-Policy on every response (django-csp): scripts and style sheets come from
# the portal itself, or inline only with the response's nonce ({{ CSP_NONCE }} in templates);
# no inline handlers or style attributes, no plug-ins, no framing, forms post only here.
# Images may be data: URIs (the two-factor QR code, the API documentation's icons). The
# digest's standalone HTML file sets its own, stricter policy (no script at all).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
