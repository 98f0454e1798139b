# The two commands: `make run` (set-up plus serve) and `make test` (set-up plus the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
APP    := $(BIN)/flask --app app

.PHONY: run serve test lint bench load setup system-run system-test clean i18n

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

## system-run, system-test: the Debian packages in tools/system-packages.txt that are missing
system-run:
	@bash tools/system-packages.sh run

system-test:
	@bash tools/system-packages.sh test

## setup: development settings in instance/course.env (read by every `flask --app app`
## command here), migrations, the course, demo accounts on an empty database
setup: system-run $(VENV)/.installed
	$(BIN)/python tools/dev_settings.py --base-url "$${COURSE_BASE_URL:-http://127.0.0.1:$(PORT)}"
	$(APP) db upgrade
	$(APP) research rebuild-aggregates
	$(APP) content import
	$(APP) users demo

## run: install, migrate, import the course (when changed), create demo accounts on an empty database, serve on 127.0.0.1:$(PORT)
run: setup
	$(APP) run --host 127.0.0.1 --port $(PORT)

## serve: production server: apply the migrations, recompute the research aggregates, then gunicorn (gunicorn.conf.py; docs/deploy.md)
serve: $(VENV)/.installed
	$(APP) db upgrade
	$(APP) research rebuild-aggregates
	$(BIN)/gunicorn -c gunicorn.conf.py app:app

## test: ruff, the import contracts (pyproject.toml), then pytest on SQLite, then on PostgreSQL when COURSE_TEST_DATABASE_URL is set.
## With both, the browser tests (tests/e2e) run once, in the PostgreSQL pass.
test: system-test $(VENV)/.installed-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@if [ -n "$$COURSE_TEST_DATABASE_URL" ]; then \
		echo "== SQLite pass (browser tests run in the PostgreSQL pass)"; \
		env -u COURSE_TEST_DATABASE_URL $(BIN)/pytest -q --ignore=tests/e2e || exit $$?; \
		echo "== PostgreSQL pass: $$COURSE_TEST_DATABASE_URL"; \
		$(BIN)/pytest -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true but COURSE_TEST_DATABASE_URL is unset: the PostgreSQL pass cannot run" >&2; \
		exit 1; \
	else \
		echo "== SQLite pass (COURSE_TEST_DATABASE_URL unset: no PostgreSQL pass)"; \
		$(BIN)/pytest -q; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: the benchmarks under bench/ (figures go to stdout and bench/results/)
bench: $(VENV)/.installed-dev
	@bash tools/system-packages.sh bench
	$(BIN)/python -m bench

## load: two gunicorn processes on PostgreSQL + Redis, 500 simulated therapists, integrity
## checks; then again with one process SIGKILLed halfway (LOAD_SECONDS, default 180 each)
load: $(VENV)/.installed-dev
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) instance/course.db

## i18n: extract the interface strings, bring the French catalogue up to date (new strings
## arrive untranslated, and the test suite fails until they are translated), compile it
i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output --omit-header \
		-o course/translations/messages.pot .
	@if [ -f course/translations/fr_CA/LC_MESSAGES/messages.po ]; then \
		$(BIN)/pybabel update -i course/translations/messages.pot -d course/translations \
			-l fr_CA --no-fuzzy-matching --ignore-obsolete; \
	else \
		$(BIN)/pybabel init -i course/translations/messages.pot -d course/translations -l fr_CA; \
	fi
	$(BIN)/pybabel compile --statistics -d course/translations -l fr_CA

