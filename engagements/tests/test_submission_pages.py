"""Submission pages: putting a candidate forward, the submission's page and the
actions on it, and the whole flow from recruiter to HR to hiring manager."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from activity.models import Activity
from activity.services import activity_record
from engagements.models import ClockKind, ResponseClock
from lib.tenancy import organization_context
from recruiting import services
from recruiting.models import CultureStatus, LostReason, Stage, Submission
from recruiting.selectors import CANDIDATE_CHOICES
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    ClientFactory,
    MembershipFactory,
    RoleFactory,
)

SECRET_NOTE = "Recruiter-only: current employer is a client of ours"
INTERNAL_ENTRY = "Internal: recruiter suspects a counter-offer"
CULTURE_NOTES = "Leads calmly through incidents; writes thorough post-mortems."
# A Monday in London, inside business hours.
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

ACTIONS = {
    "move": {"to_stage": "withdrawn", "reason": "Candidate withdrew"},
    "culture-notes": {"culture_fit_notes": "Rewritten."},
    "answer": {"answer": "Versions 12 to 16."},
    # Refused before the date is read; still a future date on any day the suite runs.
    "deadline": {"competing_offer_deadline": f"{timezone.localdate() + timedelta(days=7)}T17:00"},
    "review": {"decision": "advance"},
    "culture-approval": {"decision": "approve"},
    "feedback": {"stage_name": "Technical interview", "outcome": "advance", "rating": "4"},
}


@pytest.fixture
def role(organization, client_company):
    return _role(organization, client_company)


def _role(organization, client):
    role = RoleFactory(organization=organization, client=client, title="Platform engineer")
    agreement = AgreementFactory(
        organization=organization,
        role=role,
        must_haves=["Python in production", "PostgreSQL tuning"],
        culture_traits=["Writes things down"],
        glossary=[{"term": "senior", "meaning": "five years shipping production code"}],
    )
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    return role


@pytest.fixture
def candidate(organization):
    return CandidateFactory(
        organization=organization, full_name="Grace Hopper", internal_notes=SECRET_NOTE
    )


def _submit(recruiter, role, candidate, *, notes=CULTURE_NOTES):
    with organization_context(role.organization_id):
        return services.submission_create(
            actor=recruiter,
            role=role,
            candidate=candidate,
            pitch="Rebuilt the billing platform.",
            skills_summary=[{"must_have": "Python in production", "evidence": "Eight years."}],
            culture_fit_notes=notes,
        )


def _reload(submission):
    with organization_context(submission.organization_id):
        return Submission.objects.get(pk=submission.pk)


def _open_clocks(submission):
    with organization_context(submission.organization_id):
        return {
            clock.kind: clock
            for clock in ResponseClock.objects.filter(submission=submission, closed_at__isnull=True)
        }


def _detail(client, submission):
    return client.get(f"/submissions/{submission.public_id}/")


def _post(client, submission, action, data, **kwargs):
    return client.post(f"/submissions/{submission.public_id}/{action}/", data, **kwargs)


def _create_form(chosen, **overrides):
    data = {
        "candidate": str(chosen.public_id),
        "pitch": "Rebuilt the billing platform.",
        "evidence_0": "Eight years of Django.",
        "evidence_1": "",
        "culture_fit_notes": CULTURE_NOTES,
        "competing_offer_deadline": "",
    }
    data.update(overrides)
    return data


# --- Putting a candidate forward ------------------------------------------------------


def test_the_form_asks_for_evidence_per_must_have_and_lists_only_consenting_candidates(
    client_for, organization, recruiter, role, candidate
):
    CandidateFactory(organization=organization, full_name="Not Yet", consent_to_represent=False)

    response = client_for(recruiter).get(f"/roles/{role.public_id}/submit/")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="evidence_0"' in content
    assert "Python in production" in content
    assert "PostgreSQL tuning" in content
    assert "Grace Hopper" in content
    assert "Not Yet" not in content


def test_recruiter_submits_a_candidate_and_hr_gets_the_notes_first(
    client_for, recruiter, role, candidate
):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/submit/", _create_form(candidate)
    )

    with organization_context(role.organization_id):
        submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{submission.public_id}/"
    assert submission.skills_summary == [
        {"must_have": "Python in production", "evidence": "Eight years of Django."}
    ]
    assert submission.culture_status == CultureStatus.PENDING
    assert set(_open_clocks(submission)) == {ClockKind.HR_APPROVAL}


def test_the_competing_offer_deadline_is_read_in_the_clients_timezone(
    client_for, organization, recruiter, candidate
):
    new_york = ClientFactory(organization=organization, timezone="America/New_York")
    role = _role(organization, new_york)

    with time_machine.travel(MONDAY_10AM, tick=False):
        client_for(recruiter).post(
            f"/roles/{role.public_id}/submit/",
            _create_form(candidate, competing_offer_deadline="2026-11-30T17:00"),
        )

    with organization_context(organization.id):
        submission = Submission.objects.get()
    # 17:00 in New York in late November (standard time) is 22:00 UTC.
    assert submission.competing_offer_deadline == datetime(2026, 11, 30, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pitch": ""}, "This field is required."),
        ({"candidate": ""}, "This field is required."),
        ({"competing_offer_deadline": "2001-01-01T10:00"}, "The deadline is already past."),
        ({"competing_offer_deadline": "tomorrow"}, "Enter a valid date/time."),
    ],
)
def test_bad_input_is_refused_with_field_messages_and_nothing_is_stored(
    client_for, recruiter, role, candidate, overrides, message
):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/submit/", _create_form(candidate, **overrides)
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    with organization_context(role.organization_id):
        assert not Submission.objects.exists()


def test_a_candidate_without_consent_cannot_be_chosen(client_for, organization, recruiter, role):
    reluctant = CandidateFactory(organization=organization, consent_to_represent=False)

    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/submit/", _create_form(reluctant)
    )

    assert response.status_code == 400
    assert "Choose a candidate from the list" in response.content.decode()


def test_a_candidate_already_submitted_is_not_offered_and_cannot_be_chosen_again(
    client_for, organization, recruiter, role, candidate
):
    _submit(recruiter, role, candidate)
    CandidateFactory(organization=organization, full_name="Katherine Johnson")
    client = client_for(recruiter)

    form = client.get(f"/roles/{role.public_id}/submit/").content.decode()
    response = client.post(f"/roles/{role.public_id}/submit/", _create_form(candidate))

    assert "Katherine Johnson" in form
    assert f'value="{candidate.public_id}"' not in form
    assert response.status_code == 400
    assert "not be submitted for this role already" in response.content.decode()
    with organization_context(role.organization_id):
        assert Submission.objects.count() == 1


def test_the_candidate_in_the_address_is_chosen_already(client_for, recruiter, role, candidate):
    response = client_for(recruiter).get(
        f"/roles/{role.public_id}/submit/?candidate={candidate.public_id}"
    )

    assert f'value="{candidate.public_id}" checked>' in response.content.decode()


# --- Choosing the candidate: a search, never a list of every candidate ------------------

HX = {"HX-Request": "true"}


def _choices(content: str) -> list[str]:
    """The candidates offered, as their radio buttons' labels read, in order."""
    return re.findall(r'<input type="radio" name="candidate"[^>]*> <span>([^<]+?) <span', content)


def test_the_search_offers_the_matching_candidates_who_may_be_submitted(
    client_for, organization, recruiter, role, candidate
):
    CandidateFactory(organization=organization, full_name="Katherine Johnson")
    CandidateFactory(organization=organization, full_name="Dorothy Vaughan", tags=["kath"])
    CandidateFactory(
        organization=organization, full_name="Kathleen Booth", consent_to_represent=False
    )

    content = client_for(recruiter).get(f"/roles/{role.public_id}/submit/", {"q": "KATH"}).content

    assert _choices(content.decode()) == ["Katherine Johnson"]
    tagged = client_for(recruiter).get(f"/roles/{role.public_id}/submit/", {"q": "kath"}).content
    assert _choices(tagged.decode()) == ["Dorothy Vaughan", "Katherine Johnson"]


def test_the_form_offers_at_most_a_page_of_candidates_and_says_there_are_more(
    client_for, organization, recruiter, role
):
    for number in range(CANDIDATE_CHOICES + 5):
        CandidateFactory(organization=organization, full_name=f"Candidate {number:02d}")

    content = client_for(recruiter).get(f"/roles/{role.public_id}/submit/").content.decode()

    assert len(_choices(content)) == CANDIDATE_CHOICES
    assert f"The first {CANDIDATE_CHOICES} matches" in content
    assert "<select" not in content


def test_without_javascript_the_search_is_a_get_of_the_page(client_for, recruiter, role, candidate):
    content = client_for(recruiter).get(f"/roles/{role.public_id}/submit/").content.decode()

    assert '<form id="candidate-search" method="get"' in content
    assert 'name="q" form="candidate-search"' in content
    assert '<button type="submit" class="button" form="candidate-search">Search</button>' in content


def test_with_htmx_the_search_answers_with_the_matches_the_chosen_one_first(
    client_for, organization, recruiter, role, candidate
):
    CandidateFactory(organization=organization, full_name="Katherine Johnson")

    response = client_for(recruiter).get(
        f"/roles/{role.public_id}/submit/",
        {"q": "katherine", "candidate": str(candidate.public_id)},
        headers=HX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert _choices(content) == ["Grace Hopper", "Katherine Johnson"]
    assert f'value="{candidate.public_id}" checked>' in content
    assert '<p id="candidate-status" hx-swap-oob="innerHTML">' in content


def test_a_search_finding_nobody_says_so(client_for, recruiter, role, candidate):
    content = (
        client_for(recruiter)
        .get(f"/roles/{role.public_id}/submit/", {"q": "Nobody like this"}, headers=HX)
        .content.decode()
    )

    assert _choices(content) == []
    assert "No candidate who may be submitted for this role matches “Nobody like this”" in content


def test_an_overlong_search_is_a_400_with_its_limit(client_for, recruiter, role, candidate):
    response = client_for(recruiter).get(f"/roles/{role.public_id}/submit/", {"q": "x" * 101})

    assert response.status_code == 400
    assert "Search with at most 100 characters." in response.content.decode()


@pytest.mark.parametrize("chosen", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_chosen_candidate_that_is_not_one_is_ignored(
    client_for, recruiter, role, candidate, chosen
):
    response = client_for(recruiter).get(f"/roles/{role.public_id}/submit/", {"candidate": chosen})

    assert response.status_code == 200
    assert " checked>" not in response.content.decode()


def test_the_outsiders_candidates_are_never_offered_nor_accepted(
    client_for, organization, other_organization, recruiter, role, candidate
):
    theirs = CandidateFactory(organization=other_organization, full_name="Grace Outsider")
    client = client_for(recruiter)

    searched = client.get(f"/roles/{role.public_id}/submit/", {"q": "grace"}).content.decode()
    pinned = client.get(
        f"/roles/{role.public_id}/submit/", {"candidate": str(theirs.public_id)}, headers=HX
    ).content.decode()
    posted = client.post(f"/roles/{role.public_id}/submit/", _create_form(theirs))

    assert _choices(searched) == ["Grace Hopper"]
    assert "Grace Outsider" not in pinned
    assert posted.status_code == 400
    with organization_context(organization.id):
        assert not Submission.objects.exists()


# The form: 1 session, 2 user, 3 memberships (tenant middleware), 4 the role with its
# client and agreement, 5 the search's matches (rapport_candidate_search), 6 those that
# may be submitted, 7 the chosen candidate (when not among them), 8 the unread
# notifications count, 9 the organization switcher.
SUBMIT_FORM_QUERIES = 9
# The htmx search: the same without the page around it (8 and 9).
CANDIDATE_SEARCH_QUERIES = 7


@pytest.mark.parametrize("count", [2, 60])
def test_the_form_runs_a_constant_number_of_queries(
    client_for, organization, recruiter, role, candidate, django_assert_max_num_queries, count
):
    for number in range(count):
        CandidateFactory(organization=organization, full_name=f"Candidate {number:02d}")
    client = client_for(recruiter)
    chosen = {"candidate": str(candidate.public_id), "q": "Candidate"}

    with django_assert_max_num_queries(SUBMIT_FORM_QUERIES):
        assert client.get(f"/roles/{role.public_id}/submit/", chosen).status_code == 200
    with django_assert_max_num_queries(CANDIDATE_SEARCH_QUERIES):
        assert client.get(f"/roles/{role.public_id}/submit/", chosen, headers=HX).status_code == 200


def test_a_refused_submission_lists_its_errors_at_the_top(client_for, recruiter, role, candidate):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/submit/", _create_form(candidate, pitch="", candidate="")
    )

    content = response.content.decode()
    assert response.status_code == 400
    summary = content[content.index('class="form-errors"') : content.index('name="pitch"')]
    assert 'href="#id_candidate">Candidate</a>: This field is required.' in summary
    assert 'href="#id_pitch">Pitch</a>: This field is required.' in summary


def test_the_culture_traits_are_shown_above_the_notes_box(client_for, recruiter, role, candidate):
    content = client_for(recruiter).get(f"/roles/{role.public_id}/submit/").content.decode()

    hint = content.index("Agreed culture traits: Writes things down.")
    assert (
        content.index('for="id_culture_fit_notes"')
        < hint
        < content.index('name="culture_fit_notes"')
    )


def test_client_users_cannot_submit_candidates(client_for, hiring_manager, hr, role, candidate):
    for member in (hiring_manager, hr):
        response = client_for(member).post(
            f"/roles/{role.public_id}/submit/", _create_form(candidate)
        )
        assert response.status_code == 403
    with organization_context(role.organization_id):
        assert not Submission.objects.exists()


def test_the_outsider_gets_404_on_the_submit_page(client_for, outsider, role, candidate):
    assert client_for(outsider).get(f"/roles/{role.public_id}/submit/").status_code == 404
    response = client_for(outsider).post(
        f"/roles/{role.public_id}/submit/", _create_form(candidate)
    )
    assert response.status_code == 404


# --- Who sees a submission ------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_the_outsider_gets_404_on_every_submission_url(
    client_for, outsider, recruiter, role, candidate, action
):
    submission = _submit(recruiter, role, candidate)
    client = client_for(outsider)

    assert _detail(client, submission).status_code == 404
    assert _post(client, submission, action, ACTIONS[action]).status_code == 404
    assert _reload(submission).stage == Stage.SUBMITTED


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_client_users_of_another_client_get_404(
    client_for, organization, recruiter, role, candidate, action
):
    submission = _submit(recruiter, role, candidate)
    elsewhere = ClientFactory(organization=organization)
    for kind in ("hiring_manager", "hr"):
        member = MembershipFactory(organization=organization, role=kind, client=elsewhere)
        client = client_for(member)
        assert _detail(client, submission).status_code == 404
        assert _post(client, submission, action, ACTIONS[action]).status_code == 404
    assert _reload(submission).culture_status == CultureStatus.PENDING


def test_actions_are_post_only(client_for, recruiter, role, candidate):
    submission = _submit(recruiter, role, candidate)
    assert (
        client_for(recruiter).get(f"/submissions/{submission.public_id}/move/").status_code == 405
    )


def test_recruiter_sees_the_whole_submission(client_for, recruiter, role, candidate):
    with time_machine.travel(MONDAY_10AM, tick=False):
        submission = _submit(recruiter, role, candidate)
    with time_machine.travel(datetime(2026, 11, 23, 13, 0, tzinfo=UTC), tick=False):
        content = _detail(client_for(recruiter), submission).content.decode()

    assert "Rebuilt the billing platform." in content
    assert "Python in production" in content
    assert "Eight years." in content
    assert "five years shipping production code" in content
    assert CULTURE_NOTES in content
    assert "Awaiting HR approval" in content
    assert "Waiting for 3 business hours of the agreed 8" in content
    assert "Culture-fit approval" in content
    assert 'action="/submissions/' in content
    assert "Competing-offer deadline" in content
    assert "submitted for Platform engineer" in content  # the timeline


def test_the_hiring_manager_reads_culture_notes_only_once_hr_approved_them(
    client_for, recruiter, hiring_manager, hr, role, candidate
):
    submission = _submit(recruiter, role, candidate)

    before = _detail(client_for(hiring_manager), submission).content.decode()
    assert CULTURE_NOTES in _detail(client_for(hr), submission).content.decode()
    _post(client_for(hr), submission, "culture-approval", {"decision": "approve"})
    after = _detail(client_for(hiring_manager), submission).content.decode()

    assert CULTURE_NOTES not in before
    assert "HR reviews the recruiter" in before
    assert CULTURE_NOTES in after
    assert "Your review" in after


def test_only_the_hiring_manager_gets_the_review_form_and_only_hr_the_approval_form(
    client_for, recruiter, hiring_manager, hr, role, candidate
):
    submission = _submit(recruiter, role, candidate)

    as_hr = _detail(client_for(hr), submission).content.decode()
    as_recruiter = _detail(client_for(recruiter), submission).content.decode()

    assert "/culture-approval/" in as_hr
    assert "/culture-approval/" not in as_recruiter
    assert "/review/" not in as_hr


def test_decisions_read_in_the_past_tense_with_the_timezone(
    client_for, recruiter, hiring_manager, hr, role, candidate
):
    submission = _submit(recruiter, role, candidate)
    _post(
        client_for(hr),
        submission,
        "culture-approval",
        {"decision": "request_changes", "comment": "Give an example."},
    )
    _post(client_for(recruiter), submission, "culture-notes", {"culture_fit_notes": "Better."})
    _post(client_for(hr), submission, "culture-approval", {"decision": "approve"})
    _post(
        client_for(hiring_manager),
        submission,
        "review",
        {"decision": "need_info", "comment": "Which versions?"},
    )

    content = _detail(client_for(recruiter), submission).content.decode()

    assert '<span class="badge badge--success">Approved</span>' in content
    assert '<span class="badge badge--warning">Changes requested</span>' in content
    assert '<span class="badge badge--warning">More information requested</span>' in content
    assert "Request changes</span>" not in content
    assert " UTC</time>" in content


def test_asking_for_more_information_needs_to_say_what(
    client_for, recruiter, hiring_manager, role, candidate
):
    submission = _submit(recruiter, role, candidate, notes="")

    response = _post(
        client_for(hiring_manager), submission, "review", {"decision": "need_info", "comment": ""}
    )

    assert response.status_code == 400
    assert "Say what information you need." in response.content.decode()
    assert _reload(submission).stage == Stage.HM_REVIEW


# --- Stage moves ----------------------------------------------------------------------


def test_the_move_form_starts_on_an_empty_choice_and_asks_for_one(
    client_for, recruiter, role, candidate
):
    submission = _submit(recruiter, role, candidate)
    client = client_for(recruiter)

    page = _detail(client, submission).content.decode()
    response = _post(client, submission, "move", {"to_stage": "", "reason": "Changed mind"})

    move_form = page[page.index('id="move"') :]
    assert '<option value="" selected>Choose…</option>' in move_form
    assert '<option value="rejected" selected>' not in move_form
    assert "Why was the candidate lost?" in move_form
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert _reload(submission).stage == Stage.SUBMITTED


def test_client_users_are_not_asked_why_a_candidate_was_lost(
    client_for, recruiter, hiring_manager, role, candidate
):
    submission = _submit(recruiter, role, candidate, notes="")
    _post(client_for(hiring_manager), submission, "review", {"decision": "advance"})

    page = _detail(client_for(hiring_manager), submission).content.decode()

    assert 'id="move"' in page  # offers and hires are theirs to log
    assert "Why was the candidate lost?" not in page
    assert 'name="lost_reason"' not in page


def test_an_invalid_move_is_a_message_and_a_redirect(client_for, recruiter, role, candidate):
    submission = _submit(recruiter, role, candidate, notes="")  # goes straight to review

    response = _post(client_for(recruiter), submission, "move", {"to_stage": "hired"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/submissions/{submission.public_id}/"
    assert "cannot move to" in response.content.decode()
    assert _reload(submission).stage == Stage.HM_REVIEW


def test_interviews_are_reached_only_through_the_review(
    client_for, recruiter, hiring_manager, role, candidate
):
    submission = _submit(recruiter, role, candidate, notes="")

    response = _post(
        client_for(hiring_manager), submission, "move", {"to_stage": "interviewing"}, follow=True
    )

    assert "through the hiring manager" in response.content.decode()
    assert _reload(submission).stage == Stage.HM_REVIEW


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to_stage": "rejected", "reason": ""}, "Give a reason"),
        ({"to_stage": "withdrawn", "reason": " "}, "Give a reason"),
        ({"to_stage": "lost", "lost_reason": ""}, "Say why the candidate was lost."),
        ({"to_stage": "nowhere"}, "Select a valid choice"),
    ],
)
def test_a_move_without_its_reason_is_a_400_next_to_the_move_form(
    client_for, recruiter, role, candidate, data, message
):
    submission = _submit(recruiter, role, candidate)

    response = _post(client_for(recruiter), submission, "move", data)

    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert content.index(message) > content.index('id="move"')
    assert _reload(submission).stage == Stage.SUBMITTED


def test_recruiter_records_a_lost_candidate(client_for, recruiter, role, candidate):
    submission = _submit(recruiter, role, candidate)

    response = _post(
        client_for(recruiter),
        submission,
        "move",
        {"to_stage": "lost", "lost_reason": LostReason.ACCEPTED_OTHER_OFFER},
    )

    assert response.status_code == 302
    submission = _reload(submission)
    assert (submission.stage, submission.lost_reason) == (Stage.LOST, "accepted_other_offer")
    assert _open_clocks(submission) == {}


# --- Recruiter's revisions ------------------------------------------------------------


def test_recruiter_sees_hrs_change_request_and_revises(client_for, recruiter, hr, role, candidate):
    submission = _submit(recruiter, role, candidate)
    _post(
        client_for(hr),
        submission,
        "culture-approval",
        {"decision": "request_changes", "comment": "Give an example of the post-mortems."},
    )
    recruiter_client = client_for(recruiter)

    home = recruiter_client.get("/").content.decode()
    page = _detail(recruiter_client, submission).content.decode()
    empty = _post(recruiter_client, submission, "culture-notes", {"culture_fit_notes": ""})
    revised = _post(
        recruiter_client,
        submission,
        "culture-notes",
        {"culture_fit_notes": "Wrote the March outage post-mortem everyone still cites."},
    )

    assert "Grace Hopper" in home[home.index("Culture-fit notes HR sent back") :]
    assert "Give an example of the post-mortems." in page
    assert "Send the revised notes to HR" in page
    assert empty.status_code == 400
    assert revised.status_code == 302
    submission = _reload(submission)
    assert submission.culture_status == CultureStatus.PENDING
    assert submission.culture_fit_notes.startswith("Wrote the March outage")
    assert ClockKind.HR_APPROVAL in _open_clocks(submission)


def test_recruiter_answers_the_hiring_managers_question(
    client_for, recruiter, hiring_manager, role, candidate
):
    submission = _submit(recruiter, role, candidate, notes="")
    _post(
        client_for(hiring_manager),
        submission,
        "review",
        {"decision": "need_info", "comment": "Which PostgreSQL versions?"},
    )
    recruiter_client = client_for(recruiter)

    page = _detail(recruiter_client, submission).content.decode()
    empty = _post(recruiter_client, submission, "answer", {"answer": ""})
    answered = _post(recruiter_client, submission, "answer", {"answer": "Versions 12 to 16."})

    assert "Which PostgreSQL versions?" in page
    assert "Send the answer" in page
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    assert answered.status_code == 302
    assert ClockKind.HM_REVIEW in _open_clocks(submission)
    hm_page = _detail(client_for(hiring_manager), submission).content.decode()
    assert "Versions 12 to 16." in hm_page


def test_recruiter_sets_a_competing_offer_deadline_that_pulls_the_clock_earlier(
    client_for, recruiter, role, candidate
):
    with time_machine.travel(MONDAY_10AM, tick=False):
        submission = _submit(recruiter, role, candidate, notes="")
        past = _post(
            client_for(recruiter),
            submission,
            "deadline",
            {"competing_offer_deadline": "2026-11-20T10:00"},
        )
        response = _post(
            client_for(recruiter),
            submission,
            "deadline",
            {"competing_offer_deadline": "2026-11-23T15:00"},
        )

    assert past.status_code == 400
    assert "already past" in past.content.decode()
    assert response.status_code == 302
    deadline = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # London is on GMT in November
    assert _reload(submission).competing_offer_deadline == deadline
    assert _open_clocks(submission)[ClockKind.HM_REVIEW].due_at == deadline


def test_client_users_cannot_use_the_recruiters_actions(
    client_for, recruiter, hiring_manager, role, candidate
):
    submission = _submit(recruiter, role, candidate)
    client = client_for(hiring_manager)

    for action in ("culture-notes", "answer", "deadline"):
        assert _post(client, submission, action, ACTIONS[action]).status_code == 403
    assert _post(client_for(recruiter), submission, "review", ACTIONS["review"]).status_code == 403


# --- Interviews -----------------------------------------------------------------------


def test_anyone_logs_interview_feedback_for_an_agreed_stage(
    client_for, recruiter, hiring_manager, hr, role, candidate
):
    submission = _submit(recruiter, role, candidate, notes="")
    _post(client_for(hiring_manager), submission, "review", {"decision": "advance"})

    page = _detail(client_for(hr), submission).content.decode()
    bad = _post(
        client_for(hr),
        submission,
        "feedback",
        {"stage_name": "Coffee chat", "outcome": "advance", "rating": "9"},
    )
    good = _post(
        client_for(hiring_manager),
        submission,
        "feedback",
        {"stage_name": "Technical interview", "outcome": "advance", "rating": "4"},
    )

    assert "Technical interview" in page
    assert "Log feedback" in page
    feedback_form = page[page.index('id="feedback"') : page.index('id="move"')]
    assert feedback_form.count('<option value="" selected>Choose…</option>') == 2
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()
    assert good.status_code == 302
    clocks = _open_clocks(submission)
    assert clocks[ClockKind.INTERVIEW_FEEDBACK].stage_name == "Culture interview"


def test_interview_feedback_needs_an_outcome_and_a_rating(
    client_for, recruiter, hiring_manager, role, candidate
):
    submission = _submit(recruiter, role, candidate, notes="")
    _post(client_for(hiring_manager), submission, "review", {"decision": "advance"})

    response = _post(
        client_for(hiring_manager),
        submission,
        "feedback",
        {"stage_name": "Technical interview", "outcome": "", "rating": ""},
    )

    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2
    with organization_context(submission.organization_id):
        assert not submission.interview_feedback.exists()


def test_rejecting_after_an_interview_needs_a_comment(
    client_for, recruiter, hiring_manager, role, candidate
):
    submission = _submit(recruiter, role, candidate, notes="")
    _post(client_for(hiring_manager), submission, "review", {"decision": "advance"})

    response = _post(
        client_for(hiring_manager),
        submission,
        "feedback",
        {"stage_name": "Technical interview", "outcome": "reject", "rating": "2"},
    )

    assert response.status_code == 400
    assert "Say why the candidate is not going further." in response.content.decode()
    assert _reload(submission).stage == Stage.INTERVIEWING


# --- The whole flow, and what client users never see ----------------------------------


def test_the_full_flow_on_pages(client_for, recruiter, hiring_manager, hr, role, candidate):
    client_for(recruiter).post(f"/roles/{role.public_id}/submit/", _create_form(candidate))
    with organization_context(role.organization_id):
        submission = Submission.objects.get()

    hr_queue = client_for(hr).get("/approvals/").content.decode()
    assert "Grace Hopper" in hr_queue
    approved = _post(
        client_for(hr),
        submission,
        "culture-approval",
        {"decision": "approve", "next": "/approvals/"},
    )
    assert approved["Location"] == "/approvals/"

    hm_queue = client_for(hiring_manager).get("/review-queue/").content.decode()
    assert "Grace Hopper" in hm_queue
    assert CULTURE_NOTES in hm_queue
    advanced = _post(
        client_for(hiring_manager),
        submission,
        "review",
        {"decision": "advance", "rating_0": "5", "next": "/review-queue/"},
    )
    assert advanced["Location"] == "/review-queue/"

    assert _reload(submission).stage == Stage.INTERVIEWING
    timeline = _detail(client_for(recruiter), submission).content.decode()
    timeline = timeline[timeline.index('id="timeline-heading"') :]
    steps = [
        "Grace Hopper submitted for Platform engineer",
        "HR approved the culture-fit notes on Grace Hopper",
        "Grace Hopper: Submitted → Hiring manager review",
        "Skills review of Grace Hopper: Advance to interviews",
        "Grace Hopper: Hiring manager review → Interviewing",
    ]
    # Newest first.
    positions = [timeline.index(step) for step in steps]
    assert positions == sorted(positions, reverse=True)


def test_client_users_never_see_internal_notes_or_internal_entries(
    client_for, recruiter, hiring_manager, hr, role, candidate
):
    submission = _submit(recruiter, role, candidate)
    with organization_context(role.organization_id):
        activity_record(
            actor=recruiter,
            verb="submission.updated",
            submission=submission,
            summary=INTERNAL_ENTRY,
            internal=True,
        )
        assert Activity.objects.filter(internal=True, submission=submission).exists()
    assert INTERNAL_ENTRY in _detail(client_for(recruiter), submission).content.decode()
    assert (
        SECRET_NOTE
        in client_for(recruiter).get(f"/candidates/{candidate.public_id}/").content.decode()
    )
    pages = [
        "/",
        f"/submissions/{submission.public_id}/",
        f"/candidates/{candidate.public_id}/",
        f"/roles/{role.public_id}/",
        "/roles/",
        "/clients/",
        f"/clients/{role.client.public_id}/",
    ]

    for member, queue in ((hiring_manager, "/review-queue/"), (hr, "/approvals/")):
        client = client_for(member)
        for url in [*pages, queue]:
            response = client.get(url)
            assert response.status_code == 200, url
            content = response.content.decode()
            assert SECRET_NOTE not in content, url
            assert INTERNAL_ENTRY not in content, url
        # Once HR approved, the hiring manager's queue and page show the notes, still no secrets.
        if member is hr:
            _post(client, submission, "culture-approval", {"decision": "approve"})
    for url in [f"/submissions/{submission.public_id}/", "/review-queue/"]:
        content = client_for(hiring_manager).get(url).content.decode()
        assert SECRET_NOTE not in content
        assert INTERNAL_ENTRY not in content
