# Two commands set up a fresh machine: `make plan` (install, then the offline plan of the default
# catalog for dev, no credentials) and `make test`. `make check` is the inner loop while editing.
VENV ?= .venv
PY := $(VENV)/bin/python
STACK ?= dev
# One test process per core (pytest-xdist): about half the wall time on two cores. `worksteal`: an idle worker takes
# tests queued on a busy one, so a few long end-to-end tests do not leave a core idle at the end (2:35 -> 2:15 here).
WORKERS ?= auto
XDIST := -n $(WORKERS) --dist worksteal

$(VENV)/installed: requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/installed

plan: install
	$(PY) -m vigil plan --stack $(STACK)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Everything: lint, types, import layers, then the whole suite.
test: lint
	$(PY) -m pytest $(XDIST)

# The inner loop: the same checks and every test but the end-to-end ones (marked `slow`), in well under a minute.
check: lint
	$(PY) -m pytest $(XDIST) -m "not slow"

.PHONY: install plan lint test check
