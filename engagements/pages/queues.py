"""The client portal's queues: the hiring manager's skills reviews and HR's
culture-fit approvals, each one card per submission with a one-step decision form.

The presentation helpers at the top (waiting time against the SLA, evidence
next to the must-haves) are shared with the submission page.

With JavaScript, htmx makes two things happen in place (without it, the same
forms and links do full page loads):

- A decision posted from a card answers with that card's replacement
  (`inline_decision`): a note saying what was done, or the card again with the
  form's errors. The decision views themselves live with the submission's actions.
- Every minute the page asks whether anything arrived since it was rendered
  (`?since=`) and, if so, says how many, with a link to load them. It never
  replaces the cards on its own: the reader may be halfway through a comment.

HR may also give one decision on several cards at once (`hr_bulk_decide`), each
given through the same service as a card's, with a result for each.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Action
from engagements import selectors
from engagements.models import ClockKind, ResponseClock
from lib.bulk import MAX_BULK_ITEMS, bulk_apply, report
from lib.business_hours import business_hours_until
from lib.pagination import AFTER, BEFORE, page_nav
from recruiting import selectors as recruiting_selectors
from recruiting import services
from recruiting.access import require_action
from recruiting.forms.submissions import (
    BulkCultureApprovalForm,
    CultureApprovalForm,
    SkillsReviewForm,
)
from recruiting.models import Client, CultureDecision, Submission
from recruiting.terms import Terms, role_terms

# --- Shared presentation helpers ------------------------------------------------------


def _business_hours(hours: int) -> str:
    return f"{hours} business hour{'' if hours == 1 else 's'}"


@dataclass(frozen=True)
class ClockStatus:
    """How long the client has been sitting on an action, in its own business hours.

    `overdue_by` counts business hours from `due_at`, not from the SLA: a
    competing offer may have brought the deadline forward.
    """

    clock: ResponseClock
    waited: timedelta
    now: datetime
    overdue_by: timedelta = timedelta(0)

    @property
    def waited_hours(self) -> int:
        return int(self.waited.total_seconds() // 3600)

    @property
    def sla_hours(self) -> int:
        return self.clock.sla_hours

    @property
    def is_overdue(self) -> bool:
        return self.clock.closed_at is None and self.clock.due_at <= self.now

    @property
    def waited_label(self) -> str:
        if self.waited < timedelta(hours=1):
            return f"waiting for less than an hour (agreed: {_business_hours(self.sla_hours)})"
        return f"waiting for {_business_hours(self.waited_hours)} of the agreed {self.sla_hours}"

    @property
    def overdue_label(self) -> str:
        """The badge, e.g. "Overdue by 12 business hours"; empty while not overdue."""
        if not self.is_overdue:
            return ""
        if self.overdue_by < timedelta(hours=1):
            return "Overdue by less than a business hour"
        hours = int(self.overdue_by.total_seconds() // 3600)
        return f"Overdue by {_business_hours(hours)}"


def clock_statuses(
    clocks: list[ResponseClock], *, clients: Mapping[int, Client], now: datetime
) -> dict[int, ClockStatus]:
    """How long each clock has waited and is overdue, in its client's business hours
    (`clients` by id). One calendar per client and one walk of its business windows
    for all the clocks, up to `now`: a queue page costs the walk of its longest wait,
    not two walks per card."""
    by_client: dict[int, list[ResponseClock]] = defaultdict(list)
    for clock in clocks:
        by_client[clock.client_id].append(clock)
    statuses = {}
    for client_id, owed in by_client.items():
        hours = business_hours_until(
            calendar=clients[client_id].calendar,
            starts=[clock.opened_at for clock in owed] + [clock.due_at for clock in owed],
            end=now,
        )
        for clock, waited, overdue_by in zip(owed, hours, hours[len(owed) :], strict=False):
            statuses[clock.pk] = ClockStatus(
                clock=clock, waited=waited, now=now, overdue_by=overdue_by
            )
    return statuses


def clock_status(
    clock: ResponseClock | None, *, client: Client, now: datetime
) -> ClockStatus | None:
    if clock is None:
        return None
    return clock_statuses([clock], clients={clock.client_id: client}, now=now)[clock.pk]


def skills_rows(submission: Submission, must_haves: list[str]) -> list[tuple[str, str]]:
    """(must-have, the recruiter's evidence) for every agreed must-have, in agreed order,
    then any evidence written against a must-have a later agreement dropped."""
    evidence = {
        entry.get("must_have", ""): entry.get("evidence", "")
        for entry in submission.skills_summary or []
    }
    rows = [(must_have, evidence.pop(must_have, "")) for must_have in must_haves]
    rows.extend(evidence.items())
    return rows


def card_auto_id(kind: str, submission: Submission) -> str:
    """Element ids unique per card: a queue shows one form per submission."""
    return f"id_{kind}_{submission.public_id.hex}_%s"


def skills_review_form(submission: Submission, terms: Terms, data=None) -> SkillsReviewForm:
    return SkillsReviewForm(
        data, must_haves=terms.must_haves, auto_id=card_auto_id("review", submission)
    )


def culture_approval_form(submission: Submission, data=None) -> CultureApprovalForm:
    return CultureApprovalForm(data, auto_id=card_auto_id("culture", submission))


@dataclass(frozen=True)
class QueueCard:
    submission: Submission
    terms: Terms
    status: ClockStatus | None
    form: forms.Form
    skills: list[tuple[str, str]]

    @property
    def glossary(self) -> list[dict]:
        return list(self.terms.agreement.glossary) if self.terms.agreement else []

    @property
    def culture_traits(self) -> list[str]:
        return list(self.terms.agreement.culture_traits) if self.terms.agreement else []


def hm_card(
    submission: Submission, status: ClockStatus | None, *, form: SkillsReviewForm | None = None
) -> QueueCard:
    terms = role_terms(submission.role)
    return QueueCard(
        submission=submission,
        terms=terms,
        status=status,
        form=form or skills_review_form(submission, terms),
        skills=skills_rows(submission, terms.must_haves),
    )


def hr_card(
    submission: Submission, status: ClockStatus | None, *, form: CultureApprovalForm | None = None
) -> QueueCard:
    return QueueCard(
        submission=submission,
        terms=role_terms(submission.role),
        status=status,
        form=form or culture_approval_form(submission),
        skills=[],
    )


@dataclass(frozen=True)
class Queue:
    """What differs between the two queues, for their pages and inline decisions."""

    name: str  # "hm" or "hr", for the wording the two share a template for
    url_name: str
    action: Action
    page_template: str
    card_template: str
    summary_template: str
    # The kind of clock that puts a submission in the queue (engagements.selectors).
    clock_kind: str
    card: Callable[..., QueueCard]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


HM_QUEUE = Queue(
    name="hm",
    url_name="recruiting:hm-queue",
    action=Action.REVIEW_SKILLS,
    page_template="recruiting/queue_hm.html",
    card_template="recruiting/queue_hm_card.html",
    summary_template="recruiting/queue_hm_summary.html",
    clock_kind=ClockKind.HM_REVIEW,
    card=hm_card,
)

HR_QUEUE = Queue(
    name="hr",
    url_name="recruiting:hr-queue",
    action=Action.APPROVE_CULTURE_NOTES,
    page_template="recruiting/queue_hr.html",
    card_template="recruiting/queue_hr_card.html",
    summary_template="recruiting/queue_hr_summary.html",
    clock_kind=ClockKind.HR_APPROVAL,
    card=hr_card,
)


def _queue_page(
    request: HttpRequest,
    queue: Queue,
    *,
    bulk_form: BulkCultureApprovalForm | None = None,
    status: int = 200,
) -> HttpResponse:
    membership = require_action(request, queue.action)
    if request.htmx and "since" in request.GET:
        return _arrivals(request, queue, membership)
    now = timezone.now()
    page = selectors.queue_page(
        membership=membership,
        kind=queue.clock_kind,
        after=request.GET.get(AFTER),
        before=request.GET.get(BEFORE),
    )
    clients = {clock.client_id: clock.submission.client for clock in page.items}
    statuses = clock_statuses(page.items, clients=clients, now=now)
    count = selectors.queue_count(membership=membership, kind=queue.clock_kind)
    context = {
        "cards": [queue.card(clock.submission, statuses[clock.pk]) for clock in page.items],
        "count": count.waiting,
        "overdue_count": count.overdue,
        "nav": page_nav(page, request.GET),
        "queue_url": queue.url,
        "arrivals_url": f"{queue.url}?{urlencode({'since': now.isoformat()})}",
    }
    if queue is HR_QUEUE:
        context |= {"bulk_form": bulk_form or BulkCultureApprovalForm(), "max_bulk": MAX_BULK_ITEMS}
    return render(request, queue.page_template, context, status=status)


def _arrivals(request: HttpRequest, queue: Queue, membership) -> HttpResponse:
    """The page's poll: how many submissions joined the queue after `since`, the moment
    the page was rendered. Nothing new is a 204, which htmx does not swap."""
    try:
        since = parse_datetime(request.GET["since"])
    except ValueError:  # well-formed, but no such time (month 13)
        since = None
    if since is None or timezone.is_naive(since):
        return HttpResponseBadRequest("`since` must be an ISO 8601 time with its offset.")
    arrived = selectors.queue_arrivals(membership=membership, kind=queue.clock_kind, since=since)
    if not arrived:
        return HttpResponse(status=204)
    context = {"count": arrived, "queue": queue.name, "queue_url": queue.url}
    return render(request, "recruiting/queue_arrivals.html", context)


def inline_decision(
    request: HttpRequest,
    *,
    queue: Queue,
    submission: Submission,
    form: forms.Form,
    message: str = "",
    refused: bool = False,
) -> HttpResponse:
    """The htmx answer to a decision posted from one of the queue's cards.

    With a `message`, the decision was saved (200) or the service refused it
    (`refused`, 409: the submission moved on meanwhile): the card gives way to a
    note saying so, and the line under the page's heading is recounted (an
    out-of-band swap; one query). Without one, the form has errors (422): the
    card comes back with the answers given and the errors next to them, the
    first field in error focused.
    """
    context = {"queue_url": queue.url, "submission": submission}
    if message:
        count = selectors.queue_count(membership=request.membership, kind=queue.clock_kind)
        context |= {
            "message": message,
            "refused": refused,
            "summary_template": queue.summary_template,
            "count": count.waiting,
            "overdue_count": count.overdue,
        }
        return render(
            request, "recruiting/queue_decided.html", context, status=409 if refused else 200
        )
    focus = next((name for name in form.errors if name in form.fields and name != "decision"), None)
    if focus is not None:
        form.fields[focus].widget.attrs["autofocus"] = True
    clock = selectors.open_clock(submission=submission, kind=queue.clock_kind)
    status = clock_status(clock, client=submission.client, now=timezone.now())
    context |= {"card": queue.card(submission, status, form=form), "focus_card": focus is None}
    return render(request, queue.card_template, context, status=422)


# --- Hiring manager: skills reviews ---------------------------------------------------


@login_required
@require_GET
def hm_review_queue(request: HttpRequest) -> HttpResponse:
    """The queue page. A refused decision comes back here (`skills_review`) with a
    message and the card's anchor.

    Queries: a page of the open review clocks with their submissions, roles,
    agreements, candidates and clients (one), how many wait and how many are
    overdue (one). Terms, calendars and waiting times are computed from those rows,
    once per client. The minute's poll (`?since=`) is one count.
    """
    return _queue_page(request, HM_QUEUE)


# --- HR: culture-fit approvals --------------------------------------------------------


@login_required
@require_GET
def hr_approval_queue(request: HttpRequest) -> HttpResponse:
    """The approvals page. A refused decision comes back here (`culture_approval`)
    with a message and the card's anchor.

    Queries: a page of the open approval clocks with their submissions, roles,
    agreements, candidates and clients (one), how many wait and how many are
    overdue (one). The minute's poll is one count.
    """
    return _queue_page(request, HR_QUEUE)


@login_required
@require_POST
def hr_bulk_decide(request: HttpRequest) -> HttpResponse:
    """One decision on the sets of notes ticked in the queue: each given through
    `culture_approval_submit` in its own transaction, with its own result, said in
    one message for those decided and one for those refused, and why. A selection
    that is empty or too long is a form error on the queue's page (400)."""
    membership = require_action(request, Action.APPROVE_CULTURE_NOTES)
    form = BulkCultureApprovalForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, HR_QUEUE, bulk_form=form, status=400)
    data = form.cleaned_data
    chosen = recruiting_selectors.submissions_chosen(
        membership=membership, public_ids=data["submissions"]
    )
    outcome = bulk_apply(
        chosen,
        act=lambda submission: services.culture_approval_submit(
            actor=membership,
            submission=submission,
            decision=data["decision"],
            comment=data["comment"],
        ),
        label=lambda submission: str(submission.candidate),
        missing=len(data["submissions"]) - len(chosen),
    )
    if data["decision"] == CultureDecision.APPROVE:
        report(request, outcome, done="Approved", not_done="Not approved")
    else:
        report(request, outcome, done="Changes requested on", not_done="No changes requested on")
    return redirect(HR_QUEUE.url)
