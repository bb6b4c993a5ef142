"""How long the portal lets PostgreSQL take over one statement, per kind of process.

The settings give every connection ``DATABASE_STATEMENT_TIMEOUT`` (the worker's digests and
exports, beat, migrations and other commands); the WSGI application narrows it to
``WEB_STATEMENT_TIMEOUT`` for the web processes, so a request stuck behind a lock or a runaway
query ends with a 503 well before gunicorn's own timeout kills the worker.
"""

import re

from django.conf import settings

_STATEMENT_TIMEOUT = re.compile(r"\s*-c\s*statement_timeout=\S+")
POSTGRESQL = "django.db.backends.postgresql"


def with_statement_timeout(options: str, seconds: int) -> str:
    """libpq's ``options`` string with ``statement_timeout`` set to ``seconds`` (0: no limit),
    replacing any value it had."""
    rest = _STATEMENT_TIMEOUT.sub("", options).strip()
    return f"{rest} -c statement_timeout={seconds * 1000}".strip()


def use_statement_timeout(seconds: int) -> None:
    """Every PostgreSQL connection this process opens from now on stops a statement after
    ``seconds``. Meant for start-up, before any connection is open (connections read their
    options from ``settings.DATABASES`` when they connect)."""
    for database in settings.DATABASES.values():
        if database.get("ENGINE") == POSTGRESQL:
            options = database.setdefault("OPTIONS", {})
            options["options"] = with_statement_timeout(options.get("options", ""), seconds)
