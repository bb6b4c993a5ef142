"""The digests' Celery tasks keep the names they had in the comments app: messages already
queued, the queues they are routed to and beat's schedule all name them so."""

from django.conf import settings

from comments import tasks as comment_tasks
from comments.digests import tasks
from haip_portal.celery import app

NAMES = [
    ("comments.tasks.build_digest", tasks.build_digest.name),
    ("comments.tasks.build_digest_matrix", tasks.build_digest_matrix.name),
    ("comments.tasks.resume_stalled_digests", tasks.resume_stalled_digests.name),
]


def test_the_worker_finds_the_digest_tasks_under_their_old_names():
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    for name, declared in NAMES:
        assert declared == name
        assert app.tasks[name].__module__ == "comments.digests.tasks", name
    assert not hasattr(comment_tasks, "build_digest")


def test_routes_and_beat_name_only_registered_tasks():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "comments.tasks.resume_stalled_digests" in scheduled
    for name in set(settings.CELERY_TASK_ROUTES) | scheduled:
        assert name in app.tasks, name
    for name in ("comments.tasks.build_digest", "comments.tasks.build_digest_matrix"):
        assert app.amqp.router.route({}, name)["queue"].name == "synthesis"
