"""The client portal's queues: the hiring manager's reviews and HR's approvals."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from engagements.models import ClockKind, ResponseClock
from engagements.pages import queues
from engagements.selectors import QUEUE_PER_PAGE
from lib.business_hours import business_hours_until
from lib.tenancy import organization_context
from recruiting import services
from recruiting.models import CultureStatus, ReviewDecision, Stage, Submission
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    ClientFactory,
    MembershipFactory,
    RoleFactory,
)

# A Monday in London, 09:00 (GMT, so UTC too): the client's business day opens.
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET_NOTE = "Recruiter-only: asked for 20% over the band"

HM_QUEUE = "/review-queue/"
HR_QUEUE = "/approvals/"


@pytest.fixture
def role(organization, client_company):
    return _role_with_agreement(organization, client_company)


def _role_with_agreement(organization, client):
    role = RoleFactory(organization=organization, client=client, title="Platform engineer")
    agreement = AgreementFactory(
        organization=organization,
        role=role,
        must_haves=["Python in production", "PostgreSQL tuning"],
        culture_traits=["Writes things down", "Calm under pressure"],
        glossary=[{"term": "senior", "meaning": "five years shipping production code"}],
    )
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    return role


def _submit(recruiter, role, *, name="Grace Hopper", notes=""):
    candidate = CandidateFactory(
        organization=role.organization, full_name=name, internal_notes=SECRET_NOTE
    )
    with organization_context(role.organization_id):
        return services.submission_create(
            actor=recruiter,
            role=role,
            candidate=candidate,
            pitch=f"{name} rebuilt the billing platform.",
            skills_summary=[
                {"must_have": "Python in production", "evidence": "Eight years of Django."},
                {"must_have": "PostgreSQL tuning", "evidence": "Cut p95 by half."},
            ],
            culture_fit_notes=notes,
        )


def _reload(submission):
    with organization_context(submission.organization_id):
        return Submission.objects.get(pk=submission.pk)


# --- Who may open the queues ----------------------------------------------------------


@pytest.mark.parametrize("url", [HM_QUEUE, HR_QUEUE])
def test_agency_members_get_403_on_the_client_queues(client_for, recruiter, owner, url):
    assert client_for(recruiter).get(url).status_code == 403
    assert client_for(owner).get(url).status_code == 403


def test_hr_cannot_open_the_review_queue_nor_the_hm_the_approvals(client_for, hiring_manager, hr):
    assert client_for(hr).get(HM_QUEUE).status_code == 403
    assert client_for(hiring_manager).get(HR_QUEUE).status_code == 403


def test_the_outsider_gets_403_and_sees_nothing_of_ours(client_for, outsider, recruiter, role):
    _submit(recruiter, role)
    response = client_for(outsider).get(HM_QUEUE)
    assert response.status_code == 403
    assert b"Grace Hopper" not in response.content


def test_the_outsider_gets_404_when_posting_decisions_on_our_submissions(
    client_for, organization, other_organization, recruiter, role
):
    under_review = _submit(recruiter, role)
    pending = _submit(recruiter, role, name="Ada Lovelace", notes="Kind and direct.")
    their_client = ClientFactory(organization=other_organization)
    their_hm = MembershipFactory(
        organization=other_organization, role="hiring_manager", client=their_client
    )
    their_hr = MembershipFactory(organization=other_organization, role="hr", client=their_client)

    review = client_for(their_hm).post(
        f"/submissions/{under_review.public_id}/review/", {"decision": "advance"}
    )
    approval = client_for(their_hr).post(
        f"/submissions/{pending.public_id}/culture-approval/", {"decision": "approve"}
    )

    assert (review.status_code, approval.status_code) == (404, 404)
    assert _reload(under_review).stage == Stage.HM_REVIEW
    assert _reload(pending).culture_status == CultureStatus.PENDING


def test_a_hiring_manager_sees_only_their_clients_submissions(
    client_for, organization, recruiter, hiring_manager, role
):
    _submit(recruiter, role, name="Grace Hopper")
    other_role = _role_with_agreement(organization, ClientFactory(organization=organization))
    other = _submit(recruiter, other_role, name="Linus Torvalds")

    content = client_for(hiring_manager).get(HM_QUEUE).content.decode()

    assert "Grace Hopper" in content
    assert "Linus Torvalds" not in content
    response = client_for(hiring_manager).post(
        f"/submissions/{other.public_id}/review/", {"decision": "advance"}
    )
    assert response.status_code == 404
    assert _reload(other).stage == Stage.HM_REVIEW


# --- The hiring manager's queue -------------------------------------------------------


def test_review_cards_show_pitch_evidence_next_to_must_haves_glossary_and_waiting_time(
    client_for, recruiter, hiring_manager, role
):
    with time_machine.travel(MONDAY_9AM, tick=False):
        _submit(recruiter, role)
    # Monday 09:00 to 20:00 in London is 8.5 business hours (the day ends at 17:30).
    with time_machine.travel(datetime(2026, 11, 23, 20, 0, tzinfo=UTC), tick=False):
        response = client_for(hiring_manager).get(HM_QUEUE)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Grace Hopper rebuilt the billing platform." in content
    assert "Python in production" in content
    assert "Eight years of Django." in content
    assert "five years shipping production code" in content
    assert "Waiting for 8 business hours of the agreed 16" in content
    assert 'name="next" value="/review-queue/"' in content
    assert SECRET_NOTE not in content


def test_an_overdue_review_is_marked_and_counted(client_for, recruiter, hiring_manager, role):
    with time_machine.travel(MONDAY_9AM, tick=False):
        _submit(recruiter, role)
    # Sixteen business hours run out on Tuesday at 16:30; by Thursday noon the client has
    # sat on it for 8.5 + 8.5 + 8.5 + 3 = 28.5 business hours.
    with time_machine.travel(datetime(2026, 11, 26, 12, 0, tzinfo=UTC), tick=False):
        content = client_for(hiring_manager).get(HM_QUEUE).content.decode()

    assert "1 overdue" in content
    assert "Waiting for 28 business hours of the agreed 16" in content
    # Due Tuesday 16:30: 1 business hour on Tuesday, 8.5 on Wednesday, 3 on Thursday.
    assert "Overdue by 12 business hours" in content


def test_a_fresh_card_says_less_than_an_hour_against_the_agreed_time(
    client_for, recruiter, hiring_manager, role
):
    with time_machine.travel(MONDAY_9AM, tick=False):
        _submit(recruiter, role)
        content = client_for(hiring_manager).get(HM_QUEUE).content.decode()

    assert "Waiting for less than an hour (agreed: 16 business hours)" in content
    assert "Overdue" not in content


def test_the_empty_queues_say_nothing_is_waiting(client_for, hiring_manager, hr):
    hm_content = client_for(hiring_manager).get(HM_QUEUE).content.decode()
    hr_content = client_for(hr).get(HR_QUEUE).content.decode()

    assert "Nothing is waiting for your review." in hm_content
    assert "0 candidates" not in hm_content
    assert "No culture-fit notes are waiting for your approval." in hr_content
    assert "0 sets" not in hr_content


def test_hiring_manager_advances_from_the_queue_and_comes_back_to_it(
    client_for, recruiter, hiring_manager, role
):
    submission = _submit(recruiter, role)

    response = client_for(hiring_manager).post(
        f"/submissions/{submission.public_id}/review/",
        {"decision": "advance", "rating_0": "5", "rating_1": "4", "next": HM_QUEUE},
    )

    assert response.status_code == 302
    assert response["Location"] == HM_QUEUE
    submission = _reload(submission)
    assert submission.stage == Stage.INTERVIEWING
    with organization_context(submission.organization_id):
        review = submission.skills_reviews.get()
    assert review.ratings == {"Python in production": 5, "PostgreSQL tuning": 4}
    assert review.decision == ReviewDecision.ADVANCE


@pytest.mark.parametrize(
    ("decision", "problem"),
    [
        ("reject", "Tell the recruiter why, so the next candidate fits better."),
        ("need_info", "Say what information you need."),
    ],
)
def test_a_decision_without_its_comment_goes_back_to_the_card_with_a_message(
    client_for, recruiter, hiring_manager, role, decision, problem
):
    submission = _submit(recruiter, role)
    client = client_for(hiring_manager)

    response = client.post(
        f"/submissions/{submission.public_id}/review/",
        {"decision": decision, "rating_0": "2", "next": HM_QUEUE},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{HM_QUEUE}#submission-{submission.public_id}"
    content = client.get(HM_QUEUE).content.decode()
    assert f"Your decision on Grace Hopper was not saved: {problem}" in content
    assert f'id="submission-{submission.public_id}"' in content
    assert _reload(submission).stage == Stage.HM_REVIEW


def test_a_rating_out_of_range_is_refused_with_the_must_have_named(
    client_for, recruiter, hiring_manager, role
):
    submission = _submit(recruiter, role)

    response = client_for(hiring_manager).post(
        f"/submissions/{submission.public_id}/review/",
        {"decision": "advance", "rating_0": "9", "next": HM_QUEUE},
        follow=True,
    )

    assert response.redirect_chain == [(f"{HM_QUEUE}#submission-{submission.public_id}", 302)]
    assert "Python in production: Select a valid choice." in response.content.decode()
    assert _reload(submission).stage == Stage.HM_REVIEW


def test_a_decision_from_the_queue_says_what_it_did(client_for, recruiter, hiring_manager, role):
    submission = _submit(recruiter, role)

    response = client_for(hiring_manager).post(
        f"/submissions/{submission.public_id}/review/",
        {"decision": "need_info", "comment": "Which versions?", "next": HM_QUEUE},
        follow=True,
    )

    assert "Review of Grace Hopper saved: more information requested." in response.content.decode()


def test_an_offsite_next_is_ignored(client_for, recruiter, hiring_manager, role):
    submission = _submit(recruiter, role)

    response = client_for(hiring_manager).post(
        f"/submissions/{submission.public_id}/review/",
        {"decision": "advance", "next": "https://evil.example/phish"},
    )

    assert response["Location"] == f"/submissions/{submission.public_id}/"


def test_reviewing_a_submission_that_already_moved_on_is_a_message_not_an_error(
    client_for, recruiter, hiring_manager, role
):
    submission = _submit(recruiter, role)
    client = client_for(hiring_manager)
    client.post(f"/submissions/{submission.public_id}/review/", {"decision": "advance"})

    response = client.post(
        f"/submissions/{submission.public_id}/review/",
        {"decision": "advance", "next": HM_QUEUE},
        follow=True,
    )

    assert response.status_code == 200
    assert "not awaiting review" in response.content.decode()


def test_need_info_pauses_the_clock_and_moves_the_question_to_the_recruiter(
    client_for, recruiter, hiring_manager, role
):
    submission = _submit(recruiter, role)

    client_for(hiring_manager).post(
        f"/submissions/{submission.public_id}/review/",
        {"decision": "need_info", "comment": "Which PostgreSQL versions?", "next": HM_QUEUE},
    )

    # Off the hiring manager's queue until the recruiter answers; on the recruiter's home.
    assert "Grace Hopper" not in client_for(hiring_manager).get(HM_QUEUE).content.decode()
    recruiter_home = client_for(recruiter).get("/").content.decode()
    assert "Questions from hiring managers" in recruiter_home
    assert "Grace Hopper" in recruiter_home
    with organization_context(submission.organization_id):
        assert not ResponseClock.objects.filter(
            submission=submission, kind=ClockKind.HM_REVIEW, closed_at__isnull=True
        ).exists()


# --- HR's approvals -------------------------------------------------------------------


def test_approval_cards_show_notes_traits_and_waiting_time(client_for, recruiter, hr, role):
    with time_machine.travel(MONDAY_9AM, tick=False):
        _submit(recruiter, role, notes="Documents every decision.")
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), tick=False):
        response = client_for(hr).get(HR_QUEUE)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Grace Hopper" in content
    assert "Platform engineer" in content
    assert "Documents every decision." in content
    assert "Writes things down" in content
    assert "Waiting for 3 business hours of the agreed 8" in content
    assert SECRET_NOTE not in content


def test_hr_approves_from_the_queue_and_the_submission_goes_to_review(
    client_for, recruiter, hr, role
):
    submission = _submit(recruiter, role, notes="Documents every decision.")
    client = client_for(hr)

    response = client.post(
        f"/submissions/{submission.public_id}/culture-approval/",
        {"decision": "approve", "next": HR_QUEUE},
    )

    assert response.status_code == 302
    assert response["Location"] == HR_QUEUE
    submission = _reload(submission)
    assert submission.culture_status == CultureStatus.APPROVED
    assert submission.stage == Stage.HM_REVIEW
    assert "Culture-fit notes on Grace Hopper approved." in client.get(HR_QUEUE).content.decode()


def test_requesting_changes_needs_a_comment(client_for, recruiter, hr, role):
    submission = _submit(recruiter, role, notes="Documents every decision.")

    response = client_for(hr).post(
        f"/submissions/{submission.public_id}/culture-approval/",
        {"decision": "request_changes", "comment": "", "next": HR_QUEUE},
        follow=True,
    )

    assert response.redirect_chain == [(f"{HR_QUEUE}#submission-{submission.public_id}", 302)]
    content = response.content.decode()
    assert "Your decision on Grace Hopper was not saved: Say what should change" in content
    assert _reload(submission).culture_status == CultureStatus.PENDING


def test_requesting_changes_says_so_in_the_past_tense(client_for, recruiter, hr, role):
    submission = _submit(recruiter, role, notes="Documents every decision.")

    response = client_for(hr).post(
        f"/submissions/{submission.public_id}/culture-approval/",
        {"decision": "request_changes", "comment": "Give an example.", "next": HR_QUEUE},
        follow=True,
    )

    assert "Culture-fit notes on Grace Hopper: changes requested." in response.content.decode()


def test_a_hiring_manager_cannot_approve_culture_notes(client_for, recruiter, hiring_manager, role):
    submission = _submit(recruiter, role, notes="Documents every decision.")

    response = client_for(hiring_manager).post(
        f"/submissions/{submission.public_id}/culture-approval/", {"decision": "approve"}
    )

    assert response.status_code == 403
    assert _reload(submission).culture_status == CultureStatus.PENDING


# --- Query counts ---------------------------------------------------------------------

# Both queues, whatever their length:
#   1 session, 2 user, 3 the user's memberships (tenant middleware),
#   4 a page of the open clocks with their submissions, roles, agreements, candidates
#     and clients,
#   5 how many wait and how many are overdue,
#   6 the memberships for the organization switcher (base.html),
#   7 the unread notifications count (base.html).
QUEUE_QUERIES = 7


def _later(content: str, url: str) -> str:
    return url + html.unescape(re.search(r'rel="next" href="([^"]+)"', content)[1])


@pytest.mark.parametrize("count", [3, 40])
def test_the_review_queue_runs_a_constant_number_of_queries_a_page_at_a_time(
    client_for, recruiter, hiring_manager, role, django_assert_max_num_queries, count
):
    for number in range(count):
        _submit(recruiter, role, name=f"Candidate {number}")
    client = client_for(hiring_manager)

    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(HM_QUEUE)

    content = response.content.decode()
    assert content.count('class="card queue-card') == min(count, QUEUE_PER_PAGE)
    assert f"{count} candidates waiting for your skills review" in content
    if count > QUEUE_PER_PAGE:
        with django_assert_max_num_queries(QUEUE_QUERIES):
            later = client.get(_later(content, HM_QUEUE)).content.decode()
        assert later.count('class="card queue-card') == min(count - QUEUE_PER_PAGE, QUEUE_PER_PAGE)


@pytest.mark.parametrize("count", [3, 40])
def test_the_approvals_queue_runs_a_constant_number_of_queries_a_page_at_a_time(
    client_for, recruiter, hr, role, django_assert_max_num_queries, count
):
    for number in range(count):
        _submit(recruiter, role, name=f"Candidate {number}", notes="Kind and direct.")
    client = client_for(hr)

    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(HR_QUEUE)

    content = response.content.decode()
    assert content.count('class="card queue-card') == min(count, QUEUE_PER_PAGE)
    assert f"{count} sets of notes waiting for you" in content


def test_the_queue_pages_most_urgent_first(client_for, recruiter, hiring_manager, role):
    # Submitted a minute apart: each is due a minute after the one before.
    for number in range(QUEUE_PER_PAGE + 3):
        with time_machine.travel(MONDAY_9AM + timedelta(minutes=number), tick=False):
            _submit(recruiter, role, name=f"Candidate {number:02d}")
    client = client_for(hiring_manager)

    with time_machine.travel(MONDAY_9AM + timedelta(hours=1), tick=False):
        first = client.get(HM_QUEUE).content.decode()
        later = client.get(_later(first, HM_QUEUE)).content.decode()

    def names(content):
        return re.findall(r'<h2><a href="/submissions/[^"]+/">([^<]+)</a></h2>', content)

    expected = [f"Candidate {number:02d}" for number in range(QUEUE_PER_PAGE + 3)]
    assert names(first) == expected[:QUEUE_PER_PAGE]
    assert names(later) == expected[QUEUE_PER_PAGE:]
    assert "23 candidates waiting for your skills review" in later


def test_waiting_times_are_computed_once_per_client_for_the_page(
    client_for, recruiter, hiring_manager, role, monkeypatch
):
    for number in range(5):
        _submit(recruiter, role, name=f"Candidate {number}")
    walks = []

    def counted(**kwargs):
        walks.append(len(kwargs["starts"]))
        return business_hours_until(**kwargs)

    monkeypatch.setattr(queues, "business_hours_until", counted)

    content = client_for(hiring_manager).get(HM_QUEUE).content.decode()

    # One walk of the client's calendar: each card's opening and due times.
    assert walks == [10]
    assert content.count("Waiting for less than an hour") == 5


# --- Deciding in place (htmx) ---------------------------------------------------------

HX = {"HX-Request": "true"}


def _review_url(submission):
    return f"/submissions/{submission.public_id}/review/"


def _approval_url(submission):
    return f"/submissions/{submission.public_id}/culture-approval/"


def test_an_htmx_decision_answers_with_the_card_replaced_and_the_queue_recounted(
    client_for, recruiter, hiring_manager, role
):
    submission = _submit(recruiter, role)
    _submit(recruiter, role, name="Ada Lovelace")
    client = client_for(hiring_manager)

    response = client.post(
        _review_url(submission),
        {"decision": "advance", "rating_0": "5", "next": HM_QUEUE},
        headers=HX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.count(f'id="submission-{submission.public_id}"') == 1
    assert "Review of Grace Hopper saved: advanced to interviews." in content
    assert 'id="queue-summary" hx-swap-oob="true"' in content
    assert "1 candidate waiting for your skills review" in content
    assert _reload(submission).stage == Stage.INTERVIEWING
    # The answer said it: no flash message waits for the next page.
    assert "Review of Grace Hopper saved" not in client.get(HM_QUEUE).content.decode()


def test_the_same_decision_without_javascript_still_redirects_to_the_queue(
    client_for, recruiter, hiring_manager, role
):
    submission = _submit(recruiter, role)
    client = client_for(hiring_manager)

    response = client.post(_review_url(submission), {"decision": "advance", "next": HM_QUEUE})

    assert response.status_code == 302
    assert response["Location"] == HM_QUEUE
    assert "Review of Grace Hopper saved" in client.get(HM_QUEUE).content.decode()


def test_the_queue_cards_post_with_htmx_and_swap_themselves(
    client_for, recruiter, hiring_manager, role
):
    submission = _submit(recruiter, role)

    content = client_for(hiring_manager).get(HM_QUEUE).content.decode()

    assert f'hx-post="{_review_url(submission)}"' in content
    assert f'hx-target="#submission-{submission.public_id}"' in content
    assert 'hx-swap="outerHTML"' in content
    # The plain form is still there for browsers without JavaScript.
    assert f'method="post" action="{_review_url(submission)}"' in content


def test_an_htmx_decision_missing_its_comment_comes_back_as_the_card_with_the_error(
    client_for, recruiter, hiring_manager, role
):
    submission = _submit(recruiter, role)
    client = client_for(hiring_manager)

    response = client.post(
        _review_url(submission),
        {"decision": "reject", "rating_0": "2", "comment": "", "next": HM_QUEUE},
        headers=HX,
    )

    content = response.content.decode()
    assert response.status_code == 422
    assert "<html" not in content
    assert content.lstrip().startswith("<li")
    assert "Tell the recruiter why, so the next candidate fits better." in content
    assert '<option value="2" selected>' in content  # the ratings given are kept
    assert "autofocus" in content.split('name="comment"')[1].split(">")[0]
    assert f'hx-post="{_review_url(submission)}"' in content  # and it can be sent again
    assert _reload(submission).stage == Stage.HM_REVIEW
    assert "was not saved" not in client.get(HM_QUEUE).content.decode()


def test_an_htmx_decision_on_a_submission_that_moved_on_says_so_in_its_place(
    client_for, recruiter, hiring_manager, role
):
    submission = _submit(recruiter, role)
    client = client_for(hiring_manager)
    client.post(_review_url(submission), {"decision": "advance"})

    response = client.post(
        _review_url(submission),
        {"decision": "reject", "comment": "No.", "next": HM_QUEUE},
        headers=HX,
    )

    content = response.content.decode()
    assert response.status_code == 409
    assert "Your decision on Grace Hopper was not saved:" in content
    assert "not awaiting review" in content
    assert "Nothing else is waiting for your review." in content
    assert _reload(submission).stage == Stage.INTERVIEWING


def test_an_htmx_post_from_the_submission_page_is_answered_as_before(
    client_for, recruiter, hiring_manager, role
):
    """Only the queue's cards are swapped in place; without `next` there is no queue."""
    submission = _submit(recruiter, role)

    response = client_for(hiring_manager).post(
        _review_url(submission), {"decision": "advance"}, headers=HX
    )

    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{submission.public_id}/"


def test_hr_approves_in_place(client_for, recruiter, hr, role):
    submission = _submit(recruiter, role, notes="Documents every decision.")

    response = client_for(hr).post(
        _approval_url(submission), {"decision": "approve", "next": HR_QUEUE}, headers=HX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Culture-fit notes on Grace Hopper approved." in content
    assert "No other culture-fit notes are waiting for your approval." in content
    assert _reload(submission).culture_status == CultureStatus.APPROVED


def test_hr_requesting_changes_in_place_without_a_comment_gets_the_card_back(
    client_for, recruiter, hr, role
):
    submission = _submit(recruiter, role, notes="Documents every decision.")

    response = client_for(hr).post(
        _approval_url(submission),
        {"decision": "request_changes", "comment": "", "next": HR_QUEUE},
        headers=HX,
    )

    assert response.status_code == 422
    assert "Say what should change in the notes." in response.content.decode()
    assert _reload(submission).culture_status == CultureStatus.PENDING


def test_the_outsider_gets_404_for_htmx_decisions_too(
    client_for, other_organization, recruiter, role
):
    under_review = _submit(recruiter, role)
    pending = _submit(recruiter, role, name="Ada Lovelace", notes="Kind and direct.")
    their_client = ClientFactory(organization=other_organization)
    their_hm = MembershipFactory(
        organization=other_organization, role="hiring_manager", client=their_client
    )
    their_hr = MembershipFactory(organization=other_organization, role="hr", client=their_client)

    review = client_for(their_hm).post(
        _review_url(under_review), {"decision": "advance", "next": HM_QUEUE}, headers=HX
    )
    approval = client_for(their_hr).post(
        _approval_url(pending), {"decision": "approve", "next": HR_QUEUE}, headers=HX
    )

    assert (review.status_code, approval.status_code) == (404, 404)
    assert b"Grace Hopper" not in review.content
    assert _reload(under_review).stage == Stage.HM_REVIEW
    assert _reload(pending).culture_status == CultureStatus.PENDING


def test_a_hiring_manager_of_another_client_cannot_decide_in_place(
    client_for, organization, recruiter, role
):
    submission = _submit(recruiter, role)
    other_client = ClientFactory(organization=organization, name="Globex")
    other_hm = MembershipFactory(
        organization=organization, role="hiring_manager", client=other_client
    )

    response = client_for(other_hm).post(
        _review_url(submission), {"decision": "advance", "next": HM_QUEUE}, headers=HX
    )

    assert response.status_code == 404
    assert _reload(submission).stage == Stage.HM_REVIEW


def test_hr_cannot_decide_a_skills_review_in_place(client_for, recruiter, hr, role):
    submission = _submit(recruiter, role)

    response = client_for(hr).post(
        _review_url(submission), {"decision": "advance", "next": HM_QUEUE}, headers=HX
    )

    assert response.status_code == 403
    assert _reload(submission).stage == Stage.HM_REVIEW


# --- The queue's minute poll (htmx) ---------------------------------------------------


def test_the_queue_page_polls_for_arrivals_since_it_was_rendered(
    client_for, recruiter, hiring_manager, role
):
    with time_machine.travel(MONDAY_9AM, tick=False):
        content = client_for(hiring_manager).get(HM_QUEUE).content.decode()

    assert 'hx-get="/review-queue/?since=2026-11-23T09%3A00%3A00%2B00%3A00"' in content
    assert 'hx-trigger="every 60s"' in content


def test_the_poll_is_empty_until_a_candidate_arrives_then_says_how_many(
    client_for, recruiter, hiring_manager, role
):
    with time_machine.travel(MONDAY_9AM, tick=False):
        _submit(recruiter, role)
    rendered = datetime(2026, 11, 23, 10, 0, tzinfo=UTC).isoformat()
    client = client_for(hiring_manager)

    with time_machine.travel(datetime(2026, 11, 23, 10, 1, tzinfo=UTC), tick=False):
        quiet = client.get(HM_QUEUE, {"since": rendered}, headers=HX)
    with time_machine.travel(datetime(2026, 11, 23, 10, 30, tzinfo=UTC), tick=False):
        _submit(recruiter, role, name="Ada Lovelace")
        _submit(recruiter, role, name="Linus Torvalds")
        news = client.get(HM_QUEUE, {"since": rendered}, headers=HX)

    assert quiet.status_code == 204
    content = news.content.decode()
    assert news.status_code == 200
    assert "<html" not in content
    assert "2 new candidates are waiting for your review." in content
    assert '<a href="/review-queue/">Show the updated queue</a>' in content


def test_the_approvals_poll_counts_new_notes(client_for, recruiter, hr, role):
    rendered = MONDAY_9AM.isoformat()
    with time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=UTC), tick=False):
        _submit(recruiter, role, notes="Kind and direct.")

    response = client_for(hr).get(HR_QUEUE, {"since": rendered}, headers=HX)

    assert "1 new set of culture-fit notes is waiting for your approval." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "since", ["yesterday", "2026-11-23T09:00:00", "2026-13-01T09:00:00+00:00", ""]
)
def test_the_poll_wants_a_time_with_its_offset(client_for, hiring_manager, since):
    response = client_for(hiring_manager).get(HM_QUEUE, {"since": since}, headers=HX)

    assert response.status_code == 400


def test_without_htmx_since_is_ignored_and_the_page_renders(client_for, hiring_manager):
    response = client_for(hiring_manager).get(HM_QUEUE, {"since": "yesterday"})

    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_agency_members_and_outsiders_cannot_poll_the_queues(client_for, recruiter, outsider):
    since = MONDAY_9AM.isoformat()
    for member in (recruiter, outsider):
        for url in (HM_QUEUE, HR_QUEUE):
            assert client_for(member).get(url, {"since": since}, headers=HX).status_code == 403


# The poll, whatever the queue's length: 1 session, 2 user, 3 the user's memberships,
# 4 the count of clocks opened since (no page around it: no header queries).
POLL_QUERIES = 4


@pytest.mark.parametrize("count", [3, 40])
def test_the_poll_runs_a_constant_number_of_queries(
    client_for, recruiter, hiring_manager, role, django_assert_max_num_queries, count
):
    with time_machine.travel(MONDAY_9AM, tick=False):
        for number in range(count):
            _submit(recruiter, role, name=f"Candidate {number}")
    client = client_for(hiring_manager)
    since = datetime(2026, 11, 23, 8, 0, tzinfo=UTC).isoformat()

    with django_assert_max_num_queries(POLL_QUERIES):
        response = client.get(HM_QUEUE, {"since": since}, headers=HX)

    assert f"{count} new candidates" in response.content.decode()
