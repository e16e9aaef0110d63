# Two-command set-up: `make run` and `make test` (see README.md).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
TORCH   := torch==2.13.0
TARGET  ?= torch.distributions

.PHONY: run test test-fast lint bench bytecode clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changes; torch first so pip takes the
# local CPU wheel and never resolves `torch>=2.1` to a CUDA build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# An editable install writes no bytecode, and where PYTHONDONTWRITEBYTECODE is set no
# run does either: every `explore` call would compile each module again (15-20 ms of a
# warm search). Compiled here, refreshed by every make; up to date, it is a no-op.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q explorer

run: bytecode
	$(BIN)/explore $(TARGET)

# The README's test command: the habits (lint) first, then every test, two pytest
# processes per core (most tests wait on child processes, so two share a core well:
# 2.6 min against 3.5 min with one per core on 2 cores).
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 )))
test: lint bytecode
	$(BIN)/python -m pytest -q -n $(WORKERS)

# Everything but the tests that import torch in a subprocess (marked `slow`).
test-fast: lint bytecode
	$(BIN)/python -m pytest -q -n $(WORKERS) -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check explorer tests benchmarks
	$(BIN)/ruff format --check explorer tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: bytecode
	$(BIN)/python benchmarks/bench_cli.py

clean:
	rm -rf $(VENV) .pytest_cache
