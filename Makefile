# `make preflight` and `make test` do all set-up on a fresh machine: they build .venv from the
# requirements files (once, and again whenever one of them changes), then run.
# ARGS replaces the preflight's default `--all`: make preflight ARGS="--stack dev --verbose".
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQUIREMENTS := requirements.txt requirements-dev.txt policies/requirements.txt preflight/requirements.txt
ARGS ?= --all

.PHONY: venv preflight preview test bench lint readme-graph clean

$(BIN)/.installed: $(REQUIREMENTS)
	@echo "Setting up $(VENV) from the requirements files (first run: about half a minute)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@
	@echo "$(VENV) is ready."

venv: $(BIN)/.installed  ## Only set up .venv (CI does it in a step of its own).

preflight: $(BIN)/.installed  ## Offline preflight of every stack (update-like).
	$(BIN)/python -m preflight $(ARGS)

preview: $(BIN)/.installed  ## Offline preflight of every stack as a preview of a new stack sees it.
	$(BIN)/python -m preflight $(ARGS) --preview

test: $(BIN)/.installed  ## The test suite.
	$(BIN)/python -m pytest -q

bench: $(BIN)/.installed  ## Preflight wall time per stack and for --all, against the mock engine's floor.
	$(BIN)/python benchmarks/preflight_bench.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .

readme-graph: $(BIN)/.installed  ## Redraw README.md's "prod at a glance" from the program (tests/preflight/test_graph.py checks it).
	$(BIN)/python -m preflight --stack prod --graph build/graph/prod.mmd
	$(BIN)/python -m preflight.drawing --readme README.md build/graph/prod.mmd

clean:
	rm -rf $(VENV) .pytest_cache
