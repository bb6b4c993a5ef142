"""The proxy in front of gunicorn: the committed deploy/nginx.conf, run by the real nginx
(Debian's nginx-light, installed by .ci/run) in front of the real gunicorn command of the
Dockerfile, serving the production settings on the committed test database (PostgreSQL).

Docker cannot run here, so the file is rendered with only what Docker provides changed (the
ports, gunicorn's address, the certificate folder, nginx's temporary files); see
tests/servers.py.
"""

import http.client
import json
import subprocess
import time

import pytest
from allauth.account.adapter import get_adapter
from django.db import connection
from django.test import RequestFactory, override_settings

from tests.conftest import wait_until
from tests.drafts.factories import open_version
from tests.servers import (
    HOST,
    NGINX,
    NGINX_CONF,
    PROJECT_ROOT,
    Gunicorn,
    Nginx,
    free_port,
    get,
    nginx_available,
    portal_env,
    render_nginx_conf,
    self_signed_certificate,
    slow_clients,
    tls_context,
)

PRODUCTION_SETTINGS = PROJECT_ROOT / "haip_portal" / "settings" / "production.py"

needs_nginx = pytest.mark.skipif(
    not nginx_available(), reason=f"needs nginx at {NGINX} (.ci/run installs nginx-light)"
)


@needs_nginx
def test_the_committed_configuration_passes_nginx_own_check(tmp_path):
    self_signed_certificate(tmp_path / "certs")
    (tmp_path / "temp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        render_nginx_conf(
            http_port=free_port(),
            https_port=free_port(),
            upstream_port=free_port(),
            certificates=tmp_path / "certs",
            temp=tmp_path / "temp",
        )
    )
    check = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path), "-c", str(conf), "-g", f"pid {tmp_path}/n.pid;"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert check.returncode == 0, check.stderr


@pytest.fixture
def portal(transactional_db, tmp_path):
    """gunicorn (the Dockerfile's command) behind nginx (deploy/nginx.conf), both running."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL: gunicorn reads the committed test database")
    if not nginx_available():
        pytest.skip(f"needs nginx at {NGINX} (.ci/run installs nginx-light)")
    open_version(slug="haip", sections=3, lines_per_section=3)
    gunicorn = Gunicorn(port=free_port(), log=tmp_path / "gunicorn.log")
    nginx = Nginx(root=tmp_path / "nginx", upstream_port=gunicorn.port)
    try:
        gunicorn.start(portal_env(tmp_path))
        gunicorn.wait_ready()
        nginx.start().wait_ready()
        yield gunicorn, nginx
    finally:
        nginx.stop()
        gunicorn.stop()


def test_twenty_slow_clients_do_not_stop_the_home_page_answering(portal):
    gunicorn, nginx = portal
    # 20 clients each announce a 200 kB sign-in form and send it at 10 bytes a second: more
    # clients than gunicorn has threads (3 workers of 4), each of which would wait on one.
    with slow_clients(nginx.https_port, tls=True) as clients:
        wait_until(lambda: clients.connected == 20 or clients.errors, timeout=30)
        assert not clients.errors, clients.errors
        time.sleep(1)  # every one of them is now trickling its body
        answers = [get(nginx.https_port, "/", tls=True, timeout=20)[0] for _ in range(10)]
        assert clients.sending, "the slow clients stopped before the home page was asked"
    assert answers == [200] * 10
    log = gunicorn.output()
    assert "POST /accounts/login/" not in log, "a half-sent body reached gunicorn"
    assert "WORKER TIMEOUT" not in log


def test_the_portal_learns_the_scheme_and_address_from_the_proxy_never_from_the_client(portal):
    gunicorn, nginx = portal
    status, response = get(
        nginx.https_port,
        "/?through=proxy",
        tls=True,
        headers={"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"},
    )
    assert status == 200
    # Django took the request as HTTPS (the header nginx set), hence HSTS…
    assert response.getheader("Strict-Transport-Security")
    # …and gunicorn saw nginx's values only, not the client's.
    wait_until(lambda: "GET /?through=proxy" in gunicorn.output(), timeout=10)
    line = next(x for x in gunicorn.output().splitlines() if "GET /?through=proxy" in x)
    assert "proto=https for=127.0.0.1" in line, line
    assert "203.0.113.9" not in gunicorn.output()

    # Plain HTTP is sent to HTTPS by nginx, whatever the client claims.
    status, response = get(nginx.http_port, "/", headers={"X-Forwarded-Proto": "https"})
    assert status == 301
    assert response.getheader("Location") == f"https://{HOST}/"


def test_a_body_over_the_largest_limit_is_refused_by_the_proxy_in_the_api_error_shape(portal):
    gunicorn, nginx = portal
    conn = http.client.HTTPSConnection(HOST, nginx.https_port, timeout=30, context=tls_context())
    try:
        conn.putrequest("POST", "/api/v1/drafts/haip/versions/1/bulk-submissions/")
        conn.putheader("Content-Type", "multipart/form-data; boundary=x")
        conn.putheader("Content-Length", str(60 * 1024 * 1024))
        conn.endheaders()
        response = conn.getresponse()
        body = json.loads(response.read())
    finally:
        conn.close()
    assert response.status == 413
    assert body["code"] == "request_too_large" and "51 MB" in body["message"]
    assert "bulk-submissions" not in gunicorn.output()


def test_with_gunicorn_down_the_proxy_answers_503_with_retry_after(portal):
    gunicorn, nginx = portal
    gunicorn.stop()
    status, response = get(nginx.https_port, "/api/v1/drafts/", tls=True)
    assert status == 503 and response.getheader("Retry-After") == "10"
    assert response.getheader("Content-Type") == "application/json"
    status, response = get(nginx.https_port, "/", tls=True)
    assert status == 503 and response.getheader("Retry-After") == "10"
    assert (response.getheader("Content-Type") or "").startswith("text/html")


def test_sign_in_limits_count_the_client_address_nginx_passes_not_nginx_own():
    """allauth limits failed sign-ins per address. Behind nginx every request comes from
    nginx's address, so the production settings take the one address nginx puts in
    X-Forwarded-For: a stranger's failures never lock out everyone behind the proxy."""
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in NGINX_CONF.read_text()
    setting = 'ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)'
    assert f"\n{setting}\n" in PRODUCTION_SETTINGS.read_text()
    request = RequestFactory().post(
        "/accounts/login/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        assert get_adapter().get_client_ip(request) == "203.0.113.7"
