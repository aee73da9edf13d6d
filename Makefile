# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test install bench clean-data

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Set up, generate demo data on first run, import, train and serve (embedded SQLite + local MLflow).
demo: $(STAMP)
	$(BIN)/asn-reco demo

## The whole test suite (CI runs exactly this through .ci/run).
test: $(STAMP)
	$(BIN)/python -m pytest

## Benchmarks (longer runs; each prints a table and writes JSON under benchmarks/results/).
bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean-data:
	rm -rf data/asn_reco.db* data/mlflow data/raw/demo data/truth
