"""Request bodies sent chunked (``Transfer-Encoding: chunked``, no ``Content-Length``).

Django reads ``Content-Length`` bytes of a body, so a chunked body used to arrive empty ("Send
a JSON array"). The WSGI application now reads it whole wherever the server de-chunks it
(gunicorn does, and says so with ``wsgi.input_terminated``), within the same size limits, and
answers 411 Length Required where the server cannot (``runserver``): one behaviour for every
write. The Django test client cannot send a chunked body, so these tests call the WSGI
application as a server does, and run it under real servers on 127.0.0.1.
"""

import contextlib
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.cache import cache
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import override_settings

from accounts.models import ApiToken
from comments.models import BulkSubmission, Comment, Reply
from haip_portal.wsgi import application
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.conftest import PROJECT_ROOT, _database_url, wait_until
from tests.processes import free_port

WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
ITEM = {"line_start": 4, "body": "A point about line four."}


def _chunks(body: bytes, size: int = 7) -> list[bytes]:
    return [body[start : start + size] for start in range(0, len(body), size)]


def _world() -> dict:
    cache.clear()
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    user = representative_of(verified_organisation(name="Kumo AI"))
    _token, raw = make_token(user=user, scopes=WRITE)
    comment = submit(version=version, author=user, line_start=5)
    return {
        "auth": f"Bearer {raw}",
        "one": "/api/v1/drafts/haip/versions/1/comments/",
        "bulk": "/api/v1/drafts/haip/versions/1/comments/bulk/",
        "upload": "/api/v1/drafts/haip/versions/1/bulk-submissions/",
        "reply": f"/api/v1/comments/{comment.reference}/replies/",
    }


def _multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


# --- The WSGI application, called as a server calls it -----------------------------------


@pytest.fixture
def wsgi_world(db):
    # The WSGI handler closes database connections around each request; the test's data lives
    # in a transaction on that connection, so keep it open (as Django's test client does).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield _world()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    cache.clear()


def _call(path: str, body: bytes, *, auth: str, terminated: bool, content_type: str):
    """Call the portal's WSGI application with a chunked request whose body the server has
    (``terminated``) or has not de-chunked; returns (status, headers, body)."""
    environ: dict = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_TYPE": content_type,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "HTTP_AUTHORIZATION": auth,
        "wsgi.input": io.BytesIO(body),
    }
    if terminated:
        environ["wsgi.input_terminated"] = True
    setup_testing_defaults(environ)
    environ.pop("CONTENT_LENGTH", None)
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    result = application(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], content


def test_a_dechunked_body_is_read_whole(wsgi_world):
    body = json.dumps([ITEM, {**ITEM, "line_start": 6}]).encode()
    status, _headers, content = _call(
        wsgi_world["bulk"],
        body,
        auth=wsgi_world["auth"],
        terminated=True,
        content_type="application/json",
    )
    assert status == 200, content
    assert json.loads(content)["created"] == 2
    assert Comment.objects.count() == 3


def test_a_chunked_body_the_server_did_not_dechunk_is_answered_411(wsgi_world):
    before = Comment.objects.count()
    status, headers, content = _call(
        wsgi_world["one"],
        b"3a\r\n" + json.dumps(ITEM).encode() + b"\r\n0\r\n\r\n",
        auth=wsgi_world["auth"],
        terminated=False,
        content_type="application/json",
    )
    assert status == 411
    assert headers["Content-Type"] == "application/json"
    body = json.loads(content)
    assert body["code"] == "length_required"
    assert "Content-Length" in body["message"]
    assert body["errors"] == {}
    assert Comment.objects.count() == before


@override_settings(API_MAX_BODY_BYTES=100)
def test_a_dechunked_body_over_the_limit_is_answered_413(wsgi_world):
    before = Comment.objects.count()
    body = json.dumps([ITEM] * 5).encode()
    assert len(body) > 100
    status, _headers, content = _call(
        wsgi_world["bulk"],
        body,
        auth=wsgi_world["auth"],
        terminated=True,
        content_type="application/json",
    )
    assert status == 413
    assert json.loads(content)["code"] == "request_too_large"
    assert Comment.objects.count() == before


# --- runserver's own server, which does not de-chunk --------------------------------------


@pytest.fixture
def runserver():
    """Django's development server (what ``make run`` uses) on a free port, in a thread."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(application)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _send_chunked(port: int, path: str, body: bytes, headers: dict[str, str]):
    """POST ``body`` chunked (in chunks of 7 bytes) to the server on ``port``; returns (status,
    Content-Type, body). The request goes out in one write, so a server that answers before
    reading the body (411, 413) has the whole of it and closes the connection cleanly."""
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Transfer-Encoding: chunked"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    head += ["Connection: close", "", ""]
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in _chunks(body))
    request = "\r\n".join(head).encode() + chunked + b"0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.getheader("Content-Type"), response.read()


@pytest.mark.django_db
def test_runserver_answers_a_chunked_api_write_411_in_the_error_shape(runserver):
    before = Comment.objects.count()
    status, content_type, content = _send_chunked(
        runserver,
        "/api/v1/drafts/haip/versions/1/comments/bulk/",
        json.dumps([ITEM]).encode(),
        {"Content-Type": "application/json", "Authorization": "Bearer haip_x_y"},
    )
    assert status == 411
    assert content_type == "application/json"
    assert json.loads(content)["code"] == "length_required"
    assert Comment.objects.count() == before


# --- gunicorn, which de-chunks ------------------------------------------------------------


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    """``gunicorn haip_portal.wsgi:application`` (one sync worker) on the committed test
    database; in-process tasks (no ``REDIS_URL``): an upload is filed on the server's
    background thread just after it answers."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL (as in CI): gunicorn reads the test data")
    port = free_port()
    log = tmp_path / "gunicorn.log"
    (tmp_path / "media").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "haip_portal.settings.local",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": "",
        "DEBUG": "false",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "API_MAX_BODY_BYTES": "2000",
    }
    command = [
        sys.executable, "-m", "gunicorn", "haip_portal.wsgi:application",
        "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            with contextlib.suppress(OSError):
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                probe.request("GET", "/api/v1/drafts/")
                probe.getresponse().read()
                probe.close()
                break
            time.sleep(0.2)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_gunicorn_reads_a_chunked_body_on_every_kind_of_api_write(gunicorn):
    world = _world()
    json_headers = {"Content-Type": "application/json", "Authorization": world["auth"]}

    status, _, content = _send_chunked(
        gunicorn, world["one"], json.dumps(ITEM).encode(), json_headers
    )
    assert status == 201, content
    reference = json.loads(content)["reference"]
    assert Comment.objects.get(reference=reference).body == ITEM["body"]

    items = [{**ITEM, "external_id": f"b{n}", "line_start": 4 + n} for n in range(3)]
    status, _, content = _send_chunked(
        gunicorn, world["bulk"], json.dumps(items).encode(), json_headers
    )
    assert status == 200, content
    assert json.loads(content)["created"] == 3

    reply = json.dumps({"body": "Agreed."}).encode()
    status, _, content = _send_chunked(gunicorn, world["reply"], reply, json_headers)
    assert status == 201, content
    assert Reply.objects.get().body == "Agreed."

    rows = b"line_start,body\n" + b"".join(f"{4 + n},Row {n}.\n".encode() for n in range(4))
    body, content_type = _multipart("comments.csv", rows)
    headers = {"Content-Type": content_type, "Authorization": world["auth"]}
    status, _, content = _send_chunked(gunicorn, world["upload"], body, headers)
    assert status == 202, content
    submission = wait_until(
        lambda: BulkSubmission.objects.filter(status=BulkSubmission.Status.DONE).first(),
        timeout=60,
        interval=0.1,
    )
    assert (submission.rows_total, submission.created_count) == (4, 4)

    assert Comment.objects.count() == 1 + 1 + 3 + 4


def test_gunicorn_answers_a_chunked_body_over_the_limit_413_and_stores_nothing(gunicorn):
    world = _world()
    before = Comment.objects.count()
    items = [{**ITEM, "external_id": f"x{n}"} for n in range(40)]
    body = json.dumps(items).encode()
    assert len(body) > 2000  # the server's API_MAX_BODY_BYTES
    headers = {"Content-Type": "application/json", "Authorization": world["auth"]}
    status, content_type, content = _send_chunked(gunicorn, world["bulk"], body, headers)
    assert status == 413, content
    assert content_type == "application/json"
    assert json.loads(content)["code"] == "request_too_large"
    assert Comment.objects.count() == before
