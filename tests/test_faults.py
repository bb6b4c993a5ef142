"""Faults of the production set-up, against real processes: the portal under gunicorn, a Celery
worker with beat, a Redis of the test's own that the test stops, and PostgreSQL refusing
connections or holding a lock (docs/operations.md says what each fault does).

They need PostgreSQL (the processes read the committed test database) and the redis-server
program, and skip without them, saying so; CI has both.
"""

import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from celery import Celery
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from comments.models import Comment
from haip_portal import heartbeat
from tests.accounts.factories import make_token, make_user
from tests.comments.factories import open_version, representative_of, verified_organisation
from tests.processes import (
    Browser,
    PrivateRedis,
    celery_worker,
    free_port,
    gunicorn,
    portal_env,
    require_postgresql,
    wait_for,
)
from tests.test_deployment import web_healthcheck_code

PASSWORD = "a long enough password 1"


@pytest.fixture
def committed(transactional_db):
    """Data committed where the portal's processes see it (PostgreSQL only)."""
    require_postgresql()


@pytest.fixture
def cleanup():
    """Stops what a test started, last started first, whatever happens."""
    stops: list = []
    yield stops.append
    for stop in reversed(stops):
        stop()


def person(email: str) -> User:
    """Someone who can sign in through the form: a password and a verified address. The
    password is hashed as the portal's processes check it (the test settings' fast hasher is
    not one they know)."""
    user = make_user(email=email)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def run_web_healthcheck(port: int) -> subprocess.CompletedProcess[str]:
    """docker-compose.yml's web health check, aimed at ``port`` instead of 8000."""
    code = web_healthcheck_code().replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )


def assert_unavailable_json(response) -> None:
    assert response.status == 503, (response.status, response.text[:500])
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == "service_unavailable" and body["errors"] == {}


def assert_unavailable_page(response) -> None:
    assert response.status == 503, (response.status, response.text[:500])
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Briefly unavailable" in response.text


# --- Redis stopped ---------------------------------------------------------------------------


@pytest.mark.worker
def test_with_redis_stopped_the_api_and_the_browser_keep_working_and_receipts_catch_up(
    committed, cleanup, tmp_path
):
    """Redis down: anonymous and token API calls answer (the request limits count in each
    web process), /readyz says 503 naming Redis, a person signs in and files a comment
    through the form (CSRF and all); it is stored, and once Redis is back the worker and beat
    send its receipt."""
    version = open_version(slug="haip", sections=2, lines_per_section=3)
    author = person("author@example.org")
    organisation = verified_organisation(name="Kumo AI")
    api_user = representative_of(organisation)
    _token, raw_token = make_token(
        user=api_user, scopes=(ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
    )
    comments_url = reverse("comments_api:version_comments", args=["haip", version.number])

    redis = PrivateRedis(tmp_path / "redis").start()
    cleanup(redis.stop)
    mail = tmp_path / "mail"
    env = portal_env(
        tmp_path,
        REDIS_URL=redis.url(),
        # Beat looks for receipts that did not go out every 2 s, once they are 1 s old.
        RECEIPTS_CATCH_UP_EVERY_SECONDS="2",
        RECEIPTS_PENDING_AFTER_SECONDS="1",
        EMAIL_URL=f"filemail:///{mail}",  # django-environ drops one leading slash
    )
    portal = gunicorn(tmp_path, env)
    cleanup(portal.stop)
    worker = celery_worker(tmp_path, env, beat=True)
    cleanup(worker.stop)
    anonymous = Browser(portal.port)
    client = Browser(portal.port, headers={"Authorization": f"Bearer {raw_token}"})
    ready = anonymous.get("/readyz")
    assert ready.status == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok", "migrations": "ok"}
    assert anonymous.get(comments_url).status == 200

    redis.stop()

    # The API: reads and writes answer; nothing is a 500.
    listed = anonymous.get(comments_url)
    assert listed.status == 200, listed.text[:500]
    filed = client.post_json(comments_url, {"line_start": 4, "body": "Filed over the API."})
    assert filed.status == 201, filed.text[:500]
    assert filed.json()["reference"]
    assert client.get(comments_url).status == 200
    # What cannot work says so: readiness names Redis, with Retry-After.
    not_ready = anonymous.get("/readyz")
    assert not_ready.status == 503 and int(not_ready.headers["Retry-After"]) > 0
    assert not_ready.json()["failed"] == ["redis"]
    assert run_web_healthcheck(portal.port).returncode != 0
    assert anonymous.get("/healthz").status == 200

    # The browser: sign in (allauth's limits count in the process) and file a comment.
    browser = Browser(portal.port)
    signed_in = browser.submit_form(
        "/accounts/login/", {"login": author.email, "password": PASSWORD}
    )
    assert signed_in.status == 302, signed_in.text[signed_in.text.find("<form") :][:3000]
    started = time.monotonic()
    posted = browser.submit_form(
        f"/drafts/haip/v{version.number}/comments/new/",
        {
            "line_start": "3",
            "line_end": "3",
            "kind": "technical",
            "body": "Filed while Redis was down.",
            "visibility": "public",
            "language": "en",
            "organisation": "",
        },
    )
    post_seconds = time.monotonic() - started
    assert posted.status == 302, posted.text[:1000]
    receipt_page = browser.get(posted.headers["Location"])
    comment = Comment.objects.get(author=author)
    assert receipt_page.status == 200 and comment.reference in receipt_page.text
    assert comment.channel == Comment.Channel.WEB and comment.body == "Filed while Redis was down."
    assert comment.receipt_sent_at is None  # the broker was down: the receipt could not go
    assert not mail.exists() or not any(mail.iterdir())

    redis.start()

    def receipt_sent():
        comment.refresh_from_db()
        return comment.receipt_sent_at

    wait_for(receipt_sent, timeout=120, what="the receipt sent after Redis came back",
             log=worker.output)  # fmt: skip
    messages = [path.read_text() for path in mail.iterdir()]
    receipts = [text for text in messages if f"Comment received: {comment.reference}" in text]
    assert len(receipts) == 1 and "To: author@example.org" in receipts[0]
    assert wait_for(lambda: anonymous.get("/readyz").status == 200, timeout=30, what="ready")
    assert run_web_healthcheck(portal.port).returncode == 0
    sys.stdout.write(f"\nform post with Redis down: {post_seconds:.2f} s\n")


# --- PostgreSQL --------------------------------------------------------------------------------


def test_with_postgresql_unreachable_pages_and_api_answer_503_with_retry_after(cleanup, tmp_path):
    """Nothing listens at the database's address (a restart, a lost host): every request
    that needs it answers 503 with Retry-After, the API in its JSON error shape, and the
    health endpoints say alive but not ready."""
    closed = free_port()
    env = portal_env(tmp_path, database_url=f"postgres://haip@127.0.0.1:{closed}/haip")
    portal = gunicorn(tmp_path, env)
    cleanup(portal.stop)
    browser = Browser(portal.port)

    assert_unavailable_page(browser.get("/"))
    assert_unavailable_page(browser.get("/drafts/haip/v1/"))
    assert_unavailable_json(browser.get("/api/v1/drafts/"))
    token = "haip_abcdefgh_" + "x" * 43  # looked up in the database, which does not answer
    filed = browser.post_json(
        "/api/v1/drafts/haip/versions/1/comments/",
        {"line_start": 1, "body": "Lost?"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_unavailable_json(filed)
    assert browser.get("/healthz").status == 200
    not_ready = browser.get("/readyz")
    assert not_ready.status == 503 and int(not_ready.headers["Retry-After"]) > 0
    assert not_ready.json() == {
        "status": "unavailable",
        "failed": ["database"],
        "checks": {"database": "failed", "redis": "ok", "migrations": "skipped"},
    }
    assert run_web_healthcheck(portal.port).returncode != 0
    assert '" 500 ' not in portal.output()  # gunicorn's access log: no 500 at all


def test_a_request_stuck_behind_a_lock_is_stopped_by_the_statement_timeout_with_a_503(
    committed, cleanup, tmp_path
):
    """The web processes' statement_timeout (WEB_STATEMENT_TIMEOUT, here 1 s) stops a query
    that waits on a lock, and the request answers 503 instead of hanging; the same query in
    the worker's setting would wait."""
    open_version(slug="haip")
    env = portal_env(tmp_path, WEB_STATEMENT_TIMEOUT="1")
    portal = gunicorn(tmp_path, env)
    cleanup(portal.stop)
    browser = Browser(portal.port)
    assert browser.get("/").status == 200

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE drafts_draft IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        page = browser.get("/")
        api = browser.get("/api/v1/drafts/")
        waited = time.monotonic() - started
    assert_unavailable_page(page)
    assert_unavailable_json(api)
    assert waited < 10  # two requests of about one second each, not gunicorn's 60 s
    assert "canceling statement due to statement timeout" in portal.output()
    assert browser.get("/").status == 200  # the lock is gone: served again


def test_a_request_whose_database_session_is_terminated_answers_503(committed, cleanup, tmp_path):
    """What a PostgreSQL restart does to a request under way: the server ends its session
    ("terminating connection due to administrator command"). The request answers 503 and the
    next one is served on a new connection, without restarting anything."""
    open_version(slug="haip")
    portal = gunicorn(tmp_path, portal_env(tmp_path))
    cleanup(portal.stop)
    browser = Browser(portal.port)
    assert browser.get("/").status == 200
    answers: dict = {}

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE drafts_draft IN ACCESS EXCLUSIVE MODE")
        request = threading.Thread(target=lambda: answers.update(page=browser.get("/")))
        request.start()

        def waiting_sessions() -> list[int]:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh, inside the transaction
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            return [pid for (pid,) in cursor.fetchall()]

        pids = wait_for(waiting_sessions, timeout=30, what="the request waiting on the lock")
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", [pids])
        request.join(timeout=30)
    assert_unavailable_page(answers["page"])
    assert "terminating connection due to administrator command" in portal.output()
    assert browser.get("/").status == 200


def test_statement_timeouts_are_the_web_one_in_web_processes_and_the_long_one_elsewhere(
    committed, tmp_path
):
    show = "from django.db import connection; c = connection.cursor(); "
    show += "c.execute('SHOW statement_timeout'); print(c.fetchone()[0])"
    env = portal_env(tmp_path, WEB_STATEMENT_TIMEOUT="7", DATABASE_STATEMENT_TIMEOUT="1200")

    def run(code: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
            cwd=Path(__file__).resolve().parents[1], check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    assert run("import haip_portal.wsgi; " + show) == "7s"
    assert run("import django; django.setup(); " + show) == "20min"


# --- The worker's health check -----------------------------------------------------------------


@pytest.mark.worker
def test_the_worker_heartbeat_stays_fresh_while_its_pool_is_busy(cleanup, tmp_path):
    """The check docker-compose.yml runs (heartbeat file age) passes throughout a task that
    keeps the only pool process busy for longer than the check's limit, and beat's heartbeat
    is written too. (No database: the task and the heartbeats do not use it.)"""
    redis = PrivateRedis(tmp_path / "redis").start()
    cleanup(redis.stop)
    unused = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    env = portal_env(tmp_path, database_url=unused, REDIS_URL=redis.url())
    worker = celery_worker(tmp_path, env, beat=True, include=["tests.fault_tasks"])
    cleanup(worker.stop)

    def check(name: str, max_age: float) -> int:
        command = [sys.executable, "-m", "haip_portal.heartbeat", name, "--max-age", str(max_age)]
        return subprocess.run(command, env=env, capture_output=True, timeout=30).returncode

    heartbeat_file = Path(tmp_path) / "haip-worker.alive"
    wait_for(heartbeat_file.exists, timeout=60, what="the worker's heartbeat", log=worker.output)
    assert (Path(tmp_path) / "haip-beat.alive").exists()
    busy_for = 3.5 * heartbeat.INTERVAL_SECONDS  # watched for 2.5 intervals, ending before it
    sender = Celery(broker=redis.url())
    sender.send_task("tests.fault_tasks.sleep", args=[busy_for], queue="default")
    wait_for(lambda: "tests.fault_tasks.sleep" in worker.output() and "received" in worker.output(),
             timeout=30, what="the long task started", log=worker.output)  # fmt: skip
    touched = set()
    deadline = time.monotonic() + 2.5 * heartbeat.INTERVAL_SECONDS
    while time.monotonic() < deadline:
        # Far below compose's 60 s: a heartbeat missed while busy would show.
        assert check("worker", 1.5 * heartbeat.INTERVAL_SECONDS) == 0, worker.output()
        touched.add(heartbeat_file.stat().st_mtime)
        time.sleep(1)
    assert "succeeded" not in worker.output().split("tests.fault_tasks.sleep")[-1]  # still busy
    assert len(touched) >= 2, "the heartbeat was not renewed while the task ran"
    assert check("beat", 90) == 0


def test_the_heartbeat_check_fails_when_the_file_is_stale_or_missing(tmp_path, monkeypatch):
    env = portal_env(tmp_path, database_url="sqlite:///unused")  # HEARTBEAT_DIR is tmp_path

    def check(*arguments: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "haip_portal.heartbeat", *arguments]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30)

    missing = check("worker")
    assert missing.returncode == 1 and "no heartbeat" in missing.stderr
    monkeypatch.setenv("HEARTBEAT_DIR", str(tmp_path))
    heartbeat.touch("worker")
    assert check("worker", "--max-age", "60").returncode == 0
    old = (timezone.now() - timedelta(seconds=120)).timestamp()
    path = heartbeat.path_of("worker")
    os.utime(path, (old, old))
    stale = check("worker", "--max-age", "60")
    assert stale.returncode == 1
    # 120 s, plus however long the check took to start on a busy machine.
    age = re.fullmatch(r"worker: last heartbeat (\d+) s ago\n", stale.stderr)
    assert age is not None and 120 <= int(age.group(1)) < 150, stale.stderr
