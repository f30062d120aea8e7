"""What an operator watches (docs/operations.md): request logs, Prometheus metrics, errors.

**Logs.** django-structlog's middleware gives each request an id and writes one
`request_finished` line as it ends; `RequestObservabilityMiddleware` adds what the
operator filters by: the route (the URL pattern, never the path with its ids), the
organization, the API key, the status and the duration. In production every line,
Django's and Celery's included, is one JSON object (`json_formatter`).

**Metrics.** Counters and histograms live in each process. Under gunicorn's several
workers (and Celery's pool) each process would answer a scrape with its own share
only, so with `PROMETHEUS_MULTIPROC_DIR` set prometheus-client's multiprocess mode
writes every sample to files in that directory and a scrape sums them. Gauges read
from the database at scrape time (`at_scrape`) are computed by the scraping process
alone. No label carries tenant data: routes are patterns, tasks are names.
"""

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable

import structlog
from celery.signals import task_failure
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_structlog import signals as structlog_signals
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector

# Seconds; the buckets span a cached page (5 ms) to a slow export (10 s).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED_ROUTE = "<unmatched>"

REQUEST_LATENCY = Histogram(
    "rapport_http_request_duration_seconds",
    "Time to answer a request, by URL pattern, method and status class.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
CELERY_TASK_FAILURES = Counter(
    "rapport_celery_task_failures_total",
    "Celery tasks that ended with an exception, by task name.",
    ["task"],
)

_scrape_collectors: list[Callable[[], Iterable]] = []


def at_scrape(collect: Callable[[], Iterable]) -> Callable[[], Iterable]:
    """Register `collect` (yielding metric families) to run on every scrape."""
    _scrape_collectors.append(collect)
    return collect


class _AtScrape(Collector):
    def collect(self) -> Iterable:
        for collect in _scrape_collectors:
            yield from collect()

    def describe(self) -> Iterable:
        # Nothing to describe up front: registering must not query the database.
        return []


def _multiprocess_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(_AtScrape())
    return registry


if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    REGISTRY.register(_AtScrape())


def metrics_registry() -> CollectorRegistry:
    """The registry a scrape reads: every process's samples in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return _multiprocess_registry()
    return REGISTRY


def route_of(request: HttpRequest) -> str:
    """The URL pattern that served the request ("api/v1/clients/<uuid:pk>/"): bounded in
    number and free of ids, unlike the path."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None else UNMATCHED_ROUTE


class RequestObservabilityMiddleware:
    """Time each request and count it by route; keep what the log line needs.

    Placed just inside django-structlog's RequestMiddleware, so that its
    `request_finished` line, written after this returns, can carry these fields.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - started
        route = route_of(request)
        REQUEST_LATENCY.labels(
            route=route, method=request.method, status=f"{response.status_code // 100}xx"
        ).observe(duration)
        request.observed = {"route": route, "duration_ms": round(duration * 1000, 1)}
        return response


def _request_finished_fields(sender, request: HttpRequest, response, log_kwargs: dict, **kwargs):
    """The log line's fields: route, status, duration, organization, API key."""
    log_kwargs["status"] = log_kwargs.pop("code", response.status_code)
    log_kwargs.update(getattr(request, "observed", {"route": route_of(request)}))
    organization = getattr(request, "organization", None)
    log_kwargs["organization_id"] = str(organization.pk) if organization is not None else None
    api_key = getattr(request, "api_key", None)
    # The prefix names a key without revealing it: it is the key's visible part.
    log_kwargs["api_key"] = api_key.prefix if api_key is not None else None


def _count_task_failure(sender=None, **kwargs) -> None:
    CELERY_TASK_FAILURES.labels(task=getattr(sender, "name", "unknown")).inc()


def connect_signals() -> None:
    """Called once from LibConfig.ready()."""
    structlog_signals.bind_extra_request_finished_metadata.connect(
        _request_finished_fields, dispatch_uid="lib.observability.request"
    )
    task_failure.connect(_count_task_failure, dispatch_uid="lib.observability.task_failure")


def configure_structlog() -> None:
    """structlog hands its events to the standard library's logging, whose handlers
    (settings.LOGGING) choose the format: JSON in production, plain text elsewhere."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


def json_formatter() -> logging.Formatter:
    """One JSON object per line, for structlog's events and plain logging calls alike
    (Django, Celery, the app's own `logging.getLogger`), with the request's id."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ExtraAdder(),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )


def bearer_token_matches(request: HttpRequest, expected: str) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    # Constant time, so the answer's timing reveals nothing of the token.
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected)


def operator_token_presented(request: HttpRequest) -> bool:
    """The request bears the operator's token (`Authorization: Bearer $METRICS_TOKEN`),
    the one check of /metrics and of /readyz's details. Never true while it is unset."""
    expected = settings.METRICS_TOKEN
    return bool(expected) and bearer_token_matches(request, expected)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus's scrape: 404 when METRICS_TOKEN is unset (the endpoint is off),
    401 without the token, the text exposition format with it."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not operator_token_presented(request):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST)


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Report unhandled errors of requests and tasks to Sentry (the optional extra
    `sentry`). No personal data: the SDK's default sends no cookies, credentials or user
    details, and nothing here turns that on."""
    import sentry_sdk  # optional: only a deployment that sets SENTRY_DSN installs it

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
    )
