"""The backlog gauges of /metrics (lib/observability.py), read at each scrape."""

from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from integrations.selectors import operations_gauges
from lib.observability import at_scrape


def _age_seconds(oldest: datetime | None, now: datetime) -> float:
    return max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


@at_scrape
def backlog_gauges() -> Iterator[GaugeMetricFamily]:
    now = timezone.now()
    gauges = operations_gauges(now=now)
    yield GaugeMetricFamily(
        "rapport_nudge_due_backlog",
        "Open response clocks whose next nudge is due and not yet claimed by a scan.",
        value=gauges.nudges_due,
    )
    yield GaugeMetricFamily(
        "rapport_nudge_due_oldest_age_seconds",
        "How long the longest-waiting due nudge has been due (0 when none is).",
        value=_age_seconds(gauges.nudges_due_oldest, now),
    )
    depth = GaugeMetricFamily(
        "rapport_outbox_depth",
        "Outbox rows waiting to be sent: claimed nudges not delivered, webhook "
        "deliveries whose attempt is due.",
        labels=["kind"],
    )
    depth.add_metric(["nudge"], gauges.nudges_unsent)
    depth.add_metric(["webhook"], gauges.webhooks_due)
    yield depth
    age = GaugeMetricFamily(
        "rapport_outbox_oldest_age_seconds",
        "Age of the oldest waiting outbox row of each kind (0 when none waits).",
        labels=["kind"],
    )
    age.add_metric(["nudge"], _age_seconds(gauges.nudges_unsent_oldest, now))
    age.add_metric(["webhook"], _age_seconds(gauges.webhooks_due_oldest, now))
    yield age
