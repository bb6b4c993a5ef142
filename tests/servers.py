"""Real server processes for the fault tests and benchmarks: gunicorn as the Dockerfile runs it,
nginx with the committed deploy/nginx.conf, and clients that misbehave on purpose.

Every process is started in its own session (so the whole group can be stopped) on a free port
of 127.0.0.1, with its pid file, temporary files and log under the test's ``tmp_path``; nothing
runs as a daemon and nothing outlives the test. gunicorn serves the committed test database
(``transactional_db``), which needs PostgreSQL.
"""

import datetime
import functools
import http.client
import json
import os
import pwd
import re
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from tests.processes import free_port, stop_process_group

__all__ = ["free_port", "stop_process_group"]  # re-exported for the tests that start servers

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
NGINX_CONF = PROJECT_ROOT / "deploy" / "nginx.conf"
NGINX = Path("/usr/sbin/nginx")
# The Host the clients name: one of ALLOWED_HOSTS below.
HOST = "127.0.0.1"


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def _socket_inodes(local_port: int, remote_port: int) -> set[str]:
    """Inodes of the TCP sockets of this host from ``local_port`` to ``remote_port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(OSError), open(table) as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                local, remote, inode = fields[1], fields[2], fields[9]
                if (
                    int(local.rsplit(":", 1)[1], 16) == local_port
                    and int(remote.rsplit(":", 1)[1], 16) == remote_port
                ):
                    inodes.add(inode)
    return inodes


def process_serving(pids: list[int], *, server_port: int, client_port: int) -> int | None:
    """Which of ``pids`` holds the server end of the connection from ``client_port``."""
    wanted = {f"socket:[{inode}]" for inode in _socket_inodes(server_port, client_port)}
    for pid in pids:
        with suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with suppress(OSError):
                    if os.readlink(fd) in wanted:
                        return pid
    return None


# --- gunicorn, as the image runs it -----------------------------------------------------------


def dockerfile_command() -> list[str]:
    """The image's CMD (exec form), the command the `web` service runs."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    commands = [line[4:] for line in text.splitlines() if line.startswith("CMD ")]
    return json.loads(commands[-1])


def _set_option(argv: list[str], name: str, value: str) -> list[str]:
    assert name in argv, f"the Dockerfile's command has no {name}"
    index = argv.index(name)
    return [*argv[: index + 1], value, *argv[index + 2 :]]


def portal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production gunicorn on the committed test database."""
    from tests.conftest import _database_url

    (tmp_path / "media").mkdir(exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.production_settings",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(tmp_path / "media"),
        **extra,
    }


@dataclass
class Gunicorn:
    """The Dockerfile's gunicorn command on 127.0.0.1:``port``; ``workers`` may be lowered for
    a test. Its access log shows what nginx passed on: X-Forwarded-Proto and -For."""

    port: int
    log: Path
    workers: int | None = None
    process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        argv = dockerfile_command()
        argv = _set_option(argv, "--bind", f"127.0.0.1:{self.port}")
        if self.workers is not None:
            argv = _set_option(argv, "--workers", str(self.workers))
        access_format = (
            '%(h)s "%(r)s" %(s)s proto=%({x-forwarded-proto}i)s for=%({x-forwarded-for}i)s'
        )
        return [sys.executable, "-m", *argv, "--access-logformat", access_format]

    def start(self, env: dict[str, str]) -> "Gunicorn":
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command(),
                cwd=PROJECT_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def workers_pids(self) -> list[int]:
        assert self.process is not None
        return [pid for pid in process_tree(self.process.pid) if pid != self.process.pid]

    def wait_ready(self, *, timeout: float = 60) -> None:
        """Until the home page answers 200 (as if through the TLS proxy), or fail with the log."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited early:\n{self.output()}")
            with suppress(OSError):
                status, _ = get(self.port, "/", headers={"X-Forwarded-Proto": "https"})
                if status == 200:
                    return
                raise AssertionError(f"the home page answered {status}:\n{self.output()}")
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process)


# --- nginx with the committed configuration -------------------------------------------------


def nginx_available() -> bool:
    return NGINX.is_file() and os.access(NGINX, os.X_OK)


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx.conf should hold {old!r} exactly once"
    return text.replace(old, new)


def render_nginx_conf(
    *, http_port: int, https_port: int, upstream_port: int, certificates: Path, temp: Path
) -> str:
    """deploy/nginx.conf as docker-compose.yml runs it, with only what differs outside Docker
    changed: the ports, gunicorn's address, the certificate's folder and nginx's own
    temporary files (under ``temp``, so no root and no /var is needed)."""
    text = NGINX_CONF.read_text()
    text = _replace_once(text, "listen 80 default_server;", f"listen {HOST}:{http_port};")
    text = _replace_once(text, "listen 443 ssl default_server;", f"listen {HOST}:{https_port} ssl;")
    text = _replace_once(
        text, "set $portal http://web:8000;", f"set $portal http://{HOST}:{upstream_port};"
    )
    text = text.replace("/etc/nginx/certs/", f"{certificates}/")
    temp_paths = "".join(
        f"    {kind}_temp_path {temp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = _replace_once(text, "\nhttp {\n", f"\nhttp {{\n{temp_paths}")
    if os.geteuid() == 0:  # as root nginx would switch its workers to a user of its own
        text = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n{text}"
    return text


def self_signed_certificate(folder: Path) -> None:
    """fullchain.pem and privkey.pem for 127.0.0.1, as the proxy's certificate folder holds."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@dataclass
class Nginx:
    """/usr/sbin/nginx in the foreground with the rendered deploy/nginx.conf."""

    root: Path
    upstream_port: int
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.root / "nginx.log"

    def start(self) -> "Nginx":
        temp = self.root / "temp"
        temp.mkdir(parents=True, exist_ok=True)
        self_signed_certificate(self.root / "certs")
        conf = self.root / "nginx.conf"
        conf.write_text(
            render_nginx_conf(
                http_port=self.http_port,
                https_port=self.https_port,
                upstream_port=self.upstream_port,
                certificates=self.root / "certs",
                temp=temp,
            )
        )
        command = [
            str(NGINX), "-p", str(self.root), "-c", str(conf),
            "-g", f"daemon off; pid {self.root / 'nginx.pid'};",
        ]  # fmt: skip
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, *, timeout: float = 30) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited early:\n{self.output()}")
            with suppress(OSError), socket.create_connection((HOST, self.https_port), 1):
                return
            time.sleep(0.1)
        raise AssertionError(f"nginx did not listen within {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process, timeout=10)


# --- Clients -----------------------------------------------------------------------------------


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Trusts the test's self-signed certificate (and any other: 127.0.0.1 only). Made once:
    loading the system's certificates would otherwise add to every request's time."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def get(
    port: int,
    path: str,
    *,
    tls: bool = False,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, http.client.HTTPResponse]:
    """One GET to 127.0.0.1:``port``: status and the (read) response."""
    connection: http.client.HTTPConnection
    if tls:
        connection = http.client.HTTPSConnection(HOST, port, timeout=timeout, context=tls_context())
    else:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response
    finally:
        connection.close()


@dataclass
class SlowClients:
    """``count`` clients that each send the headers of a sign-in form POST announcing
    ``body_bytes`` of body, then trickle the body at ``bytes_per_second``, until stopped.

    The form carries a CSRF cookie and a matching Origin, so gunicorn, reached directly,
    reads the body (Django's CSRF check reads the form) and a thread waits on each client.
    """

    port: int
    count: int = 20
    body_bytes: int = 200_000
    bytes_per_second: int = 10
    tls: bool = False
    extra_headers: dict[str, str] = field(default_factory=dict)
    connected: int = 0
    sent: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _head(self) -> bytes:
        token = secrets.token_hex(16)  # 32 characters, the format of Django's CSRF secret
        headers = {
            "Host": HOST,
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(self.body_bytes),
            "Cookie": f"csrftoken={token}",
            "Origin": f"https://{HOST}",
            **self.extra_headers,
        }
        lines = ["POST /accounts/login/ HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def _client(self, index: int) -> None:
        interval = 1 / self.bytes_per_second
        sent = 0
        try:
            raw = socket.create_connection((HOST, self.port), timeout=30)
            sock = tls_context().wrap_socket(raw) if self.tls else raw
            with sock:
                sock.sendall(self._head() + b"email=")
                sent = 6
                with self._lock:
                    self.connected += 1
                while sent < self.body_bytes and not self._stop.wait(interval):
                    sock.sendall(b"a")
                    sent += 1
        except OSError as error:
            with self._lock:
                self.errors.append(f"client {index}: {error!r}")
        finally:
            with self._lock:
                self.sent.append(sent)

    def start(self) -> "SlowClients":
        for index in range(self.count):
            thread = threading.Thread(target=self._client, args=(index,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=40)

    @property
    def sending(self) -> bool:
        """Every client is connected and still sending its body."""
        return not self._stop.is_set() and not self.sent and not self.errors


@contextmanager
def slow_clients(port: int, **kwargs) -> Iterator[SlowClients]:
    clients = SlowClients(port, **kwargs).start()
    try:
        yield clients
    finally:
        clients.stop()
