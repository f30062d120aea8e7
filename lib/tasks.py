"""Enqueueing background work without letting a broker outage break the request.

Services name the task they want (`"engagements.tasks.deliver_nudge"`) instead of
importing it: a tasks module imports its services, so the services never import the
tasks, and a low layer can ask for work done by a higher one without importing it.
"""

import logging
from datetime import timedelta

from celery import Task, current_app

logger = logging.getLogger(__name__)


def task_named(name: str) -> Task:
    """The registered task called `name`.

    A web process has not imported the tasks modules; the first look-up runs the
    autodiscovery that config/celery.py asked for. An unknown name raises
    (`celery.exceptions.NotRegistered`): a typo is a bug, not a broker outage.
    """
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(task: Task | str, *args, countdown: timedelta | None = None) -> bool:
    """Send `task` (or the task of that name) to the broker; on failure log and return
    False instead of raising.

    Callers record the work in the database first (a pending nudge, an unsent
    invitation), so a periodic sweeper sends it once the broker is back: a page
    that enqueues keeps answering while Redis is down.
    """
    if isinstance(task, str):
        task = task_named(task)
    options = {"countdown": countdown.total_seconds()} if countdown else {}
    try:
        task.apply_async(args, **options)
    except Exception:  # kombu and redis raise a variety of connection errors
        logger.warning("Broker unavailable: %s%s left for the sweeper", task.name, args)
        return False
    return True
