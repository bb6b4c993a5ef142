"""Queueing a Celery task from a service, once the service's transaction has committed."""

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send ``task`` with ``args`` (ids, never objects) once the current transaction commits,
    so the worker never looks for rows it cannot see yet.

    A broker that is down is logged, not raised (``robust``): the database holds the job's
    state, and beat's checks send it again (receipts, uploads, digests).
    """

    def send() -> None:
        task.delay(*args)

    send.__qualname__ = f"send {task.name}{args}"  # what the log names if it fails
    transaction.on_commit(send, robust=True)
