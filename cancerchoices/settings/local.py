"""Local development: `make run`. Never used in production."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = SECRET_KEY or "local-only-not-secret"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEMO_CONTENT_ALLOWED = True
