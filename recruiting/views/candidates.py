"""Candidate pages. The agency lists, adds and edits candidates; hiring managers and HR
see a candidate only once submitted to their client, and never the internal notes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Action, can
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors
from recruiting import selectors, services
from recruiting.access import get_candidate, get_role, require_action
from recruiting.forms.candidates import CandidateForm, RoleSearchForm

CANDIDATES_PER_PAGE = 25
SUBMISSIONS_PER_PAGE = 20
# The open roles the candidate page offers at once; a search finds the others.
SUBMIT_ROLES_SHOWN = 20


@login_required
@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    membership = require_action(request, Action.EDIT_CANDIDATES)
    query = request.GET.get("q", "").strip()
    paginator = Paginator(
        selectors.candidate_list(membership=membership, query=query), CANDIDATES_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "recruiting/candidate_list.html", {"page": page, "query": query})


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
    """The candidate's page: a page of their submissions and, for the agency, a picker
    of open roles to submit them to: the newest few, or those a search finds, never
    every open role. The picker comes back here with `?submit_to=<role>` (a select
    cannot choose a form's URL without JavaScript) and is sent on to that role's
    submission form with the candidate chosen."""
    candidate = get_candidate(request, public_id)
    membership = request.membership
    can_submit = can(membership, Action.CREATE_SUBMISSION)
    if can_submit and "submit_to" in request.GET:
        return _submit_to_role(request, candidate)
    submissions = Paginator(
        selectors.candidate_submissions(membership=membership, candidate=candidate),
        SUBMISSIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    context = {
        "candidate": candidate,
        "submissions": submissions,
        "submission_list": list(submissions.object_list),
        # Client users never get the notes into the context, so no template can leak them.
        "internal_notes": (
            candidate.internal_notes if can(membership, Action.READ_INTERNAL_NOTES) else None
        ),
        "can_edit": can(membership, Action.EDIT_CANDIDATES),
        "can_submit": can_submit,
        "can_pick_role": can_submit and candidate.consent_to_represent,
    }
    search = RoleSearchForm(request.GET) if context["can_pick_role"] else None
    if search is not None and search.is_valid():
        query = search.cleaned_data["role_q"]
        roles = selectors.candidate_submit_roles(
            membership=membership, candidate=candidate, query=query, limit=SUBMIT_ROLES_SHOWN + 1
        )
        context["role_query"] = query
        context["more_roles"] = len(roles) > SUBMIT_ROLES_SHOWN
        # Grouped by client in the select.
        context["submit_roles"] = sorted(
            roles[:SUBMIT_ROLES_SHOWN], key=lambda role: (role.client.name, role.title)
        )
    context["role_search"] = search
    status = 400 if search is not None and search.errors else 200
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
