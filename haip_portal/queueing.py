"""Queueing a Celery task from a service, once the service's transaction has committed.

With a broker, a worker runs the task. In the embedded set-up (no broker: ``make run``) Celery
would run it inside the request that sent it, so asking for a digest would wait for the digest
to be built: there, with ``TASKS_IN_BACKGROUND``, the task runs on one background thread of the
web process instead, in the order sent, and the request answers at once.
"""

import logging
import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)

# The options of a task that sends e-mail: a delivery that fails is tried again, later and later
# (30 s doubling up to an hour, ten times), so a mail server's outage loses nothing.
MAIL_ERRORS = (smtplib.SMTPException, OSError)
MAIL_TASK: dict[str, Any] = {
    "ignore_result": True,
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": 10,
}


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send ``task`` with ``args`` (ids, never objects) once the current transaction commits,
    so the worker never looks for rows it cannot see yet.

    A broker that is down is logged, not raised (``robust``): the database holds the job's
    state, and beat's checks send it again (receipts, uploads, digests).
    """

    def send() -> None:
        if getattr(settings, "TASKS_IN_BACKGROUND", False):
            _submit(_run, task, args)
        else:
            task.delay(*args)

    send.__qualname__ = f"send {task.name}{args}"  # what the log names if it fails
    transaction.on_commit(send, robust=True)


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_sent = 0  # tasks sent to the background thread since the process started


def _background() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-tasks")
        return _executor


def _submit(*call: Any) -> None:
    global _sent
    with _executor_lock:
        _sent += 1
    _background().submit(*call)


def _run(task: Any, args: tuple[Any, ...]) -> None:
    """Run ``task`` here as a worker would; its failure is logged, as a worker logs it."""
    try:
        task.apply(args=args, throw=True)
    except Exception:
        logger.exception("Background task %s%s failed", task.name, args)
    finally:
        connections.close_all()  # this thread's own connections


def wait_for_background_tasks() -> None:
    """Until the background thread is idle: every task sent to it has run, those the tasks
    sent themselves included (a digest's build sends its matrix)."""
    while True:
        sent = _sent
        _background().submit(lambda: None).result()  # the thread runs its tasks in order
        if _sent == sent:
            return
