"""The role list and a role's page: its agreement, pipeline, open clocks and timeline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize

from accounts.access import require_membership
from accounts.permissions import Action, can
from activity import selectors as activity_selectors
from engagements import selectors as engagement_selectors
from intake.selectors import latest_agreements_by_role, latest_proposal
from lib.pagination import AFTER, BEFORE, PageNav, page_nav, page_url
from recruiting import selectors
from recruiting.access import get_role
from recruiting.filters import ROLE_SORTS, RoleListFilter
from recruiting.models import ROLE_STATUS_MOVES, RoleStatus
from recruiting.selectors import PipelineStage

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
    """The role's page, a bounded amount whatever its size: a page of each stage's
    submissions, of its open clocks and of its timeline, each paged on its own
    (`stage` with `after`/`before`, `clocks_…`, `timeline_…`), the others' pages kept.
    A constant number of queries (engagements/tests/test_role_pages.py::
    test_role_detail_query_count_stays_constant): the role with its client,
    agreement, contacts and owner; the latest proposal; the counts by stage; the
    first submissions of every stage with their candidates (and the page of one
    stage when paged); a page of open clocks; a page of the timeline."""
    role = get_role(request, public_id)
    membership = require_membership(request)
    params = request.GET
    proposal = latest_proposal(role=role)
    in_force = role.agreement
    if proposal is not None and in_force is not None and proposal.version < in_force.version:
        proposal = None
    pipeline = selectors.role_pipeline(
        role=role, stage=params.get("stage"), after=params.get(AFTER), before=params.get(BEFORE)
    )
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
        "pipeline": [(column, _column_nav(column, params)) for column in pipeline],
        # Phones list the empty stages on one line instead of a box each.
        "empty_stages": [column.stage.label for column in pipeline if not column.count],
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
    return render(request, "recruiting/role_detail.html", context)


def _column_nav(column: PipelineStage, params) -> PageNav:
    """The links to the column's other submissions: the page of this stage (`stage`,
    `after`/`before`), the other columns back at their first page."""
    page = column.page
    stage = column.stage.value
    return PageNav(
        previous_url=page_url(params, stage=stage, after=None, before=page.previous_cursor)
        if page.has_previous
        else None,
        next_url=page_url(params, stage=stage, after=page.next_cursor, before=None)
        if page.has_next
        else None,
    ).anchored(f"stage-{stage}")
