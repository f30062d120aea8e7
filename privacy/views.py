"""The privacy pages: erasing a candidate (agency only, confirmed by typing their name)
and the organization's data retention policy (Settings, owners and admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.access import require_admin
from accounts.permissions import Action
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors
from lib.pagination import capped_count, page_nav
from privacy import selectors, services
from privacy.forms import CandidateEraseForm, RetentionPolicyForm
from privacy.models import ErasureVia
from recruiting.access import get_candidate, require_action

PREVIEW_PER_PAGE = 20
COUNT_CAP = 10_000
RUNS_SHOWN = 5


@login_required
@require_http_methods(["GET", "POST"])
def candidate_erase(request: HttpRequest, public_id) -> HttpResponse:
    membership = require_action(request, Action.EDIT_CANDIDATES)
    candidate = get_candidate(request, public_id)
    form = CandidateEraseForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_erase(actor=membership, candidate=candidate, via=ErasureVia.PAGE)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The candidate's personal data was erased.")
            return redirect("recruiting:candidate-detail", public_id=candidate.public_id)
    return render(
        request,
        "privacy/candidate_erase.html",
        {"form": form, "candidate": candidate},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def retention_settings(request: HttpRequest) -> HttpResponse:
    """The policy's form, and what its next run would anonymise and delete."""
    actor = require_admin(request)
    policy = selectors.retention_policy(organization_id=actor.organization_id)
    form = RetentionPolicyForm(
        request.POST or None, initial=RetentionPolicyForm.initial_for(policy)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_policy_update(actor=actor, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Data retention policy saved.")
            return redirect("privacy:retention")
    candidates = Paginator(
        selectors.candidates_to_anonymise(policy=policy).only(
            "public_id", "full_name", "updated_at"
        ),
        PREVIEW_PER_PAGE,
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "policy": policy,
        "candidates": list(candidates),
        "candidates_page": candidates,
        "candidates_nav": page_nav(candidates, request.GET).anchored("preview-heading"),
        "deliveries": capped_count(
            selectors.webhook_deliveries_to_delete(policy=policy), cap=COUNT_CAP
        ),
        "idempotency_records": capped_count(
            selectors.idempotency_records_to_delete(policy=policy), cap=COUNT_CAP
        ),
        "runs": list(selectors.retention_runs()[:RUNS_SHOWN]),
    }
    return render(request, "privacy/retention.html", context, status=400 if form.errors else 200)
