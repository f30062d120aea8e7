"""Real Celery worker processes for the tests that are about them.

Each test gets a queue of its own, so parallel test processes never take each
other's tasks, and its workers run the test settings against the test's own
database (TEST_DATABASE_NAME) with mail written to files the test reads.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

DEADLINE_SECONDS = 60


@pytest.fixture
def celery_queue(monkeypatch) -> Iterator[str]:
    """Route this test's tasks to a queue of its own."""
    name = f"test-{uuid.uuid4().hex}"
    previous = celery_app.conf.task_default_queue
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue = name
    celery_app.conf.task_always_eager = False  # these tests are about real workers
    # The router caches its queues and routes; give it fresh ones that create the new
    # default and send every task there, whatever its queue in production.
    monkeypatch.setattr(celery_app.amqp, "queues", celery_app.amqp.Queues({}, create_missing=True))
    monkeypatch.setattr(celery_app.amqp, "_rtable", [])
    monkeypatch.setattr(celery_app.amqp, "router", celery_app.amqp.Router())
    yield name
    celery_app.conf.task_default_queue = previous
    celery_app.conf.task_always_eager = previous_eager


def redis_url_or_skip() -> str:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set in CI: this test needs a real broker")
        pytest.skip("REDIS_URL is not set")
    return redis_url


@dataclass
class Worker:
    process: subprocess.Popen
    log: list[str] = field(default_factory=list)

    def kill(self) -> None:
        """SIGKILL, as a crashed machine would: no warm shutdown, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(celery_queue, tmp_path) -> Iterator[Callable[..., Worker]]:
    """start_worker(**env) → a running worker on the test's queue; all are stopped at the end."""
    redis_url = redis_url_or_skip()
    workers: list[Worker] = []

    def start(**extra_env: str) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TEST_DATABASE_NAME": connection.settings_dict["NAME"],
            "REDIS_URL": redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
            # What the worker enqueues itself (retries, deliveries) stays on this queue.
            "CELERY_ONE_QUEUE": celery_queue,
            **extra_env,
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                celery_queue,
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so kill() takes it whole
        )
        worker = Worker(process)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


# Django's file backend closes each message with this line; a file without it is one
# the worker is still writing.
MESSAGE_END = "-" * 79 + "\n"


def mail_files(folder: Path) -> list[Path]:
    """The worker's mail files that are completely written."""
    if not folder.exists():
        return []
    return sorted(path for path in folder.glob("*.log") if path.read_text().endswith(MESSAGE_END))


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll another process's progress until `condition` holds (bounded, never on the
    clock of the code under test)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _reset_broker_connections() -> None:
    # Celery caches its connection pool and the producer pool built on it.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down() -> Iterator[Callable[[], None]]:
    """Point Celery at a port with no listener (9, discard); call the result to restore.

    A patch of its own: undoing the test's shared `monkeypatch` would also undo
    `celery_queue`'s router, and send the tasks to their production queues, which the
    test's worker does not consume."""
    patch = pytest.MonkeyPatch()
    patch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    _reset_broker_connections()

    def restore() -> None:
        patch.undo()
        _reset_broker_connections()

    yield restore
    restore()
