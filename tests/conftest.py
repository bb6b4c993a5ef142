import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from accounts import permissions
from accounts.models import User
from accounts.permissions import SECRETARIAT_GROUP

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def enable_totp(user: User) -> str:
    """Give ``user`` a TOTP authenticator, as the secretariat must have; returns its secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def with_two_factor(user: User) -> User:
    """``user`` with an authenticator, acting (in services called directly by a test) as in
    a session that passed two-factor authentication."""
    enable_totp(user)
    permissions.record_authentication(user, two_factor=True)
    return user


def login_with_two_factor(client, user: User) -> None:
    """Sign ``user`` in on the test ``client`` as allauth does after a password and a TOTP
    code: the session records both, so powers that need two-factor authentication apply."""
    client.force_login(user)
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.fixture
def secretariat_user(db) -> User:
    """A secretariat member who has set up two-factor authentication."""
    user = User.objects.create_user(email="secretariat@example.org", password="x" * 16)
    user.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    return with_two_factor(user)


@pytest.fixture
def admin_user(db, django_user_model) -> User:
    """pytest-django's superuser, with the two-factor authentication staff accounts need."""
    user = django_user_model.objects.create_superuser(email="admin@example.org", password="x" * 16)
    return with_two_factor(user)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, signed in with two-factor as support staff must be."""
    login_with_two_factor(client, admin_user)
    return client


@pytest.fixture
def stakeholder_user(db) -> User:
    return User.objects.create_user(email="stakeholder@example.org", password="x" * 16)


@pytest.fixture
def secretariat_client(client, secretariat_user):
    login_with_two_factor(client, secretariat_user)
    return client


def _database_url() -> str:
    """The URL of the test database, for processes started by a test."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class CeleryWorker:
    """A real ``celery worker`` process consuming from the Redis broker, on the test database."""

    def __init__(self, tmp_path, *, beat: bool = False, extra_env: dict[str, str] | None = None):
        self.tmp_path = tmp_path
        self.beat = beat
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tmp_path / "worker.log"

    def start(self) -> "CeleryWorker":
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "haip_portal.settings.local",
            "DATABASE_URL": _database_url(),
            "DEBUG": "false",
            **self.extra_env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "haip_portal", "worker",
            "--loglevel=INFO", "--concurrency=1", "--pool=prefork",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-Q", "default,synthesis,bulk", "-n", f"test-{os.getpid()}@%h",
        ]  # fmt: skip
        if self.beat:
            command += ["--beat", "--schedule", str(self.tmp_path / "beat-schedule")]
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() reaches the pool too
        )
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its pool at once: no clean-up, no acknowledgement."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """Ask the worker to finish (20 s), then kill whatever is left of its process group:
        a pool process or embedded beat outliving it would take the next test's tasks."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def wait_until(condition, *, timeout: float, interval: float = 0.25, worker=None):
    """Poll ``condition`` until it returns a truthy value or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.process.poll() is not None:
            raise AssertionError(f"the worker exited early:\n{worker.output()}")
        time.sleep(interval)
    details = f"\nworker output:\n{worker.output()}" if worker is not None else ""
    raise AssertionError(f"condition not met within {timeout} s{details}")


@pytest.fixture
def celery_worker_factory(transactional_db, tmp_path):
    """Start real Celery workers against Redis and the committed test database (CI only)."""
    from django.db import connection

    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and a PostgreSQL DATABASE_URL (as in CI)")
    from haip_portal.celery import app

    # Tasks sent by the test now go to the broker, for the real worker to take.
    app.conf.task_always_eager = False
    workers: list[CeleryWorker] = []

    def start(**kwargs) -> CeleryWorker:
        worker = CeleryWorker(tmp_path / f"w{len(workers)}", **kwargs)
        worker.tmp_path.mkdir()
        worker.log = worker.tmp_path / "worker.log"
        workers.append(worker.start())
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager = True
