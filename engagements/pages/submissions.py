"""Submission pages: putting a candidate forward, the submission's page, and the
actions on it (stage moves, the recruiter's revisions, the client's answers).

Every action is a POST that calls one service and comes back to the page with a
message. Bad input re-renders the page with status 400 and the errors next to
the form that caused them; a refusal of the service (the stage moved meanwhile,
the role may not do it) is a message and a redirect. A decision posted from a
client queue comes back to that queue instead, at the card, with a message
naming the candidate and the problem.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Membership, MembershipRole
from accounts.permissions import AGENCY, Action, can
from activity import selectors as activity_selectors
from engagements import selectors as engagement_selectors
from engagements.models import ClockKind
from engagements.pages.queues import (
    HM_QUEUE,
    HR_QUEUE,
    Queue,
    clock_status,
    culture_approval_form,
    inline_decision,
    skills_review_form,
    skills_rows,
)
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from recruiting import selectors, services
from recruiting.access import get_role, get_submission, require_action
from recruiting.forms.candidates import CandidateSearchForm
from recruiting.forms.submissions import (
    AnswerForm,
    CultureNotesForm,
    DeadlineForm,
    InterviewFeedbackForm,
    StageMoveForm,
    SubmissionForm,
)
from recruiting.models import (
    CultureDecision,
    CultureStatus,
    ReviewDecision,
    Stage,
    Submission,
)
from recruiting.stages import stage_move_targets
from recruiting.terms import role_terms

# What a decision did, for the message after it (the choices' labels are imperatives).
REVIEW_OUTCOMES = {
    ReviewDecision.ADVANCE: "advanced to interviews",
    ReviewDecision.REJECT: "rejected",
    ReviewDecision.NEED_INFO: "more information requested",
}

# --- Putting a candidate forward ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submission_create(request: HttpRequest, public_id) -> HttpResponse:
    """The form that puts a candidate forward for a role.

    The candidate is chosen among the matches of a search (`q`), a bounded page of
    them as radio buttons, never a list of every candidate. Without JavaScript the
    search is a GET of this page; with htmx, typing asks for the matches alone
    (`submission_candidates_found.html`), keeping the one already chosen at the top.
    """
    role = get_role(request, public_id)
    membership = require_action(request, Action.CREATE_SUBMISSION)
    terms = role_terms(role)
    candidates = selectors.submittable_candidates(role=role)
    form = SubmissionForm(
        request.POST or None,
        # Those the service would accept: consent given, not yet submitted for this role.
        candidates=candidates,
        must_haves=terms.must_haves,
        zone=role.client.timezone,
        notes_need_hr=terms.culture_notes_need_hr_approval,
        culture_traits=list(terms.agreement.culture_traits) if terms.agreement else [],
        # "Submit to a role" on the candidate's page comes here with the candidate chosen.
        initial={"candidate": request.GET.get("candidate", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_create(
                actor=membership, role=role, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("recruiting:role-detail", public_id=role.public_id)
        else:
            messages.success(request, f"{submission.candidate} submitted for {role}.")
            return redirect("recruiting:submission-detail", public_id=submission.public_id)
    search = CandidateSearchForm(request.GET)
    picker = _candidate_picker(role, form, search)
    status = 400 if form.errors or search.errors else 200
    if request.htmx and request.method == "GET":
        return render(request, "recruiting/submission_candidates_found.html", picker, status=status)
    context = {"form": form, "role": role, "terms": terms, **picker}
    return render(request, "recruiting/submission_form.html", context, status=status)


def _candidate_picker(role, form: SubmissionForm, search: CandidateSearchForm) -> dict:
    """The search's matches, with the candidate already chosen (in the address, the
    refused post or the htmx request) first, and what to say about them."""
    query = search.query()
    matches, more = selectors.submittable_candidate_search(role=role, query=query)
    chosen = form.cleaned_data.get("candidate") if form.is_bound and form.is_valid() else None
    wanted = str(form["candidate"].value() or "")
    if chosen is None and wanted:
        chosen = next((c for c in matches if str(c.public_id) == wanted), None)
        if chosen is None:
            chosen = selectors.submittable_candidate(role=role, public_id=wanted)
    choices = [chosen] if chosen is not None else []
    choices += [candidate for candidate in matches if candidate != chosen]
    return {
        "search": search,
        "query": query,
        "choices": choices,
        "chosen": chosen,
        "more": more,
        "limit": selectors.CANDIDATE_CHOICES,
    }


# --- The submission page --------------------------------------------------------------


@login_required
@require_GET
def submission_detail(request: HttpRequest, public_id) -> HttpResponse:
    submission = get_submission(request, public_id)
    return _render_detail(request, submission)


def _move_targets(membership: Membership, submission: Submission) -> list[str]:
    """Stages this member may move the submission to from here."""
    return stage_move_targets(role=membership.role, submission=submission)


def _available_forms(
    membership: Membership, submission: Submission, terms, open_clocks: dict, latest_review
) -> dict[str, forms.Form]:
    """The action forms the member may use on the submission right now, unbound."""
    zone = submission.role.client.timezone
    agency = membership.role in AGENCY
    available: dict[str, forms.Form] = {}
    targets = _move_targets(membership, submission)
    if targets:
        available["move"] = StageMoveForm(targets=targets, ask_lost_reason=agency)
    if not submission.is_open:
        return available
    if agency and submission.culture_status == CultureStatus.CHANGES_REQUESTED:
        available["culture_notes"] = CultureNotesForm(
            initial={"culture_fit_notes": submission.culture_fit_notes}
        )
    if (
        agency
        and submission.stage == Stage.HM_REVIEW
        and latest_review is not None
        and latest_review.decision == ReviewDecision.NEED_INFO
        and ClockKind.HM_REVIEW not in open_clocks
    ):
        available["answer"] = AnswerForm()
    if agency:
        available["deadline"] = DeadlineForm(
            zone=zone, initial={"competing_offer_deadline": submission.competing_offer_deadline}
        )
    if membership.role == MembershipRole.HIRING_MANAGER and submission.stage == Stage.HM_REVIEW:
        available["review"] = skills_review_form(submission, terms)
    if membership.role == MembershipRole.HR and submission.culture_status == CultureStatus.PENDING:
        available["culture_approval"] = culture_approval_form(submission)
    if submission.stage == Stage.INTERVIEWING and can(membership, Action.LOG_PIPELINE_EVENTS):
        stage_names = [stage["name"] for stage in terms.interview_stages]
        feedback_clock = open_clocks.get(ClockKind.INTERVIEW_FEEDBACK)
        available["feedback"] = InterviewFeedbackForm(
            stage_names=stage_names,
            initial={"stage_name": feedback_clock.clock.stage_name if feedback_clock else ""},
        )
    return available


def _clock_kinds(submission: Submission) -> list[str]:
    """The clocks the submission's state can have open (so only those are looked up)."""
    kinds = []
    if submission.culture_status == CultureStatus.PENDING:
        kinds.append(ClockKind.HR_APPROVAL)
    if submission.stage == Stage.HM_REVIEW:
        kinds.append(ClockKind.HM_REVIEW)
    elif submission.stage == Stage.INTERVIEWING:
        kinds += [ClockKind.INTERVIEW_FEEDBACK, ClockKind.OFFER_DECISION]
    return kinds


def _render_detail(
    request: HttpRequest,
    submission: Submission,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    membership = request.membership
    terms = role_terms(submission.role)
    client = submission.role.client
    now = timezone.now()
    open_clocks = {}
    for kind in _clock_kinds(submission):
        status_of_clock = clock_status(
            engagement_selectors.open_clock(submission=submission, kind=kind),
            client=client,
            now=now,
        )
        if status_of_clock is not None:
            open_clocks[kind] = status_of_clock
    reviews = list(submission.skills_reviews.all())
    latest_review = reviews[0] if reviews else None
    available = _available_forms(membership, submission, terms, open_clocks, latest_review)
    for name, form in (bound or {}).items():
        if name == "move":
            # The posted form accepted any stage (the service judges); offer only real ones.
            form.set_targets(_move_targets(membership, submission))
        available[name] = form
    activities = activity_selectors.timeline(membership=membership, submission=submission)
    agency = membership.role in AGENCY
    notes_visible = selectors.culture_notes_visible(
        membership=membership, culture_status=submission.culture_status
    )
    context = {
        "submission": submission,
        "client": client,
        "terms": terms,
        "agreement": terms.agreement,
        "skills": skills_rows(submission, terms.must_haves),
        "notes_visible": notes_visible,
        "is_agency": agency,
        "clocks": list(open_clocks.values()),
        "reviews": reviews,
        "approvals": list(submission.culture_approvals.all()),
        "feedback": list(submission.interview_feedback.all()),
        "answers": [a for a in activities if a.verb == "submission.info_provided"],
        "activities": activities,
        "forms": available,
    }
    return render(request, "recruiting/submission_detail.html", context, status=status)


# --- Actions --------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    public_id,
    *,
    action: Action,
    name: str,
    make_form: Callable[[Submission], forms.Form],
    perform: Callable[[Membership, Submission, forms.Form], str],
    queue: Queue | None = None,
) -> HttpResponse:
    """Run one action on a submission: look it up (404 if not visible), check the role
    (403), validate the form, call the service, and come back with a message.

    `queue` is the queue page whose card may have posted the form. Refused input
    from there goes back to the queue, to the card, with a message naming the
    candidate and the problem: re-rendering the whole queue at the action's URL
    would leave the reviewer on a page they cannot reload or bookmark. Posted by
    htmx from a card, the answer is that card's replacement instead, and no
    flash message is left for a later page (`queues.inline_decision`).
    """
    submission = get_submission(request, public_id)
    membership = require_action(request, action)
    back = _next_url(request, submission)
    from_queue = queue is not None and back == queue.url
    inline = from_queue and request.htmx
    form = make_form(submission)
    if form.is_valid():
        try:
            success = perform(membership, submission, form)
        except ValidationError as error:
            add_service_errors(form, error)
        except ApplicationError as error:
            if inline:
                return inline_decision(
                    request,
                    queue=queue,
                    submission=submission,
                    form=form,
                    message=f"Your decision on {submission.candidate} was not saved: "
                    f"{error_message(error)}",
                    refused=True,
                )
            messages.error(request, error_message(error))
            return redirect(back)
        else:
            if inline:
                return inline_decision(
                    request, queue=queue, submission=submission, form=form, message=success
                )
            messages.success(request, success)
            return redirect(back)
    # The service may have touched the instance before refusing; show what is stored.
    submission = get_submission(request, public_id)
    if inline:
        return inline_decision(request, queue=queue, submission=submission, form=form)
    if from_queue:
        messages.error(
            request,
            f"Your decision on {submission.candidate} was not saved: {_problems(form)}",
        )
        return redirect(f"{back}#submission-{submission.public_id}")
    return _render_detail(request, submission, bound={name: form}, status=400)


def _problems(form: forms.Form) -> str:
    """A refused form's errors as one sentence or more, for a flash message. Errors on
    the decision and its comment speak for themselves; others name their field."""
    problems = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            if field in {"decision", "comment", NON_FIELD_ERRORS} or not label:
                problems.append(error)
            else:
                problems.append(f"{label}: {error}")
    return " ".join(problems)


def _detail_url(submission: Submission) -> str:
    return reverse("recruiting:submission-detail", kwargs={"public_id": submission.public_id})


def _next_url(request: HttpRequest, submission: Submission) -> str:
    """Where to go afterwards: a same-site `next` (the queue the form was on), else the page."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return _detail_url(submission)


@login_required
@require_POST
def submission_move(request: HttpRequest, public_id) -> HttpResponse:
    def make_form(submission):
        # Any stage is accepted here: the service, not the form, decides what may follow.
        return StageMoveForm(
            request.POST,
            targets=list(Stage.values),
            ask_lost_reason=request.membership.role in AGENCY,
        )

    def perform(membership, submission, form):
        data = form.cleaned_data
        services.submission_move(
            actor=membership,
            submission=submission,
            to_stage=data["to_stage"],
            reason=data["reason"],
            lost_reason=data.get("lost_reason", ""),
        )
        return f"{submission.candidate} moved to “{Stage(data['to_stage']).label}”."

    return _act(
        request,
        public_id,
        action=Action.VIEW_SUBMISSIONS,
        name="move",
        make_form=make_form,
        perform=perform,
    )


@login_required
@require_POST
def submission_culture_notes(request: HttpRequest, public_id) -> HttpResponse:
    def perform(membership, submission, form):
        services.submission_revise_culture_notes(
            actor=membership,
            submission=submission,
            culture_fit_notes=form.cleaned_data["culture_fit_notes"],
        )
        return "Revised culture-fit notes sent to HR."

    return _act(
        request,
        public_id,
        action=Action.CREATE_SUBMISSION,
        name="culture_notes",
        make_form=lambda submission: CultureNotesForm(request.POST),
        perform=perform,
    )


@login_required
@require_POST
def submission_answer(request: HttpRequest, public_id) -> HttpResponse:
    def perform(membership, submission, form):
        services.submission_answer_info_request(
            actor=membership, submission=submission, answer=form.cleaned_data["answer"]
        )
        return "Answer sent; the hiring manager's review clock restarted."

    return _act(
        request,
        public_id,
        action=Action.CREATE_SUBMISSION,
        name="answer",
        make_form=lambda submission: AnswerForm(request.POST),
        perform=perform,
    )


@login_required
@require_POST
def submission_deadline(request: HttpRequest, public_id) -> HttpResponse:
    def perform(membership, submission, form):
        deadline = form.cleaned_data["competing_offer_deadline"]
        services.submission_set_competing_deadline(
            actor=membership, submission=submission, deadline=deadline
        )
        return f"Competing-offer deadline {'saved' if deadline else 'cleared'}."

    return _act(
        request,
        public_id,
        action=Action.CREATE_SUBMISSION,
        name="deadline",
        make_form=lambda submission: DeadlineForm(
            request.POST, zone=submission.role.client.timezone
        ),
        perform=perform,
    )


@login_required
@require_POST
def skills_review(request: HttpRequest, public_id) -> HttpResponse:
    def perform(membership, submission, form):
        review = services.skills_review_submit(
            actor=membership, submission=submission, **form.service_arguments()
        )
        return f"Review of {submission.candidate} saved: {REVIEW_OUTCOMES[review.decision]}."

    return _act(
        request,
        public_id,
        action=Action.REVIEW_SKILLS,
        name="review",
        make_form=lambda submission: skills_review_form(
            submission, role_terms(submission.role), request.POST
        ),
        perform=perform,
        queue=HM_QUEUE,
    )


@login_required
@require_POST
def culture_approval(request: HttpRequest, public_id) -> HttpResponse:
    def perform(membership, submission, form):
        approval = services.culture_approval_submit(
            actor=membership, submission=submission, **form.cleaned_data
        )
        if approval.decision == CultureDecision.APPROVE:
            return f"Culture-fit notes on {submission.candidate} approved."
        return f"Culture-fit notes on {submission.candidate}: changes requested."

    return _act(
        request,
        public_id,
        action=Action.APPROVE_CULTURE_NOTES,
        name="culture_approval",
        make_form=lambda submission: culture_approval_form(submission, request.POST),
        perform=perform,
        queue=HR_QUEUE,
    )


@login_required
@require_POST
def interview_feedback(request: HttpRequest, public_id) -> HttpResponse:
    def make_form(submission):
        terms = role_terms(submission.role)
        return InterviewFeedbackForm(
            request.POST, stage_names=[stage["name"] for stage in terms.interview_stages]
        )

    def perform(membership, submission, form):
        services.interview_feedback_submit(
            actor=membership, submission=submission, **form.cleaned_data
        )
        return f"Feedback on {submission.candidate} logged."

    return _act(
        request,
        public_id,
        action=Action.LOG_PIPELINE_EVENTS,
        name="feedback",
        make_form=make_form,
        perform=perform,
    )
