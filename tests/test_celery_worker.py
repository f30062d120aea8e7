"""A real Celery worker process, fed through Redis, sends the invitation email."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts import services
from config.celery import app as celery_app
from lib.tenancy import organization_context

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_DEADLINE_SECONDS = 60


@pytest.fixture
def queue(monkeypatch):
    """A queue of this test's own, so parallel test runs never take each other's tasks."""
    name = f"test-{uuid.uuid4().hex}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    # The router caches its queues; give it fresh ones that create the new default.
    monkeypatch.setattr(celery_app.amqp, "queues", celery_app.amqp.Queues({}, create_missing=True))
    yield name
    celery_app.conf.task_default_queue = previous


@pytest.fixture
def worker(queue, tmp_path):
    """Start `celery worker` on the test database and the test's queue; stop it afterwards."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set in CI: this test needs a real broker")
        pytest.skip("REDIS_URL is not set")
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
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
            queue,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield mail_dir
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)  # shown by pytest when the test fails


def _wait_for_files(folder: Path) -> list[Path]:
    deadline = time.monotonic() + WORKER_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        if files:
            return files
        time.sleep(0.2)  # waiting on another process, not on the clock of the code under test
    return []


def test_a_real_worker_sends_the_invitation_email_enqueued_after_commit(worker, owner):
    with organization_context(owner.organization_id):
        invitation = services.invitation_create(
            actor=owner, email="through-redis@example.test", role="recruiter"
        )

    (mail_file,) = _wait_for_files(worker)
    message = mail_file.read_text()
    assert "To: through-redis@example.test" in message
    assert services.invitation_token(invitation) in message
    assert owner.organization.name in message
