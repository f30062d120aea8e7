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


def test_a_real_worker_builds_the_candidate_export_asked_for_through_the_api(
    start_worker, tmp_path, settings, recruiter
):
    """The export's whole path: the API's 202, the build enqueued after commit, a worker
    process writing the ZIP where the download view reads it, the signed link."""
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from recruiting.services import candidate_create
    from tests.api.conftest import issue_key, key_client

    settings.MEDIA_ROOT = tmp_path / "media"
    start_worker(MEDIA_ROOT=str(settings.MEDIA_ROOT))
    pdf = b"%PDF-1.4\n%%EOF\n"
    with organization_context(recruiter.organization_id):
        candidate = candidate_create(
            actor=recruiter,
            full_name="Grace Hopper",
            email="grace@navy.test",
            resume=SimpleUploadedFile("cv.pdf", pdf, content_type="application/pdf"),
        )
    api = key_client(issue_key(recruiter))

    asked = api.post(f"/api/v1/candidates/{candidate.public_id}/export/")
    assert asked.status_code == 202

    wait_until(lambda: api.get(asked["Location"]).json()["state"] == "ready", "the export")
    download = api.get(api.get(asked["Location"]).json()["download_url"])
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert archive.read("files/resume.pdf") == pdf
        assert b"grace@navy.test" in archive.read("candidate.json")
