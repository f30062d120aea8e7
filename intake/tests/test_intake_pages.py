"""Intake meeting and agreement pages: record, read, revise, acknowledge, comment."""

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.services import activity_record
from intake.models import (
    AgreementAcknowledgement,
    AgreementComment,
    AgreementStatus,
    ExpectationAgreement,
    IntakeMeeting,
)
from lib.tenancy import organization_context
from recruiting.models import Role
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, RoleFactory

# A Thursday afternoon; the client below works in New York (UTC-5 in winter).
NOW = datetime(2026, 1, 15, 18, 0, tzinfo=UTC)


@pytest.fixture
def client_company(organization):
    """The cast's client, in New York, so "client time" differs from UTC."""
    return ClientFactory(
        organization=organization, name="Acme Robotics", timezone="America/New_York"
    )


@pytest.fixture
def role(organization, client_company, hm_contact, hr_contact):
    return RoleFactory(
        organization=organization,
        client=client_company,
        title="Staff backend engineer",
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
    )


@pytest.fixture
def other_role(organization):
    """A role of another client of the same agency."""
    return RoleFactory(
        organization=organization, client=ClientFactory(organization=organization, name="Globex")
    )


@pytest.fixture
def proposal(organization, role):
    return AgreementFactory(
        organization=organization,
        role=role,
        version=1,
        status=AgreementStatus.PROPOSED,
        must_haves=["Go", "Kubernetes"],
    )


def _terms_data(**overrides) -> dict:
    data = {
        "submissions_per_week": "3",
        "shortlist_size": "6",
        "checkin_cadence": "weekly",
        "checkin_weekday": "1",
        "checkin_time": "10:00",
        "hm_review_sla_hours": "16",
        "hr_approval_sla_hours": "8",
        "interview_feedback_sla_hours": "24",
        "offer_decision_sla_hours": "48",
        "culture_notes_need_hr_approval": "on",
        "must_haves": "Python\n\n  PostgreSQL  \n",
        "nice_to_haves": "Celery",
        "deal_breakers": "",
        "culture_traits": "Writes things down",
        "glossary": "senior: five years shipping production code\nremote: within CET ±2",
        "talent_scarcity": "scarce",
        "salary_position": "below",
        "expected_days_to_fill": "60",
        "market_notes": "Competing with two scale-ups.",
        "stage_1_name": "Technical interview",
        "stage_1_owner": "hiring_manager",
        "stage_1_days": "3",
        "stage_2_name": "Culture interview",
        "stage_2_owner": "hr",
        "stage_2_days": "2",
    }
    for row in range(3, 6):
        data |= {
            f"stage_{row}_name": "",
            f"stage_{row}_owner": "hiring_manager",
            f"stage_{row}_days": "",
        }
    return data | overrides


def _intake_data(hm_contact, hr_contact, **overrides) -> dict:
    return (
        _terms_data(
            held_at="2026-01-14T10:30",
            attendees=[str(hm_contact.public_id), str(hr_contact.public_id)],
            notes="Kick-off call",
        )
        | overrides
    )


def _agreements(role) -> list[ExpectationAgreement]:
    with organization_context(role.organization_id):
        return list(ExpectationAgreement.objects.filter(role=role).order_by("version"))


# --- Intake meeting ----------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_recruiter_records_the_intake_and_proposes_the_agreement(
    client_for, organization, recruiter, role, hm_contact, hr_contact
):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/intake/", _intake_data(hm_contact, hr_contact)
    )
    assert response.status_code == 302
    assert response["Location"] == f"/roles/{role.public_id}/agreement/"
    with organization_context(organization.id):
        meeting = IntakeMeeting.objects.get(role=role)
        attendees = {a.contact_id for a in meeting.attendance.all()}
    # 10:30 in New York is 15:30 UTC in January.
    assert meeting.held_at == datetime(2026, 1, 14, 15, 30, tzinfo=UTC)
    assert attendees == {hm_contact.pk, hr_contact.pk}
    [agreement] = _agreements(role)
    assert agreement.intake_meeting_id == meeting.pk
    assert agreement.status == AgreementStatus.PROPOSED
    assert agreement.must_haves == ["Python", "PostgreSQL"]
    assert agreement.glossary == [
        {"term": "senior", "meaning": "five years shipping production code"},
        {"term": "remote", "meaning": "within CET ±2"},
    ]
    assert agreement.interview_stages == [
        {"name": "Technical interview", "owner": "hiring_manager", "expected_days": 3},
        {"name": "Culture interview", "owner": "hr", "expected_days": 2},
    ]
    assert (agreement.shortlist_size, agreement.salary_position) == (6, "below")
    assert agreement.culture_notes_need_hr_approval is True


@time_machine.travel(NOW, tick=False)
def test_the_agreement_shows_the_meeting_it_came_from(
    client_for, recruiter, hiring_manager, role, hm_contact, hr_contact
):
    client_for(recruiter).post(
        f"/roles/{role.public_id}/intake/",
        _intake_data(hm_contact, hr_contact, notes="Budget is firm.\nHiring two by March."),
    )

    content = client_for(hiring_manager).get(f"/roles/{role.public_id}/agreement/").content.decode()

    meeting = content[content.index("<h3>Intake meeting</h3>") :]
    # Held at 10:30 New York time; the server's own times are shown in UTC.
    assert "14 Jan 2026 10:30 EST" in meeting
    assert "Hana Meyer" in meeting
    assert "Harriet Rowe" in meeting
    assert "Budget is firm.<br>Hiring two by March." in meeting
    assert "15 Jan 2026 18:00 UTC" in content


@time_machine.travel(NOW, tick=False)
def test_the_agreement_pages_queries_do_not_grow_with_its_meetings(
    client_for, recruiter, role, hm_contact, hr_contact, django_assert_max_num_queries
):
    client = client_for(recruiter)
    url = f"/roles/{role.public_id}/agreement/"

    def record(must_haves):
        data = _intake_data(hm_contact, hr_contact, must_haves=must_haves)
        assert client.post(f"/roles/{role.public_id}/intake/", data).status_code == 302

    record("Python")
    with django_assert_max_num_queries(50) as one:
        client.get(url)
    record("Go")
    record("Rust")
    with django_assert_max_num_queries(50) as three:
        content = client.get(url).content.decode()

    assert content.count("<h3>Intake meeting</h3>") == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_agreement_page_reads_sections_above_terms_and_names_both_comment_boxes(
    client_for, hiring_manager, role, proposal
):
    content = client_for(hiring_manager).get(f"/roles/{role.public_id}/agreement/").content.decode()

    for section in ("Shared vocabulary", "Interview process", "Commitments", "Market reality"):
        assert f"<h3>{section}</h3>" in content
    assert "<dt>Must-haves</dt>" in content
    assert "Comment with your acknowledgement (optional)" in content
    assert "Add to the discussion" in content


def test_the_intake_form_pre_fills_from_the_current_agreement(
    client_for, recruiter, role, proposal
):
    content = client_for(recruiter).get(f"/roles/{role.public_id}/intake/").content.decode()
    assert "Go\nKubernetes</textarea>" in content
    assert 'value="Technical interview"' in content
    assert "senior: five years shipping production code" in content
    assert "Hana Meyer (Hiring manager)" in content
    assert 'type="datetime-local"' in content
    assert "America/New_York" in content
    # A checkbox's label is a sentence beside it, not a caption ending in a colon.
    assert "before the hiring manager sees them</label>" in content


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_at": ""}, "This field is required."),
        ({"held_at": "2026-02-20T10:00"}, "Record a meeting once it has taken place."),
        ({"must_haves": " \n "}, "Agree on at least one must-have."),
        ({"glossary": "senior"}, "Line 1: write it as"),
        ({"glossary": "ok: fine\nsenior:"}, "Line 2: write it as"),
        ({"stage_1_name": "", "stage_2_name": "", "stage_2_days": ""}, "Name this stage"),
        (
            {"stage_1_name": "", "stage_1_days": "", "stage_2_name": "", "stage_2_days": ""},
            "Agree on at least one interview stage.",
        ),
        ({"stage_2_name": "technical interview"}, "appears twice"),
        ({"stage_2_days": ""}, "How many days should this stage take?"),
        ({"stage_2_days": "90"}, "less than or equal to 60"),
        ({"hm_review_sla_hours": "0"}, "greater than or equal to 1"),
        ({"checkin_weekday": "9"}, "Select a valid choice."),
        ({"talent_scarcity": "none"}, "Select a valid choice."),
        ({"attendees": ["not-a-contact"]}, "Select a valid choice."),
    ],
)
def test_bad_intake_input_is_refused_and_nothing_is_stored(
    client_for, organization, recruiter, role, hm_contact, hr_contact, overrides, message
):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/intake/", _intake_data(hm_contact, hr_contact, **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _agreements(role) == []
    with organization_context(organization.id):
        assert not IntakeMeeting.objects.exists()


def test_attendees_can_only_be_the_roles_client_contacts(
    client_for, organization, recruiter, role, hm_contact, hr_contact
):
    stranger = ContactFactory(organization=organization)  # another client's contact
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/intake/",
        _intake_data(hm_contact, hr_contact, attendees=[str(stranger.public_id)]),
    )
    assert response.status_code == 400
    assert _agreements(role) == []


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_cannot_record_intake_nor_revise(
    client_for, request, role, proposal, hm_contact, hr_contact, cast
):
    client = client_for(request.getfixturevalue(cast))
    assert client.get(f"/roles/{role.public_id}/intake/").status_code == 403
    assert (
        client.post(
            f"/roles/{role.public_id}/intake/", _intake_data(hm_contact, hr_contact)
        ).status_code
        == 403
    )
    assert client.get(f"/roles/{role.public_id}/agreement/revise/").status_code == 403
    assert (
        client.post(f"/roles/{role.public_id}/agreement/revise/", _terms_data()).status_code == 403
    )
    assert len(_agreements(role)) == 1


# --- Agreement page ----------------------------------------------------------------


def test_agreement_page_lists_versions_newest_first_with_acknowledgements(
    client_for, organization, recruiter, hiring_manager, role
):
    AgreementFactory(organization=organization, role=role, version=1, status="superseded")
    agreed = AgreementFactory(
        organization=organization, role=role, version=2, status="agreed", must_haves=["Scala"]
    )
    with organization_context(organization.id):
        AgreementAcknowledgement.objects.create(
            organization=organization,
            agreement=agreed,
            party="hiring_manager",
            membership=hiring_manager,
            comment="Looks right",
        )
        AgreementComment.objects.create(
            organization=organization,
            agreement=agreed,
            author=hiring_manager,
            body="Can we go faster?",
        )
    content = client_for(recruiter).get(f"/roles/{role.public_id}/agreement/").content.decode()
    assert content.index("Version 2") < content.index("Version 1")
    assert "Superseded" in content
    assert "Agreed" in content
    assert "Looks right" in content
    assert hiring_manager.user.get_full_name() in content
    assert "Can we go faster?" in content
    assert "Scala" in content
    assert f"/roles/{role.public_id}/agreement/revise/" in content
    assert "Acknowledge v" not in content
    assert f"/agreements/{agreed.public_id}/comment/" in content


def test_the_agreement_page_shows_five_versions_a_page_newest_first(
    client_for, organization, recruiter, role
):
    for version in range(1, 8):
        AgreementFactory(
            organization=organization,
            role=role,
            version=version,
            status="proposed" if version == 7 else "superseded",
        )
    client = client_for(recruiter)
    first = client.get(f"/roles/{role.public_id}/agreement/").content.decode()
    shown = [int(n) for n in re.findall(r'<h2 id="version-(\d+)"', first)]
    older = html.unescape(re.search(r'rel="next" href="([^"#]+)#versions"', first)[1])
    second = client.get(f"/roles/{role.public_id}/agreement/{older}").content.decode()

    assert shown == [7, 6, 5, 4, 3]
    assert "What changed from version 2" in first
    assert [int(n) for n in re.findall(r'<h2 id="version-(\d+)"', second)] == [2, 1]
    assert "What changed from version 1" in second
    assert "What changed from version 0" not in second
    # The discussion is held on the newest version only, on the first page.
    assert "agreement-comment-form" in first
    assert "agreement-comment-form" not in second
    assert 'rel="prev"' in second


def test_the_agreement_page_costs_the_same_with_many_versions(
    client_for, organization, recruiter, role, django_assert_max_num_queries
):
    client = client_for(recruiter)
    AgreementFactory(organization=organization, role=role, version=1, status="superseded")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/roles/{role.public_id}/agreement/")
    for version in range(2, 13):
        AgreementFactory(organization=organization, role=role, version=version, status="superseded")

    with django_assert_max_num_queries(len(few)):
        content = client.get(f"/roles/{role.public_id}/agreement/").content.decode()
    assert content.count('class="card agreement-version"') == 5


def test_an_empty_agreement_page_invites_the_recruiter_to_record_the_intake(
    client_for, recruiter, role
):
    content = client_for(recruiter).get(f"/roles/{role.public_id}/agreement/").content.decode()
    assert "Nothing agreed yet" in content
    assert f"/roles/{role.public_id}/intake/" in content


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_get_an_acknowledge_form_until_they_acknowledge(
    client_for, request, role, proposal, cast
):
    client = client_for(request.getfixturevalue(cast))
    url = f"/roles/{role.public_id}/agreement/"
    content = client.get(url).content.decode()
    assert f"/agreements/{proposal.public_id}/acknowledge/" in content
    assert "/agreement/revise/" not in content

    response = client.post(
        f"/agreements/{proposal.public_id}/acknowledge/", {"comment": "Agreed on our side"}
    )
    assert response.status_code == 302
    content = client.get(url).content.decode()
    assert f"/agreements/{proposal.public_id}/acknowledge/" not in content
    assert "Agreed on our side" in content


def test_hm_and_hr_acknowledging_puts_the_agreement_in_force(
    client_for, hiring_manager, hr, role, proposal
):
    client_for(hiring_manager).post(f"/agreements/{proposal.public_id}/acknowledge/")
    response = client_for(hr).post(f"/agreements/{proposal.public_id}/acknowledge/", follow=True)
    assert "Agreement v1 is agreed and in force." in response.content.decode()
    [agreement] = _agreements(role)
    assert agreement.status == AgreementStatus.AGREED
    with organization_context(role.organization_id):
        assert Role.objects.get(pk=role.pk).agreement_id == proposal.pk


def test_acknowledging_twice_gives_a_message(client_for, hiring_manager, role, proposal):
    client = client_for(hiring_manager)
    client.post(f"/agreements/{proposal.public_id}/acknowledge/")
    response = client.post(f"/agreements/{proposal.public_id}/acknowledge/", follow=True)
    assert response.status_code == 200
    assert "already acknowledged this version" in response.content.decode()
    with organization_context(role.organization_id):
        assert AgreementAcknowledgement.objects.count() == 1


@pytest.mark.parametrize("cast", ["owner", "admin", "recruiter"])
def test_the_agency_cannot_acknowledge(client_for, request, role, proposal, cast):
    response = client_for(request.getfixturevalue(cast)).post(
        f"/agreements/{proposal.public_id}/acknowledge/"
    )
    assert response.status_code == 403
    with organization_context(role.organization_id):
        assert not AgreementAcknowledgement.objects.exists()


@pytest.mark.parametrize("cast", ["recruiter", "hiring_manager", "hr"])
def test_everybody_who_sees_the_role_can_comment(client_for, request, role, proposal, cast):
    response = client_for(request.getfixturevalue(cast)).post(
        f"/agreements/{proposal.public_id}/comment/", {"body": "Three a week is a lot"}, follow=True
    )
    assert "Comment added to v1." in response.content.decode()
    assert "Three a week is a lot" in response.content.decode()


def test_an_empty_comment_is_refused_with_a_field_message(client_for, hr, role, proposal):
    response = client_for(hr).post(f"/agreements/{proposal.public_id}/comment/", {"body": "  "})
    assert response.status_code == 400
    assert "Write a comment." in response.content.decode()
    with organization_context(role.organization_id):
        assert not AgreementComment.objects.exists()


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_never_see_internal_notes_on_the_agreement_page(
    client_for, request, organization, recruiter, role, proposal, cast
):
    with organization_context(organization.id):
        activity_record(
            actor=recruiter,
            verb="role.updated",
            role=role,
            summary="They overpromise",
            internal=True,
        )
    content = (
        client_for(request.getfixturevalue(cast))
        .get(f"/roles/{role.public_id}/agreement/")
        .content.decode()
    )
    assert "They overpromise" not in content


# --- Revisions ---------------------------------------------------------------------


def test_the_revision_form_pre_fills_from_the_latest_version(client_for, recruiter, role, proposal):
    content = (
        client_for(recruiter).get(f"/roles/{role.public_id}/agreement/revise/").content.decode()
    )
    assert "Go\nKubernetes</textarea>" in content
    assert "Starts from v1 (proposed)" in content
    assert 'name="held_at"' not in content


def test_recruiter_proposes_a_revision(client_for, recruiter, role, proposal):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/agreement/revise/", _terms_data(must_haves="Go\nRust")
    )
    assert response.status_code == 302
    first, second = _agreements(role)
    assert first.status == AgreementStatus.SUPERSEDED
    assert (second.version, second.status, second.must_haves) == (2, "proposed", ["Go", "Rust"])
    assert second.intake_meeting_id is None


def test_a_bad_revision_is_refused_and_nothing_is_stored(client_for, recruiter, role, proposal):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/agreement/revise/",
        _terms_data(glossary="senior", must_haves=""),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Agree on at least one must-have." in content
    assert "Line 1: write it as" in content
    assert [a.status for a in _agreements(role)] == [AgreementStatus.PROPOSED]


def test_an_agreement_with_more_stages_than_rows_keeps_them_all_on_revision(
    client_for, organization, recruiter, role
):
    stages = [
        {"name": f"Round {n}", "owner": "hiring_manager", "expected_days": 1} for n in range(7)
    ]
    AgreementFactory(organization=organization, role=role, version=1, interview_stages=stages)
    content = (
        client_for(recruiter).get(f"/roles/{role.public_id}/agreement/revise/").content.decode()
    )
    assert 'value="Round 6"' in content


# --- Isolation ---------------------------------------------------------------------


def _urls(role, agreement) -> list[tuple[str, str]]:
    return [
        ("get", f"/roles/{role.public_id}/intake/"),
        ("post", f"/roles/{role.public_id}/intake/"),
        ("get", f"/roles/{role.public_id}/agreement/"),
        ("get", f"/roles/{role.public_id}/agreement/revise/"),
        ("post", f"/roles/{role.public_id}/agreement/revise/"),
        ("post", f"/agreements/{agreement.public_id}/acknowledge/"),
        ("post", f"/agreements/{agreement.public_id}/comment/"),
    ]


def test_another_organization_gets_404_for_every_intake_and_agreement_url(
    client_for, outsider, role, proposal
):
    client = client_for(outsider)
    for method, url in _urls(role, proposal):
        assert getattr(client, method)(url, {"body": "Hi"}).status_code == 404, url
    assert len(_agreements(role)) == 1


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_get_404_for_another_clients_agreements(
    client_for, request, organization, other_role, cast
):
    agreement = AgreementFactory(
        organization=organization, role=other_role, version=1, status="proposed"
    )
    client = client_for(request.getfixturevalue(cast))
    for method, url in _urls(other_role, agreement):
        assert getattr(client, method)(url, {"body": "Hi"}).status_code == 404, url
    with organization_context(organization.id):
        assert not AgreementAcknowledgement.objects.exists()
        assert not AgreementComment.objects.exists()
