"""The Celery application, configured from Django settings (``CELERY_`` namespace), with the
heartbeats the worker's and beat's health checks read (``haip_portal.heartbeat``)."""

import logging
import os
from typing import Any

from celery import Celery, bootsteps
from celery.beat import PersistentScheduler
from celery.worker.consumer.tasks import Tasks

from . import heartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haip_portal.settings.local")

logger = logging.getLogger(__name__)

app = Celery("haip_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _touch(name: str) -> None:
    try:
        heartbeat.touch(name)
    except OSError as error:  # a full or read-only disk must not stop the worker
        logger.warning("cannot record the %s heartbeat: %s", name, error)


class Heartbeat(bootsteps.StartStopStep):
    """Touches the worker's heartbeat file every few seconds from the consumer's event loop,
    which runs in the main process whatever the pool processes are busy with. Started once the
    worker consumes tasks, stopped when it loses the broker (the consumer restarts)."""

    requires = (Tasks,)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer_entry: Any = None

    def start(self, parent: Any) -> None:
        _touch("worker")
        self.timer_entry = parent.timer.call_repeatedly(
            heartbeat.INTERVAL_SECONDS, _touch, ("worker",)
        )

    def stop(self, parent: Any) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop


app.steps["consumer"].add(Heartbeat)


class HeartbeatScheduler(PersistentScheduler):
    """Beat's default scheduler (the schedule file of ``--schedule``), touching beat's
    heartbeat file at every tick."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        _touch("beat")
        return super().tick(*args, **kwargs)
