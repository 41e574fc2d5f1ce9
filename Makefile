# hustings: the front door. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= var
SHARED ?= ../shared
export HUSTINGS_DATA_DIR ?= $(DATA_DIR)

.DEFAULT_GOAL := help
.PHONY: help setup run sample test test-fast lint typecheck bench bench-ingest clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/hustings: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is named in the same command so pip takes the local CPU wheel, not CUDA builds.
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

setup: $(BIN)/hustings ## Create .venv/ with the pinned dependencies

sample: setup ## Ingest the project's own sample articles into $(DATA_DIR)/
	$(BIN)/hustings ingest corpus/sample/articles

run: sample ## Serve the bot on its sample data at http://127.0.0.1:8000
	$(BIN)/hustings serve

test: setup ## Run the test suite (reads $(SHARED)/ for real-data tests)
	$(BIN)/pytest

lint: setup ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: bench-ingest ## Run every benchmark

bench-ingest: setup ## Ingest the BBC corpus and time it (passages/s, memory, query latency)
	$(BIN)/python -m tests.bench.ingest --shared $(SHARED)

clean: ## Remove the virtualenv and the data directory
	rm -rf $(VENV) $(DATA_DIR)
