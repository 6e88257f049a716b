# Two commands do everything on a fresh machine with Python 3.11:
#   make run   — demo site on http://127.0.0.1:8000 (PORT to change)
#   make test  — the whole test suite (DATABASE_URL to use PostgreSQL)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format messages lock audit clean

$(BIN)/python:
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || { echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	exec $(BIN)/commonweal run --port $${PORT:-8000}

# Four workers on two cores: the suite waits (browser round trips, live servers) far more than
# it computes, and worksteal keeps one worker's tail of browser tests from running alone.
test: $(STAMP)
	$(BIN)/python -m pytest -n 4 --dist worksteal $(PYTEST_ARGS)

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

# Known vulnerabilities in every pinned dependency, by pip-audit (pinned) in its own venv so it
# never changes the project's. Needs a network path to PyPI's JSON API (or OSV with
# PIP_AUDIT_SERVICE=osv); --strict fails when a package could not be checked, so an
# unreachable database is a failure, never a silent pass. Not part of CI: the build
# machines do not reach a vulnerability database.
AUDIT_VENV := .venv-audit
PIP_AUDIT_SERVICE ?= pypi

$(AUDIT_VENV)/bin/pip-audit:
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet "pip==26.3" "pip-audit==2.10.1"

audit: $(AUDIT_VENV)/bin/pip-audit
	$(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip --vulnerability-service $(PIP_AUDIT_SERVICE) \
		-r requirements.lock -r requirements-semantic.lock -r requirements-load.lock

clean:
	rm -rf $(VENV) $(AUDIT_VENV) var
