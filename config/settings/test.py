"""The test suite: real PostgreSQL and Redis, locmem mail, fast hashing."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-secret-key-that-is-long-enough-for-hmac-checks"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Celery worker started by a test is another process: it writes its mail to
# files (EMAIL_BACKEND/EMAIL_FILE_PATH from the environment) that the test reads.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(DATA_DIR / "test-mail"))  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests reuse nothing between connections: each test sees a fresh one.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
CELERY_BROKER_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Transactional tests end with a TRUNCATE of every table (Django's flush), which
# the restricted role may not do otherwise. Only the test database grants it.
APP_DATABASE_EXTRA_PRIVILEGES = ["TRUNCATE"]
# Serve static files straight from the app directories, no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# A worker process started by a test joins that test's database by name.
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["NAME"] = env("TEST_DATABASE_NAME")  # noqa: F405
# A test's worker may be pointed at an SMTP server the test runs (one that hangs).
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
