"""What the privacy work writes to the security log: consent recorded or withdrawn, a
candidate's export, their erasure, the retention policy's run. The log is append-only
and no erasure reaches it, so it names a candidate by public id only, and never keeps
the candidate's own address or browser."""

import pytest
from django.test import Client

from accounts.audit import record_security_event, verify_chain
from accounts.models import SecurityEvent, SecurityEventKind
from lib.tenancy import organization_context
from privacy.services import candidate_erase, candidate_export_request, retention_run
from recruiting.services.consent import consent_link_token, consent_record
from tests.factories import CandidateFactory


@pytest.fixture
def candidate(organization):
    return CandidateFactory(
        organization=organization, full_name="Odile Vantongeren", email="odile@vt.example"
    )


def _events(organization, kind) -> list[SecurityEvent]:
    with organization_context(organization.id):
        return list(SecurityEvent.objects.filter(kind=kind).order_by("sequence"))


def _names_them(event: SecurityEvent) -> bool:
    text = f"{event.target} {event.details} {event.actor_email}"
    return "Odile" in text or "odile@" in text


def test_a_recruiter_recording_consent_is_logged_with_who_and_for_what(
    organization, recruiter, candidate
):
    with organization_context(organization.id):
        consent_record(
            actor=recruiter, candidate=candidate, purpose="store", granted=False, method="call"
        )

    (event,) = _events(organization, SecurityEventKind.CONSENT_WITHDRAWN)
    assert (event.actor_id, event.target) == (recruiter.user_id, f"candidate {candidate.public_id}")
    assert event.details == {"purpose": "store", "method": "call"}
    assert not _names_them(event)


def test_the_candidates_own_answer_is_logged_without_their_address_or_browser(
    organization, candidate
):
    response = Client(REMOTE_ADDR="203.0.113.61", HTTP_USER_AGENT="Odile's phone").post(
        f"/consent/{consent_link_token(candidate)}/", {"represent": "withdrawn", "store": "given"}
    )
    assert response.status_code == 302

    given = _events(organization, SecurityEventKind.CONSENT_RECORDED)
    withdrawn = _events(organization, SecurityEventKind.CONSENT_WITHDRAWN)
    assert [e.details["method"] for e in given + withdrawn] == ["link", "link"]
    assert {(e.actor_id, e.ip_address, e.user_agent) for e in given + withdrawn} == {(None, "", "")}


def test_an_export_and_an_erasure_are_logged_by_public_id(organization, recruiter, candidate):
    with organization_context(organization.id):
        export = candidate_export_request(actor=recruiter, candidate=candidate)
        candidate_erase(actor=recruiter, candidate=candidate)

    (exported,) = _events(organization, SecurityEventKind.CANDIDATE_EXPORTED)
    (erased,) = _events(organization, SecurityEventKind.CANDIDATE_ERASED)
    assert exported.details == {"export": str(export.public_id)}
    assert erased.details == {"via": "page"}
    for event in (exported, erased):
        assert (event.actor_id, event.target) == (
            recruiter.user_id,
            f"candidate {candidate.public_id}",
        )
        assert not _names_them(event)


def test_the_retention_run_is_logged_with_what_it_did(organization, other_organization):
    with organization_context(organization.id):
        run = retention_run(organization_id=organization.id)

    (event,) = _events(organization, SecurityEventKind.RETENTION_APPLIED)
    assert event.target == f"the run of {run.day.isoformat()}"
    assert event.details == {
        "candidates_erased": 0,
        "webhook_deliveries_deleted": 0,
        "idempotency_records_deleted": 0,
    }
    assert _events(other_organization, SecurityEventKind.RETENTION_APPLIED) == []


def test_an_erasure_leaves_the_security_log_untouched_and_its_chain_whole(
    organization, recruiter, candidate
):
    # A member's own address that happens to be the candidate's, in the log before.
    record_security_event(organization, SecurityEventKind.SIGNED_IN, target="odile@vt.example")
    with organization_context(organization.id):
        candidate_erase(actor=recruiter, candidate=candidate)

    (signed_in,) = _events(organization, SecurityEventKind.SIGNED_IN)
    assert signed_in.target == "odile@vt.example"
    assert verify_chain(organization.id) == (2, None)
