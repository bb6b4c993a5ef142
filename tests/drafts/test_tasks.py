from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from drafts.models import DraftVersion
from drafts.tasks import close_due_versions
from tests.conftest import wait_until
from tests.drafts.factories import open_version


@pytest.mark.django_db
def test_close_due_versions_task_closes_ended_periods():
    version = open_version()
    DraftVersion.objects.filter(pk=version.pk).update(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(minutes=1)
    )
    assert close_due_versions.delay().get() == [version.pk]
    version.refresh_from_db()
    assert version.status == DraftVersion.Status.CLOSED


def test_beat_schedules_the_closing_task():
    entry = settings.CELERY_BEAT_SCHEDULE["close-due-versions"]
    assert entry["task"] == close_due_versions.name
    assert isinstance(entry["schedule"], timedelta)
    assert entry["schedule"] <= timedelta(minutes=5)


@pytest.mark.worker
def test_beat_closes_a_due_version_through_a_real_worker(celery_worker_factory):
    version = open_version(slug="closing-soon")
    DraftVersion.objects.filter(pk=version.pk).update(
        closes_at=timezone.now() + timedelta(seconds=2)
    )
    worker = celery_worker_factory(beat=True, extra_env={"CLOSE_VERSIONS_EVERY_SECONDS": "1"})

    def closed() -> bool:
        version.refresh_from_db()
        return version.status == DraftVersion.Status.CLOSED

    wait_until(closed, timeout=60, worker=worker)
    assert version.closed_at is not None and version.closes_at is not None
    assert version.closed_at >= version.closes_at
    assert "drafts.tasks.close_due_versions" in worker.output()
