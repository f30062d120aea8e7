"""The role's pipeline as a board, and what is done on it: a column's next cards, a
card's move, and moving or withdrawing several submissions from the list view.

A card moves through the same service as on the submission page,
`recruiting.services.submission_move`, which asks the stage machine
(recruiting/stages.py) whether the member may make the move; the board never
decides it. Dragged (static/js/board.js) or sent from the card's move menu, the
move is an htmx POST answered with the card as it now is, placed by its stage:

- 200, moved: the card in its new column, every column's count and a line saying
  what was done (out of band);
- 409, refused by the service: the card as stored, back where it was, and the
  service's message in that line;
- 422, something to add (the reason a rejection needs): the card with its move
  menu open on the form and its errors.

Without JavaScript a card's menu is a link to the submission's page and its form.
"""

from dataclasses import dataclass, replace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Membership
from accounts.permissions import AGENCY
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from lib.pagination import AFTER, PageNav, page_url
from lib.urls import reverse_each
from recruiting import selectors, services
from recruiting.access import get_role, get_submission
from recruiting.forms.submissions import StageMoveForm
from recruiting.models import Role, Stage, Submission
from recruiting.selectors import PIPELINE_ORDER
from recruiting.stages import stage_move_targets

# Where the board's and the list's links and answers come back to on the role's page.
BOARD_ANCHOR = "pipeline-heading"


@dataclass(frozen=True)
class BoardCard:
    """A submission on the board, its links, and whether the member may move it
    anywhere (a card with nowhere to go has no move menu and cannot be dragged).
    `form` is the move form to show open, with its errors, after a move that needs
    more."""

    submission: Submission
    detail_url: str
    move_url: str
    movable: bool
    form: forms.Form | None = None


def board_cards(membership: Membership, submissions: list[Submission]) -> list[BoardCard]:
    """The cards of a page of submissions: what the stage machine lets the member do
    is computed from the rows already read, no query per card, and each link kind
    is reversed once for all the cards."""
    detail_url = reverse_each("recruiting:submission-detail")
    move_url = reverse_each("recruiting:board-move")
    return [
        BoardCard(
            submission=submission,
            detail_url=detail_url(submission.public_id),
            move_url=move_url(submission.public_id),
            movable=bool(stage_move_targets(role=membership.role, submission=submission)),
        )
        for submission in submissions
    ]


def move_form(membership: Membership, submission: Submission, data=None) -> StageMoveForm:
    """The move menu's form. Posted, any stage is accepted: the service, not the form,
    decides what may follow (as on the submission page); shown, only the stages the
    member may move the submission to now are offered. Ids unique per card."""
    targets = stage_move_targets(role=membership.role, submission=submission)
    form = StageMoveForm(
        data,
        targets=list(Stage.values) if data is not None else targets,
        ask_lost_reason=membership.role in AGENCY,
        auto_id=f"id_move_{submission.public_id.hex}_%s",
    )
    if data is not None and not form.is_valid():
        form.set_targets(targets)
    return form


def column_more_nav(role: Role, stage: str, next_cursor: str | None, params) -> PageNav:
    """The "show more" of a column: without JavaScript, the role's page with the column's
    next page; with htmx, that page's cards appended to the column (`append_url`)."""
    if next_cursor is None:
        return PageNav()
    column_url = reverse(
        "recruiting:role-board-column", kwargs={"public_id": role.public_id, "stage": stage}
    )
    return PageNav(
        next_url=page_url(params, stage=stage, after=next_cursor, before=None) + f"#stage-{stage}",
        append_url=f"{column_url}?{AFTER}={next_cursor}",
    )


@login_required
@require_GET
def role_board_column(request: HttpRequest, public_id, stage: str) -> HttpResponse:
    """The next cards of one column, appended in place by the column's "show more"
    (htmx), and the column's "show more" again, out of band. One query besides the
    role's lookup."""
    role = get_role(request, public_id)
    membership = request.membership
    if stage not in Stage.values:
        raise Http404("No such stage.")
    page = selectors.role_pipeline_stage_page(role=role, stage=stage, after=request.GET.get(AFTER))
    context = {
        "cards": board_cards(membership, page.items),
        "stage": stage,
        "stage_label": Stage(stage).label,
        "nav": column_more_nav(role, stage, page.next_cursor, {}),
    }
    return render(request, "recruiting/board_column_more.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def board_move(request: HttpRequest, public_id) -> HttpResponse:
    """A card's move: GET is its move menu's form (htmx, as the menu opens), POST the
    move itself, answered as the module says; a POST without htmx comes back to the
    role's page with a message."""
    submission = get_submission(request, public_id)
    membership = request.membership
    if request.method == "GET":
        form = move_form(membership, submission)
        # The menu opened from the keyboard continues in its first field (htmx focuses it).
        form.fields["to_stage"].widget.attrs["autofocus"] = True
        context = {"submission": submission, "form": form}
        return render(request, "recruiting/board_move_form.html", context)
    form = move_form(membership, submission, request.POST)
    refusal = _move(membership, submission, form) if form.is_valid() else None
    moved = form.is_valid() and refusal is None
    if not request.htmx:
        return _moved_without_htmx(request, submission, form, moved=moved, refusal=refusal)
    # What is stored now: the service may have refused a submission moved meanwhile.
    submission = get_submission(request, public_id)
    card = replace(
        board_cards(membership, [submission])[0], form=None if moved or refusal else form
    )
    context = {
        "card": card,
        "message": _moved_message(submission) if moved else refusal,
        "refused": refusal is not None,
        "counts": _counts(submission.role) if moved else None,
    }
    status = 200 if moved else 409 if refusal else 422
    return render(request, "recruiting/board_moved.html", context, status=status)


def _move(membership: Membership, submission: Submission, form: StageMoveForm) -> str | None:
    """Ask the service for the move: None when done (or refused for want of input,
    which goes on the form), else the refusal's message."""
    data = form.cleaned_data
    try:
        services.submission_move(
            actor=membership,
            submission=submission,
            to_stage=data["to_stage"],
            reason=data["reason"],
            lost_reason=data.get("lost_reason", ""),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        form.set_targets(stage_move_targets(role=membership.role, submission=submission))
        # The card comes back with its menu open at the field that needs an answer.
        field = next((name for name in form.errors if name in form.fields), None)
        if field is not None:
            form.fields[field].widget.attrs["autofocus"] = True
    except ApplicationError as error:
        return f"{submission.candidate} was not moved: {error_message(error)}"
    return None


def _moved_message(submission: Submission) -> str:
    return f"{submission.candidate} moved to “{submission.get_stage_display()}”."


def _counts(role: Role) -> list[tuple[str, int]]:
    counts = selectors.role_stage_counts(role=role)
    return [(stage, counts.get(stage, 0)) for stage in PIPELINE_ORDER]


def _moved_without_htmx(
    request: HttpRequest,
    submission: Submission,
    form: StageMoveForm,
    *,
    moved: bool,
    refusal: str | None,
) -> HttpResponse:
    """A move posted without htmx (its script failed): back to the role's page with a
    message, or, when the move needs more (a reason), to the submission's move form."""
    if moved or refusal:
        if moved:
            messages.success(request, _moved_message(submission))
        else:
            messages.error(request, refusal)
        role_url = reverse("recruiting:role-detail", args=[submission.role.public_id])
        return redirect(f"{role_url}#{BOARD_ANCHOR}")
    problems = " ".join(" ".join(errors) for errors in form.errors.values())
    messages.error(request, f"{submission.candidate} was not moved: {problems}")
    detail_url = reverse("recruiting:submission-detail", args=[submission.public_id])
    return redirect(f"{detail_url}#move")
