# Two entry points: `make run` (set up and run the main job: `cogov compare --budget-matched`) and `make test` (set up and run the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: run test bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cogov compare --budget-matched

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

# The browser tests drive Debian's Chromium (root installs it here; others are told how).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	else echo "error: the browser tests need Chromium: sudo apt-get install chromium" >&2; exit 1; fi

bench: $(STAMP) $(CHROMIUM)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/years.py
	$(BIN)/python benchmarks/world.py
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/mesa_context.py
	$(BIN)/python benchmarks/ui.py

docs: $(STAMP)
	{ printf '# Levers and parameters\n\nGenerated from `model/params.py` by `make docs`; do not edit by hand.\n\n'; \
	  $(BIN)/cogov levers --markdown; } > docs/levers.md
	$(BIN)/python -m cogov.experiments.docs_gen

clean:
	rm -rf $(VENV) build *.egg-info
