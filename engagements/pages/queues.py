"""The client portal's queues: the hiring manager's skills reviews and HR's
culture-fit approvals, each one card per submission with a one-step decision form.

The presentation helpers at the top (waiting time against the SLA, evidence
next to the must-haves) are shared with the submission page.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import Action
from engagements import selectors
from engagements.models import ResponseClock
from lib.business_hours import BusinessCalendar, business_hours_between
from recruiting.access import require_action
from recruiting.forms.submissions import CultureApprovalForm, SkillsReviewForm
from recruiting.models import Submission
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


def clock_status(
    clock: ResponseClock | None, *, calendar: BusinessCalendar, now: datetime
) -> ClockStatus | None:
    if clock is None:
        return None
    waited = business_hours_between(calendar=calendar, start=clock.opened_at, end=now)
    overdue_by = business_hours_between(calendar=calendar, start=clock.due_at, end=now)
    return ClockStatus(clock=clock, waited=waited, now=now, overdue_by=overdue_by)


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


def _overdue_count(cards: list[QueueCard]) -> int:
    return sum(1 for card in cards if card.status and card.status.is_overdue)


# --- Hiring manager: skills reviews ---------------------------------------------------


@login_required
@require_GET
def hm_review_queue(request: HttpRequest) -> HttpResponse:
    """The queue page. A refused decision comes back here (`skills_review`) with a
    message and the card's anchor.

    Queries: the submissions with role, agreement, candidate and client (one),
    their open review clocks (one). Terms, calendars and waiting times are
    computed from those rows.
    """
    membership = require_action(request, Action.REVIEW_SKILLS)
    now = timezone.now()
    cards = []
    for submission in selectors.hm_review_queue(membership=membership):
        terms = role_terms(submission.role)
        clocks = submission.open_review_clocks
        cards.append(
            QueueCard(
                submission=submission,
                terms=terms,
                status=clock_status(
                    clocks[0] if clocks else None, calendar=submission.client.calendar, now=now
                ),
                form=skills_review_form(submission, terms),
                skills=skills_rows(submission, terms.must_haves),
            )
        )
    return render(
        request,
        "recruiting/queue_hm.html",
        {"cards": cards, "overdue_count": _overdue_count(cards)},
    )


# --- HR: culture-fit approvals --------------------------------------------------------


@login_required
@require_GET
def hr_approval_queue(request: HttpRequest) -> HttpResponse:
    """The approvals page. A refused decision comes back here (`culture_approval`)
    with a message and the card's anchor.

    Queries: the pending submissions with role, agreement, candidate and client
    (one), their open approval clocks (one).
    """
    membership = require_action(request, Action.APPROVE_CULTURE_NOTES)
    now = timezone.now()
    cards = []
    for submission in selectors.hr_approval_queue(membership=membership):
        terms = role_terms(submission.role)
        clocks = submission.open_approval_clocks
        cards.append(
            QueueCard(
                submission=submission,
                terms=terms,
                status=clock_status(
                    clocks[0] if clocks else None, calendar=submission.client.calendar, now=now
                ),
                form=culture_approval_form(submission),
                skills=[],
            )
        )
    return render(
        request,
        "recruiting/queue_hr.html",
        {"cards": cards, "overdue_count": _overdue_count(cards)},
    )
