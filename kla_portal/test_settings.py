"""Settings for the test suite: the real settings with fast hashing, memory email and cache."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")
os.environ.setdefault("HTTPS", "off")
# Mail goes to memory below; the production check on undelivered mail must not stop the tests.
os.environ.setdefault("EMAIL_ALLOW_CONSOLE", "on")

from kla_portal.settings import *  # noqa: E402,F403
from kla_portal.settings import BASE_DIR, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SCORE_CACHE_SECONDS = 60 * 60  # one process: local memory is shared, so the cache is tested
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"
AXES_ENABLED = True
# Jobs run in the request; tests of the worker switch to the database backend themselves.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests never need a commit to survive a crash: PostgreSQL acknowledges commits without waiting
# for the disk, which spares the suite most of its waiting on transactional tests.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
