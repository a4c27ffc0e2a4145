# Redress — two commands: `make run` (demo) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON ?= python3
# uv from PATH, else a private copy installed from PyPI into .tools/ (nothing global is touched).
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-fast lint messages sync uv browser migrate demo clean bench-seed

uv:
	@if [ "$(UV)" = ".tools/bin/uv" ] && [ ! -x .tools/bin/uv ]; then \
		echo "Installing uv into .tools/ ..."; \
		$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv; \
	fi

sync: uv
	@$(UV) sync --frozen --quiet

migrate: sync
	@$(UV) run python manage.py migrate --noinput -v 0

demo: migrate
	@$(UV) run python manage.py demo

run: demo
	@$(UV) run python manage.py collectstatic --noinput -v 0
	@$(UV) run redress serve --with-worker

# Debian's Chromium drives the browser journeys (Playwright's own download does not work offline).
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser journeys ..."; \
			(apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
		else \
			echo "Chromium is needed at $(CHROMIUM) for tests/e2e (apt-get install chromium)"; exit 1; \
		fi; \
	fi

test: sync browser
	@$(UV) run pytest

test-fast: sync
	@$(UV) run pytest -m "not e2e"

lint: sync
	@$(UV) run ruff check .
	@$(UV) run ruff format --check .
	@$(UV) run mypy redress config

# Each app keeps its own Vietnamese catalogue (redress/<app>/locale/vi); translate, then compile.
messages: sync
	@for app in redress/*/apps.py; do dir=$$(dirname $$app); mkdir -p $$dir/locale; \
		(cd $$dir && DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH=$(CURDIR) $(CURDIR)/.venv/bin/django-admin \
			makemessages -l vi --no-obsolete --ignore=tests --ignore=migrations -v0); done
	@for app in redress/*/apps.py; do dir=$$(dirname $$app); \
		(cd $$dir && DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH=$(CURDIR) $(CURDIR)/.venv/bin/django-admin \
			compilemessages -l vi -v0); done

bench-seed: migrate
	@$(UV) run python bench/seed_bench.py

clean:
	rm -rf var/redress.sqlite3* var/media var/static
