# Quickstart: `make run` (bot, or terminal chat without a token) and `make test`.
# Installs come from the hash-pinned locks in requirements/ (`make lock` rewrites them).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt
# The locks hold the project's build backend too, so the editable install of the project
# itself (--no-deps --no-build-isolation) fetches nothing unpinned.
BUILD_REQUIREMENTS := 'setuptools>=77' wheel
UV_VERSION := 0.13.9
LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock"

.PHONY: run chat test lint format bench validate admin-web lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): $(RUNTIME_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(RUNTIME_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(DEV_STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/jpo-bot run

chat: $(RUN_STAMP)
	$(BIN)/jpo-bot chat

test: $(DEV_STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy bot
	$(BIN)/jpo-bot validate knowledge
	$(BIN)/python -m pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/mypy bot

format: $(DEV_STAMP)
	$(BIN)/ruff format bot tests bench
	$(BIN)/ruff check --fix bot tests bench

bench: $(DEV_STAMP)
	$(BIN)/python -m bench

validate: $(RUN_STAMP)
	$(BIN)/jpo-bot validate knowledge

admin-web: $(DEV_STAMP)
	$(BIN)/jpo-bot admin-web

# Rewrites both locks from pyproject.toml (newest versions its specifiers allow).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	printf '%s\n' $(BUILD_REQUIREMENTS) | $(LOCK) pyproject.toml - -o $(RUNTIME_LOCK)
	printf '%s\n' $(BUILD_REQUIREMENTS) \
		| $(LOCK) --all-extras pyproject.toml - -o $(DEV_LOCK)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache *.egg-info
