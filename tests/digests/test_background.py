"""In the embedded set-up (``make run``: no broker) asking for a digest answers at once: the
build runs on the web process's background thread, and the digest's page follows it."""

import threading

import pytest
from django.urls import reverse

from comments.digests import services as digest_services
from comments.digests.models import Digest
from haip_portal.queueing import wait_for_background_tasks
from tests.comments.consultations import consultation_with_comments

pytestmark = pytest.mark.django_db(transaction=True)


def test_asking_for_a_digest_answers_before_it_is_built_and_the_page_follows_it(
    secretariat_client, settings, monkeypatch
):
    version = consultation_with_comments()["version"]
    settings.TASKS_IN_BACKGROUND = True
    started, release = threading.Event(), threading.Event()
    build = digest_services.digest_build

    def held_build(*, digest_id: int) -> None:
        started.set()
        assert release.wait(timeout=60)
        build(digest_id=digest_id)

    monkeypatch.setattr(digest_services, "digest_build", held_build)
    try:
        url = reverse("digests:version_digests", args=["haip", version.number])
        response = secretariat_client.post(url, {"audience": "public"}, follow=True)
        digest = Digest.objects.get()
        # The request has answered while the build, on another thread, has not finished.
        assert started.wait(timeout=30)
        assert response.redirect_chain == [(digest.get_absolute_url(), 302)]
        assert Digest.objects.get().status in (Digest.Status.QUEUED, Digest.Status.RUNNING)
        assert "This page updates by itself." in response.content.decode()
    finally:
        release.set()
        wait_for_background_tasks()
    assert Digest.objects.get().status == Digest.Status.READY
    page = secretariat_client.get(digest.get_absolute_url()).content.decode()
    assert "This page updates by itself." not in page


def test_a_background_task_that_fails_is_logged_and_the_next_one_still_runs(
    secretariat_client, settings, monkeypatch, caplog
):
    version = consultation_with_comments()["version"]
    settings.TASKS_IN_BACKGROUND = True
    build = digest_services.digest_build
    calls: list[int] = []

    def failing_once(*, digest_id: int) -> None:
        calls.append(digest_id)
        if len(calls) == 1:
            raise RuntimeError("the disk is full")
        build(digest_id=digest_id)

    monkeypatch.setattr(digest_services, "digest_build", failing_once)
    url = reverse("digests:version_digests", args=["haip", version.number])
    for audience in ("public", "working_group"):
        assert secretariat_client.post(url, {"audience": audience}).status_code == 302
    wait_for_background_tasks()
    first, second = Digest.objects.order_by("pk")
    assert first.status == Digest.Status.FAILED and "RuntimeError" in first.error
    assert second.status == Digest.Status.READY
    assert "Background task comments.tasks.build_digest" in caplog.text
