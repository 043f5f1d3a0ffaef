# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app lms
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test bench lint translations translations-update

## install: the virtualenv with the app and compiled translations
install: $(VENV)/.installed translations

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d lms/translations 2>&1 | grep -v '^compiling' || true

## run: migrate, load the built-in courses and the demo, serve on http://127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) content import courses/
	$(FLASK) demo load
	@echo "Serving on http://$(HOST):$(PORT)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: every test, on SQLite and (when it is reachable) PostgreSQL, browser tests included
test: install $(VENV)/.test-installed
	$(BIN)/python -m pytest

## bench: lms against the plain-Flask floor at 1,000 and 100,000 officials, and 10,000 on SQLite (not part of test)
bench: install $(VENV)/.test-installed
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check lms tests bench

## translations-update: collect new UI strings into the ru and be catalogues
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o lms/translations/messages.pot --no-location --sort-output --project lms .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching
