"""Enqueueing background work without letting a broker outage break the request."""

import logging

from celery import Task

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args) -> bool:
    """Send `task` to the broker; on failure log and return False instead of raising.

    Callers record the work in the database first (a pending nudge, an unsent
    invitation), so a periodic sweeper sends it once the broker is back: a page
    that enqueues keeps answering while Redis is down.
    """
    try:
        task.delay(*args)
    except Exception:  # kombu and redis raise a variety of connection errors
        logger.warning("Broker unavailable: %s%s left for the sweeper", task.name, args)
        return False
    return True
