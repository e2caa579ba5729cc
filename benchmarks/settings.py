"""Bench-only settings: production settings served over plain HTTP with a trivial view added.

Only `make bench` uses this module, so production never has the `/bench/trivial` route.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DEBUG", "off")
os.environ.setdefault("HTTPS", "off")
os.environ.setdefault("EMAIL_ALLOW_CONSOLE", "on")  # loopback only, no mail is sent
os.environ.setdefault("CONN_MAX_AGE", "60")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kla_bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from kla_portal.settings import *  # noqa: E402,F403

ROOT_URLCONF = "benchmarks.urls"
# `X-Bench-Cold: 1` makes a write before the page (benchmarks/cold.py): the cache-cold runs.
MIDDLEWARE = ["benchmarks.cold.ColdMiddleware", *MIDDLEWARE]  # noqa: F405
