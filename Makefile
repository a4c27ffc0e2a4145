# Redress — two commands: `make run` (demo) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON ?= python3
# uv from PATH, else a private copy installed from PyPI into .tools/ (nothing global is touched).
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-fast lint messages sync uv pdf-deps system-deps migrate demo clean bench-seed cluster-deps cluster-test upgrade-test

uv:
	@if [ "$(UV)" = ".tools/bin/uv" ] && [ ! -x .tools/bin/uv ]; then \
		echo "Installing uv into .tools/ ..."; \
		$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv; \
	fi

# Debian packages the PDF report needs (WeasyPrint, docs/analytics.md "Monthly report"): Pango
# and HarfBuzz's subsetter, which WeasyPrint loads at run time, and DejaVu Sans, the font of the
# report's CSS, which covers Vietnamese. Installed as root with apt-get; otherwise named.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-deps:
	@if command -v dpkg-query >/dev/null; then \
		need=$$(for p in $(PDF_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done | xargs); \
		if [ -n "$$need" ]; then \
			if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
				echo "Installing Debian packages for the PDF report: $$need ..."; \
				(apt-get install -y -qq $$need >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$need >/dev/null)); \
			else \
				echo "The PDF report needs these Debian packages: $$need (apt-get install $$need)"; \
			fi; \
		fi; \
	fi

sync: uv pdf-deps
	@$(UV) sync --frozen --quiet

# This machine's own secret key (var/secret-key), written once before anything is hashed with it:
# the web server and the worker refuse the public demo key.
migrate: sync
	@$(UV) run python manage.py secret_key -v 0 >/dev/null
	@$(UV) run python manage.py migrate --noinput -v 0

demo: migrate
	@$(UV) run python manage.py demo

run: demo
	@$(UV) run python manage.py collectstatic --noinput -v 0
	@REDRESS_EMAIL_BACKEND=$${REDRESS_EMAIL_BACKEND:-redress.notifications.demo.DemoMailBackend} $(UV) run redress serve --with-worker

# Debian packages the tests drive for real: Chromium (browser journeys; Playwright's own download
# does not work offline), gettext (catalogue checks) and Dovecot (IMAP intake).
system-deps:
	@need=""; [ -x "$(CHROMIUM)" ] || need="$$need chromium"; command -v msgfmt >/dev/null || need="$$need gettext"; \
	[ -x /usr/sbin/dovecot ] || need="$$need dovecot-imapd"; \
	if [ -n "$$need" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages for the tests:$$need ..."; \
			(apt-get install -y -qq $$need >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$need >/dev/null)); \
		else \
			echo "The tests need these Debian packages:$$need (apt-get install$$need)"; exit 1; \
		fi; \
	fi

# --dist load, not worksteal: each process runs its tests in the collected order, database tests
# before the transactional ones that empty the database as they end (README, "Two commands").
test: sync system-deps
	@$(UV) run pytest -n auto --dist load

test-fast: sync
	@$(UV) run pytest -n auto --dist load -m "not e2e"

# The same checks as .pre-commit-config.yaml: style, format, types, layers, migrations.
lint: sync
	@$(UV) run ruff check .
	@$(UV) run ruff format --check .
	@$(UV) run mypy redress config
	@$(UV) run lint-imports --no-cache
	@$(UV) run python manage.py makemigrations --check --dry-run -v 0

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

# The multi-node test (docs/deployment.md "Cluster test"): its own PostgreSQL, Redis and SMTP
# server, two app servers behind nginx, two RQ workers, a mixed load with every fault; prints
# the figures. Needs nginx and redis-server (installed as root with apt-get when missing) and
# root for the storage faults (a small tmpfs for the files). CI runs it (.ci/run).
cluster-test: cluster-deps
	@PATH="$$PATH:/usr/sbin" $(UV) run python tests/cluster/cluster.py $(CLUSTER_ARGS)

# The upgrade test (docs/deployment.md "Upgrades"): the previous release's code (the commit of
# deploy/released-migrations.txt) serves the cluster's load while this checkout's migrate runs.
upgrade-test: cluster-deps
	@PATH="$$PATH:/usr/sbin" $(UV) run python tests/cluster/cluster.py --upgrade $(CLUSTER_ARGS)

cluster-deps: sync
	@need=""; command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need="$$need nginx-light"; \
	command -v redis-server >/dev/null || need="$$need redis-server"; \
	if [ -n "$$need" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages for the cluster test:$$need ..."; \
			(apt-get install -y -qq $$need >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$need >/dev/null)); \
		else \
			echo "The cluster test needs these Debian packages:$$need (apt-get install$$need)"; exit 1; \
		fi; \
	fi
