# The two commands a newcomer needs: `make chat` and `make test`.
# Each creates .venv on first use (and refreshes it when pyproject.toml changes).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: chat test lint serve content bench figures mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

## Talk to the real skill in the terminal, on the embedded SQLite store.
chat: $(VENV)/.installed
	$(BIN)/trust-renewal chat $(ARGS)

## Run the whole test suite.
test: $(VENV)/.installed-dev
	$(BIN)/pytest -n auto

## Lint the code and the SAM template.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/cfn-lint template.yaml

## Serve the skill over HTTP for the Alexa developer console (see docs/architecture.md).
serve: $(VENV)/.installed
	$(BIN)/trust-renewal serve $(ARGS)

## Report on the program content.
content: $(VENV)/.installed
	$(BIN)/trust-renewal content $(ARGS)

## Performance benchmark against a minimal baseline skill (not part of the tests).
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(ARGS)

$(VENV)/.installed-mutation: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/pip install --quiet -e '.[dev,mutation]'
	touch $@

## Mutation check of the conversation core on a random sample of 200 mutants (not in CI; see docs/mutation.md).
mutate: $(VENV)/.installed-mutation
	$(BIN)/python scripts/mutate.py $(ARGS)

clean:
	rm -rf $(VENV) build dist mutants .pytest_cache .ruff_cache .hypothesis
