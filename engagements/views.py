"""The home page: what needs the signed-in member's attention now."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import MembershipRole
from engagements import selectors
from recruiting import selectors as recruiting_selectors

RECENT_ACTIVITY_LIMIT = 10


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """A constant number of queries whatever the data (see test_home_page):

    agency: the attention clocks (one, capped), the notes HR sent back (one),
    the recent timeline (one); hiring manager: the review queue (two) and the
    clocks they owe (one); HR: the approvals queue (two) and the clocks they owe (one).
    """
    membership = request.membership
    if membership is None:
        return render(request, "engagements/home_no_membership.html")
    now = timezone.now()
    context = {"membership": membership, "now": now}
    if membership.is_client_user:
        # Only what this person owes: HR does not chase the hiring manager's reviews.
        context["attention"] = [
            clock
            for clock in selectors.attention_clocks(membership=membership)
            if clock.owed_by == membership.role
        ]
        if membership.role == MembershipRole.HIRING_MANAGER:
            queue = recruiting_selectors.hm_review_queue(membership=membership)
            clocks = [s.open_review_clocks[0] for s in queue if s.open_review_clocks]
        else:
            queue = recruiting_selectors.hr_approval_queue(membership=membership)
            clocks = [s.open_approval_clocks[0] for s in queue if s.open_approval_clocks]
        context["queue_count"] = len(queue)
        context["queue_overdue"] = sum(1 for clock in clocks if clock.due_at <= now)
    else:
        context["attention"] = selectors.attention_clocks(membership=membership)
        context["changes_requested"] = recruiting_selectors.changes_requested(membership=membership)
        context["activities"] = selectors.timeline(
            membership=membership, limit=RECENT_ACTIVITY_LIMIT
        )
    context["overdue_count"] = sum(1 for clock in context["attention"] if clock.due_at <= now)
    return render(request, "engagements/home.html", context)
