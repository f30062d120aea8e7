"""A real Celery worker process, fed through Redis, sends the invitation email."""

import pytest

from accounts import services
from lib.tenancy import organization_context
from tests.workers import mail_files, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_sends_the_invitation_email_enqueued_after_commit(
    start_worker, tmp_path, owner
):
    start_worker()
    with organization_context(owner.organization_id):
        invitation = services.invitation_create(
            actor=owner, email="through-redis@example.test", role="recruiter"
        )

    wait_until(lambda: mail_files(tmp_path / "mail"), "the invitation mail")
    (mail_file,) = mail_files(tmp_path / "mail")
    message = mail_file.read_text()
    assert "To: through-redis@example.test" in message
    assert services.invitation_token(invitation) in message
    assert owner.organization.name in message
