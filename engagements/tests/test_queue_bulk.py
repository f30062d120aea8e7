"""HR's decision on several sets of culture-fit notes at once: each decided through
`culture_approval_submit` with its own result, a bounded selection, and only the
notes HR may see."""

import uuid

import pytest

from lib.bulk import MAX_BULK_ITEMS
from lib.tenancy import organization_context
from recruiting import services
from recruiting.models import CultureApproval, CultureStatus, Stage, Submission
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    ClientFactory,
    MembershipFactory,
    RoleFactory,
)

BULK = "/approvals/decide/"


def _role(organization, client):
    role = RoleFactory(organization=organization, client=client, title="Platform engineer")
    agreement = AgreementFactory(organization=organization, role=role)
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    return role


@pytest.fixture
def role(organization, client_company):
    return _role(organization, client_company)


def _awaiting_hr(recruiter, role, name: str) -> Submission:
    candidate = CandidateFactory(organization=role.organization, full_name=name)
    with organization_context(role.organization_id):
        return services.submission_create(
            actor=recruiter,
            role=role,
            candidate=candidate,
            pitch=f"{name} rebuilt the billing platform.",
            culture_fit_notes="Writes things down; calm under pressure.",
        )


def _stored(submission) -> Submission:
    with organization_context(submission.organization_id):
        return Submission.objects.get(pk=submission.pk)


def test_the_queue_offers_to_decide_on_several(client_for, hr, recruiter, role):
    submission = _awaiting_hr(recruiter, role, "Grace Hopper")

    content = client_for(hr).get("/approvals/").content.decode()

    assert f'action="{BULK}"' in content
    assert f'value="{submission.public_id}" form="bulk-decision"' in content
    assert "Approve the ticked notes" in content


def test_hr_approves_several_notes_and_each_moves_on_to_the_hiring_manager(
    client_for, hr, recruiter, role
):
    chosen = [_awaiting_hr(recruiter, role, name) for name in ("Grace Hopper", "Ada Lovelace")]

    response = client_for(hr).post(
        BULK, {"submissions": [s.public_id for s in chosen], "decision": "approve"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/approvals/"
    assert "Approved 2: Grace Hopper, Ada Lovelace." in response.content.decode()
    for submission in chosen:
        stored = _stored(submission)
        assert (stored.culture_status, stored.stage) == (CultureStatus.APPROVED, Stage.HM_REVIEW)
    with organization_context(role.organization_id):
        assert CultureApproval.objects.filter(reviewer=hr).count() == 2


def test_notes_decided_meanwhile_are_refused_with_the_reason_and_the_others_approved(
    client_for, hr, recruiter, role
):
    waiting = _awaiting_hr(recruiter, role, "Grace Hopper")
    decided = _awaiting_hr(recruiter, role, "Ada Lovelace")
    with organization_context(role.organization_id):
        services.culture_approval_submit(actor=hr, submission=decided, decision="approve")

    response = client_for(hr).post(
        BULK,
        {"submissions": [waiting.public_id, decided.public_id], "decision": "approve"},
        follow=True,
    )

    content = response.content.decode()
    assert "Approved 1: Grace Hopper." in content
    assert "Not approved 1: These culture-fit notes are not awaiting approval (Ada Lovelace)." in (
        content
    )
    assert _stored(waiting).culture_status == CultureStatus.APPROVED


def test_changes_requested_on_several_go_back_with_the_comment_or_not_at_all(
    client_for, hr, recruiter, role
):
    chosen = [_awaiting_hr(recruiter, role, name) for name in ("Grace Hopper", "Ada Lovelace")]
    client = client_for(hr)
    ids = [s.public_id for s in chosen]

    without = client.post(
        BULK, {"submissions": ids, "decision": "request_changes"}, follow=True
    ).content.decode()
    assert "No changes requested on 2: Say what should change in the notes (Grace Hopper, " in (
        without
    )
    assert {_stored(s).culture_status for s in chosen} == {CultureStatus.PENDING}

    client.post(
        BULK,
        {"submissions": ids, "decision": "request_changes", "comment": "Name the team's traits."},
    )
    assert {_stored(s).culture_status for s in chosen} == {CultureStatus.CHANGES_REQUESTED}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "approve"}, "Tick the notes to decide on."),
        (
            {
                "decision": "approve",
                "submissions": [str(uuid.uuid4()) for _ in range(MAX_BULK_ITEMS + 1)],
            },
            f"Choose at most {MAX_BULK_ITEMS} at a time (you chose {MAX_BULK_ITEMS + 1}).",
        ),
        ({"decision": "approve", "submissions": ["not-an-id"]}, "not one this page offered"),
        ({"decision": "shrug", "submissions": [str(uuid.uuid4())]}, "Select a valid choice."),
    ],
)
def test_a_bad_selection_or_decision_is_a_form_error_on_the_queue(
    client_for, hr, recruiter, role, data, message
):
    submission = _awaiting_hr(recruiter, role, "Grace Hopper")

    response = client_for(hr).post(BULK, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Culture-fit approvals" in response.content.decode()
    assert _stored(submission).culture_status == CultureStatus.PENDING


def test_only_hr_may_decide_on_several(client_for, recruiter, hiring_manager, role):
    submission = _awaiting_hr(recruiter, role, "Grace Hopper")
    for member in (recruiter, hiring_manager):
        response = client_for(member).post(
            BULK, {"submissions": [submission.public_id], "decision": "approve"}
        )
        assert response.status_code == 403
    assert _stored(submission).culture_status == CultureStatus.PENDING


def test_another_clients_or_organizations_hr_finds_none_of_the_notes(
    client_for, organization, other_organization, recruiter, role
):
    submission = _awaiting_hr(recruiter, role, "Grace Hopper")
    other_client = ClientFactory(organization=organization, name="Globex Logistics")
    elsewhere = MembershipFactory(organization=organization, role="hr", client=other_client)
    outsider = MembershipFactory(organization=other_organization, role="hr")

    for member in (elsewhere, outsider):
        response = client_for(member).post(
            BULK, {"submissions": [submission.public_id], "decision": "approve"}, follow=True
        )
        assert "Not approved 1: Not found" in response.content.decode()
    assert _stored(submission).culture_status == CultureStatus.PENDING
