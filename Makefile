# One command to run the marketplace, one to test it. Embedded PostgreSQL and NATS
# are used unless DATABASE_URL / NATS_URL are set.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-slow install migrate lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/civic migrate
	$(BIN)/civic serve $(ARGS)

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test-slow: $(STAMP)
	$(BIN)/pytest -m slow $(PYTEST_ARGS)

migrate: $(STAMP)
	$(BIN)/civic migrate

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .civic
