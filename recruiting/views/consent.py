"""Consent: a recruiter records it on the candidate's page or mails the candidate their
link; the candidate answers on the page the link opens, without an account.

The link is signed (`recruiting.services.consent_link_token`): it names one
candidate of one organization, and its page works in that organization's context,
whoever opens it, signed in to another organization or not at all. Everything the
page shows is read inside that context, before the template renders outside it.
"""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Action
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from lib.tenancy import organization_context
from recruiting import services
from recruiting.access import get_candidate, require_action
from recruiting.forms.candidates import ConsentAnswerForm, ConsentRecordForm
from recruiting.models import Candidate, ConsentPurpose
from recruiting.services.consent import (
    CONSENT_LINK_MAX_AGE,
    ConsentLinkExpired,
    ConsentLinkInvalid,
)
from recruiting.views.candidates import render_candidate_detail


@login_required
@require_POST
def consent_record(request: HttpRequest, public_id) -> HttpResponse:
    """Record what the candidate said; a refusal shows the candidate's page with the form."""
    membership = require_action(request, Action.EDIT_CANDIDATES)
    candidate = get_candidate(request, public_id)
    form = ConsentRecordForm(request.POST)
    if form.is_valid():
        try:
            record = services.consent_record(
                actor=membership, candidate=candidate, **form.service_arguments()
            )
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            verb = "given" if record.granted else "withdrawn"
            label = ConsentPurpose(record.purpose).label.lower()
            messages.success(request, f"Consent {label}: {verb}, recorded.")
            return redirect("recruiting:candidate-detail", public_id=candidate.public_id)
    return render_candidate_detail(request, candidate, consent_form=form)


@login_required
@require_POST
def consent_request(request: HttpRequest, public_id) -> HttpResponse:
    """Mail the candidate their link."""
    membership = require_action(request, Action.EDIT_CANDIDATES)
    candidate = get_candidate(request, public_id)
    try:
        services.consent_request_send(actor=membership, candidate=candidate)
    except ApplicationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(
            request,
            f"A link to give or withdraw consent is on its way to {candidate.email}; "
            f"it works for {CONSENT_LINK_MAX_AGE.days} days.",
        )
    return redirect("recruiting:candidate-detail", public_id=candidate.public_id)


def _link_unavailable(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return render(
        request,
        "recruiting/consent_link_invalid.html",
        {"expired": expired, "days": CONSENT_LINK_MAX_AGE.days},
        status=410 if expired else 404,
    )


def _client_ip(request: HttpRequest) -> str | None:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address to read (a test client, a broken proxy)
        return None


@require_http_methods(["GET", "POST"])
def consent_link(request: HttpRequest, token: str) -> HttpResponse:
    """The candidate's page: who holds their data and why, and their answer per purpose.

    A link we did not sign (altered, cut short) and one naming a candidate that is not
    in the organization it names answer 404 alike; an expired link 410.
    """
    try:
        organization_id, candidate_id = services.consent_link_read(token)
    except ConsentLinkExpired:
        return _link_unavailable(request, expired=True)
    except ConsentLinkInvalid:
        return _link_unavailable(request, expired=False)
    with organization_context(organization_id):
        candidate = (
            Candidate.objects.select_related("organization").filter(public_id=candidate_id).first()
        )
        if candidate is None:
            return _link_unavailable(request, expired=False)
        form = ConsentAnswerForm(request.POST or None, candidate=candidate)
        if request.method == "POST" and form.is_valid():
            services.consent_record_from_link(
                candidate=candidate,
                answers=form.answers(),
                ip_address=_client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
            messages.success(request, "Thank you: your answer is recorded.")
            return redirect(request.path)
        context = {
            "organization_name": candidate.organization.name,
            "candidate_name": candidate.full_name,
            "form": form,
            "current": [
                (purpose.label, getattr(candidate, f"consent_to_{purpose.value}"))
                for purpose in ConsentPurpose
            ],
        }
    return render(
        request,
        "recruiting/consent_link.html",
        context,
        status=400 if form.errors else 200,
    )
