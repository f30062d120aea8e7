"""The privacy pages: a candidate's exports, with the button that asks for a new one,
and the download of a ready one; erasing a candidate (confirmed by typing their
name); both for owners, admins and recruiters only (hiring managers and HR get 403,
another organization's candidate or export 404). And the organization's data
retention policy (Settings, owners and admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import get_or_404, require_admin
from accounts.permissions import Action
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors
from lib.pagination import capped_count, page_nav
from privacy import selectors, services
from privacy.forms import CandidateEraseForm, RetentionPolicyForm
from privacy.models import ErasureVia, ExportState
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


EXPORTS_PER_PAGE = 20


def download_name(export) -> str:
    return f"candidate-export-{export.created_at:%Y-%m-%d}-{str(export.public_id)[:8]}.zip"


@login_required
@require_http_methods(["GET", "POST"])
def candidate_exports(request: HttpRequest, public_id) -> HttpResponse:
    """The candidate's exports, newest first, each with its state and, when ready, its
    signed download link. While one is being prepared the list refreshes itself (htmx
    asks for the list alone every few seconds); a POST asks for a new export."""
    membership = require_action(request, Action.EXPORT_CANDIDATE_DATA)
    candidate = get_candidate(request, public_id)
    if request.method == "POST":
        try:
            services.candidate_export_request(actor=membership, candidate=candidate)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, "The export is being prepared: its download link appears here."
            )
        return redirect("privacy:candidate-exports", public_id=candidate.public_id)
    page = Paginator(
        selectors.candidate_export_list(candidate=candidate), EXPORTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    exports = [
        (
            export,
            selectors.export_download_signature(export)
            if selectors.export_downloadable(export)
            else None,
        )
        for export in page
    ]
    context = {
        "candidate": candidate,
        "exports": exports,
        "nav": page_nav(page, request.GET),
        "validity_hours": int(selectors.export_validity().total_seconds() // 3600),
        "preparing": any(export.state == ExportState.PENDING for export, _ in exports),
    }
    if request.htmx:
        return render(request, "privacy/candidate_export_list.html", context)
    return render(request, "privacy/candidate_exports.html", context)


@login_required
@require_GET
def candidate_export_download(request: HttpRequest, public_id) -> FileResponse:
    """The ZIP, streamed to an owner, admin or recruiter of its organization who holds
    its signed link, until the link expires (no public URL serves the file)."""
    require_action(request, Action.EXPORT_CANDIDATE_DATA)
    export = get_or_404(selectors.candidate_export_list(), public_id=public_id)
    if not selectors.export_link_valid(export, request.GET.get("signature", "")):
        raise PermissionDenied("This download link is not valid: open it from the export page.")
    if not selectors.export_downloadable(export):
        raise Http404("This download link has expired: ask for a new export.")
    try:
        handle = services.candidate_export_open(export)
    except FileNotFoundError as error:
        raise Http404("The export's file is gone: ask for a new export.") from error
    return FileResponse(
        handle, as_attachment=True, filename=download_name(export), content_type="application/zip"
    )
