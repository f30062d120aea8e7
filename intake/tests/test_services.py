import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activity.models import Activity
from intake import selectors, services
from intake.models import AgreementStatus, ExpectationAgreement, IntakeMeeting
from lib.exceptions import ApplicationError, PermissionDenied
from lib.tenancy import organization_context
from recruiting.models import ContactKind, Role
from tests.factories import ClientFactory, ContactFactory, MembershipFactory, RoleFactory


def terms(**overrides) -> dict:
    base = {
        "submissions_per_week": 3,
        "shortlist_size": 5,
        "checkin_cadence": "weekly",
        "checkin_weekday": 1,
        "checkin_time": datetime.time(10, 0),
        "interview_stages": [
            {"name": "Technical interview", "owner": "hiring_manager", "expected_days": 3},
            {"name": "Culture interview", "owner": "hr", "expected_days": 2},
        ],
        "hm_review_sla_hours": 16,
        "hr_approval_sla_hours": 8,
        "interview_feedback_sla_hours": 24,
        "offer_decision_sla_hours": 48,
        "culture_notes_need_hr_approval": True,
        "must_haves": ["Python", "PostgreSQL"],
        "nice_to_haves": ["Celery"],
        "deal_breakers": [],
        "culture_traits": ["Writes things down"],
        "glossary": [{"term": "senior", "meaning": "five years shipping production code"}],
        "talent_scarcity": "scarce",
        "salary_position": "at",
        "expected_days_to_fill": 45,
        "market_notes": "",
    }
    return base | overrides


@pytest.fixture
def role(organization, client_company):
    hm = ContactFactory(
        organization=organization, client=client_company, kind=ContactKind.HIRING_MANAGER
    )
    hr = ContactFactory(organization=organization, client=client_company, kind=ContactKind.HR)
    return RoleFactory(
        organization=organization, client=client_company, hiring_manager=hm, hr_contact=hr
    )


@pytest.fixture
def in_org(organization):
    with organization_context(organization.id):
        yield


def _propose(actor, role, **overrides):
    return services.agreement_propose(actor=actor, role=role, terms=terms(**overrides))


def _status(agreement) -> str:
    return ExpectationAgreement.objects.get(pk=agreement.pk).status


def _verbs(role) -> list[str]:
    return list(Activity.objects.filter(role=role).order_by("id").values_list("verb", flat=True))


def test_proposing_numbers_the_versions(in_org, recruiter, role):
    first = _propose(recruiter, role)
    second = _propose(recruiter, role, shortlist_size=8)
    assert (first.version, second.version) == (1, 2)
    assert [a.version for a in selectors.agreement_versions(role=role)] == [2, 1]


def test_proposing_again_supersedes_an_unacknowledged_proposal(in_org, recruiter, role):
    first = _propose(recruiter, role)
    second = _propose(recruiter, role, submissions_per_week=4)
    assert _status(first) == AgreementStatus.SUPERSEDED
    assert _status(second) == AgreementStatus.PROPOSED
    assert selectors.latest_proposal(role=role) == second


def test_hm_then_hr_acknowledging_makes_it_agreed_and_in_force(
    in_org, recruiter, hiring_manager, hr, role
):
    agreement = _propose(recruiter, role)
    services.agreement_acknowledge(actor=hiring_manager, agreement=agreement, comment="Fine")
    assert _status(agreement) == AgreementStatus.PROPOSED
    assert Role.objects.get(pk=role.pk).agreement is None

    services.agreement_acknowledge(actor=hr, agreement=agreement)
    stored = ExpectationAgreement.objects.get(pk=agreement.pk)
    assert stored.status == AgreementStatus.AGREED
    assert stored.agreed_at is not None
    assert Role.objects.get(pk=role.pk).agreement_id == agreement.pk
    acks = {(a.party, a.membership_id, a.comment) for a in stored.acknowledgements.all()}
    assert acks == {("hiring_manager", hiring_manager.pk, "Fine"), ("hr", hr.pk, "")}


def test_the_older_agreement_is_superseded_by_the_new_one_and_stays_readable(
    in_org, recruiter, hiring_manager, hr, role
):
    first = _propose(recruiter, role)
    services.agreement_acknowledge(actor=hiring_manager, agreement=first)
    services.agreement_acknowledge(actor=hr, agreement=first)

    second = _propose(recruiter, role, must_haves=["Python", "Django"])
    # The agreed version stays in force while the revision is only proposed.
    assert _status(first) == AgreementStatus.AGREED
    assert Role.objects.get(pk=role.pk).agreement_id == first.pk

    services.agreement_acknowledge(actor=hr, agreement=second)
    services.agreement_acknowledge(actor=hiring_manager, agreement=second)
    versions = list(selectors.agreement_versions(role=role))
    assert [(v.version, v.status) for v in versions] == [
        (2, AgreementStatus.AGREED),
        (1, AgreementStatus.SUPERSEDED),
    ]
    assert versions[1].must_haves == ["Python", "PostgreSQL"]
    assert len(versions[1].acknowledgements.all()) == 2
    assert Role.objects.get(pk=role.pk).agreement_id == second.pk


def test_a_hiring_manager_of_another_client_cannot_acknowledge(
    in_org, organization, recruiter, role
):
    other_hm = MembershipFactory(
        organization=organization,
        role="hiring_manager",
        client=ClientFactory(organization=organization),
    )
    agreement = _propose(recruiter, role)
    with pytest.raises(PermissionDenied):
        services.agreement_acknowledge(actor=other_hm, agreement=agreement)
    assert not agreement.acknowledgements.exists()


def test_a_recruiter_cannot_acknowledge(in_org, recruiter, role):
    agreement = _propose(recruiter, role)
    with pytest.raises(PermissionDenied):
        services.agreement_acknowledge(actor=recruiter, agreement=agreement)


def test_acknowledging_twice_is_refused(in_org, recruiter, hiring_manager, role):
    agreement = _propose(recruiter, role)
    services.agreement_acknowledge(actor=hiring_manager, agreement=agreement)
    with pytest.raises(ApplicationError, match="already acknowledged"):
        services.agreement_acknowledge(actor=hiring_manager, agreement=agreement)
    assert agreement.acknowledgements.count() == 1


def test_a_superseded_proposal_cannot_be_acknowledged(in_org, recruiter, hiring_manager, role):
    first = _propose(recruiter, role)
    _propose(recruiter, role, shortlist_size=9)
    with pytest.raises(ApplicationError, match="only a proposal"):
        services.agreement_acknowledge(actor=hiring_manager, agreement=first)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"must_haves": []}, "must_haves"),
        ({"must_haves": ["  ", ""]}, "must_haves"),
        ({"interview_stages": []}, "interview_stages"),
        ({"interview_stages": [{"name": " ", "expected_days": 2}]}, "interview_stages"),
        (
            {
                "interview_stages": [
                    {"name": "Panel", "owner": "hr", "expected_days": 2},
                    {"name": "Panel", "owner": "hiring_manager", "expected_days": 1},
                ]
            },
            "interview_stages",
        ),
        ({"interview_stages": [{"name": "Panel", "expected_days": 0}]}, "interview_stages"),
        ({"interview_stages": [{"name": "Panel", "owner": "ceo"}]}, "interview_stages"),
        ({"glossary": [{"term": "senior", "meaning": ""}]}, "glossary"),
        ({"glossary": [{"term": "", "meaning": "five years"}]}, "glossary"),
        ({"shortlist_size": 0}, "shortlist_size"),
        ({"hm_review_sla_hours": 500}, "hm_review_sla_hours"),
    ],
)
def test_bad_terms_are_refused_by_field(in_org, recruiter, role, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _propose(recruiter, role, **overrides)
    assert field in caught.value.message_dict
    assert not ExpectationAgreement.objects.filter(role=role).exists()
    assert not Activity.objects.filter(role=role).exists()


def test_intake_meeting_records_attendees_and_proposes_the_agreement(in_org, recruiter, role):
    held_at = timezone.now() - datetime.timedelta(days=1)
    agreement = services.intake_meeting_record(
        actor=recruiter,
        role=role,
        held_at=held_at,
        attendees=[role.hiring_manager, role.hr_contact],
        notes="  Kick-off  ",
        terms=terms(),
    )
    meeting = IntakeMeeting.objects.get(role=role)
    assert agreement.intake_meeting == meeting
    assert meeting.notes == "Kick-off"
    assert {a.contact_id for a in meeting.attendance.all()} == {
        role.hiring_manager_id,
        role.hr_contact_id,
    }
    assert _verbs(role) == ["intake.recorded", "agreement.proposed"]


def test_attendees_must_be_contacts_of_the_roles_client(in_org, organization, recruiter, role):
    stranger = ContactFactory(organization=organization)  # another client's contact
    with pytest.raises(ValidationError) as caught:
        services.intake_meeting_record(
            actor=recruiter,
            role=role,
            held_at=timezone.now(),
            attendees=[stranger],
            notes="",
            terms=terms(),
        )
    assert "attendees" in caught.value.message_dict
    assert not IntakeMeeting.objects.exists()


def test_client_users_cannot_propose(in_org, hiring_manager, role):
    with pytest.raises(PermissionDenied):
        _propose(hiring_manager, role)


def test_every_service_writes_an_activity(in_org, recruiter, hiring_manager, hr, role):
    agreement = _propose(recruiter, role)
    services.agreement_comment(actor=hiring_manager, agreement=agreement, body="Is 3 a week ok?")
    services.agreement_acknowledge(actor=hiring_manager, agreement=agreement)
    services.agreement_acknowledge(actor=hr, agreement=agreement)
    assert _verbs(role) == [
        "agreement.proposed",
        "agreement.commented",
        "agreement.acknowledged",
        "agreement.acknowledged",
        "agreement.agreed",
    ]


def test_comments_need_a_body_and_stay_within_the_client(in_org, organization, recruiter, hr, role):
    agreement = _propose(recruiter, role)
    with pytest.raises(ValidationError) as caught:
        services.agreement_comment(actor=hr, agreement=agreement, body="   ")
    assert "body" in caught.value.message_dict
    other_hr = MembershipFactory(
        organization=organization, role="hr", client=ClientFactory(organization=organization)
    )
    with pytest.raises(PermissionDenied):
        services.agreement_comment(actor=other_hr, agreement=agreement, body="Hello")
    assert not agreement.comments.exists()


def test_proposing_the_same_terms_again_is_refused(in_org, recruiter, role):
    first = _propose(recruiter, role)
    with pytest.raises(ValidationError, match="same as version 1"):
        _propose(recruiter, role)
    assert ExpectationAgreement.objects.filter(role=role).count() == 1
    assert _status(first) == "proposed"


def test_a_revision_names_only_what_changes(in_org, recruiter, role):
    first = _propose(recruiter, role)
    second = services.agreement_revise(
        actor=recruiter, role=role, changes={"hm_review_sla_hours": 8}
    )
    assert second.version == first.version + 1
    assert second.hm_review_sla_hours == 8
    assert second.must_haves == first.must_haves
    assert second.interview_stages == first.interview_stages


def test_a_first_version_states_every_term_without_a_default(in_org, recruiter, role):
    with pytest.raises(ValidationError) as refused:
        services.agreement_revise(actor=recruiter, role=role, changes={"shortlist_size": 4})
    assert "submissions_per_week" in refused.value.message_dict
    assert "shortlist_size" not in refused.value.message_dict
    assert not ExpectationAgreement.objects.filter(role=role).exists()


def test_a_client_user_revising_is_refused_before_the_terms_are_judged(
    in_org, hiring_manager, role
):
    with pytest.raises(PermissionDenied):
        services.agreement_revise(actor=hiring_manager, role=role, changes={})
