"""Who may ask for a candidate's export and download it, on the pages and through the
API: the agency's owners, admins and recruiters, with the signed link, until it
expires. Hiring managers and HR are refused; another organization sees nothing."""

import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from lib.tenancy import organization_context
from privacy import services, tasks
from privacy.models import CandidateExport, ExportState
from tests.api.conftest import issue_key, key_client
from tests.factories import CandidateExportFactory, CandidateFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def candidate(organization, recruiter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from recruiting.services import candidate_create

    with organization_context(organization.id):
        return candidate_create(
            actor=recruiter,
            full_name="Grace Hopper",
            email="grace@navy.test",
            resume=SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf"),
        )


def _exports(organization_id):
    with organization_context(organization_id):
        return list(CandidateExport.objects.all())


def _ready(candidate, actor) -> CandidateExport:
    with organization_context(candidate.organization_id):
        export = services.candidate_export_request(actor=actor, candidate=candidate)
    tasks.build_candidate_export(str(candidate.organization_id), export.pk)
    with organization_context(candidate.organization_id):
        return CandidateExport.objects.get(pk=export.pk)


def _page_link(client, candidate) -> str:
    """The download link the export page shows."""
    page = client.get(reverse("privacy:candidate-exports", args=[candidate.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('href="/candidate-exports/')
    return html[start + len('href="') : html.index('"', start + len('href="'))].replace(
        "&amp;", "&"
    )


def _zip_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


# --- The pages ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "admin", "recruiter"])
def test_the_agency_finds_the_export_page_from_the_candidate_page(
    request, client_for, candidate, role
):
    client = client_for(request.getfixturevalue(role))
    page = client.get(reverse("recruiting:candidate-detail", args=[candidate.public_id]))
    exports_url = reverse("privacy:candidate-exports", args=[candidate.public_id])
    assert f'href="{exports_url}"' in page.content.decode()
    assert client.get(exports_url).status_code == 200


def test_a_recruiter_asks_for_an_export_and_downloads_it_from_the_page(
    client_for, recruiter, candidate
):
    client = client_for(recruiter)
    url = reverse("privacy:candidate-exports", args=[candidate.public_id])

    asked = client.post(url)

    assert asked.status_code == 302
    (export,) = _exports(candidate.organization_id)
    assert (export.state, export.requested_by_id, export.candidate_id) == (
        ExportState.PENDING,
        recruiter.pk,
        candidate.pk,
    )
    pending = client.get(url, headers={"HX-Request": "true"})
    assert b"Being prepared" in pending.content
    assert b'hx-trigger="every 3s"' in pending.content  # the list polls while pending

    tasks.build_candidate_export(str(candidate.organization_id), export.pk)
    ready = client.get(url, headers={"HX-Request": "true"})
    assert b"hx-trigger" not in ready.content  # and stops once it is ready
    download = client.get(_page_link(client, candidate))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(_zip_bytes(download))) as archive:
        assert archive.read("files/resume.pdf") == PDF


@pytest.mark.parametrize("role", ["hiring_manager", "hr"])
def test_client_users_are_refused_the_export_pages(
    request, client_for, candidate, recruiter, role, client_company
):
    from tests.factories import SubmissionFactory

    SubmissionFactory(
        organization=client_company.organization,
        candidate=candidate,
        role__client=client_company,
    )
    export = _ready(candidate, recruiter)
    client = client_for(request.getfixturevalue(role))
    link = _page_link(client_for(recruiter), candidate)
    # They see the candidate (submitted to their client), but no way to export them.
    page = client.get(reverse("recruiting:candidate-detail", args=[candidate.public_id]))
    assert page.status_code == 200
    assert b"Export data" not in page.content

    url = reverse("privacy:candidate-exports", args=[candidate.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert client.get(link).status_code == 403
    assert _exports(candidate.organization_id) == [export]


def test_another_organization_can_neither_ask_for_nor_download_an_export(
    client_for, outsider, recruiter, candidate
):
    export = _ready(candidate, recruiter)
    link = _page_link(client_for(recruiter), candidate)
    client = client_for(outsider)
    url = reverse("privacy:candidate-exports", args=[candidate.public_id])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.get(link).status_code == 404
    assert _exports(candidate.organization_id) == [export]


def test_a_link_with_another_signature_or_none_is_refused(
    client_for, organization, recruiter, candidate
):
    export = _ready(candidate, recruiter)
    client = client_for(recruiter)
    url = reverse("privacy:candidate-export-download", args=[export.public_id])

    assert client.get(url).status_code == 403
    assert client.get(url, {"signature": "forged"}).status_code == 403
    other = CandidateFactory(organization=organization)
    _ready(other, recruiter)
    signature = _page_link(client, other).split("signature=")[1]
    assert client.get(url, {"signature": signature}).status_code == 403


def test_the_link_works_until_it_expires_and_the_purge_then_deletes_the_file(
    client_for, recruiter, candidate
):
    export = _ready(candidate, recruiter)
    client = client_for(recruiter)
    link = _page_link(client, candidate)
    assert export.expires_at == export.finished_at + timedelta(hours=24)

    with time_machine.travel(export.expires_at - timedelta(minutes=1)):
        assert client.get(link).status_code == 200
        assert services.candidate_exports_purge_expired() == 0
    with time_machine.travel(export.expires_at + timedelta(seconds=1)):
        assert client.get(link).status_code == 404
        page = client.get(reverse("privacy:candidate-exports", args=[candidate.public_id]))
        assert b"signature=" not in page.content
        assert tasks.purge_expired_candidate_exports() == 1
        assert tasks.purge_expired_candidate_exports() == 0

    assert not default_storage.exists(export.file_path)
    (expired,) = _exports(candidate.organization_id)
    assert (expired.state, expired.file_path) == (ExportState.EXPIRED, "")
    assert client.get(link).status_code == 403  # an expired export signs no link


def test_a_pending_export_whose_message_was_lost_is_enqueued_again(organization, candidate):
    export = CandidateExportFactory(organization=organization, candidate=candidate)
    assert services.candidate_exports_requeue_stale() == 0  # too young to be lost

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert tasks.requeue_stale_candidate_exports() == 1
        with organization_context(organization.id):
            export.refresh_from_db()
        assert export.enqueued_at is not None
        assert services.candidate_exports_requeue_stale() == 0  # handed over just now


# --- The API ------------------------------------------------------------------------


def test_the_api_answers_202_with_a_status_that_leads_to_the_download(recruiter, candidate):
    api = key_client(issue_key(recruiter))

    asked = api.post(f"/api/v1/candidates/{candidate.public_id}/export/")

    assert asked.status_code == 202
    body = asked.json()
    assert body["state"] == "pending"
    assert body["candidate"] == str(candidate.public_id)
    assert body["requested_by"] == recruiter.user.email
    assert body["download_url"] is None
    assert body["url"] == f"http://testserver/api/v1/candidate-exports/{body['id']}/"
    assert asked["Location"] == body["url"]

    (export,) = _exports(candidate.organization_id)
    tasks.build_candidate_export(str(candidate.organization_id), export.pk)
    (export,) = _exports(candidate.organization_id)
    status = api.get(body["url"]).json()
    assert status["state"] == "ready"
    assert status["download_url"].startswith(f"{body['url']}download/?signature=")
    download = api.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(_zip_bytes(download))) as archive:
        assert archive.read("files/resume.pdf") == PDF
    listed = api.get("/api/v1/candidate-exports/", {"candidate": str(candidate.public_id)})
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]

    with time_machine.travel(export.expires_at + timedelta(seconds=1)):
        assert api.get(body["url"]).json()["download_url"] is None
        expired = api.get(status["download_url"])
        assert expired.status_code == 404
        assert expired["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("role", ["hiring_manager", "hr"])
def test_client_users_keys_are_refused_every_export_route(request, recruiter, candidate, role):
    export = _ready(candidate, recruiter)
    ours = key_client(issue_key(recruiter)).get(f"/api/v1/candidate-exports/{export.public_id}/")
    api = key_client(issue_key(request.getfixturevalue(role)))

    assert api.post(f"/api/v1/candidates/{candidate.public_id}/export/").status_code == 403
    assert api.get("/api/v1/candidate-exports/").status_code == 403
    assert api.get(f"/api/v1/candidate-exports/{export.public_id}/").status_code == 403
    assert api.get(ours.json()["download_url"]).status_code == 403
    assert _exports(candidate.organization_id) == [export]


def test_another_organizations_key_finds_no_candidate_and_no_export(outsider, recruiter, candidate):
    export = _ready(candidate, recruiter)
    link = key_client(issue_key(recruiter)).get(f"/api/v1/candidate-exports/{export.public_id}/")
    api = key_client(issue_key(outsider))

    assert api.post(f"/api/v1/candidates/{candidate.public_id}/export/").status_code == 404
    assert api.get(f"/api/v1/candidate-exports/{export.public_id}/").status_code == 404
    assert api.get(link.json()["download_url"]).status_code == 404
    assert api.get("/api/v1/candidate-exports/").json()["results"] == []
    assert _exports(candidate.organization_id) == [export]


def test_a_read_only_key_cannot_ask_for_an_export(recruiter, candidate):
    api = key_client(issue_key(recruiter, scopes=["read"]))
    assert api.post(f"/api/v1/candidates/{candidate.public_id}/export/").status_code == 403
    assert _exports(candidate.organization_id) == []
