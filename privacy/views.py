"""The export pages: a candidate's exports, with the button that asks for a new one,
and the download of a ready one. Owners, admins and recruiters only: hiring managers
and HR get 403, another organization's candidate or export 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import get_or_404
from accounts.permissions import Action
from lib.exceptions import ApplicationError
from lib.pagination import page_nav
from privacy import selectors, services
from privacy.models import ExportState
from recruiting.access import get_candidate, require_action

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
