# hustings: the front door. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= var
SHARED ?= ../shared
export HUSTINGS_DATA_DIR ?= $(DATA_DIR)

.DEFAULT_GOAL := help
EVAL_DIR ?= var/eval
RESULTS_FILES := $(addprefix $(SHARED)/data/,\
	hoc-local-elections-2022/council_composition_2018_2022_england.csv \
	hoc-local-elections-2022/candidates_results_2022.csv \
	hoc-local-elections-2022/wards_results_2022.csv \
	leap-2018/leap-2018-05-03.csv \
	opencouncildata/history2016-2025.csv \
	hoc-general-elections/HoC-GE2017-results-by-constituency.csv \
	hoc-general-elections/HoC-GE2019-results-by-constituency.csv \
	hoc-general-elections/HoC-GE2019-results-by-candidate.csv \
	hoc-general-elections/parliament-2017-candidates.csv \
	hoc-local-elections-2022/councillor_party_affiliation_1973_2022.csv \
	hoc-local-elections-2022/party_names_2022.csv \
	hoc-local-elections-2022/notes_and_definitions_2022.csv)

.PHONY: help setup check-image browser redis run sample test lint eval-store eval bench bench-ingest bench-results bench-sql bench-passages bench-router bench-http bench-live bench-peers bench-peers-scale bench-scale bench-ray bench-sessions bench-report peers clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

LOCKS := requirements/runtime.lock requirements/export.lock requirements/dev.lock

$(BIN)/hustings: pyproject.toml $(LOCKS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# dev.lock takes in export.lock, where torch==2.13.0 is named with sentence-transformers: one command, so
	# pip takes the local CPU wheel, not CUDA builds.
	$(BIN)/pip install --quiet -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

setup: $(BIN)/hustings ## Create .venv/ with the pinned dependencies

check-image: ## Lint the Dockerfile and rebuild its two stages in throwaway virtualenvs (no Docker engine needed)
	bash tests/deploy/check_image_stages.sh

sample: setup ## Ingest the project's own sample articles and results into $(DATA_DIR)/
	$(BIN)/hustings ingest corpus/sample/articles --results corpus/sample/results/*.csv

run: sample ## Serve the bot on its sample data at http://127.0.0.1:8000
	$(BIN)/hustings serve

browser: ## Install Debian's chromium for the browser tests (never a downloaded browser)
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

redis: ## Install Debian's redis-server for the replica tests (the tests start their own on a free port)
	@command -v redis-server >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server; }

test: setup ## Run the test suite (reads $(SHARED)/ for real-data tests)
	$(BIN)/pytest

lint: setup ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy

eval-store: setup ## Build $(EVAL_DIR)/ from $(SHARED): results, seeds, BBC politics (what is unchanged is skipped)
	$(BIN)/hustings ingest --results $(RESULTS_FILES) --data-dir $(EVAL_DIR)
	$(BIN)/hustings ingest $(SHARED)/corpus/seeds $(SHARED)/data/bbc-news-2004-2005/politics --data-dir $(EVAL_DIR)

eval: eval-store ## Run every suite over $(EVAL_DIR)/
	for suite in factual router coverage refusals conversations; do \
	  $(BIN)/hustings eval tests/eval/$$suite.yaml --data-dir $(EVAL_DIR) --report $(EVAL_DIR)/$$suite-report.md; \
	done

bench: bench-ingest bench-results bench-sql bench-passages bench-router bench-http bench-live bench-peers bench-peers-scale bench-scale bench-ray bench-sessions ## Run every benchmark, then write bench-report.md
	$(MAKE) --no-print-directory bench-report

bench-ingest: setup ## Ingest the BBC corpus and time it (passages/s, memory, query latency)
	$(BIN)/python -m tests.bench.ingest --shared $(SHARED)

bench-results: setup ## Import every results file in ../shared/data and time it
	$(BIN)/python -m tests.bench.results --shared $(SHARED)

bench-sql: setup ## SQL-route latency in process over the factual suite
	$(BIN)/python -m tests.bench.sql --shared $(SHARED)

clean: ## Remove the virtualenv and the data directory
	rm -rf $(VENV) $(DATA_DIR)

bench-passages: setup ## Passage-route latency and recall@5 (dense, BM25, hybrid) over the coverage suite
	$(BIN)/python -m tests.bench.passages --shared $(SHARED)

bench-live: setup ## /chat latency while an ingest runs beside the server; commit-to-serve time of a new generation
	$(BIN)/python -m tests.bench.live --shared $(SHARED)

bench-http: setup ## POST /chat on loopback: latency per route, HTTP overhead, requests/s with 1, 4, 16 clients
	$(BIN)/python -m tests.bench.http --shared $(SHARED)

bench-router: setup ## Router accuracy on a held-out 20% of the labelled questions, per refusal threshold
	$(BIN)/python -m tests.bench.router_tuning --shared $(SHARED)

PEER_VENVS := .venv-llamaindex .venv-haystack

# Each peer framework gets its own virtualenv from its pinned requirements (torch named there, so pip takes
# the local CPU wheel); the product never imports them.
.venv-%/installed: tests/bench/peers/requirements-%.txt
	$(PYTHON) -m venv .venv-$*
	.venv-$*/bin/pip install --quiet --upgrade pip
	.venv-$*/bin/pip install --quiet -r $<
	@touch $@  # a stamp: bin/python is a link to the system's

peers: $(addsuffix /installed,$(PEER_VENVS)) ## Create the peer frameworks' virtualenvs (LlamaIndex, Haystack)

bench-peers: setup peers ## hustings vs LlamaIndex, Haystack (default, fast configs): ingest, p50/p95, recall, MRR; PEERS_ARGS='--corpus politics --only ...'
	$(BIN)/python -m tests.bench.peers.compare --shared $(SHARED) $(PEERS_ARGS)

bench-peers-scale: setup peers ## hustings vs LlamaIndex FAISS+BM25 int8 at 1M passages (the scale bench's build, kept); SCALE_ARGS='--sizes ...'
	$(BIN)/python -m tests.bench.peers.scale --shared $(SHARED) $(SCALE_ARGS)

bench-scale: setup ## 100k and 1M synthetic passages (real sentences, derived vectors): build time, memory, p95
	$(BIN)/python -m tests.bench.scale --shared $(SHARED) --keep var/bench/scale-data
	$(BIN)/python -m tests.bench.bm25_topk var/bench/scale-data/scale-1000000
	rm -rf var/bench/scale-data

bench-ray: setup ## Ingest the BBC corpus on a local Ray cluster vs locally: passages/s, overhead, 10M projection
	$(BIN)/python -m tests.bench.ray_ingest --shared $(SHARED)

bench-sessions: eval-store ## A conversation turn in SQLite vs Redis (local redis-server) and Redis memory per conversation
	$(BIN)/python -m tests.bench.sessions --data-dir $(EVAL_DIR)

bench-report: ## Assemble var/bench/*.json into bench-report.md and bench-report.png
	$(BIN)/python -m tests.bench.report
