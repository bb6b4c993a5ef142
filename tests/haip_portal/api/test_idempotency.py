"""An Idempotency-Key is held under a lease: an attempt that dies leaves nothing stored and,
once its lease has run out, exactly one retry takes the key over and files the request once.
The last test kills a real gunicorn worker mid-request (PostgreSQL, CI)."""

import http.client
import json
import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from comments import services
from comments.models import Comment, VersionCommentCounter
from haip_portal.api import idempotency
from haip_portal.api.models import IdempotencyRecord
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, verified_organisation
from tests.conftest import wait_until
from tests.servers import Gunicorn, free_port, portal_env, process_serving

WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)


def _setting() -> dict:
    cache.clear()  # the throttles' counters, per token id, from earlier tests
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kumo AI")
    _token, raw = make_token(user=representative_of(organisation), scopes=WRITE)
    return {"version": version, "auth": f"Bearer {raw}"}


PARAGRAPH = (
    "Independent external testers should be named among the options, not only internal "
    "teams, and the results of their tests should be published in a form others can check. "
)


def _items(count: int, *, paragraphs: int = 1) -> list[dict]:
    """Comments with no external id: only the Idempotency-Key keeps a retry from filing twice."""
    return [
        {"line_start": 3 + n % 9, "body": f"Point number {n}. " + PARAGRAPH * paragraphs}
        for n in range(count)
    ]


def _bulk_url() -> str:
    return reverse("comments_api:bulk_comments", args=["haip", 1])


def _post(client, setting, items, key):
    return client.post(
        _bulk_url(),
        json.dumps(items),
        content_type="application/json",
        headers={"Authorization": setting["auth"], "Idempotency-Key": key},
    )


class WorkerKilled(BaseException):
    """Stands for the process dying: nothing in the request catches it or cleans up after it."""


@pytest.fixture
def setting(db):
    return _setting()


def test_a_retry_waits_while_the_lease_runs_then_takes_the_key_over_and_files_once(
    client, setting, monkeypatch
):
    real_batch = services.comments_submit_with_papers

    def dies_after_storing(**kwargs):
        real_batch(**kwargs)  # stored, not committed: the process dies before the end
        raise WorkerKilled

    monkeypatch.setattr(services, "comments_submit_with_papers", dies_after_storing)
    with pytest.raises(WorkerKilled):
        _post(client, setting, _items(5), "k-1")
    monkeypatch.setattr(services, "comments_submit_with_papers", real_batch)
    record = IdempotencyRecord.objects.get(key="k-1")
    assert record.state == "in_progress" and not Comment.objects.exists()

    retry = _post(client, setting, _items(5), "k-1")
    assert retry.status_code == 409 and retry.json()["code"] == "request_in_progress"

    IdempotencyRecord.objects.filter(pk=record.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    taken_over = _post(client, setting, _items(5), "k-1")
    assert taken_over.status_code == 200, taken_over.json()
    assert taken_over.json()["created"] == 5 and "Idempotent-Replayed" not in taken_over
    assert Comment.objects.count() == 5

    replay = _post(client, setting, _items(5), "k-1")
    assert replay["Idempotent-Replayed"] == "true" and replay.json() == taken_over.json()
    assert Comment.objects.count() == 5


def test_a_request_whose_key_was_taken_over_after_its_lease_stores_nothing(
    client, setting, monkeypatch
):
    real_batch = services.comments_submit_with_papers

    def outlives_its_lease(**kwargs):
        results = real_batch(**kwargs)
        # Meanwhile its lease ran out and a retry took the key over.
        IdempotencyRecord.objects.filter(key="k-2").update(lease_token="a-retry")
        return results

    monkeypatch.setattr(services, "comments_submit_with_papers", outlives_its_lease)
    late = _post(client, setting, _items(3), "k-2")
    assert late.status_code == 409 and late.json()["code"] == "request_superseded"
    assert not Comment.objects.exists()
    # (The retry's own attempt runs in its own transactions; here the takeover was simulated
    # inside this request's, so it was rolled back with the rest.)
    assert IdempotencyRecord.objects.get(key="k-2").state == "in_progress"


def test_a_request_that_fails_gives_its_key_back(client, setting, monkeypatch):
    def fails(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "comments_submit_with_papers", fails)
    client.raise_request_exception = False
    assert _post(client, setting, _items(2), "k-3").status_code == 500
    assert not IdempotencyRecord.objects.filter(key="k-3").exists()
    monkeypatch.undo()
    assert _post(client, setting, _items(2), "k-3").status_code == 200


def test_a_lapsed_lease_is_taken_over_by_the_first_retry_only(setting):
    record = IdempotencyRecord.objects.create(
        user=ApiToken.objects.get().user,
        key="k-4",
        fingerprint="f" * 64,
        expires_at=timezone.now() + timedelta(days=7),
        lease_token="dead-attempt",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    first = IdempotencyRecord.objects.get(pk=record.pk)
    second = IdempotencyRecord.objects.get(pk=record.pk)  # read the same lapsed lease
    assert idempotency.idempotency_lease_take_over(record=first, token="retry-1")
    assert not idempotency.idempotency_lease_take_over(record=second, token="retry-2")
    assert IdempotencyRecord.objects.get(pk=record.pk).lease_token == "retry-1"
    live = IdempotencyRecord.objects.get(pk=record.pk)
    assert not idempotency.idempotency_lease_take_over(record=live, token="retry-3")


def test_of_retries_racing_for_a_lapsed_lease_exactly_one_wins(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions on the committed database")
    setting = _setting()
    assert setting
    record = IdempotencyRecord.objects.create(
        user=ApiToken.objects.get().user,
        key="k-5",
        fingerprint="f" * 64,
        expires_at=timezone.now() + timedelta(days=7),
        lease_token="dead-attempt",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    racers = 8
    start = threading.Barrier(racers)
    won: list[str] = []

    def race(token: str) -> None:
        try:
            seen = IdempotencyRecord.objects.get(pk=record.pk)
            start.wait(timeout=30)
            if idempotency.idempotency_lease_take_over(record=seen, token=token):
                won.append(token)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(f"retry-{n}",)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(won) == 1, won
    assert IdempotencyRecord.objects.get(pk=record.pk).lease_token == won[0]


# --- A real gunicorn worker killed mid-request (PostgreSQL, CI) -------------------------------

LEASE_SECONDS = 4


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL: gunicorn reads the committed test database")
    server = Gunicorn(port=free_port(), log=tmp_path / "gunicorn.log")
    try:
        server.start(portal_env(tmp_path, IDEMPOTENCY_LEASE_SECONDS=str(LEASE_SECONDS)))
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _send(port: int, setting: dict, body: bytes, key: str, *, conn=None):
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {
        "Authorization": setting["auth"],
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        "X-Forwarded-Proto": "https",  # as nginx says; production settings redirect otherwise
    }
    conn.request("POST", _bulk_url(), body=body, headers=headers)
    response = conn.getresponse()
    return response, json.loads(response.read())


def _waiting_on_a_lock() -> int:
    """Backends of the test database waiting for a lock (a fresh look, not the snapshot
    PostgreSQL keeps for the rest of a transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def test_killing_the_web_worker_mid_request_leaves_the_key_free_for_a_retry_after_the_lease(
    gunicorn,
):
    setting = _setting()
    body = json.dumps(_items(1000, paragraphs=10)).encode()
    conn = http.client.HTTPConnection("127.0.0.1", gunicorn.port, timeout=120)
    conn.connect()
    assert conn.sock is not None
    client_port = conn.sock.getsockname()[1]
    serving = wait_until(
        lambda: process_serving(
            gunicorn.workers_pids(), server_port=gunicorn.port, client_port=client_port
        ),
        timeout=10,
        interval=0.05,
    )  # the worker that accepted the connection, found through /proc
    outcome: list[object] = []

    def first_attempt() -> None:
        try:
            outcome.append(_send(gunicorn.port, setting, body, "k-kill", conn=conn))
        except (OSError, http.client.HTTPException) as error:
            outcome.append(error)

    VersionCommentCounter.objects.get_or_create(version=setting["version"])
    thread = threading.Thread(target=first_attempt)
    # The test holds the version's numbering row, so the request stops after it has taken its
    # key and checked every item, just before it numbers and stores them: killed there, and
    # not at a moment picked by a timer, the worker dies mid-request on any machine.
    with transaction.atomic():
        VersionCommentCounter.objects.select_for_update().get(version=setting["version"])
        thread.start()
        wait_until(_waiting_on_a_lock, timeout=60, interval=0.02)
        assert IdempotencyRecord.objects.filter(key="k-kill", state="in_progress").exists()
        os.kill(serving, signal.SIGKILL)
        thread.join(timeout=60)

    assert isinstance(outcome[0], OSError | http.client.HTTPException), outcome  # no answer
    record = IdempotencyRecord.objects.get(key="k-kill")
    assert record.state == "in_progress", "the request finished before the worker was killed"
    assert not Comment.objects.exists()  # nothing of the killed attempt was committed

    response, answer = _send(gunicorn.port, setting, body, "k-kill")
    assert response.status == 409 and answer["code"] == "request_in_progress"

    assert record.lease_expires_at is not None
    time.sleep(max(0.0, (record.lease_expires_at - timezone.now()).total_seconds() + 0.2))
    response, answer = _send(gunicorn.port, setting, body, "k-kill")
    assert response.status == 200, answer
    assert response.getheader("Idempotent-Replayed") is None
    assert (answer["created"], answer["rejected"]) == (1000, 0)
    assert Comment.objects.count() == 1000
    assert Comment.objects.values("body").distinct().count() == 1000

    response, replay = _send(gunicorn.port, setting, body, "k-kill")
    assert response.getheader("Idempotent-Replayed") == "true" and replay == answer
    assert Comment.objects.count() == 1000
    assert serving not in gunicorn.workers_pids()  # the master replaced the killed worker


def test_beat_forgets_the_records_past_their_keeping_time_and_no_other(setting):
    from haip_portal.celery import app

    user = ApiToken.objects.get().user
    now = timezone.now()
    for key, expires_at in (("old", now - timedelta(seconds=1)), ("kept", now + timedelta(days=1))):
        IdempotencyRecord.objects.create(
            user=user, key=key, fingerprint="0" * 64, expires_at=expires_at
        )
    app.loader.import_default_modules()  # the tasks a worker finds when it starts
    purge = app.tasks[str(settings.CELERY_BEAT_SCHEDULE["purge-idempotency-records"]["task"])]
    assert purge.apply().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["kept"]
