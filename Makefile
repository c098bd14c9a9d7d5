# Ketenregie developer and CI entry points. Everything installs itself:
#   make test    venv + throwaway PostgreSQL and RabbitMQ + pytest (2 xdist workers)
#   make check   ruff, ruff format --check, mypy, import contracts, then make test
#   make demo    run the demo (deploys diagrams, seeds data, serves)
#   make bench   run the benchmarks (python -m bench)
#   make fmt     format and autofix
# Variables: PYTHON=... to choose the interpreter for the venv,
#            PYTEST_ARGS=... extra pytest arguments (e.g. PYTEST_ARGS='-k smoke').

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp
# Prefer python3.11 (the project's target); fall back to python3 (must be >= 3.11).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: venv test check lint demo bench fmt

venv: $(STAMP)

# Re-installed only when pyproject.toml changes (or the venv is missing).
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "$(PYTHON) is Python %d.%d; Ketenregie needs >= 3.11 (set PYTHON=...)" % sys.version_info[:2])'
	@if [ ! -x $(BIN)/python ]; then \
		echo "creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV) || { echo "'$(PYTHON) -m venv' failed (on Debian: apt-get install python3-venv)" >&2; exit 1; }; \
	fi
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -e '.[dev]'
	@touch $@

test: venv
	KETENREGIE_REQUIRE_PG=1 KETENREGIE_REQUIRE_AMQP=1 bash scripts/with-postgres.sh \
		bash scripts/with-rabbitmq.sh \
		$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy orchestrator adapters
	$(BIN)/lint-imports --no-logo

check: lint
	$(MAKE) test

demo: venv
	$(BIN)/ketenregie demo

bench: venv
	$(BIN)/python -m bench

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
