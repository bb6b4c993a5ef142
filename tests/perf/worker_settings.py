"""Settings of the Celery worker of the upload benchmark against COPY (``make bench``).

The portal's own ``local`` settings, except that the worker sends the comments it filed to be
read (``COMMENT_TEXT_HOOKS``) to a queue no worker consumes: sending them costs what it costs
in production, but the reading itself, which a worker does after filing, does not run while
the next side is measured.
"""

from haip_portal.settings.local import *  # noqa: F403
from haip_portal.settings.local import CELERY_TASK_ROUTES

READINGS_QUEUE = "bench-readings"
CELERY_TASK_ROUTES = {
    **CELERY_TASK_ROUTES,
    "comments.digests.tasks.read_comments": {"queue": READINGS_QUEUE},
}
