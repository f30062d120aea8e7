"""A developer's machine: `make run`."""

from .base import *  # noqa: F403
from .base import LOGGING, env

DEBUG = env.bool("DEBUG", default=True)
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the app directories, no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Mail goes to files under .data/mail, listed at /dev/mail/, with one console line each
# (lib/dev_mail.py), unless EMAIL_URL names a real server (or consolemail://).
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "lib.dev_mail.MailFolderBackend"

# A quiet console: a line per mail and whatever goes wrong, not a line for every task
# received, run and scheduled (the scans run every minute).
LOGGING = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "celery.worker.strategy": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        "celery.beat": {"level": "WARNING"},
    },
}
