"""The role list and a role's page: its agreement, pipeline, open clocks and timeline."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import require_membership
from accounts.permissions import AGENCY, Action, can
from activity import selectors as activity_selectors
from engagements import selectors as engagement_selectors
from engagements.pages.board import BOARD_ANCHOR, BoardCard, board_cards, column_more_nav
from intake.selectors import latest_agreements_by_role, latest_proposal
from lib.bulk import MAX_BULK_ITEMS, bulk_apply, report
from lib.pagination import AFTER, BEFORE, PageNav, page_nav, page_url
from recruiting import selectors, services
from recruiting.access import get_role
from recruiting.filters import ROLE_SORTS, RoleListFilter
from recruiting.forms.submissions import BulkStageMoveForm
from recruiting.models import ROLE_STATUS_MOVES, RoleStatus, Stage
from recruiting.selectors import PIPELINE_ORDER, PipelineStage

# `?view=list`: the role's submissions as a list, for moving several at a time.
LIST_VIEW = "list"

# How a status change reads on its button.
STATUS_ACTIONS = {
    RoleStatus.OPEN: "Reopen",
    RoleStatus.ON_HOLD: "Put on hold",
    RoleStatus.FILLED: "Mark filled",
    RoleStatus.CANCELLED: "Cancel role",
}


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    """A page of roles with their counts and agreements, filtered by status (open by
    default), client and priority and sorted by a column (recruiting.filters): three
    queries whatever the number of roles (the count, the page with its counts, the
    page's agreements). A status or sort it does not offer is its default; another
    filter's value it does not take is named next to its field and left out."""
    membership = require_membership(request)
    filters = RoleListFilter(
        request.GET,
        queryset=selectors.roles_visible(membership=membership),
        client_user=membership.is_client_user,
    )
    sort = filters.sort()
    page, count = selectors.role_list(
        roles=filters.qs,
        ordering=ROLE_SORTS.ordering(sort),
        after=request.GET.get(AFTER),
        before=request.GET.get(BEFORE),
    )
    latest = latest_agreements_by_role(role_ids=[role.pk for role in page.items])
    context = {
        "role_rows": [(role, latest.get(role.pk)) for role in page.items],
        "nav": page_nav(page, request.GET, summary=f"{count} role{pluralize(count.value)}"),
        "filters": filters,
        "sort": ROLE_SORTS.headers(sort, request.GET),
        "show_client": not membership.is_client_user,
    }
    status = 400 if filters.errors else 200
    return render(request, "recruiting/role_list.html", context, status=status)


@login_required
def role_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The role's page, a bounded amount whatever its size, its pipeline as a board
    (`board_context` below) or, with `?view=list`, as a list of the submissions that
    can be moved several at a time (`list_context` below)."""
    return render_role(request, get_role(request, public_id))


def render_role(
    request: HttpRequest, role, *, bulk_form: BulkStageMoveForm | None = None, status: int = 200
) -> HttpResponse:
    """The role's page; a refused bulk move (`role_bulk_move`) shows it again, its list
    view with the form's errors.

    A constant number of queries (engagements/tests/test_role_pages.py::
    test_role_detail_query_count_stays_constant): the role with its client,
    agreement, contacts and owner; the latest proposal; the pipeline (board: the
    counts by stage and the first cards of every stage, one more when a stage is
    paged; list: the counts and a page of the list); a page of open clocks; a page
    of the timeline. The clocks and the timeline are paged on their own
    (`clocks_…`, `timeline_…`), the other lists' pages kept."""
    membership = require_membership(request)
    params = request.GET
    proposal = latest_proposal(role=role)
    in_force = role.agreement
    if proposal is not None and in_force is not None and proposal.version < in_force.version:
        proposal = None
    list_view = bulk_form is not None or params.get("view") == LIST_VIEW
    pipeline = list_context(request, role, bulk_form) if list_view else board_context(request, role)
    clocks = engagement_selectors.open_clocks_for_role(
        role=role, after=params.get("clocks_after"), before=params.get("clocks_before")
    )
    activities = activity_selectors.timeline_page(
        membership=membership,
        role=role,
        after=params.get("timeline_after"),
        before=params.get("timeline_before"),
    )
    context = {
        "role": role,
        "client": role.client,
        **pipeline,
        "list_view": list_view,
        # Show what is agreed; before anything is, what is proposed.
        "summary": in_force or proposal,
        "proposal": proposal,
        "clocks": clocks.items,
        "clocks_nav": page_nav(
            clocks, params, after="clocks_after", before="clocks_before"
        ).anchored("clocks-heading"),
        "activities": activities.items,
        "timeline_nav": page_nav(
            activities, params, after="timeline_after", before="timeline_before"
        ).anchored("timeline-heading"),
        "is_agency": not membership.is_client_user,
        "can_edit": can(membership, Action.EDIT_CLIENTS_AND_ROLES),
        "can_submit": can(membership, Action.CREATE_SUBMISSION) and role.status == RoleStatus.OPEN,
        "status_moves": [
            (status, STATUS_ACTIONS[status])
            for status in RoleStatus
            if status in ROLE_STATUS_MOVES.get(role.status, frozenset())
        ],
    }
    return render(request, "recruiting/role_detail.html", context, status=status)


@dataclass(frozen=True)
class BoardColumn:
    """A stage of the board: how many submissions are in it, its cards shown, and the
    links to its others."""

    stage: Stage
    count: int
    cards: list[BoardCard]
    nav: PageNav


def board_context(request: HttpRequest, role) -> dict:
    """The board: a column per stage with its count and first cards (or, for `stage`,
    the page after or before a cursor), each column's "show more"."""
    params = request.GET
    pipeline = selectors.role_pipeline(
        role=role, stage=params.get("stage"), after=params.get(AFTER), before=params.get(BEFORE)
    )
    columns = [
        BoardColumn(
            stage=column.stage,
            count=column.count,
            cards=board_cards(request.membership, column.page.items),
            nav=_column_nav(role, column, params),
        )
        for column in pipeline
    ]
    return {"columns": columns, "submission_count": sum(column.count for column in columns)}


def list_context(request: HttpRequest, role, bulk_form: BulkStageMoveForm | None) -> dict:
    """The list: a page of the role's submissions (of the stage chosen, or all), each
    with a box to tick for the bulk move below it."""
    params = request.GET
    stage = params.get("stage") if params.get("stage") in Stage.values else None
    counts = selectors.role_stage_counts(role=role)
    page = selectors.role_submission_page(
        role=role, stage=stage, after=params.get(AFTER), before=params.get(BEFORE)
    )
    ask_lost_reason = request.membership.role in AGENCY
    return {
        "submissions": page.items,
        "submission_count": sum(counts.values()),
        "stage_filter": stage or "",
        "stage_choices": [
            (value, Stage(value).label, counts.get(value, 0)) for value in PIPELINE_ORDER
        ],
        "list_nav": page_nav(page, params).anchored("pipeline-heading"),
        "bulk_form": bulk_form or BulkStageMoveForm(ask_lost_reason=ask_lost_reason),
        "max_bulk": MAX_BULK_ITEMS,
    }


def _column_nav(role, column: PipelineStage, params) -> PageNav:
    """The links to the column's other cards. "Show more" appends the next ones in place
    (htmx), or is the role's page with this stage's next page (`stage`, `after`), the
    other columns back at their first; "Earlier" goes back a page, once paged."""
    page = column.page
    stage = column.stage.value
    more = column_more_nav(role, stage, page.next_cursor, params)
    return PageNav(
        previous_url=page_url(params, stage=stage, after=None, before=page.previous_cursor)
        + f"#stage-{stage}"
        if page.has_previous
        else None,
        next_url=more.next_url,
        append_url=more.append_url,
    )


@login_required
@require_POST
def role_bulk_move(request: HttpRequest, public_id) -> HttpResponse:
    """Move (or withdraw, reject, mark lost) the submissions ticked in the list view:
    each through `submission_move` in its own transaction, each with its own result,
    said in one message for those moved and one for those refused, and why. A
    selection that is empty or too long is a form error on the page (400)."""
    role = get_role(request, public_id)
    membership = require_membership(request)
    form = BulkStageMoveForm(request.POST, ask_lost_reason=membership.role in AGENCY)
    if not form.is_valid():
        return render_role(request, role, bulk_form=form, status=400)
    data = form.cleaned_data
    chosen = selectors.submissions_chosen(
        membership=membership, public_ids=data["submissions"], role=role
    )
    outcome = bulk_apply(
        chosen,
        act=lambda submission: services.submission_move(
            actor=membership,
            submission=submission,
            to_stage=data["to_stage"],
            reason=data["reason"],
            lost_reason=data.get("lost_reason", ""),
        ),
        label=lambda submission: str(submission.candidate),
        missing=len(data["submissions"]) - len(chosen),
    )
    stage = Stage(data["to_stage"]).label
    report(request, outcome, done=f"Moved to “{stage}”", not_done="Not moved")
    role_url = reverse("recruiting:role-detail", args=[role.public_id])
    return redirect(f"{role_url}?view={LIST_VIEW}#{BOARD_ANCHOR}")
