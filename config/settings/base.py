"""Settings shared by every environment; each value comes from the environment."""

from pathlib import Path

import environ
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_structlog",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django.contrib.postgres",
    "lib",
    "accounts",
    "activity",
    "recruiting",
    "intake",
    "engagements",
    "metrics",
    "integrations",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    # Outermost, so that its request id and its one line per request (docs/operations.md)
    # cover everything inside; the next one times the request and adds the line's fields.
    "django_structlog.middlewares.RequestMiddleware",
    "lib.observability.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The security headers go on every answer, the guard's refusals included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the request (the session cookie included): bodies too large
    # or too deep, and characters PostgreSQL or the encoder refuse, get a 400 or 413.
    "lib.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request being served, for the security log's address and browser.
    "accounts.audit.SecurityRequestMiddleware",
    # An API key decides whom an API request acts for; otherwise the session does.
    "integrations.middleware.ApiKeyMiddleware",
    "accounts.middleware.TenantMiddleware",
    "integrations.middleware.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The organization's idle timeout and two-factor enrolment (accounts.security).
    "accounts.middleware.SecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.tenant",
                "engagements.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# DATABASE_URL names the *owner* role: it owns the tables and runs migrations.
# The application itself connects as a restricted role (APP_DATABASE_URL, or the
# same server and database as DATABASE_URL with the user APP_DATABASE_USER) that
# is neither superuser, nor table owner, nor BYPASSRLS, so PostgreSQL row-level
# security applies to every query the application makes.
DATABASE_OWNER = env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/rapport")
APP_DATABASE_USER = env("APP_DATABASE_USER", default="rapport_app")
APP_DATABASE_PASSWORD = env("APP_DATABASE_PASSWORD", default="")


def _app_database() -> dict:
    if env("APP_DATABASE_URL", default=""):
        database = env.db("APP_DATABASE_URL")
    else:
        database = {
            **DATABASE_OWNER,
            "USER": APP_DATABASE_USER,
            "PASSWORD": APP_DATABASE_PASSWORD,
        }
    database.update(
        {
            "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
            "CONN_HEALTH_CHECKS": True,
            # Every statement carries its tenant context in the same simple-query
            # round trip (lib/tenancy.py); server-side cursors cannot take that
            # prefix, and transaction-pooling proxies forbid them anyway.
            "DISABLE_SERVER_SIDE_CURSORS": True,
        }
    )
    return database


DATABASES = {"default": _app_database()}
# Kept apart from DATABASES, whose credentials `migrate` swaps for the owner's.
DATABASE_APP_ROLE = {
    "USER": DATABASES["default"]["USER"],
    "PASSWORD": DATABASES["default"].get("PASSWORD", ""),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions -----------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Auth (django-allauth) -----------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.AgencySignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Rapport] "
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# allauth's own rate limits (login failures, sign-ups, password resets, mails)
# stay at their defaults but one; they are listed so that turning one off is a
# visible change. Failed sign-ins: 10 a minute from one address, whatever the
# accounts; and for one account from one address (the adapter makes the "key" of
# a failure the account and its source), 5 in 5 minutes, then 20 in an hour: the
# guesses slow down, while the member signs in from anywhere else as usual.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key,20/h/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "manage_email": "10/m/user",
    "change_password": "5/m/user",
}
# The address those per-IP limits count is the connection's (REMOTE_ADDR) unless
# the operator says which proxies to trust. Behind a reverse proxy every request
# comes from the proxy, so one client's failures would lock everyone out: set
# TRUSTED_PROXY_COUNT to the number of proxies of yours that append to
# X-Forwarded-For (the client is the entry that many from the right), or
# TRUSTED_CLIENT_IP_HEADER to a header your proxy sets and overwrites (X-Real-IP).
# Off by default: a header the client wrote itself is never believed.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Rapport"
# An organization may require two-factor authentication (accounts.security): the
# adapter refuses to remove the last authenticator while it does.
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# Each sign-in is listed on the user's Sessions page (/accounts/sessions/), with its
# browser, address and when it was last seen; accounts.middleware notes the last
# request at most once a minute (allauth's own middleware would write on every one).
USERSESSIONS_TRACK_ACTIVITY = True
USERSESSIONS_ADAPTER = "accounts.adapters.UserSessionsAdapter"

# --- Email ----------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Rapport <no-reply@rapport.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where development's mail backend writes the messages /dev/mail/ shows (lib/dev_mail.py).
DEV_MAIL_DIR = env("DEV_MAIL_DIR", default=str(DATA_DIR / "mail"))

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security headers ---------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only our own scripts and styles run: no inline code, so an injected <script>
# or style attribute does nothing. QR codes for TOTP set-up are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# --- Celery -------------------------------------------------------------------
# With REDIS_URL, Redis is the broker. Without it, kombu's filesystem transport
# keeps messages as files under .data/broker: it needs no server, works across
# the web, worker and beat processes of one machine, and is good enough for a
# developer's laptop (it is not meant for several machines).
BROKER_DIR = DATA_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task that is not acknowledged within this time is handed to another
        # worker; it must exceed the longest task (hard time limit below), or
        # tasks run twice while the first worker is still busy.
        "visibility_timeout": 3600,
    }
    # Prepended to every key Celery writes: stacks sharing one Redis (the smoke runs
    # beside a developer's workers) keep their queues apart.
    if env("CELERY_BROKER_KEY_PREFIX", default=""):
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = env("CELERY_BROKER_KEY_PREFIX")
else:
    # "localhost" only says which machine; without it kombu warns on every connection.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, and re-queued when its worker dies,
# so a crash never loses work; tasks are written to be safe to run again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queues by the work they hold, each consumed by workers of its own (docs/scaling.md), so
# that a slow webhook receiver or a long report run never delays a nudge. Every task is
# routed to one of them; tests/test_celery_queues.py holds every task to a declared queue
# and the smoke stack's workers to every queue.
CELERY_QUEUE_NUDGES = "nudges"  # the nudge scan, deliveries and their sweep
CELERY_QUEUE_WEBHOOKS = "webhooks"  # webhook attempts (a receiver may take 10 s) and their sweep
CELERY_QUEUE_REPORTS = "reports"  # clients' weekly reports and members' daily digests
CELERY_TASK_DEFAULT_QUEUE = "default"  # invitations, reminders, housekeeping
CELERY_TASK_QUEUES = [
    Queue(name)
    for name in (
        CELERY_QUEUE_NUDGES,
        CELERY_QUEUE_WEBHOOKS,
        CELERY_QUEUE_REPORTS,
        CELERY_TASK_DEFAULT_QUEUE,
    )
]
CELERY_TASK_ROUTES = {
    "engagements.tasks.scan_due_nudges": {"queue": CELERY_QUEUE_NUDGES},
    "engagements.tasks.deliver_nudge": {"queue": CELERY_QUEUE_NUDGES},
    "engagements.tasks.requeue_stale_nudges": {"queue": CELERY_QUEUE_NUDGES},
    "integrations.tasks.deliver_webhook": {"queue": CELERY_QUEUE_WEBHOOKS},
    "integrations.tasks.requeue_due_webhook_deliveries": {"queue": CELERY_QUEUE_WEBHOOKS},
    "metrics.tasks.scan_weekly_reports": {"queue": CELERY_QUEUE_REPORTS},
    "metrics.tasks.deliver_weekly_report": {"queue": CELERY_QUEUE_REPORTS},
    "metrics.tasks.requeue_stale_weekly_reports": {"queue": CELERY_QUEUE_REPORTS},
    "engagements.tasks.send_daily_digests": {"queue": CELERY_QUEUE_REPORTS},
    "accounts.tasks.send_invitation_email": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "accounts.tasks.resend_unsent_invitation_emails": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "accounts.tasks.check_security_logs": {"queue": CELERY_QUEUE_REPORTS},
    "engagements.tasks.scan_reminders": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "integrations.tasks.purge_idempotency_records": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "recruiting.tasks.send_consent_request": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "privacy.tasks.build_candidate_export": {"queue": CELERY_QUEUE_REPORTS},
    "privacy.tasks.purge_expired_candidate_exports": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "privacy.tasks.requeue_stale_candidate_exports": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "privacy.tasks.apply_retention": {"queue": CELERY_QUEUE_REPORTS},
}
# Every task on this one queue instead: the tests' workers and the nudge bench each use a
# queue of their own, which no other worker consumes.
if env("CELERY_ONE_QUEUE", default=""):
    CELERY_TASK_DEFAULT_QUEUE = env("CELERY_ONE_QUEUE")
    CELERY_TASK_QUEUES = [Queue(CELERY_TASK_DEFAULT_QUEUE)]
    CELERY_TASK_ROUTES = {}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- REST framework -----------------------------------------------------------------
# --- REST API (docs/api.md) ------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "lib.api.permissions.IsOrganizationMember",
        "lib.api.permissions.KeyScopeAllows",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["lib.api.throttling.PrincipalRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "lib.api.pagination.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "lib.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "lib.api.schema.ProblemAutoSchema",
    "DEFAULT_METADATA_CLASS": "lib.api.metadata.ApiMetadata",
    "EXCEPTION_HANDLER": "lib.api.exceptions.problem_exception_handler",
}
# Requests per API key (or per signed-in user) and window; 429 with Retry-After beyond.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="1200/minute")
# How long a POST's Idempotency-Key and its stored response are kept.
IDEMPOTENCY_KEY_TTL_HOURS = 24
# How long a candidate's export (docs/privacy.md) can be downloaded before its file
# is deleted.
CANDIDATE_EXPORT_TTL_HOURS = env.int("CANDIDATE_EXPORT_TTL_HOURS", default=24)

SPECTACULAR_SETTINGS = {
    "TITLE": "Rapport API",
    "DESCRIPTION": (
        "The REST API of Rapport: clients, roles, intake agreements, candidates, "
        "submissions and their reviews, response clocks, nudges, the activity log and "
        "webhooks. See docs/api.md for a worked integration."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "DEFAULT_GENERATOR_CLASS": "lib.api.schema.TenantSchemaGenerator",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets sharing a field name ("status", "kind", "outcome", "decision") each get
    # a name of their own; who owes a clock and who acknowledged an agreement are the
    # same two client parties.
    "ENUM_NAME_OVERRIDES": {
        "AgreementStatusEnum": "intake.models.AgreementStatus",
        "ClientPartyEnum": "engagements.models.OwedBy",
        "ClockKindEnum": "engagements.models.ClockKind",
        "ClockOutcomeEnum": "engagements.models.ClockOutcome",
        "ContactKindEnum": "recruiting.models.ContactKind",
        "CultureDecisionEnum": "recruiting.models.CultureDecision",
        "InterviewOutcomeEnum": "recruiting.models.InterviewOutcome",
        "NudgeStatusEnum": "engagements.models.NudgeStatus",
        "ReviewDecisionEnum": "recruiting.models.ReviewDecision",
        "RoleStatusEnum": "recruiting.models.RoleStatus",
    },
}

INVITATION_VALIDITY_DAYS = env.int("INVITATION_VALIDITY_DAYS", default=7)

# --- Outgoing webhooks (integrations/services/webhooks.py) -----------------------------
# Seconds to wait before each attempt: Standard Webhooks' schedule (immediately, 5 s,
# 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), about 28 hours in all; then the delivery fails.
WEBHOOK_RETRY_SCHEDULE = env.list(
    "WEBHOOK_RETRY_SCHEDULE", cast=int, default=[0, 5, 300, 1800, 7200, 18000, 36000, 36000]
)
# An endpoint whose every attempt has failed for this long is disabled, its admins told.
WEBHOOK_DISABLE_AFTER_DAYS = env.int("WEBHOOK_DISABLE_AFTER_DAYS", default=5)
# Connecting, and waiting for each read of the answer, may take this long.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Webhooks go to public addresses only (integrations/outbound.py: server-side request forgery).
# Networks listed here (e.g. "10.20.0.0/16") are allowed anyway, for receivers on the
# operator's own network. Leave empty unless you need it.
WEBHOOK_ALLOWED_PRIVATE_NETWORKS = env.list("WEBHOOK_ALLOWED_PRIVATE_NETWORKS", default=[])

# --- Logging and metrics (docs/operations.md) ---------------------------------------
# Plain lines here; production writes JSON (config/settings/production.py). structlog
# hands its events to these handlers (lib/observability.py).
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own default handler would print every request warning a second time.
        "django": {"handlers": [], "propagate": True},
        # One line per request is production's: a developer has runserver's, and Django's
        # own warnings and tracebacks of failed requests (REQUEST_LOG_LEVEL=INFO shows them).
        "django_structlog": {"level": env("REQUEST_LOG_LEVEL", default="CRITICAL")},
    },
}
# The request id comes from the proxy's X-Request-ID when it sends one, so a
# request can be followed from the proxy's log into ours.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is off (404).
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# Uploaded files (résumés) live outside any served path; views stream them
# after checking who may see them.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(DATA_DIR / "media"))
MEDIA_URL = "/media-not-served/"
RESUME_MAX_BYTES = env.int("RESUME_MAX_BYTES", default=5 * 1024 * 1024)

# --- Request bodies (lib/request_guard.py) ---------------------------------------------
# A body larger than this is refused with 413 before it is read; a form with a file (a
# résumé) may carry the file besides. Django's own limit on what it reads into memory is
# the same, for bodies sent without a length.
REQUEST_BODY_MAX_BYTES = 1024 * 1024
UPLOAD_BODY_MAX_BYTES = RESUME_MAX_BYTES + REQUEST_BODY_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
