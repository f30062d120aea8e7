"""The list of submissions: every candidate put forward, filtered by stage and client,
those who have waited longest in their stage first."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET

from accounts.access import require_membership
from lib.pagination import AFTER, BEFORE, page_nav
from recruiting import selectors
from recruiting.filters import SUBMISSION_SORTS, SubmissionListFilter


@login_required
@require_GET
def submission_list(request: HttpRequest) -> HttpResponse:
    """A page of the submissions the member may see (a hiring manager or HR: their
    client's), open ones by default, sorted by how long they have been in their stage
    or when submitted: two queries whatever their number (the count and the page)."""
    membership = require_membership(request)
    filters = SubmissionListFilter(
        request.GET,
        queryset=selectors.submissions_visible(membership=membership),
        client_user=membership.is_client_user,
    )
    sort = filters.sort()
    page, count = selectors.submission_list(
        submissions=filters.qs,
        ordering=SUBMISSION_SORTS.ordering(sort),
        after=request.GET.get(AFTER),
        before=request.GET.get(BEFORE),
    )
    context = {
        "page": page,
        "filters": filters,
        "sort": SUBMISSION_SORTS.headers(sort, request.GET),
        "nav": page_nav(page, request.GET, summary=f"{count} submission{pluralize(count.value)}"),
        "show_client": not membership.is_client_user,
    }
    status = 400 if filters.errors else 200
    return render(request, "recruiting/submission_list.html", context, status=status)
