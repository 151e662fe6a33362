# panelplan developer commands. On a fresh machine: `make demo`, `make test`.
# Every target sets up the virtual environment first; setup reruns only when
# pyproject.toml changes (the stamp file records the last install).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_ARGS ?=

.PHONY: setup demo test lint bench bench-db schemas

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[dev]"
	touch $(STAMP)

demo: setup
	$(BIN)/panelplan demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n 2

bench: setup
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Database benchmarks (need PostgreSQL, like the tests): import, instance building, exports.
bench-db: setup
	$(BIN)/python -m bench.import_examiners
	$(BIN)/python -m bench.build_instance
	$(BIN)/python -m bench.export_forms
	$(BIN)/python -m bench.export_sheets

schemas: setup
	$(BIN)/panelplan schema --out schemas
