"""Test settings: fast hashing, plain static storage, never the demo database."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_CONTENT_ALLOWED = True
# Serve static files straight from the app folders; tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Runs side by side (several checkouts, one cluster) each name their own test database.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": os.environ.get("TEST_DATABASE_NAME", "test_cancerchoices"),
}

# One process, one cache, emptied before each test (tests/conftest.py). Test servers that
# need a cache shared between processes get REDIS_URL or CACHE_DIR from the test.
if not (os.environ.get("REDIS_URL") or os.environ.get("CACHE_DIR")):
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ["default", "generation"]
    }
