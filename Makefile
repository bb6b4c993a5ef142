# The targets CI runs are the ones you run: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run install test lint typecheck migrations-check pytest bench lock messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

## Run the portal with demo data on embedded defaults (SQLite, in-process tasks, no services).
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Lint, type check, migrations check and the whole test suite.
test: install lint typecheck migrations-check pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy .

migrations-check: install
	mkdir -p var
	DJANGO_SETTINGS_MODULE=haip_portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

## Benchmarks (tests/perf/): print figures, assert nothing about time.
bench: install
	$(BIN)/pytest tests/perf -o python_files='bench_*.py' -p no:randomly -s -q $(PYTEST_ARGS)

## Re-pin the dependencies after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

## Refresh the catalogues (locale/) from the code and templates, and compile them after the
## translations are written (needs GNU gettext; running the portal does not: the .mo are committed).
LANGUAGE_FLAGS := -l fr -l de -l it -l ja
messages: install
	$(BIN)/python manage.py makemessages $(LANGUAGE_FLAGS) --no-obsolete --no-location \
		--ignore=tests --ignore=var --ignore=staticfiles --ignore=static --ignore=deploy
	$(BIN)/python manage.py compilemessages $(LANGUAGE_FLAGS) --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
