"""Liveness of the Celery worker and of beat, as the age of a file each keeps touching.

- The worker touches ``worker.alive`` every ``INTERVAL_SECONDS`` from its consumer's event
  loop (``haip_portal.celery.Heartbeat``), only while it is connected to the broker. The loop
  runs in the worker's main process, apart from the pool processes that run the tasks, so a
  worker busy with an hour-long upload stays fresh; a worker that lost the broker, or whose
  main process is stuck, goes stale.
- Beat touches ``beat.alive`` at every tick of its scheduler (``haip_portal.celery.
  HeartbeatScheduler``), at least every ``CELERY_BEAT_MAX_LOOP_INTERVAL`` seconds.

The health check reads the file's age with nothing but the standard library (no Django, no
broker round trip), so polling it costs nothing on a busy host::

    python -m haip_portal.heartbeat worker --max-age 60

exits 0 when the file was touched within the last 60 seconds, 1 otherwise. The files live in
``HEARTBEAT_DIR`` (default: the system's temporary directory), one process per container.
"""

import os
import tempfile
import time
from pathlib import Path

INTERVAL_SECONDS = 10.0
NAMES = ("worker", "beat")


def path_of(name: str) -> Path:
    directory = os.environ.get("HEARTBEAT_DIR") or tempfile.gettempdir()
    return Path(directory) / f"haip-{name}.alive"


def touch(name: str) -> None:
    """Record that ``name`` is alive now."""
    path = path_of(name)
    path.touch()
    os.utime(path)


def age(name: str) -> float | None:
    """Seconds since ``name`` last said it was alive; None if it never did."""
    try:
        return time.time() - path_of(name).stat().st_mtime
    except FileNotFoundError:
        return None
