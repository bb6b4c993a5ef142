"""Real processes for the fault tests: a private Redis, the portal under gunicorn, a Celery
worker with beat, and a browser-like HTTP client that keeps cookies and sends CSRF tokens.

Each process runs in its own session (process group) and is stopped in the test's clean-up;
every wait is bounded. Only 127.0.0.1 is ever contacted, and a test that needs Redis down
stops its own ``redis-server``, never the shared one.
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

import pytest

from tests.conftest import PROJECT_ROOT, _database_url

T = TypeVar("T")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs a PostgreSQL DATABASE_URL (this run uses {connection.vendor}): the portal's "
            "processes read the test database the test commits to"
        )


def require_redis_server() -> str:
    path = shutil.which("redis-server")
    if path is None:
        pytest.skip("needs the redis-server program (apt-get install redis-server)")
    return path


def stop_process_group(process: subprocess.Popen, *, timeout: float = 30) -> None:
    """SIGTERM the process's own session (it was started with ``start_new_session``), then
    SIGKILL what is left after ``timeout`` seconds, stragglers of the group included."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_for(condition: Callable[[], T], *, timeout: float, what: str, log=None) -> T:
    """Poll ``condition`` every 0.2 s until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    details = f"\n{log()}" if log is not None else ""
    raise AssertionError(f"{what}: not within {timeout} s{details}")


class PrivateRedis:
    """A ``redis-server`` of the test's own on a free port of 127.0.0.1, stopped and started
    again on the same port; nothing is saved to disk."""

    def __init__(self, directory: Path) -> None:
        self.program = require_redis_server()
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def answers(self) -> bool:
        import redis
        import redis.backoff
        import redis.retry

        no_retry = redis.retry.Retry(redis.backoff.NoBackoff(), 0)
        client = redis.Redis(
            host="127.0.0.1", port=self.port, socket_connect_timeout=0.5, retry=no_retry
        )
        try:
            return bool(client.ping())
        except redis.exceptions.ConnectionError:
            return False
        finally:
            client.close()

    def start(self) -> "PrivateRedis":
        command = [
            self.program, "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.directory),
        ]  # fmt: skip
        with (self.directory / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(self.answers, timeout=20, what=f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process)
            self.process = None
        assert not self.answers()


class Process:
    """A process of the portal started with ``command``, its output in ``log``."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.command = command
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Process":
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process)


def portal_env(tmp_path: Path, *, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of the portal's processes: the local settings with DEBUG off, the
    committed test database (or ``database_url``), no Redis unless ``extra`` names one."""
    (tmp_path / "media").mkdir(exist_ok=True)
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="haip_portal.settings.local",
        DATABASE_URL=database_url or _database_url(),
        DEBUG="false",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(tmp_path / "media"),
        HEARTBEAT_DIR=str(tmp_path),
    )
    env.update(extra)
    return env


def gunicorn(tmp_path: Path, env: dict[str, str]) -> "Portal":
    """The portal under gunicorn (one threaded worker) on a free port, answering /healthz."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "haip_portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
        "--timeout", "60", "--graceful-timeout", "5", "--access-logfile", "-",
    ]  # fmt: skip
    portal = Portal(command, env, tmp_path / "gunicorn.log", port=port)
    portal.start()
    wait_for(portal.alive, timeout=60, what="gunicorn answering /healthz", log=portal.output)
    return portal


class Portal(Process):
    def __init__(self, command: list[str], env: dict[str, str], log: Path, *, port: int) -> None:
        super().__init__(command, env, log)
        self.port = port

    def alive(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited early:\n{self.output()}")
        try:
            return Browser(self.port).get("/healthz").status == 200
        except OSError:
            return False


def celery_worker(tmp_path: Path, env: dict[str, str], *, beat: bool = False, include=()):
    """A real ``celery worker`` (prefork, one pool process) consuming every queue, with beat
    embedded if asked; ``include`` names extra task modules to load."""
    command = [
        sys.executable, "-m", "celery", "-A", "haip_portal", "worker",
        "--loglevel=INFO", "--concurrency=1", "--pool=prefork",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-Q", "default,synthesis,bulk", "-n", f"faults-{os.getpid()}@%h",
    ]  # fmt: skip
    for module in include:
        command += ["--include", module]
    if beat:
        command += ["--beat", "--schedule", str(tmp_path / "beat-schedule")]
    return Process(command, env, tmp_path / "worker.log").start()


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self):
        return json.loads(self.body)


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """What a browser does that matters here: cookies kept, forms posted with their CSRF
    token, redirects reported (not followed). ``headers`` go with every request."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent = {"Host": f"127.0.0.1:{self.port}", **self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=sent)
            reply = connection.getresponse()
            for header in reply.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(reply.status, dict(reply.getheaders()), reply.read())
        finally:
            connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, payload, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(payload).encode()
        return self.request(
            "POST", path, body, headers={"Content-Type": "application/json", **(headers or {})}
        )

    def submit_form(self, path: str, fields: dict[str, str]) -> Response:
        """GET the page at ``path``, then POST ``fields`` to it with the page's CSRF token."""
        page = self.get(path)
        assert page.status == 200, (page.status, page.text[:500])
        token = CSRF_INPUT.search(page.text)
        assert token, "the form has no CSRF token"
        body = urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
        return self.request(
            "POST",
            path,
            body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            },
        )
