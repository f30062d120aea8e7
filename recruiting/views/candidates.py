"""Candidate pages. The agency lists, adds and edits candidates; hiring managers and HR
see a candidate only once submitted to their client, and never the internal notes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Action, can
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors
from lib.pagination import AFTER, BEFORE, keyset_page, page_nav
from recruiting import selectors, services
from recruiting.access import get_candidate, get_role, require_action
from recruiting.filters import CANDIDATE_SORTS, CandidateListFilter
from recruiting.forms.candidates import (
    CandidateForm,
    CandidateSearchForm,
    ConsentRecordForm,
    RoleSearchForm,
)

SUBMISSIONS_PER_PAGE = 20
CONSENT_RECORDS_PER_PAGE = 10
# The cursors of the consent history, apart from those of the submissions.
CONSENT_AFTER, CONSENT_BEFORE = "consent_after", "consent_before"


@login_required
@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    """A page of candidates, searched or not, filtered by tag and source and sorted by
    name or when added (recruiting.filters): two queries whatever their number, three
    with a tag (`selectors.candidate_list`, `selectors.candidates_tagged`)."""
    membership = require_action(request, Action.EDIT_CANDIDATES)
    search = CandidateSearchForm(request.GET)
    query = search.query()
    filters = CandidateListFilter(
        request.GET, queryset=selectors.candidate_queryset(membership=membership)
    )
    sort = filters.sort()
    page, count = selectors.candidate_list(
        membership=membership,
        candidates=filters.qs,
        query=query,
        ordering=CANDIDATE_SORTS.ordering(sort),
        after=request.GET.get(AFTER),
        before=request.GET.get(BEFORE),
    )
    context = {
        "page": page,
        "search": search,
        "query": query,
        "filters": filters,
        "filtered": bool(query or filters.narrowed()),
        "sort": CANDIDATE_SORTS.headers(sort, request.GET),
        "count": count,
        "nav": page_nav(
            page, request.GET, summary=f"{count} candidate{pluralize(count.value)}" if count else ""
        ),
    }
    status = 400 if search.errors or filters.errors else 200
    return render(request, "recruiting/candidate_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def candidate_create(request: HttpRequest) -> HttpResponse:
    membership = require_action(request, Action.EDIT_CANDIDATES)
    form = CandidateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_create(actor=membership, **form.service_arguments())
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{candidate} added.")
            return redirect("recruiting:candidate-detail", public_id=candidate.public_id)
    return render(
        request,
        "recruiting/candidate_form.html",
        {"form": form, "candidate": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidate_edit(request: HttpRequest, public_id) -> HttpResponse:
    membership = require_action(request, Action.EDIT_CANDIDATES)
    candidate = get_candidate(request, public_id)
    form = CandidateForm(
        request.POST or None, request.FILES or None, initial=CandidateForm.initial_for(candidate)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_update(
                actor=membership, candidate=candidate, **form.service_arguments()
            )
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{candidate} saved.")
            return redirect("recruiting:candidate-detail", public_id=candidate.public_id)
    if form.errors:
        # The service may have changed the instance before refusing; show what is stored.
        candidate = get_candidate(request, public_id)
    return render(
        request,
        "recruiting/candidate_form.html",
        {"form": form, "candidate": candidate},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def candidate_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The candidate's page: a page of their submissions and, for the agency, their
    consent (its current state, its history and a form to record more) and a "Submit
    to a role" form offering the open roles found by a search (`role_q`), a bounded
    number of them. The form comes back here with
    `?submit_to=<role>` (a form cannot choose its URL without JavaScript) and is sent
    on to that role's submission form with the candidate chosen."""
    candidate = get_candidate(request, public_id)
    if can(request.membership, Action.CREATE_SUBMISSION) and "submit_to" in request.GET:
        return _submit_to_role(request, candidate)
    return render_candidate_detail(request, candidate)


def render_candidate_detail(
    request: HttpRequest, candidate, *, consent_form: ConsentRecordForm | None = None
) -> HttpResponse:
    """The candidate's page; with `consent_form`, the refused consent form (400)."""
    membership = request.membership
    can_submit = can(membership, Action.CREATE_SUBMISSION)
    can_edit = can(membership, Action.EDIT_CANDIDATES)
    submissions = Paginator(
        selectors.candidate_submissions(membership=membership, candidate=candidate),
        SUBMISSIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    role_search = RoleSearchForm(request.GET)
    submit_roles, more_roles = [], False
    if can_submit and candidate.consent_to_represent:
        submit_roles, more_roles = selectors.submittable_roles(
            membership=membership, candidate=candidate, query=role_search.query()
        )
    consent_records, consent_nav = [], None
    if can_edit:  # consent is the agency's: client users never get it into the context
        history = keyset_page(
            selectors.candidate_consent_records(candidate=candidate),
            ordering=("-effective_at", "-id"),
            size=CONSENT_RECORDS_PER_PAGE,
            after=request.GET.get(CONSENT_AFTER),
            before=request.GET.get(CONSENT_BEFORE),
        )
        consent_records = history.items
        consent_nav = page_nav(
            history, request.GET, after=CONSENT_AFTER, before=CONSENT_BEFORE
        ).anchored("consent-heading")
    context = {
        "candidate": candidate,
        # Read here, not while the template renders.
        "submissions": list(submissions),
        "submissions_nav": page_nav(submissions, request.GET).anchored("submissions-heading"),
        # Client users never get the notes into the context, so no template can leak them.
        "internal_notes": (
            candidate.internal_notes if can(membership, Action.READ_INTERNAL_NOTES) else None
        ),
        "can_edit": can_edit,
        "can_export": can(membership, Action.EXPORT_CANDIDATE_DATA),
        "can_submit": can_submit,
        "submit_roles": submit_roles,
        "more_roles": more_roles,
        "role_search": role_search,
        "role_choices": selectors.ROLE_CHOICES,
        "consent_records": consent_records,
        "consent_nav": consent_nav,
        "consent_form": (consent_form or ConsentRecordForm()) if can_edit else None,
        "open_submissions": sum(1 for submission in submissions if submission.is_open),
    }
    status = 400 if role_search.errors or (consent_form and consent_form.errors) else 200
    return render(request, "recruiting/candidate_detail.html", context, status=status)


def _submit_to_role(request: HttpRequest, candidate) -> HttpResponse:
    """On to the chosen role's submission form (404 for a role the member cannot see)."""
    chosen = request.GET["submit_to"].strip()
    if not chosen:
        messages.error(request, "Choose the role to submit the candidate to.")
        return redirect("recruiting:candidate-detail", public_id=candidate.public_id)
    role = get_role(request, chosen)
    url = reverse("recruiting:submission-create", kwargs={"public_id": role.public_id})
    return redirect(f"{url}?{urlencode({'candidate': candidate.public_id})}")


@login_required
@require_GET
def candidate_resume(request: HttpRequest, public_id) -> FileResponse:
    """The résumé, streamed only to members allowed to see the candidate (no public URL)."""
    candidate = get_candidate(request, public_id)
    if not candidate.resume:
        raise Http404("No résumé on file.")
    try:
        handle = candidate.resume.open("rb")
    except FileNotFoundError as error:
        raise Http404("The résumé file is missing.") from error
    return FileResponse(handle, as_attachment=True, filename=candidate.resume_name or "resume")
