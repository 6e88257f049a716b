# Two commands do everything on a fresh machine with Python 3.11:
#   make run   — demo site on http://127.0.0.1:8000 (PORT to change)
#   make test  — the whole test suite (DATABASE_URL to use PostgreSQL)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format messages lock clean

$(BIN)/python:
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || { echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	exec $(BIN)/commonweal run --port $${PORT:-8000}

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	cd commonweal && ../$(BIN)/django-admin makemessages -l es --no-obsolete --ignore=tests --ignore='*/tests/*' && ../$(BIN)/django-admin compilemessages

# Re-pin every installed package (direct and transitive) after changing pyproject.toml.
lock: $(STAMP)
	@{ echo "# Exact versions installed by make (pip -c). Regenerate with: make lock"; \
	   $(BIN)/python -m pip freeze --exclude-editable | grep -v '^commonweal'; } > requirements.lock

clean:
	rm -rf $(VENV) var
