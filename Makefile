# panelplan developer commands. On a fresh machine: `make demo`, `make test`.
# Every target sets up the virtual environment first; setup reruns only when
# pyproject.toml changes (the stamp file records the last install).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_ARGS ?=

.PHONY: setup demo test lint fuzz bench bench-matrix bench-db bench-web schemas translations screenshots paper

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

# The fuzzers (tests marked fuzz) at FUZZ_SCALE times their CI size: over 10,000 bad inputs
# (web forms, query strings, the JSON API, imports, solve/check) on SQLite and PostgreSQL;
# the tally goes to instance/fuzz-report.jsonl and is printed (docs/security.md, "Fuzzing").
FUZZ_SCALE ?= 28
FUZZ_REPORT := instance/fuzz-report.jsonl
fuzz: setup
	mkdir -p instance && rm -f $(FUZZ_REPORT)
	PANELPLAN_FUZZ_SCALE=$(FUZZ_SCALE) PANELPLAN_FUZZ_REPORT=$(CURDIR)/$(FUZZ_REPORT) \
		$(BIN)/python -m pytest -q -n 2 -m fuzz -p no:cacheprovider; \
		status=$$?; $(BIN)/python tests/fuzztools.py $(FUZZ_REPORT); exit $$status

bench: setup
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The solver beside the direct formulation on every shape of term (about an hour).
bench-matrix: setup
	$(BIN)/python -m bench.matrix --xl --shared ../shared/instances $(BENCH_ARGS)

# Web page latency at XL (solves and publishes the XL term first; about 5 minutes).
bench-web: setup
	$(BIN)/python -m bench.web_pages

# Database benchmarks (need PostgreSQL, like the tests): import, instance building, exports.
bench-db: setup
	$(BIN)/python -m bench.import_examiners
	$(BIN)/python -m bench.build_instance
	$(BIN)/python -m bench.export_forms
	$(BIN)/python -m bench.export_sheets

schemas: setup
	$(BIN)/panelplan schema --out schemas

# Web app strings: extract, merge into the Chinese catalogue, compile (translate new msgstr
# entries in webapp/translations/zh/LC_MESSAGES/messages.po in between).
translations: setup
	$(BIN)/pybabel -q extract -F webapp/babel.cfg -k _l -o webapp/translations/messages.pot webapp
	$(BIN)/pybabel -q update -i webapp/translations/messages.pot -d webapp/translations -l zh
	$(BIN)/pybabel -q compile -d webapp/translations

# Refresh docs/screenshots/ from the browser journeys.
screenshots: setup
	PANELPLAN_SCREENSHOTS=1 $(BIN)/python -m pytest tests/webapp -k journey -q

# Refresh docs/paper/: every export printed by LibreOffice (the hard cases of
# tests/services/test_paper.py), first pages as PNGs.
paper: setup
	$(BIN)/python tests/services/paper_pages.py docs/paper
