# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint format bench clean

run: $(VENV)/.installed  ## run the whole product on its embedded defaults
	$(BIN)/python -m dashboard.devserver

test: $(VENV)/.installed  ## lint, then the whole test suite (browser flows included)
	bash scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djlint templates --check
	$(BIN)/djlint templates --lint
	$(BIN)/python scripts/dead-code
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed  ## the benchmarks in bench/: they print numbers, nothing passes or fails
	@for script in bench/[!_]*.py; do \
	  [ -e "$$script" ] || continue; \
	  echo "== $$script"; PYTHONPATH=. $(BIN)/python "$$script" || exit 1; \
	done

lint: $(VENV)/.installed  ## ruff, import contracts (docs/ARCHITECTURE.md), djlint, dead code (vulture)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djlint templates --check
	$(BIN)/djlint templates --lint
	$(BIN)/python scripts/dead-code

format: $(VENV)/.installed  ## ruff (Python) and djlint (templates) rewrite what they check
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || $(BIN)/djlint templates --check --quiet

$(VENV)/.installed: pyproject.toml scripts/bootstrap-venv
	PYTHON=$(PYTHON) bash scripts/bootstrap-venv $(VENV)
	touch $@

clean:
	rm -rf $(VENV) instance .pytest_cache
