"""A dependency that is down answers 503 with ``Retry-After``, never 500.

One decision, used by the page error handler (``haip_portal.errors.server_error``, which
Django calls for an exception raised anywhere: view, middleware, session save) and by the
API's exception handler (``haip_portal.api.errors.exception_handler``):

- PostgreSQL not answering: refused or timed-out connections, a server restarting or shutting
  down, a connection lost mid-request, a statement stopped by ``statement_timeout``, a
  deadlock or serialisation failure. Django raises ``OperationalError`` or ``InterfaceError``
  for all of them; on SQLite (one machine) ``OperationalError`` is "database is locked".
- Redis not answering where no fallback exists: the cache falls back (``haip_portal.cache``)
  and notifications are queued with ``robust`` on-commit callbacks, so this is the safety net
  for any other call that reaches Redis or the Celery broker.

Everything else stays a 500: a bug must not pass for an outage.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# PostgreSQL restarts in a second or two; a client told 5 seconds finds it back.
RETRY_AFTER_SECONDS = 5

DATABASE_ERRORS = (OperationalError, InterfaceError)
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, BrokerError)

CODE = "service_unavailable"
MESSAGE = gettext_lazy("The portal is briefly unavailable. Please try again in a few seconds.")


def unavailable_dependency(error: BaseException | None) -> str | None:
    """``"database"`` or ``"redis"`` when ``error`` means that dependency is not answering;
    None for anything else."""
    if isinstance(error, DATABASE_ERRORS):
        return "database"
    if isinstance(error, REDIS_ERRORS):
        return "redis"
    return None


def retry_after_headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def log_unavailable(request: HttpRequest, dependency: str, error: BaseException) -> None:
    """One line per refused request, naming the dependency and what it answered."""
    logger.warning(
        "%s %s answered 503: the %s is not answering (%s: %s)",
        request.method,
        request.path,
        dependency,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )
