"""Candidate pages. The agency lists, adds and edits candidates; hiring managers and HR
see a candidate only once submitted to their client, and never the internal notes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Action, can
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors
from recruiting import selectors, services
from recruiting.access import get_candidate, require_action
from recruiting.forms.candidates import CandidateForm

CANDIDATES_PER_PAGE = 25


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
    candidate = get_candidate(request, public_id)
    membership = request.membership
    context = {
        "candidate": candidate,
        "submissions": selectors.candidate_submissions(membership=membership, candidate=candidate),
        # Client users never get the notes into the context, so no template can leak them.
        "internal_notes": (
            candidate.internal_notes if can(membership, Action.READ_INTERNAL_NOTES) else None
        ),
        "can_edit": can(membership, Action.EDIT_CANDIDATES),
    }
    return render(request, "recruiting/candidate_detail.html", context)


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
