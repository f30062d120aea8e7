"""A candidate's consent as records: recorded by a recruiter on the candidate's page,
given or withdrawn by the candidate through their signed link, and required to put
them forward."""

import importlib
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from activity.models import Activity
from lib.db_roles import owner_connection
from lib.exceptions import ApplicationError, OtherOrganization, PermissionDenied
from lib.tenancy import organization_context
from recruiting import services
from recruiting.models import (
    Candidate,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Stage,
    Submission,
)
from recruiting.services.consent import CONSENT_LINK_SALT, consent_link_token
from recruiting.tasks import send_consent_request
from tests.factories import CandidateFactory, RoleFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(organization):
    """Someone the agency found, who has not said anything about consent yet."""
    return CandidateFactory(
        organization=organization,
        full_name="Grace Hopper",
        email="grace@navy.test",
        consent_to_represent=False,
    )


@pytest.fixture
def role(organization, client_company):
    return RoleFactory(organization=organization, client=client_company)


def _record(actor, candidate, *, granted=True, purpose=ConsentPurpose.REPRESENT, **kwargs):
    with organization_context(candidate.organization_id):
        return services.consent_record(
            actor=actor,
            candidate=candidate,
            purpose=purpose,
            granted=granted,
            method=kwargs.pop("method", ConsentMethod.CALL),
            **kwargs,
        )


def _stored(candidate) -> Candidate:
    with organization_context(candidate.organization_id):
        return Candidate.objects.get(pk=candidate.pk)


def _records(candidate) -> list[ConsentRecord]:
    with organization_context(candidate.organization_id):
        return list(ConsentRecord.objects.filter(candidate=candidate).order_by("id"))


def _verbs(candidate) -> list[str]:
    with organization_context(candidate.organization_id):
        return list(
            Activity.objects.filter(candidate=candidate, verb__startswith="consent.")
            .order_by("id")
            .values_list("verb", flat=True)
        )


# --- Recorded by a recruiter ------------------------------------------------------------


def test_a_recruiter_records_consent_and_its_withdrawal_and_the_latest_is_current(
    recruiter, candidate
):
    given = _record(recruiter, candidate, note="Said yes on the phone, 10:15.")
    assert _stored(candidate).consent_to_represent
    assert _stored(candidate).consent_recorded_at == given.effective_at
    assert not _stored(candidate).consent_to_store

    _record(recruiter, candidate, granted=False, method=ConsentMethod.EMAIL)

    stored = _stored(candidate)
    assert not stored.consent_to_represent
    assert stored.consent_recorded_at is None
    assert [(r.granted, r.method, r.recorded_by_id) for r in _records(candidate)] == [
        (True, "call", recruiter.pk),
        (False, "email", recruiter.pk),
    ]
    assert _verbs(candidate) == ["consent.given", "consent.withdrawn"]


def test_each_purpose_has_its_own_state(recruiter, candidate):
    _record(recruiter, candidate, purpose=ConsentPurpose.STORE)

    stored = _stored(candidate)
    assert stored.consent_to_store
    assert not stored.consent_to_represent


def test_a_record_dated_before_the_latest_one_does_not_change_the_current_state(
    recruiter, candidate
):
    _record(recruiter, candidate)
    _record(
        recruiter,
        candidate,
        granted=False,
        effective_at=timezone.now() - timedelta(days=3),
        note="Found an older email declining.",
    )

    assert _stored(candidate).consent_to_represent
    assert len(_records(candidate)) == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"effective_at": timezone.now() + timedelta(days=1)}, "effective_at"),
        ({"method": ConsentMethod.LINK}, "method"),
        ({"method": ConsentMethod.MIGRATED}, "method"),
        ({"purpose": "marketing"}, "purpose"),
        ({"note": "x" * 1001}, "note"),
    ],
)
def test_a_record_a_recruiter_may_not_make_is_refused_on_its_field(
    recruiter, candidate, changes, field
):
    purpose = changes.pop("purpose", ConsentPurpose.REPRESENT)
    with pytest.raises(ValidationError) as refused:
        _record(recruiter, candidate, purpose=purpose, **changes)

    assert field in refused.value.message_dict
    assert _records(candidate) == []
    assert not _stored(candidate).consent_to_represent


@pytest.mark.parametrize("reader", ["hiring_manager", "hr"])
def test_client_users_cannot_record_consent(request, reader, candidate):
    with pytest.raises(PermissionDenied):
        _record(request.getfixturevalue(reader), candidate)
    assert _records(candidate) == []


def test_another_organizations_candidate_is_refused(outsider, candidate):
    with pytest.raises(OtherOrganization):
        _record(outsider, candidate)


def test_the_apis_flag_adds_a_record_how_not_stated(recruiter, organization):
    with organization_context(organization.id):
        created = services.candidate_create(
            actor=recruiter,
            full_name="Ada Lovelace",
            email="ada@engine.test",
            consent_to_represent=True,
        )
        services.candidate_update(actor=recruiter, candidate=created, consent_to_represent=True)

    [record] = _records(created)
    assert (record.purpose, record.granted, record.method) == ("represent", True, "unstated")
    assert _stored(created).consent_to_represent


@pytest.mark.django_db(transaction=True)
def test_the_migration_records_the_consent_given_before_records_existed(organization):
    before = timezone.now() - timedelta(days=40)
    consenting = CandidateFactory(organization=organization, consent_recorded_at=before)
    silent = CandidateFactory(organization=organization, consent_to_represent=False)
    with organization_context(organization.id):
        ConsentRecord.objects.all().delete()
    migration = importlib.import_module("recruiting.migrations.0012_consent_records")

    with owner_connection():  # as `migrate` runs it
        migration.record_existing_consent(None, SimpleNamespace(connection=connection))

    [record] = _records(consenting)
    assert (record.granted, record.method, record.effective_at) == (True, "migrated", before)
    assert record.get_method_display() == "Recorded by a recruiter (migrated)"
    assert _records(silent) == []


# --- Submissions need current consent -----------------------------------------------------


def test_a_candidate_who_withdrew_cannot_be_submitted(recruiter, candidate, role):
    _record(recruiter, candidate)
    _record(recruiter, candidate, granted=False)

    with organization_context(candidate.organization_id), pytest.raises(ValidationError) as e:
        services.submission_create(actor=recruiter, role=role, candidate=candidate, pitch="Fit.")

    assert "agreed to be represented" in e.value.message_dict["candidate"][0]


def test_the_submission_checks_the_stored_consent_not_the_callers_copy(recruiter, candidate, role):
    _record(recruiter, candidate)
    stale = _stored(candidate)  # read before the withdrawal, as a slow request would
    _record(recruiter, candidate, granted=False)

    with organization_context(candidate.organization_id), pytest.raises(ValidationError):
        services.submission_create(actor=recruiter, role=role, candidate=stale, pitch="Fit.")
    with organization_context(candidate.organization_id):
        assert not Submission.objects.exists()


def test_after_a_withdrawal_a_submission_can_be_closed_but_not_moved_on(
    recruiter, hiring_manager, organization, candidate, role
):
    _record(recruiter, candidate)
    in_review = SubmissionFactory(organization=organization, role=role, candidate=candidate)
    interviewing = SubmissionFactory(
        organization=organization,
        role=RoleFactory(organization=organization, client=role.client),
        candidate=candidate,
        stage=Stage.INTERVIEWING,
    )
    _record(recruiter, candidate, granted=False)

    with organization_context(organization.id):
        with pytest.raises(ApplicationError, match="withdrew their consent"):
            services.submission_move(actor=recruiter, submission=interviewing, to_stage=Stage.OFFER)
        services.submission_move(
            actor=recruiter, submission=in_review, to_stage=Stage.WITHDRAWN, reason="No consent."
        )
        assert Submission.objects.get(pk=interviewing.pk).stage == Stage.INTERVIEWING
        assert Submission.objects.get(pk=in_review.pk).stage == Stage.WITHDRAWN


def test_the_submission_page_refuses_a_candidate_without_current_consent(
    client_for, recruiter, candidate, role
):
    _record(recruiter, candidate)
    _record(recruiter, candidate, granted=False)

    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/submit/",
        {"candidate": str(candidate.public_id), "pitch": "Fit.", "culture_fit_notes": ""},
    )

    assert response.status_code == 400
    assert "they must have agreed to be represented" in response.content.decode()
    with organization_context(candidate.organization_id):
        assert not Submission.objects.exists()


# --- The candidate's page -----------------------------------------------------------


def test_a_recruiter_records_consent_on_the_candidates_page(client_for, recruiter, candidate):
    browser = client_for(recruiter)
    url = f"/candidates/{candidate.public_id}/"

    before = browser.get(url).content.decode()
    response = browser.post(
        f"{url}consent/",
        {
            "purpose": "represent",
            "decision": "given",
            "method": "in_person",
            "note": "At the fair.",
        },
    )
    after = browser.get(url).content.decode()

    assert "No consent recorded yet." in before
    assert response.status_code == 302
    assert "Recorded by a recruiter, in person" in after
    assert "At the fair." in after
    assert "Consent to be represented to our clients for roles: given, recorded." in after
    assert _stored(candidate).consent_to_represent


def test_a_refused_consent_form_shows_its_errors_and_records_nothing(
    client_for, recruiter, candidate
):
    response = client_for(recruiter).post(
        f"/candidates/{candidate.public_id}/consent/",
        {"purpose": "represent", "decision": "given", "method": "link", "note": "x" * 1001},
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice. link is not one of the available choices." in content
    assert "Ensure this value has at most 1000 characters" in content
    assert _records(candidate) == []


def test_the_page_shows_open_submissions_of_a_candidate_who_withdrew(
    client_for, recruiter, organization, candidate, role
):
    _record(recruiter, candidate)
    SubmissionFactory(organization=organization, role=role, candidate=candidate)
    _record(recruiter, candidate, granted=False)

    content = client_for(recruiter).get(f"/candidates/{candidate.public_id}/").content.decode()

    assert "has open submissions but no consent to be represented" in content
    assert "Withdrawn" in content


@pytest.mark.parametrize("reader", ["hiring_manager", "hr"])
def test_client_users_see_no_consent_and_cannot_record_or_send_it(
    request, client_for, recruiter, organization, candidate, role, reader
):
    _record(recruiter, candidate, note="Private: prefers no agency calls on Mondays.")
    SubmissionFactory(organization=organization, role=role, candidate=candidate)
    browser = client_for(request.getfixturevalue(reader))

    page = browser.get(f"/candidates/{candidate.public_id}/")
    recorded = browser.post(
        f"/candidates/{candidate.public_id}/consent/",
        {"purpose": "represent", "decision": "withdrawn", "method": "call"},
    )
    sent = browser.post(f"/candidates/{candidate.public_id}/consent/request/")

    assert page.status_code == 200
    assert "prefers no agency calls" not in page.content.decode()
    assert "consent-heading" not in page.content.decode()
    assert recorded.status_code == 403
    assert sent.status_code == 403
    assert len(_records(candidate)) == 1


def test_another_organizations_member_gets_404(client_for, outsider, candidate):
    browser = client_for(outsider)

    recorded = browser.post(
        f"/candidates/{candidate.public_id}/consent/",
        {"purpose": "represent", "decision": "given", "method": "call"},
    )
    sent = browser.post(f"/candidates/{candidate.public_id}/consent/request/")

    assert recorded.status_code == 404
    assert sent.status_code == 404
    assert _records(candidate) == []


def test_the_candidate_list_filters_those_without_consent(
    client_for, recruiter, organization, candidate
):
    CandidateFactory(organization=organization, full_name="Katherine Johnson")

    missing = client_for(recruiter).get("/candidates/", {"consent": "missing"}).content.decode()
    given = client_for(recruiter).get("/candidates/", {"consent": "given"}).content.decode()

    assert "Grace Hopper" in missing
    assert "Katherine Johnson" not in missing
    assert "Katherine Johnson" in given
    assert "Grace Hopper" not in given


# --- The link mailed to the candidate -------------------------------------------------


def _link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/consent/[^\s\"<]+/)", message.body)[1]


def test_the_recruiter_mails_the_link_and_the_candidate_gives_consent_through_it(
    client_for, recruiter, candidate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueued:
        response = client_for(recruiter).post(f"/candidates/{candidate.public_id}/consent/request/")
    assert response.status_code == 302
    assert len(enqueued) == 1
    send_consent_request(str(candidate.organization_id), candidate.pk, recruiter.pk)  # the worker

    [message] = mail.outbox
    assert message.to == ["grace@navy.test"]
    assert "Northwind Talent" in message.subject
    path = _link_path(message)
    visitor = Client(HTTP_USER_AGENT="Firefox/140.0", REMOTE_ADDR="203.0.113.7")

    page = visitor.get(path)
    answered = visitor.post(path, {"represent": "given", "store": "withdrawn"})
    again = visitor.post(path, {"represent": "given", "store": "withdrawn"})

    assert page.status_code == 200
    assert "Northwind Talent" in page.content.decode()
    assert answered.status_code == 302
    assert again.status_code == 302
    records = _records(candidate)
    assert [(r.purpose, r.granted, r.method) for r in records] == [
        ("represent", True, "link"),
        ("store", False, "link"),
    ]
    assert {(r.ip_address, r.user_agent, r.recorded_by_id) for r in records} == {
        ("203.0.113.7", "Firefox/140.0", None)
    }
    assert _stored(candidate).consent_to_represent
    assert _verbs(candidate) == ["consent.requested", "consent.given", "consent.withdrawn"]


def test_the_candidate_withdraws_through_the_link(recruiter, candidate):
    _record(recruiter, candidate)
    path = f"/consent/{consent_link_token(candidate)}/"

    response = Client().post(path, {"represent": "withdrawn", "store": "withdrawn"})

    assert response.status_code == 302
    assert not _stored(candidate).consent_to_represent
    assert [r.method for r in _records(candidate)] == ["call", "link", "link"]


def test_an_unanswered_link_form_is_refused_with_its_field_messages(candidate):
    response = Client().post(f"/consent/{consent_link_token(candidate)}/", {"represent": "given"})

    assert response.status_code == 400
    assert "Answer yes or no." in response.content.decode()
    assert _records(candidate) == []


def test_a_second_link_within_minutes_is_refused(client_for, recruiter, candidate):
    browser = client_for(recruiter)
    browser.post(f"/candidates/{candidate.public_id}/consent/request/")

    response = browser.post(f"/candidates/{candidate.public_id}/consent/request/", follow=True)

    assert "less than 5 minutes ago" in response.content.decode()
    assert _verbs(candidate) == ["consent.requested"]


def test_an_expired_link_says_so_and_records_nothing(candidate):
    path = f"/consent/{consent_link_token(candidate)}/"

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        shown = Client().get(path)
        posted = Client().post(path, {"represent": "given", "store": "given"})

    assert shown.status_code == 410
    assert "This link has expired" in shown.content.decode()
    assert posted.status_code == 410
    assert _records(candidate) == []


def test_a_link_still_works_on_its_last_day(candidate):
    path = f"/consent/{consent_link_token(candidate)}/"

    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23)):
        assert Client().get(path).status_code == 200


@pytest.mark.parametrize(
    "alter",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token[: len(token) // 2],
        lambda token: "not-a-token",
    ],
    ids=["signature changed", "cut short", "made up"],
)
def test_a_tampered_link_is_not_valid(candidate, alter):
    response = Client().get(f"/consent/{alter(consent_link_token(candidate))}/")

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_a_link_naming_another_organizations_candidate_finds_nothing(
    organization, other_organization
):
    """Even signed by us, a link whose organization is not the candidate's opens nothing:
    the candidate is looked for in the organization the link names."""
    theirs = CandidateFactory(organization=other_organization, consent_to_represent=False)
    forged = signing.TimestampSigner(salt=CONSENT_LINK_SALT).sign_object(
        {"o": str(organization.id), "c": str(theirs.public_id)}
    )

    shown = Client().get(f"/consent/{forged}/")
    posted = Client().post(f"/consent/{forged}/", {"represent": "given", "store": "given"})

    assert shown.status_code == 404
    assert posted.status_code == 404
    assert _records(theirs) == []


def test_a_link_signed_for_something_else_is_not_valid(candidate):
    other_purpose = signing.TimestampSigner(salt="another.salt").sign_object(
        {"o": str(candidate.organization_id), "c": str(candidate.public_id)}
    )
    assert Client().get(f"/consent/{other_purpose}/").status_code == 404


def test_a_member_of_another_organization_opening_the_link_answers_for_the_candidate(
    client_for, outsider, candidate
):
    """The link works in the candidate's organization whatever session the browser has."""
    browser = client_for(outsider)
    path = f"/consent/{consent_link_token(candidate)}/"

    response = browser.post(path, {"represent": "given", "store": "given"})

    assert response.status_code == 302
    assert _stored(candidate).consent_to_represent
    assert _stored(candidate).consent_to_store
