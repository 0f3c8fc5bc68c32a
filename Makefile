# Fachtag: every target wraps commands you could type yourself.
# Debian's python3.11 where there is one: built with PGO and LTO like the production image's interpreter
# (python:3.11-slim-bookworm), so what you measure here is what production runs; a plain source build
# such as pyenv's is slower (bench/README.md). Any other Python 3.11: make PYTHON=python3.11 ...
PYTHON ?= $(firstword $(if $(wildcard /usr/lib/python3.11/ensurepip),/usr/bin/python3.11) python3.11)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in mails and calendar invites point at the server `make run` starts, unless SITE_URL is set.
ifeq ($(strip $(SITE_URL)),)
SITE_URL := http://$(HOST):$(PORT)
endif

.PHONY: run test install services messages compilemessages lint vendor-ui lock audit backup

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exactly the pinned and hashed set (requirements/dev.txt: runtime, test and dev; the image takes runtime.txt).
$(VENV)/.installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

compilemessages: install
	$(BIN)/django-admin compilemessages --ignore=.venv --ignore=var --ignore=node_modules

# The quick start: SQLite under var/, mails as .eml files under var/mail/, tasks run in-process.
run: compilemessages
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_demo
	DEBUG=true $(BIN)/python manage.py load_demo_mediators
	DEBUG=true $(BIN)/python manage.py load_demo_registrations
	DEBUG=true $(BIN)/python manage.py load_demo_feedback
	DEBUG=true $(BIN)/python manage.py load_demo_series
	DEBUG=true SITE_URL='$(SITE_URL)' $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite on a throwaway PostgreSQL and Redis (and headless Chromium), installed when missing;
# two pytest workers, one per core (each with its own test database and Redis).
test: compilemessages
	bash scripts/ensure-test-services.sh
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings_test
	$(BIN)/pytest -n 2 --dist loadgroup

messages: install
	DEBUG=true $(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench

# ruff, and the apps' layers (import-linter contracts in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

vendor-ui:
	bash scripts/vendor-ui.sh

# After changing a pin in pyproject.toml: resolve again, with hashes (versions already pinned stay unless they must move).
LOCK := $(BIN)/uv pip compile --quiet pyproject.toml --python-version 3.11 --generate-hashes --no-strip-extras \
	--custom-compile-command "make lock"
lock: install
	$(LOCK) -o requirements/runtime.txt
	$(LOCK) --extra test --extra dev -c requirements/runtime.txt -o requirements/dev.txt

# Known vulnerabilities in the pinned runtime packages (asks PyPI's advisory database).
audit: install
	$(BIN)/pip-audit --strict --disable-pip --no-deps -r requirements/runtime.txt

# A database dump into backups/ (production: `docker compose run --rm backup`; README "Production").
backup:
	sh scripts/backup.sh
