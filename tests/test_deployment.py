"""The production deployment files: Dockerfile, docker-compose.yml and .env.example.

There is no Docker engine where the suite runs, so these tests read the files and check them
against the settings they configure: the services and their commands, health checks and start
order, and that every environment variable named there is one the settings actually read.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from haip_portal import heartbeat

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SETTINGS_DIR = PROJECT_ROOT / "haip_portal" / "settings"
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
README = PROJECT_ROOT / "README.md"

SERVICES = {"proxy", "db", "redis", "migrate", "web", "worker", "beat"}
APP_SERVICES = {"migrate", "web", "worker", "beat"}
HEALTHCHECKED = {"db", "redis", "web", "worker", "beat"}
# Variables in .env.example that are meant for docker-compose.yml, not for the settings.
COMPOSE_ONLY_VARIABLES = {"POSTGRES_PASSWORD"}

# env("NAME", ...), env.str("NAME", ...), env.db("NAME", ...) and so on; group 2 is the rest of
# the argument list, to tell required variables (no default=) from optional ones.
ENV_CALL = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']([^)]*)\)""")
ENV_ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$", re.MULTILINE)
ENV_DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def env_calls(*files: Path) -> dict[str, bool]:
    """Map each variable read by ``files`` to whether some read of it has no default."""
    required: dict[str, bool] = {}
    for path in files:
        for name, rest in ENV_CALL.findall(path.read_text()):
            required[name] = required.get(name, False) or "default" not in rest
    return required


def settings_variables() -> set[str]:
    return set(env_calls(*sorted(SETTINGS_DIR.glob("*.py"))))


def production_required_variables() -> set[str]:
    calls = env_calls(SETTINGS_DIR / "base.py", SETTINGS_DIR / "production.py")
    return {name for name, required in calls.items() if required}


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def environment(service: dict) -> dict[str, str]:
    """A service's ``environment``, whichever of compose's two forms (mapping, list) it uses."""
    value = service.get("environment") or {}
    if isinstance(value, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in value)
    return {name: "" if v is None else str(v) for name, v in value.items()}


def env_files(service: dict) -> list[str]:
    value = service.get("env_file") or []
    items = [value] if isinstance(value, str | dict) else value
    return [item["path"] if isinstance(item, dict) else item for item in items]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    lines = [
        line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def command_of(service: dict) -> list[str]:
    """The argv a service runs: its ``command``, or else the image's CMD."""
    command = service.get("command")
    if command is None:
        cmd = [args for keyword, args in dockerfile_instructions() if keyword == "CMD"]
        assert cmd, "the service has no command and the Dockerfile no CMD"
        command = json.loads(cmd[-1])  # exec form, so signals reach the process
    return shlex.split(command) if isinstance(command, str) else [str(arg) for arg in command]


def option_values(argv: list[str], *names: str) -> list[str]:
    """Values of an option given as ``-Q x``, ``-Qx``, ``--queues x`` or ``--queues=x``."""
    values = []
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                values.append(argv[i + 1])
            elif name.startswith("--") and arg.startswith(name + "="):
                values.append(arg.split("=", 1)[1])
            elif not name.startswith("--") and arg.startswith(name) and arg != name:
                values.append(arg[len(name) :])
    return values


def healthcheck_test(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


# --- docker-compose.yml ----------------------------------------------------------------------


def test_compose_defines_every_service():
    missing = SERVICES - set(services())
    assert not missing, f"docker-compose.yml lacks services {missing}"


def test_database_and_broker_images():
    assert str(services()["db"]["image"]).startswith("postgres:16")
    assert str(services()["redis"]["image"]).startswith("redis:7")


def test_app_services_run_the_image_built_from_the_dockerfile():
    app = {name: svc for name, svc in services().items() if "build" in svc}
    assert set(app) == APP_SERVICES
    for name, service in app.items():
        build = service["build"]
        build = {"context": build} if isinstance(build, str) else build
        assert build.get("context", ".") in (".", "./"), name
        assert build.get("dockerfile", "Dockerfile") == DOCKERFILE.name, name
    images = {svc.get("image") for svc in app.values()}
    assert len(images) == 1, f"app services should share one image, not {images}"


def test_web_runs_gunicorn_on_the_wsgi_application():
    argv = command_of(services()["web"])
    assert argv[0] == "gunicorn"
    assert "haip_portal.wsgi:application" in argv
    assert option_values(argv, "-b", "--bind") == ["0.0.0.0:8000"]
    assert [str(port) for port in services()["web"].get("expose", [])] == ["8000"]


def test_only_the_proxy_publishes_ports():
    published = {name for name, service in services().items() if service.get("ports")}
    assert published == {"proxy"}, "gunicorn and the rest are reached only through nginx"
    proxy = services()["proxy"]
    assert str(proxy["image"]).startswith("nginx:")
    targets = {str(port).rsplit(":", 1)[-1] for port in proxy["ports"]}
    assert targets == {"80", "443"}
    # host:container:ro, the host part possibly ${VARIABLE:-default} (with a colon of its own)
    mounts = {
        target: source for source, target, _mode in (v.rsplit(":", 2) for v in proxy["volumes"])
    }
    assert mounts["/etc/nginx/nginx.conf"] == "./deploy/nginx.conf"
    assert (PROJECT_ROOT / "deploy" / "nginx.conf").is_file()
    assert mounts["/etc/nginx/certs"] == "${TLS_CERTIFICATES_DIR:-./deploy/certs}"
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"


def test_gunicorn_runs_threaded_workers_that_are_recycled_with_jitter():
    argv = command_of(services()["web"])
    assert option_values(argv, "-k", "--worker-class") == ["gthread"]
    assert int(option_values(argv, "--threads")[0]) >= 2
    max_requests = int(option_values(argv, "--max-requests")[0])
    jitter = int(option_values(argv, "--max-requests-jitter")[0])
    assert max_requests > 0 and 0 < jitter < max_requests
    timeout = int(option_values(argv, "-t", "--timeout")[0])
    graceful = int(option_values(argv, "--graceful-timeout")[0])
    assert 0 < graceful <= timeout
    # A retry may take an Idempotency-Key over only once its first attempt cannot be running.
    assert timeout < settings.IDEMPOTENCY_LEASE_SECONDS


def test_migrate_applies_migrations_without_prompting():
    argv = command_of(services()["migrate"])
    assert argv[:3] == ["python", "manage.py", "migrate"]
    assert "--noinput" in argv
    assert services()["migrate"].get("restart", "no") == "no", "a one-shot must not restart"


def test_worker_consumes_every_queue_tasks_are_sent_to():
    argv = command_of(services()["worker"])
    assert argv[:4] == ["celery", "-A", "haip_portal", "worker"]
    consumed = {q for value in option_values(argv, "-Q", "--queues") for q in value.split(",")}
    expected = {settings.CELERY_TASK_DEFAULT_QUEUE, "synthesis"}
    routes: dict[str, dict] = getattr(settings, "CELERY_TASK_ROUTES", None) or {}
    expected |= {route["queue"] for route in routes.values() if route.get("queue")}
    assert expected <= consumed


def test_worker_replaces_its_pool_processes_after_many_tasks_or_a_large_one():
    argv = command_of(services()["worker"])
    max_tasks = option_values(argv, "--max-tasks-per-child")
    max_memory = option_values(argv, "--max-memory-per-child")
    assert max_tasks and 0 < int(max_tasks[0]) <= 1000
    # KiB: above an idle pool process (about 120 MB), below a digest's (about 300 MB).
    assert max_memory and 150_000 <= int(max_memory[0]) <= 300_000


def test_beat_runs_celery_beat():
    argv = command_of(services()["beat"])
    assert argv[:4] == ["celery", "-A", "haip_portal", "beat"]
    # The image's /app belongs to root: beat must keep its schedule file somewhere writable.
    schedule = option_values(argv, "-s", "--schedule")
    assert schedule and schedule[0].startswith("/app/var/")


def test_services_the_portal_relies_on_have_health_checks():
    for name in HEALTHCHECKED:
        healthcheck = services()[name].get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        assert not healthcheck.get("disable")
        assert healthcheck_test(services()[name]).strip() not in ("", "NONE")


def web_healthcheck_code() -> str:
    """The Python the web service's health check runs (``python -c``)."""
    test = services()["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    return test[3]


def test_web_healthcheck_asks_readyz_with_python():
    """The probe itself is run against a real server in tests/test_faults.py; here, that it
    is the one there: valid Python asking /readyz on the container's own port."""
    code = web_healthcheck_code()
    compile(code, "web-healthcheck", "exec")  # the folded YAML is still valid Python
    assert "urllib" in code
    assert "'http://127.0.0.1:8000/readyz'" in code


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_worker_and_beat_healthchecks_read_their_heartbeat(name):
    """Not ``celery inspect ping``: see docs/operations.md, "Health checks"."""
    test = services()[name]["healthcheck"]["test"]
    assert test[:5] == ["CMD", "python", "-m", "haip_portal.heartbeat", name]
    max_age = float(option_values(test, "--max-age")[0])
    intervals = {
        "worker": heartbeat.INTERVAL_SECONDS,
        "beat": settings.CELERY_BEAT_MAX_LOOP_INTERVAL,
    }
    interval = intervals[name]
    assert max_age >= 3 * interval, "one late heartbeat must not make the process unhealthy"


def test_start_order():
    svc = services()
    assert svc["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        assert svc[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert svc[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert svc["beat"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_waiting_for_a_healthy_service_needs_a_healthcheck():
    svc = services()
    for name, service in svc.items():
        depends_on = service.get("depends_on") or {}
        for target, spec in depends_on.items() if isinstance(depends_on, dict) else []:
            assert target in svc, f"{name} depends on unknown service {target}"
            if spec.get("condition") == "service_healthy":
                assert svc[target].get("healthcheck"), f"{name} waits on {target}'s health"


def test_app_services_read_dotenv_and_reach_db_and_redis():
    for name in APP_SERVICES:
        service = services()[name]
        assert ".env" in env_files(service), f"{name} does not read .env"
        env = environment(service)
        assert re.fullmatch(
            r"postgres://haip:\$\{POSTGRES_PASSWORD[^}]*\}@db:5432/haip", env["DATABASE_URL"]
        ), env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
    db_env = environment(services()["db"])
    assert db_env["POSTGRES_USER"] == "haip"
    assert db_env["POSTGRES_DB"] == "haip"
    assert db_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")


def test_compose_sets_only_variables_the_settings_read():
    known = settings_variables()
    for name in APP_SERVICES:
        unknown = set(environment(services()[name])) - known
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"


def test_media_is_a_named_volume_shared_by_web_and_worker():
    declared = set(compose().get("volumes") or {})
    mounts = {}
    for name in ("web", "worker"):
        service = services()[name]
        media_root = environment(service)["MEDIA_ROOT"]
        sources = [
            v.split(":")[0] for v in service.get("volumes", []) if v.split(":")[1] == media_root
        ]
        assert len(sources) == 1, f"{name} does not mount a volume on MEDIA_ROOT {media_root}"
        assert sources[0] in declared, f"{sources[0]} is not a named volume"
        mounts[name] = sources[0]
    assert mounts["web"] == mounts["worker"]


def test_database_keeps_its_data_in_a_named_volume():
    declared = set(compose().get("volumes") or {})
    volumes = [v.split(":") for v in services()["db"].get("volumes", [])]
    assert any(src in declared and dst == "/var/lib/postgresql/data" for src, dst, *_ in volumes)


# --- .env.example ------------------------------------------------------------------------------


def env_example() -> dict[str, str]:
    return dict(ENV_ASSIGNMENT.findall(ENV_EXAMPLE.read_text()))


def test_env_example_sets_only_variables_the_settings_or_compose_read():
    unknown = set(env_example()) - settings_variables() - COMPOSE_ONLY_VARIABLES
    assert not unknown, f".env.example sets variables nothing reads: {unknown}"
    compose_text = COMPOSE_FILE.read_text()
    for name in COMPOSE_ONLY_VARIABLES:
        assert "${" + name in compose_text, f"{name} is in the allow-list but compose ignores it"


def test_env_example_sets_what_production_requires():
    required = production_required_variables()
    assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= required
    missing = required - set(env_example())
    assert not missing, f".env.example lacks required variables: {missing}"
    assert "POSTGRES_PASSWORD" in env_example()


def test_env_example_documents_every_variable_the_settings_read():
    documented = set(ENV_DOCUMENTED.findall(ENV_EXAMPLE.read_text()))
    missing = settings_variables() - documented
    assert not missing, f".env.example does not mention {missing}"


def test_env_example_secret_key_is_a_placeholder():
    secret_key = env_example()["SECRET_KEY"]
    assert secret_key and "change" in secret_key.lower()


# --- Dockerfile --------------------------------------------------------------------------------


def test_dockerfile_builds_a_slim_non_root_image():
    instructions = dockerfile_instructions()
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert froms and froms[-1].split()[0].startswith("python:3.11-slim")
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("EXPOSE", "8000") in instructions


def test_dockerfile_installs_pinned_requirements_with_hashes():
    runs = [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]
    assert any(
        "pip install" in run and "--require-hashes" in run and "requirements/base.txt" in run
        for run in runs
    )


def test_dockerfile_collects_static_files_with_throwaway_secrets():
    instructions = dockerfile_instructions()
    env_lines = " ".join(args for keyword, args in instructions if keyword in ("ENV", "ARG"))
    assert "DJANGO_SETTINGS_MODULE=haip_portal.settings.production" in env_lines
    assert "SECRET_KEY" not in env_lines, "the build-time key must not persist in the image"
    collect = [args for keyword, args in instructions if "collectstatic --noinput" in args]
    assert len(collect) == 1 and collect[0].startswith("SECRET_KEY=")
    assert "ALLOWED_HOSTS=" in collect[0]


def test_dockerfile_copies_every_local_app_templates_and_static_files():
    copied = {
        Path(source).as_posix().rstrip("/")
        for keyword, args in dockerfile_instructions()
        if keyword == "COPY"
        for source in args.split()[:-1]
        if not source.startswith("--")
    }
    if "." in copied:
        return  # the whole context is copied
    needed = {"manage.py", "haip_portal"}
    needed |= {app.split(".")[0] for app in settings.INSTALLED_APPS}
    needed |= {Path(d).relative_to(PROJECT_ROOT).as_posix() for d in settings.STATICFILES_DIRS}
    templates: list[dict] = settings.TEMPLATES
    for template in templates:
        needed |= {Path(d).relative_to(PROJECT_ROOT).as_posix() for d in template["DIRS"]}
    needed = {name for name in needed if (PROJECT_ROOT / name).exists()}
    assert needed <= copied, f"the image lacks {needed - copied}"


def test_dockerfile_default_command_serves_with_access_log_on_stdout():
    argv = command_of({})
    assert argv[0] == "gunicorn" and "haip_portal.wsgi:application" in argv
    assert option_values(argv, "-b", "--bind") == ["0.0.0.0:8000"]
    assert option_values(argv, "--access-logfile") == ["-"]
    workers = option_values(argv, "-w", "--workers")
    assert workers and int(workers[0]) >= 2


# --- README --------------------------------------------------------------------------------------


def test_readme_names_every_service():
    assert README.exists(), "README.md is missing"
    readme = README.read_text()
    missing = [name for name in services() if f"`{name}`" not in readme]
    assert not missing, f"README.md does not mention services {missing}"


# --- production settings -------------------------------------------------------------------------


def import_production_settings(**variables: str) -> subprocess.CompletedProcess[str]:
    """Import the production settings in a fresh interpreter with only ``variables`` set."""
    cleared = settings_variables() | {"DJANGO_SETTINGS_MODULE"}
    env = {name: value for name, value in os.environ.items() if name not in cleared}
    env.update(variables)
    code = (
        "import json, haip_portal.settings.production as s; "
        "print(json.dumps({'DEBUG': s.DEBUG, 'SECRET_KEY': s.SECRET_KEY, "
        "'ALLOWED_HOSTS': s.ALLOWED_HOSTS}))"
    )
    return run_python(code, env)


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter in the project's directory."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


VALID_SECRET_KEY = "Zq3" + "k7Vw-P_xT2" * 5  # 53 characters, none of them a placeholder's


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({"ALLOWED_HOSTS": "portal.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": VALID_SECRET_KEY}, "ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_to_start_without_required_variables(variables, missing):
    result = import_production_settings(**variables)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        pytest.param(
            {"SECRET_KEY": env_example()["SECRET_KEY"]},
            "SECRET_KEY is a published placeholder",
            id="the placeholder of .env.example",
        ),
        pytest.param(
            {"SECRET_KEY": "insecure-local-development-key-change-me"},
            "SECRET_KEY is a published placeholder",
            id="the default of the settings",
        ),
        pytest.param(
            {"SECRET_KEY": "django-insecure-" + VALID_SECRET_KEY},
            "SECRET_KEY is a published placeholder",
            id="django's insecure prefix",
        ),
        pytest.param({"DEBUG": "true"}, "DEBUG is on", id="debug on"),
        pytest.param({"DEBUG": "1"}, "DEBUG is on", id="debug 1"),
        pytest.param({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty", id="no hosts"),
        pytest.param({"ALLOWED_HOSTS": ","}, "ALLOWED_HOSTS is empty", id="blank hosts"),
        pytest.param(
            {"SECURE_HSTS_PRELOAD": "true"},
            "SECURE_HSTS_PRELOAD is on but SECURE_HSTS_SECONDS is 2592000",
            id="preload with a 30-day max-age",
        ),
    ],
)
def test_production_settings_refuse_unsafe_values_naming_the_problem(variables, problem):
    valid = {"SECRET_KEY": VALID_SECRET_KEY, "ALLOWED_HOSTS": "portal.example.org"}
    result = import_production_settings(**{**valid, **variables})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert problem in last_line


def test_production_settings_import_with_required_variables():
    result = import_production_settings(
        SECRET_KEY=VALID_SECRET_KEY, ALLOWED_HOSTS="portal.example.org,.example.net", DEBUG="false"
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "DEBUG": False,
        "SECRET_KEY": VALID_SECRET_KEY,
        "ALLOWED_HOSTS": ["portal.example.org", ".example.net"],
    }


def check_deploy(**variables: str) -> subprocess.CompletedProcess[str]:
    """``manage.py check --deploy`` with the production settings, in a fresh interpreter with
    only ``variables`` set; warnings fail it too. (The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE
    is no production variable: check --deploy rightly refuses it.)"""
    cleared = settings_variables() | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {name: value for name, value in os.environ.items() if name not in cleared}
    env.update(variables, DJANGO_SETTINGS_MODULE="haip_portal.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({}, id="as .env.example configures it"),
        pytest.param(
            {"SECURE_HSTS_PRELOAD": "true", "SECURE_HSTS_SECONDS": "31536000"},
            id="with HSTS preload",
        ),
    ],
)
def test_check_deploy_is_clean_with_valid_production_values(extra):
    compose_env = environment(services()["web"])
    result = check_deploy(
        SECRET_KEY=VALID_SECRET_KEY,
        ALLOWED_HOSTS=env_example()["ALLOWED_HOSTS"],
        CSRF_TRUSTED_ORIGINS=env_example()["CSRF_TRUSTED_ORIGINS"],
        REDIS_URL=compose_env["REDIS_URL"],
        **extra,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("System check identified no issues"), result.stdout


def test_check_deploy_still_reports_problems():
    """The clean result above is the checks passing, not the checks switched off."""
    result = check_deploy(
        SECRET_KEY=VALID_SECRET_KEY, ALLOWED_HOSTS="portal.example.org", SECURE_HSTS_SECONDS="0"
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_web_processes_do_not_load_the_synthesis_libraries():
    """scikit-learn, SciPy, datasketch and WeasyPrint (about 100 MB a process) are for the
    worker: a web process loads every URL's view without them."""
    code = (
        "import json, sys, django; django.setup(); "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "import haip_portal.wsgi; "
        "print(json.dumps(sorted(m for m in ('sklearn', 'scipy', 'datasketch', 'weasyprint') "
        "if m in sys.modules)))"
    )
    result = run_python(code, {**os.environ, "DJANGO_SETTINGS_MODULE": "haip_portal.settings.test"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
