# The two commands: `make run` (set-up plus serve) and `make test` (set-up plus the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
APP    := $(BIN)/flask --app app
DEV_ENV := COURSE_ENV=development COURSE_SECRET_KEY="$$(cat instance/secret_key)"

.PHONY: run serve test lint bench load setup setup-dev migrate-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

instance/secret_key: | $(BIN)/python
	mkdir -p instance
	$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

setup: $(VENV)/.installed instance/secret_key
	$(DEV_ENV) $(APP) db upgrade
	$(DEV_ENV) $(APP) content import
	$(DEV_ENV) $(APP) users demo

## run: install, migrate, import the course (when changed), create demo accounts on an empty database, serve on 127.0.0.1:$(PORT)
run: setup
	$(DEV_ENV) $(APP) run --host 127.0.0.1 --port $(PORT)

## serve: production server: apply the migrations, then gunicorn (gunicorn.conf.py; docs/deploy.md)
serve: $(VENV)/.installed
	$(APP) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py app:app

## test: ruff, then pytest on SQLite, then on PostgreSQL when COURSE_TEST_DATABASE_URL is set
test: $(VENV)/.installed-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	env -u COURSE_TEST_DATABASE_URL $(BIN)/pytest -q
	@if [ -n "$$COURSE_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL pass: $$COURSE_TEST_DATABASE_URL"; \
		$(BIN)/pytest -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true but COURSE_TEST_DATABASE_URL is unset: the PostgreSQL pass cannot run" >&2; \
		exit 1; \
	else \
		echo "COURSE_TEST_DATABASE_URL unset: PostgreSQL pass skipped (set it to run both)"; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: the benchmarks under bench/ (figures go to stdout and bench/results/)
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

## load: two gunicorn processes on PostgreSQL + Redis, 500 simulated therapists, integrity
## checks; then again with one process SIGKILLed halfway (LOAD_SECONDS, default 180 each)
load: $(VENV)/.installed-dev
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) instance/course.db
