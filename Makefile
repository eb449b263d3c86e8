# Two commands set up a fresh machine: `make plan` (install, then the offline plan of the default
# catalog for dev, no credentials) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STACK ?= dev

$(VENV)/installed: requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/installed

plan: install
	$(PY) -m vigil plan --stack $(STACK)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

.PHONY: install plan test
