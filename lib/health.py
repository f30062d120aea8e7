"""Liveness and readiness probes.

`/readyz` answers every caller with its status code (200 ready, 503 not), which is
all a load balancer needs. Which dependency fails is for the operator: the checks
are shown only to a request bearing the operator's token (`METRICS_TOKEN`, checked
as `/metrics` checks it), so an anonymous caller learns nothing of the database or
the broker beyond "ready" or not.
"""

from celery import current_app as celery_app
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lib.observability import operator_token_presented

BROKER_TIMEOUT_SECONDS = 2


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not ready"; the probe reports, never raises
        return False


def _broker_answers() -> bool:
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS
            )
            return True
    except Exception:  # same: a probe reports failures as data
        return False


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 when one does not; with the
    operator's token, the body also names each check and what fails."""
    checks = {"database": _database_answers(), "broker": _broker_answers()}
    failing = sorted(name for name, ok in checks.items() if not ok)
    body = {"status": "ok" if not failing else "unavailable"}
    if operator_token_presented(request):
        body["checks"] = {name: "ok" if ok else "down" for name, ok in checks.items()}
        body["failing"] = failing
    return JsonResponse(body, status=200 if not failing else 503)
