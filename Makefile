PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
MO := locale/en/LC_MESSAGES/django.mo
PORT ?= 8000

.PHONY: install run serve test lint format bench messages vendor

install: $(STAMP) $(MO)

# Reinstall only when the dependency list changes, so every target can depend on it cheaply.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# xstatic-bootstrap ships only an sdist whose setup needs pkg_resources (setuptools < 81),
	# so builds use the virtualenv's own pinned setuptools instead of an isolated latest one.
	$(BIN)/pip install --quiet 'setuptools>=68,<81' wheel
	$(BIN)/pip install --quiet --no-build-isolation -e '.[test]'
	touch $(STAMP)

# The English catalogue is compiled here, not committed, and remade only when its .po changes.
# Without msgfmt (Debian's gettext) the portal still runs, but English pages stay Indonesian.
$(MO): locale/en/LC_MESSAGES/django.po
	@if command -v msgfmt >/dev/null; then echo "msgfmt --check -o $@ $<"; msgfmt --check -o $@ $<; \
	else echo "!!! WARNING: msgfmt not found, English is NOT compiled and falls back to Indonesian." \
	  "Install it with: apt-get install gettext" >&2; fi

# Refresh the English catalogue from the source after marking new strings, then translate every
# new or fuzzy entry in the .po (tests/test_i18n.py fails until none is left).
messages: install
	DJANGO_SETTINGS_MODULE=kla_portal.test_settings $(MANAGE) makemessages -l en --no-obsolete \
	  --ignore='.venv/*' --ignore='benchmarks/*' --ignore='tests/*' --ignore='test-artifacts/*'

run: install
	DEBUG=on $(MANAGE) migrate --noinput
	DEBUG=on $(MANAGE) load_framework
	DEBUG=on $(MANAGE) seed_demo $(if $(DEMO_PASSWORD),--password '$(DEMO_PASSWORD)')
	@# The background worker (verification packs) runs beside the server; both stop together.
	DEBUG=on $(MANAGE) db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=on $(MANAGE) runserver 127.0.0.1:$(PORT)

# The production setup on loopback: DEBUG off, gunicorn, whitenoise's hashed static files. Plain
# HTTP (HTTPS=off) only because nothing leaves 127.0.0.1; a real server puts nginx and TLS in front.
# Mail (password reset links) is printed to the console for the same reason (EMAIL_ALLOW_CONSOLE).
SERVE_ENV := DEBUG=off HTTPS=off ALLOWED_HOSTS=127.0.0.1,localhost EMAIL_ALLOW_CONSOLE=on

serve: install
	@# A secret key of its own for this checkout, kept in the git-ignored .env, made only once.
	@grep -qs '^SECRET_KEY=.' .env || { \
	  echo "SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env; \
	  chmod 600 .env; echo "SECRET_KEY generated into .env"; }
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(MANAGE) migrate --noinput
	$(SERVE_ENV) $(MANAGE) load_framework
	$(SERVE_ENV) $(MANAGE) seed_demo $(if $(DEMO_PASSWORD),--password '$(DEMO_PASSWORD)')
	@# The background worker (verification packs) runs beside gunicorn; both stop together.
	$(SERVE_ENV) $(MANAGE) db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(SERVE_ENV) $(BIN)/gunicorn -c gunicorn.conf.py

# Every core runs tests (pytest-xdist); PYTEST_WORKERS=0 runs them in this one process.
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=kla_portal.test_settings $(MANAGE) check
	DJANGO_SETTINGS_MODULE=kla_portal.test_settings $(MANAGE) makemigrations --check --dry-run

# National-scale benchmark (PostgreSQL on 127.0.0.1, wrk): data is generated once and cached.
# A quick check: make bench BENCH_ARGS="--regions 20 --duration 3"
bench: install
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .


# pdf.js (npm's pdfjs-dist) for the review page's PDF previews, vendored into static/ and
# committed: nothing is fetched at run time. Change the pin, run this, commit the result.
PDFJS_VERSION := 6.5.438
PDFJS_DIR := static/vendor/pdfjs
vendor:
	rm -rf .vendor-tmp && mkdir -p .vendor-tmp $(PDFJS_DIR)
	cd .vendor-tmp && npm pack --silent pdfjs-dist@$(PDFJS_VERSION) >/dev/null
	tar -xzf .vendor-tmp/pdfjs-dist-$(PDFJS_VERSION).tgz -C .vendor-tmp \
	  package/build/pdf.min.mjs package/build/pdf.worker.min.mjs package/LICENSE
	cp .vendor-tmp/package/build/pdf.min.mjs .vendor-tmp/package/build/pdf.worker.min.mjs \
	  .vendor-tmp/package/LICENSE $(PDFJS_DIR)/
	echo "pdfjs-dist $(PDFJS_VERSION) from npm (make vendor)" > $(PDFJS_DIR)/VERSION
	rm -rf .vendor-tmp
