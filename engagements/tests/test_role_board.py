"""The role's board and list: columns by stage with their counts and "show more", a
card's move through the stage-move service (allowed, refused, needing a reason), the
list view's bulk move with a result per submission, their cost whatever the size of
the role, and who may do what."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from activity.models import Activity
from lib.bulk import MAX_BULK_ITEMS, NOT_FOUND
from lib.tenancy import organization_context
from recruiting.models import Candidate, Stage, Submission
from recruiting.selectors import PIPELINE_STAGE_SIZE, ROLE_SUBMISSIONS_PER_PAGE
from tests.factories import (
    CandidateFactory,
    ClientFactory,
    RoleFactory,
    SubmissionFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
# The budgets of every page (docs/design.md): queries and bytes of HTML.
PAGE_QUERY_BUDGET = 15
PAGE_BYTES_BUDGET = 150_000


@pytest.fixture
def role(organization, client_company, hm_contact, hr_contact, recruiter):
    return RoleFactory(
        organization=organization,
        client=client_company,
        title="Staff backend engineer",
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
        owner=recruiter,
    )


@pytest.fixture
def other_client_role(organization):
    client = ClientFactory(organization=organization, name="Globex Logistics")
    return RoleFactory(organization=organization, client=client, title="Forklift lead")


def _submission(role, name: str, stage: str = Stage.HM_REVIEW, **fields) -> Submission:
    return SubmissionFactory(
        organization=role.organization,
        role=role,
        stage=stage,
        candidate=CandidateFactory(organization=role.organization, full_name=name),
        **fields,
    )


def _many(role, count: int) -> None:
    """`count` submissions spread over every stage, written in two statements."""
    stages = list(Stage)
    now = timezone.now()
    with organization_context(role.organization_id):
        candidates = Candidate.objects.bulk_create(
            CandidateFactory.build_batch(count, organization=role.organization)
        )
        Submission.objects.bulk_create(
            SubmissionFactory.build(
                organization=role.organization,
                role=role,
                candidate=candidate,
                stage=stages[number % len(stages)],
                stage_changed_at=now - timedelta(minutes=number),
            )
            for number, candidate in enumerate(candidates)
        )


def _stored(submission) -> Submission:
    with organization_context(submission.organization_id):
        return Submission.objects.get(pk=submission.pk)


def _column(content: str, stage: str) -> str:
    start = content.index(f'id="board-cards-{stage}"')
    return content[start : content.index("</ul>", start)]


def _card_names(html: str) -> list[str]:
    return re.findall(r'class="board-card__name" href="[^"]+">([^<]+)</a>', html)


# --- The board -------------------------------------------------------------------------


def test_the_board_shows_a_column_per_stage_with_its_count_and_cards(client_for, recruiter, role):
    _submission(role, "Ada Lovelace", Stage.HM_REVIEW)
    _submission(role, "Alan Turing", Stage.OFFER)

    content = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()

    assert content.count('<section class="board__column"') == len(Stage)
    assert _card_names(_column(content, "hm_review")) == ["Ada Lovelace"]
    assert _card_names(_column(content, "offer")) == ["Alan Turing"]
    assert '<span class="badge badge--muted" id="board-count-offer">1</span>' in content
    assert '<span class="badge badge--muted" id="board-count-hired">0</span>' in content
    # The list view is a toggle away.
    assert f'href="/roles/{role.public_id}/?view=list#pipeline-heading"' in content
    assert "vendor/Sortable.min.js" in content
    assert "js/board.js" in content


@pytest.mark.parametrize("size", [3, 2_000])
def test_the_board_shows_a_page_per_column_at_a_constant_cost(
    client_for, recruiter, role, django_assert_max_num_queries, size
):
    """Queries (engagements.pages.roles.render_role): session, user, memberships; the
    role; the latest proposal; the counts by stage; the first cards of every stage;
    a page of the open clocks; a page of the timeline; the switcher; the unread count."""
    _many(role, size)
    client = client_for(recruiter)

    with django_assert_max_num_queries(11) as queries:
        response = client.get(f"/roles/{role.public_id}/")

    content = response.content.decode()
    assert response.status_code == 200
    assert len(queries.captured_queries) <= PAGE_QUERY_BUDGET
    assert len(response.content) <= PAGE_BYTES_BUDGET
    for stage in Stage:
        shown = len(_card_names(_column(content, stage)))
        assert shown == min(PIPELINE_STAGE_SIZE, len(range(list(Stage).index(stage), size, 8)))
    assert (content.count("Show more") > 0) == (size > 8 * PIPELINE_STAGE_SIZE)


def test_show_more_appends_a_columns_next_cards_and_its_next_show_more(
    client_for, recruiter, role, django_assert_max_num_queries
):
    for number in range(25):
        _submission(
            role,
            f"Waiting {number:02d}",
            stage_changed_at=timezone.now() - timedelta(hours=100 - number),
        )
    client = client_for(recruiter)
    first = client.get(f"/roles/{role.public_id}/").content.decode()
    append_url = re.search(r'hx-get="([^"]+/board/hm_review/[^"]+)"', first)[1]

    # Session, user, memberships, the role, a page of the column.
    with django_assert_max_num_queries(5):
        second = client.get(append_url.replace("&amp;", "&"), **HTMX).content.decode()
    third_url = re.search(r'hx-get="([^"]+/board/hm_review/[^"]+)"', second)[1]
    third = client.get(third_url, **HTMX).content.decode()

    assert _card_names(second) == [f"Waiting {number:02d}" for number in range(10, 20)]
    assert 'id="board-more-hm_review"' in second
    assert 'hx-swap-oob="true"' in second
    assert _card_names(third) == [f"Waiting {number:02d}" for number in range(20, 25)]
    # The last page replaces "show more" with nothing.
    assert re.search(r'<nav class="pagination" id="board-more-hm_review"[^>]*>\s*</nav>', third)


def test_a_column_of_no_such_stage_is_not_found(client_for, recruiter, role):
    assert client_for(recruiter).get(f"/roles/{role.public_id}/board/eaten/").status_code == 404


# --- A card's move -------------------------------------------------------------------


def test_a_cards_move_menu_offers_only_the_moves_the_member_may_make(client_for, recruiter, role):
    submission = _submission(role, "Ada Lovelace", Stage.OFFER)

    content = (
        client_for(recruiter)
        .get(f"/submissions/{submission.public_id}/board-move/", **HTMX)
        .content.decode()
    )

    select = content[content.index('name="to_stage"') : content.index("</select>")]
    offered = re.findall(r'<option value="([a-z_]+)"', select)
    assert offered == ["hired", "rejected", "withdrawn", "lost"]
    assert f'hx-post="/submissions/{submission.public_id}/board-move/"' in content
    assert f'id="id_move_{submission.public_id.hex}_to_stage"' in content


def test_a_card_with_nowhere_to_go_has_no_menu(client_for, recruiter, role):
    _submission(role, "Ada Lovelace", Stage.HIRED)
    content = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()
    assert "Ada Lovelace" in content
    assert "board-card__menu" not in content
    assert "data-move-url" not in content


def test_a_dropped_card_moves_through_the_service_and_the_counts_follow(
    client_for, recruiter, role
):
    submission = _submission(role, "Ada Lovelace", Stage.OFFER)

    response = client_for(recruiter).post(
        f"/submissions/{submission.public_id}/board-move/", {"to_stage": "hired"}, **HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert _stored(submission).stage == Stage.HIRED
    assert 'data-stage="hired"' in content
    assert "Ada Lovelace moved to “Hired”." in content
    assert (
        '<span class="badge badge--muted" id="board-count-hired" hx-swap-oob="true">1</span>'
        in (content)
    )
    assert 'id="board-count-offer" hx-swap-oob="true">0</span>' in content
    with organization_context(role.organization_id):
        assert Activity.objects.filter(verb="submission.stage_changed", submission=submission)


def test_a_refused_move_answers_the_services_message_and_the_card_as_it_was(
    client_for, recruiter, role
):
    submission = _submission(role, "Ada Lovelace", Stage.HM_REVIEW)

    response = client_for(recruiter).post(
        f"/submissions/{submission.public_id}/board-move/", {"to_stage": "interviewing"}, **HTMX
    )

    content = response.content.decode()
    assert response.status_code == 409
    assert _stored(submission).stage == Stage.HM_REVIEW
    assert 'data-stage="hm_review"' in content
    assert (
        "Ada Lovelace was not moved: Candidates advance to interviews through the hiring "
        "manager&#x27;s review." in content
    )
    assert 'class="message message--error"' in content
    assert "board-count-" not in content


def test_a_move_back_in_the_pipeline_is_refused_by_the_stage_machine(client_for, recruiter, role):
    submission = _submission(role, "Ada Lovelace", Stage.OFFER)

    response = client_for(recruiter).post(
        f"/submissions/{submission.public_id}/board-move/", {"to_stage": "submitted"}, **HTMX
    )

    assert response.status_code == 409
    assert "cannot move to “Submitted”" in response.content.decode()
    assert _stored(submission).stage == Stage.OFFER


def test_a_rejection_without_a_reason_opens_the_cards_menu_on_the_form(client_for, recruiter, role):
    submission = _submission(role, "Ada Lovelace", Stage.HM_REVIEW)
    client = client_for(recruiter)
    url = f"/submissions/{submission.public_id}/board-move/"

    response = client.post(url, {"to_stage": "rejected"}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 422
    assert '<details class="board-card__menu" open>' in content
    assert "Give a reason; the timeline keeps it." in content
    assert '<option value="rejected" selected>' in content
    assert _stored(submission).stage == Stage.HM_REVIEW

    response = client.post(url, {"to_stage": "rejected", "reason": "Salary too far apart"}, **HTMX)
    assert response.status_code == 200
    stored = _stored(submission)
    assert (stored.stage, stored.closing_note) == (Stage.REJECTED, "Salary too far apart")


def test_without_htmx_a_move_comes_back_to_the_role_with_a_message(client_for, recruiter, role):
    submission = _submission(role, "Ada Lovelace", Stage.OFFER)
    client = client_for(recruiter)
    url = f"/submissions/{submission.public_id}/board-move/"

    moved = client.post(url, {"to_stage": "hired"}, follow=True)
    needs_reason = client.post(url, {"to_stage": "withdrawn"})

    assert moved.redirect_chain[-1][0] == f"/roles/{role.public_id}/#pipeline-heading"
    assert "Ada Lovelace moved to “Hired”." in moved.content.decode()
    assert needs_reason.status_code == 302  # already hired: refused, back to the role
    assert _stored(submission).stage == Stage.HIRED


def test_the_hiring_manager_moves_on_the_board_what_the_stage_machine_lets_them(
    client_for, hiring_manager, role
):
    offered = _submission(role, "Ada Lovelace", Stage.OFFER)
    reviewed = _submission(role, "Alan Turing", Stage.HM_REVIEW)
    client = client_for(hiring_manager)

    hired = client.post(
        f"/submissions/{offered.public_id}/board-move/", {"to_stage": "hired"}, **HTMX
    )
    withdrawn = client.post(
        f"/submissions/{reviewed.public_id}/board-move/",
        {"to_stage": "withdrawn", "reason": "Not for us"},
        **HTMX,
    )

    assert hired.status_code == 200
    assert withdrawn.status_code == 409
    assert "As hiring manager you cannot move a submission to “Withdrawn”." in (
        withdrawn.content.decode()
    )
    assert (_stored(offered).stage, _stored(reviewed).stage) == (Stage.HIRED, Stage.HM_REVIEW)


# --- The list view and its bulk move ----------------------------------------------------


def test_the_list_view_shows_a_page_of_submissions_filtered_by_stage(client_for, recruiter, role):
    for number in range(ROLE_SUBMISSIONS_PER_PAGE + 3):
        _submission(
            role,
            f"Listed {number:02d}",
            Stage.HM_REVIEW,
            stage_changed_at=timezone.now() - timedelta(hours=100 - number),
        )
    _submission(role, "Offered", Stage.OFFER)
    client = client_for(recruiter)

    everyone = client.get(f"/roles/{role.public_id}/", {"view": "list"}).content.decode()
    offers = client.get(
        f"/roles/{role.public_id}/", {"view": "list", "stage": "offer"}
    ).content.decode()

    assert everyone.count('name="submissions"') == ROLE_SUBMISSIONS_PER_PAGE
    assert "Listed 00" in everyone
    assert 'rel="next"' in everyone
    assert "board__column" not in everyone
    assert '<option value="offer" selected>Offer (1)</option>' in offers
    assert offers.count('name="submissions"') == 1
    assert "Move the ticked submissions" in offers


@pytest.mark.parametrize("size", [3, 2_000])
def test_the_list_view_costs_the_same_whatever_the_roles_size(
    client_for, recruiter, role, django_assert_max_num_queries, size
):
    _many(role, size)
    client = client_for(recruiter)
    # As the board's, with the counts by stage and a page of the list for its cards.
    with django_assert_max_num_queries(11):
        response = client.get(f"/roles/{role.public_id}/", {"view": "list"})
    assert response.status_code == 200
    assert len(response.content) <= PAGE_BYTES_BUDGET
    assert response.content.decode().count('name="submissions"') == min(
        size, ROLE_SUBMISSIONS_PER_PAGE
    )


def test_a_bulk_withdrawal_reports_each_submissions_result(client_for, recruiter, role):
    open_one = _submission(role, "Ada Lovelace", Stage.HM_REVIEW)
    offered = _submission(role, "Alan Turing", Stage.OFFER)
    hired = _submission(role, "Grace Hopper", Stage.HIRED)

    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/submissions/move/",
        {
            "submissions": [open_one.public_id, offered.public_id, hired.public_id],
            "to_stage": "withdrawn",
            "reason": "The candidates took other offers",
        },
        follow=True,
    )

    content = response.content.decode()
    assert response.redirect_chain[-1][0] == (
        f"/roles/{role.public_id}/?view=list#pipeline-heading"
    )
    assert "Moved to “Withdrawn” 2: Ada Lovelace, Alan Turing." in content
    assert "Not moved 1: A submission in “Hired” cannot move to “Withdrawn” (Grace Hopper)." in (
        content
    )
    assert [_stored(s).stage for s in (open_one, offered, hired)] == [
        Stage.WITHDRAWN,
        Stage.WITHDRAWN,
        Stage.HIRED,
    ]


def test_a_bulk_move_missing_its_reason_is_refused_for_each_and_moves_nothing(
    client_for, recruiter, role
):
    chosen = [_submission(role, name, Stage.HM_REVIEW) for name in ("Ada", "Alan")]

    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/submissions/move/",
        {"submissions": [s.public_id for s in chosen], "to_stage": "rejected"},
        follow=True,
    )

    assert "Not moved 2: Give a reason; the timeline keeps it (Ada, Alan)." in (
        response.content.decode()
    )
    assert {_stored(s).stage for s in chosen} == {Stage.HM_REVIEW}


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (0, "Tick the submissions to move."),
        (MAX_BULK_ITEMS + 1, f"Choose at most {MAX_BULK_ITEMS} at a time (you chose 101)."),
    ],
)
def test_a_bulk_move_of_none_or_too_many_is_a_form_error(
    client_for, recruiter, role, chosen, message
):
    submission = _submission(role, "Ada Lovelace", Stage.OFFER)
    ids = [str(submission.public_id)] + [str(uuid.uuid4()) for _ in range(MAX_BULK_ITEMS)]

    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/submissions/move/",
        {"submissions": ids[:chosen], "to_stage": "hired"},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _stored(submission).stage == Stage.OFFER


def test_a_bulk_move_reports_as_not_found_what_is_not_this_roles(
    client_for, recruiter, role, other_client_role
):
    mine = _submission(role, "Ada Lovelace", Stage.OFFER)
    elsewhere = _submission(other_client_role, "Alan Turing", Stage.OFFER)

    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/submissions/move/",
        {"submissions": [mine.public_id, elsewhere.public_id], "to_stage": "hired"},
        follow=True,
    )

    content = response.content.decode()
    assert "Moved to “Hired” 1: Ada Lovelace." in content
    assert f"Not moved 1: {NOT_FOUND.rstrip('.')} (1 of those chosen)." in content.replace(
        "&#x27;", "'"
    )
    assert _stored(elsewhere).stage == Stage.OFFER


# --- Who may see and do what -----------------------------------------------------------


def _urls(role, submission) -> list[tuple[str, str, dict]]:
    return [
        ("get", f"/roles/{role.public_id}/board/hm_review/", {}),
        ("get", f"/submissions/{submission.public_id}/board-move/", {}),
        ("post", f"/submissions/{submission.public_id}/board-move/", {"to_stage": "offer"}),
        (
            "post",
            f"/roles/{role.public_id}/submissions/move/",
            {"submissions": [submission.public_id], "to_stage": "withdrawn", "reason": "x"},
        ),
    ]


def test_another_organization_can_neither_see_nor_move_the_board(client_for, outsider, role):
    submission = _submission(role, "Ada Lovelace", Stage.HM_REVIEW)
    client = client_for(outsider)
    for method, url, data in _urls(role, submission):
        assert getattr(client, method)(url, data, **HTMX).status_code == 404, url
    assert _stored(submission).stage == Stage.HM_REVIEW


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_cannot_touch_another_clients_board(
    client_for, request, other_client_role, cast
):
    submission = _submission(other_client_role, "Alan Turing", Stage.HM_REVIEW)
    client = client_for(request.getfixturevalue(cast))
    for method, url, data in _urls(other_client_role, submission):
        assert getattr(client, method)(url, data, **HTMX).status_code == 404, url
    assert _stored(submission).stage == Stage.HM_REVIEW


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_a_client_users_bulk_move_reaches_only_their_clients_submissions(
    client_for, request, role, other_client_role, cast
):
    theirs = _submission(role, "Ada Lovelace", Stage.OFFER)
    other = _submission(other_client_role, "Alan Turing", Stage.OFFER)

    client_for(request.getfixturevalue(cast)).post(
        f"/roles/{role.public_id}/submissions/move/",
        {"submissions": [theirs.public_id, other.public_id], "to_stage": "hired"},
    )

    assert (_stored(theirs).stage, _stored(other).stage) == (Stage.HIRED, Stage.OFFER)
