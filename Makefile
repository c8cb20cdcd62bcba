# Two commands on a fresh Debian machine: `make run` (set up + the demo on the samples) and
# `make test` (set up + the whole test suite). Both are quick the second time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test setup system-packages web-assets lint format samples clean

run: setup
	$(BIN)/intake demo

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

setup: system-packages $(INSTALLED) web-assets

web-assets:
	@sh .ci/fetch-htmx.sh

system-packages:
	@sh .ci/system-packages.sh

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,postgres,scale]'
	touch $(INSTALLED)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

samples: setup
	$(BIN)/python samples/generate_samples.py

clean:
	rm -rf var/intake.db* var/blobs var/inbox var/models
