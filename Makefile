# Two entry points: `make run` (set up and run the main job: `cogov compare`) and `make test` (set up and run the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cogov compare

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/sweep.py

docs: $(STAMP)
	{ printf '# Levers and parameters\n\nGenerated from `model/params.py` by `make docs`; do not edit by hand.\n\n'; \
	  $(BIN)/cogov levers --markdown; } > docs/levers.md
	$(BIN)/python -m experiments.docs_gen

clean:
	rm -rf $(VENV) build *.egg-info
