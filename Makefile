# ECUAPASS — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
MANAGE := $(BIN)/python manage.py
# The suite runs in parallel (pytest-xdist), one process per core; PYTEST_WORKERS=0 runs it serially.
PYTEST_WORKERS ?= auto

.PHONY: run test test-browser lint format bench bench-quick install install-test translations migrate data clean help
.PHONY: cluster cluster-stop cluster-status chaos chaos-quick backup-test

help:
	@echo "make run    — instala, migra, carga datos y sirve http://$(HOST):$(PORT)"
	@echo "make test   — instala lo necesario y corre toda la suite (SQLite; DATABASE_URL=postgres://… para PostgreSQL)"
	@echo "make lint   — ruff check + ruff format --check"
	@echo "make bench  — benchmarks (PostgreSQL) → docs/performance.md"
	@echo "make bench-quick — the same, small and short (< 5 min) → docs/performance-quick.md"
	@echo "make cluster / cluster-stop — HAProxy + 2 web + 2 workers + PostgreSQL + Redis (docs/deploy.md)"
	@echo "make chaos  — fault-injection suite → docs/reliability.md (chaos-quick: the CI subset)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: $(VENV)/.installed
	$(MANAGE) compile_translations

migrate: translations
	$(MANAGE) migrate --noinput

data: migrate
	$(MANAGE) load_reference_data
	$(MANAGE) load_demo_data

run: data
	@PORT=$(PORT) HOST=$(HOST) BIN=$(BIN) sh scripts/serve.sh

test: $(VENV)/.installed-test
	$(MANAGE) compile_translations
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test-browser: $(VENV)/.installed-test
	$(MANAGE) compile_translations
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py

# The same scenarios, small and short (under 5 minutes): 20,000 documents, 3 s per endpoint,
# 300 submissions, its own database; writes docs/performance-quick.md, not the reference file.
bench-quick: $(VENV)/.installed-test
	BENCH_DB=$${BENCH_DB:-ecuapass_bench_quick} BENCH_EDOCS=20000 BENCH_DURATION=3s \
	BENCH_SUBMISSIONS=300 BENCH_SUBMIT_SECONDS=0 BENCH_DOC=$${BENCH_DOC:-docs/performance-quick.md} $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static

# --- Operations (docs/deploy.md, docs/operations.md) ----------------------------------------
# The production topology on this machine: HAProxy (Debian package) → 2 gunicorn web nodes,
# 2 workers, a private PostgreSQL and Redis under var/cluster. cluster-stop stops exactly those.
CLUSTER_PORT ?= 8443
cluster: $(VENV)/.installed
	@command -v haproxy >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy)
	CLUSTER_PORT=$(CLUSTER_PORT) $(BIN)/python deploy/cluster.py start

cluster-stop:
	CLUSTER_PORT=$(CLUSTER_PORT) $(BIN)/python deploy/cluster.py stop

cluster-status:
	CLUSTER_PORT=$(CLUSTER_PORT) $(BIN)/python deploy/cluster.py status

# Fault injection against a private cluster (loopback only, own PostgreSQL/Redis, bounded).
chaos: $(VENV)/.installed-test
	@command -v haproxy >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy)
	ECUAPASS_CHAOS=full $(BIN)/python -m pytest -p no:cacheprovider -p no:xdist tests/chaos $(PYTEST_ARGS)

chaos-quick: $(VENV)/.installed-test
	@command -v haproxy >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy)
	ECUAPASS_CHAOS=quick $(BIN)/python -m pytest -p no:cacheprovider -p no:xdist tests/chaos $(PYTEST_ARGS)

# Back up, destroy, restore into a private PostgreSQL and compare every count (docs/operations.md).
backup-test: $(VENV)/.installed
	$(BIN)/python deploy/backup_test.py
