# Marginalia. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): 4 keep both cores of the CI machine busy; the browser tests are dealt
# to two of them, each running its share one after another (tests/conftest.py). TEST_WORKERS=0 runs the
# suite in one process.
TEST_WORKERS ?= 4
# Python keeps each module it compiles (__pycache__), so a process starts from bytecode: a machine that
# sets PYTHONDONTWRITEBYTECODE makes every test process, server and worker compile the project again
# (the suite's collection 10.7 s -> 3.3 s of CPU in each of its processes).
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help run test lint bench bench-peers bench-databases screenshots clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Marginalia needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0] + ". Run: make run PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP) ## Set up everything (venv, install, migrate, demo data), serve on http://127.0.0.1:8000 with a background worker
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py resume_jobs --verbosity 0
	@# The worker runs imports and large exports; it stops with the server (Ctrl-C stops both).
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker --no-reload --interval 0.1 --verbosity 0 & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) ## Lint and run the whole test suite in TEST_WORKERS processes (browser tests need /usr/bin/chromium)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadgroup

lint: $(STAMP) ## Lint and format-check only
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP) ## Run the benchmarks in bench/, one line each (export.py, agreement.py, scale.py and claims.py's export figure need PostgreSQL)
	@for b in bench/import_articles.py bench/vocabulary.py bench/reader.py bench/first_request.py bench/save_cpu.py bench/suggestions.py bench/claims.py bench/export.py bench/agreement.py bench/scale.py; do \
		$(PY) $$b || exit 1; \
	done

bench-peers: $(STAMP) ## Highlight saves against doccano 1.8.4 in the same run (installs it into .bench/doccano-venv first, ~3 min once)
	$(PY) bench/peers.py

bench-databases: $(STAMP) ## Highlight saves at 4 clients on SQLite and on PostgreSQL, in 5 turns each (bench/load.py; PostgreSQL at DATABASE_URL's server or 127.0.0.1)
	$(PY) bench/load.py --clients 4 --seconds 15 --compare-databases 5 $(if $(DATABASE_URL),--database-url $(patsubst %/,%,$(dir $(DATABASE_URL)))/marginalia_load)

screenshots: $(STAMP) ## Remake the screenshots under docs/ and docs/screens/ in real Chromium (pngquant, if installed, shrinks them)
	MARGINALIA_SCREENSHOTS=1 $(VENV)/bin/pytest -q -m browser -k screenshot
	@if command -v pngquant >/dev/null; then pngquant --force --ext .png --quality 70-95 --skip-if-larger docs/screens/*.png || true; fi

clean: ## Remove the venv, the benchmarks' peer venv and the SQLite database
	rm -rf $(VENV) .bench db.sqlite3 db.sqlite3-wal db.sqlite3-shm db.sqlite3.writers staticfiles
