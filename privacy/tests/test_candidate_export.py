"""What a candidate's export holds: every section of the document, filled from their
whole history and from nothing of anyone else's, and their résumé's bytes, in a ZIP
built by the task a worker runs."""

import hashlib
import json
import zipfile

import pytest
from django.core.files.storage import default_storage

from lib.exceptions import PermissionDenied
from lib.tenancy import organization_context
from privacy import services, tasks
from privacy.models import CandidateExport, ExportState
from privacy.sections import SCHEMA, SCHEMA_VERSION, SECTIONS
from privacy.tests.conftest import PDF

pytestmark = pytest.mark.django_db


def _built(history, recruiter) -> CandidateExport:
    with organization_context(history.organization.id):
        export = services.candidate_export_request(actor=recruiter, candidate=history.candidate)
    tasks.build_candidate_export(str(history.organization.id), export.pk)
    with organization_context(history.organization.id):
        return CandidateExport.objects.get(pk=export.pk)


def _archive(export) -> zipfile.ZipFile:
    return zipfile.ZipFile(default_storage.open(export.file_path, "rb"))


def _document(export) -> dict:
    with _archive(export) as archive:
        return json.loads(archive.read("candidate.json"))


def test_the_task_builds_a_zip_that_opens_and_holds_the_document_and_the_resume(history, recruiter):
    export = _built(history, recruiter)

    assert export.state == ExportState.READY
    assert export.file_path == f"exports/{history.organization.id}/{export.public_id}.zip"
    assert export.expires_at > export.finished_at
    with _archive(export) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == ["candidate.json", "files/resume.pdf"]
        assert archive.read("files/resume.pdf") == PDF
    assert export.file_size == default_storage.size(export.file_path)
    resume = _document(export)["sections"]["profile"]["resume"]
    assert resume == {
        "file": "files/resume.pdf",
        "original_name": "grace-cv.pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }


def test_every_section_is_filled_from_the_candidates_history(history, recruiter):
    document = _document(_built(history, recruiter))
    sections = document["sections"]

    assert document["schema"] == SCHEMA
    assert document["schema_version"] == SCHEMA_VERSION
    assert list(sections) == [section.name for section in SECTIONS]
    assert list(document["section_descriptions"]) == list(sections)
    assert [name for name, content in sections.items() if not content] == []
    assert document["export"]["requested_by"]["email"] == recruiter.user.email

    profile = sections["profile"]
    assert profile["id"] == str(history.candidate.public_id)
    assert (profile["email"], profile["phone"]) == ("grace@navy.test", "+1 555 0100")
    assert profile["internal_notes"] == "Prefers remote; salary expectation 140k."
    assert profile["consent_to_represent"] is True
    represent, store = sections["consent_history"]
    assert (represent["purpose"], represent["granted"]) == ("represent", True)
    assert (store["purpose"], store["method"]) == ("store", "call")
    assert store["note"] == "Agreed on the phone to stay on file."
    assert store["recorded_by"]["email"] == recruiter.user.email

    submission_id = str(history.submission.public_id)
    (submission,) = sections["submissions"]
    assert submission["id"] == submission_id
    assert submission["stage"] == "withdrawn"
    assert submission["culture_fit_notes"] == "Calm under pressure; mentors juniors."
    assert submission["submitted_by"]["email"] == recruiter.user.email

    assert [(r["decision"], r["comment"]) for r in sections["skills_reviews"]] == [
        ("need_info", "Which languages has she shipped?"),
        ("advance", "Strong."),
    ]
    assert {r["reviewer"]["email"] for r in sections["skills_reviews"]} == {"hm@northwind.test"}
    (approval,) = sections["culture_approvals"]
    assert (approval["decision"], approval["reviewer"]["email"]) == ("approve", "hr@northwind.test")
    assert approval["reviewed_notes"] == "Calm under pressure; mentors juniors."
    (feedback,) = sections["interview_feedback"]
    assert (feedback["rating"], feedback["comment"]) == (5, "Outstanding on systems design.")

    # The reasons of every move: the recruiter's, and those the reviews gave.
    assert [(note["kind"], note["text"]) for note in sections["notes"]] == [
        ("internal_notes", "Prefers remote; salary expectation 140k."),
        ("stage_reason", "Culture-fit notes approved by HR"),
        ("answer", "COBOL and FLOW-MATIC, in production."),
        ("stage_reason", "Strong."),
        ("stage_reason", "Accepted a post at the Navy."),
    ]
    assert sections["notes"][-1]["author"]["email"] == recruiter.user.email

    verbs = [entry["verb"] for entry in sections["timeline"]]
    for verb in (
        "candidate.created",
        "submission.created",
        "culture_approval.completed",
        "review.completed",
        "submission.info_provided",
        "interview.feedback_logged",
        "submission.stage_changed",
    ):
        assert verb in verbs
    assert {e["submission"] for e in sections["timeline"]} <= {submission_id, None}

    (nudge,) = sections["nudges"]
    assert (nudge["id"], nudge["submission"]) == (str(history.nudge.public_id), submission_id)
    (notification,) = sections["notifications"]
    assert notification["title"] == "Grace Hopper is waiting for your review"
    assert sections["mails"] == [
        {
            "kind": "nudge",
            "nudge": str(history.nudge.public_id),
            "to": "hm@northwind.test",
            "sent_at": sections["mails"][0]["sent_at"],
        }
    ]

    deliveries = sections["webhook_deliveries"]
    assert {d["event_type"] for d in deliveries} >= {"submission.created", "review.completed"}
    for delivery in deliveries:
        assert delivery["endpoint"] == history.endpoint.url
        named = json.dumps(delivery["payload"])
        assert submission_id in named or str(history.candidate.public_id) in named


def test_nothing_of_another_candidate_is_exported(history, recruiter):
    with _archive(_built(history, recruiter)) as archive:
        text = archive.read("candidate.json").decode()

    for trace in (
        "Alan Turing",
        "alan@bletchley.test",
        "Not Grace.",
        "Broke Enigma.",
        str(history.other.public_id),
        str(history.other_submission.public_id),
        str(history.other_nudge.public_id),
    ):
        assert trace not in text


def test_a_resume_file_missing_from_storage_is_noted_and_the_rest_exported(history, recruiter):
    default_storage.delete(history.candidate.resume.name)

    export = _built(history, recruiter)

    assert export.state == ExportState.READY
    with _archive(export) as archive:
        assert archive.namelist() == ["candidate.json"]
    resume = _document(export)["sections"]["profile"]["resume"]
    assert resume == {"file": None, "original_name": "grace-cv.pdf", "missing": True}


def test_asking_again_while_one_is_pending_answers_with_that_one(history, recruiter, admin):
    with organization_context(history.organization.id):
        first = services.candidate_export_request(actor=recruiter, candidate=history.candidate)
        again = services.candidate_export_request(actor=admin, candidate=history.candidate)
        assert again.pk == first.pk
        assert CandidateExport.objects.count() == 1


def test_a_built_export_is_not_built_again(history, recruiter):
    export = _built(history, recruiter)
    with organization_context(history.organization.id):
        assert services.candidate_export_build(export_id=export.pk) is None
        assert CandidateExport.objects.get(pk=export.pk).finished_at == export.finished_at


def test_a_build_that_cannot_store_its_file_is_recorded_as_failed(
    history, recruiter, settings, tmp_path
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("MEDIA_ROOT is a file: nothing can be stored under it")
    settings.MEDIA_ROOT = blocked
    with organization_context(history.organization.id):
        export = services.candidate_export_request(actor=recruiter, candidate=history.candidate)
    tasks.build_candidate_export(str(history.organization.id), export.pk)

    with organization_context(history.organization.id):
        export.refresh_from_db()
    assert export.state == ExportState.FAILED
    assert export.error == "The export could not be built. Ask for a new one."
    assert export.file_path == ""
    assert export.expires_at is None


@pytest.mark.parametrize("role", ["hiring_manager", "hr"])
def test_client_users_cannot_ask_for_an_export(request, history, role):
    member = request.getfixturevalue(role)
    with organization_context(history.organization.id), pytest.raises(PermissionDenied):
        services.candidate_export_request(actor=member, candidate=history.candidate)


def test_another_organizations_member_cannot_ask_for_an_export(history, outsider):
    with organization_context(outsider.organization_id), pytest.raises(PermissionDenied):
        services.candidate_export_request(actor=outsider, candidate=history.candidate)
