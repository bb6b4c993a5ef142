"""``/healthz`` and ``/readyz``, for health checks and load balancers.

- ``GET /healthz``: the process is alive and serving. Touches neither the database nor Redis,
  so a dependency outage never makes a healthy web process look dead.
- ``GET /readyz``: the process can serve requests: the database answers, Redis answers (when
  the portal is configured with one) and no migration is waiting to be applied. 200 with each
  check's result, or 503 with ``Retry-After`` naming what failed. Cheap enough to poll every
  few seconds: one ``SELECT 1``, one ``PING``, and the migration check only until it has
  passed once in this process (a running process's code never gains migrations).

Both are answered by a middleware at the top of the stack, before the host check, the HTTPS
redirect and the session: a probe comes from inside the host (``127.0.0.1``, no TLS proxy, no
cookies) and needs none of them. The bodies name checks and their status only, never an
error's text, since the proxy may pass these addresses through.
"""

import json
import logging
from collections.abc import Callable

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse

from . import availability
from .cache import REDIS_UNAVAILABLE, FallbackRedisCache

logger = logging.getLogger(__name__)

HEALTH_PATHS = {"/healthz", "/healthz/"}
READY_PATHS = {"/readyz", "/readyz/"}

_migrations_checked = False


def check_database() -> bool:
    """The default database answers a query."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def check_redis() -> bool:
    """Redis itself answers ``PING`` (the cache's fallback does not count)."""
    cache = caches["default"]
    if not isinstance(cache, FallbackRedisCache):
        return True  # no Redis configured: tasks run in the process, the cache is local
    return cache.ping()


def check_migrations() -> bool:
    """Every migration of the code is applied; once True, not asked again in this process."""
    global _migrations_checked
    if not _migrations_checked:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_checked = not plan
    return _migrations_checked


def forget_migration_check() -> None:
    """Ask again at the next ``/readyz`` (for tests)."""
    global _migrations_checked
    _migrations_checked = False


CHECKS: dict[str, Callable[[], bool]] = {
    "database": check_database,
    "redis": check_redis,
    "migrations": check_migrations,
}


def readiness() -> dict[str, str]:
    """Each check's result, ``ok`` or ``failed``. The migration check needs the database, so
    it is ``skipped`` while the database fails."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "skipped"
            continue
        try:
            passed = check()
        except REDIS_UNAVAILABLE + availability.DATABASE_ERRORS as error:
            logger.warning("readiness check %s failed: %s", name, error)
            passed = False
        results[name] = "ok" if passed else "failed"
    return results


def _json(body: dict[str, object], status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    if status == 503:
        for name, value in availability.retry_after_headers().items():
            response[name] = value
    return response


class HealthCheckMiddleware:
    """Answers ``/healthz`` and ``/readyz`` (GET or HEAD) before any other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            if request.path in HEALTH_PATHS:
                return _json({"status": "ok"}, 200)
            if request.path in READY_PATHS:
                checks = readiness()
                failed = [name for name, result in checks.items() if result == "failed"]
                if failed:
                    return _json({"status": "unavailable", "failed": failed, "checks": checks}, 503)
                return _json({"status": "ok", "checks": checks}, 200)
        return self.get_response(request)
