# Quickstart: `make run` (bot, or terminal chat without a token) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run chat test lint format bench validate admin-web clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,admin]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/jpo-bot run

chat: $(STAMP)
	$(BIN)/jpo-bot chat

test: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/jpo-bot validate knowledge
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench

format: $(STAMP)
	$(BIN)/ruff format bot tests bench
	$(BIN)/ruff check --fix bot tests bench

bench: $(STAMP)
	$(BIN)/python -m bench

validate: $(STAMP)
	$(BIN)/jpo-bot validate knowledge

admin-web: $(STAMP)
	$(BIN)/jpo-bot admin-web

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
