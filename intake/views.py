"""Pages for the intake meeting and the expectation agreement it produces."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_membership
from accounts.permissions import Action, can
from intake import selectors, services
from intake.forms import (
    AgreementCommentForm,
    AgreementDiffForm,
    AgreementTermsForm,
    IntakeMeetingForm,
)
from intake.models import AgreementStatus, ExpectationAgreement, Party
from intake.selectors import PARTY_OF_ROLE
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from lib.pagination import AFTER, BEFORE, page_nav
from recruiting.access import get_role, require_action
from recruiting.selectors import client_contacts


def _get_agreement(request: HttpRequest, public_id) -> ExpectationAgreement:
    """404 for another organization's version, or another client's for HM and HR."""
    try:
        return selectors.agreement_get(membership=require_membership(request), public_id=public_id)
    except (ExpectationAgreement.DoesNotExist, ValidationError, ValueError) as error:
        raise Http404 from error


def _terms_form(request: HttpRequest, latest: ExpectationAgreement | None) -> AgreementTermsForm:
    return AgreementTermsForm(
        request.POST or None,
        initial=AgreementTermsForm.initial_for(latest),
        stage_rows=len(latest.interview_stages) if latest else 0,
    )


@login_required
@require_http_methods(["GET", "POST"])
def intake_meeting_create(request: HttpRequest, public_id) -> HttpResponse:
    role = get_role(request, public_id)
    actor = require_action(request, Action.EDIT_AGREEMENT)
    tz = ZoneInfo(role.client.timezone)
    # The role's hiring manager and HR usually attend; pre-tick them.
    expected = [contact for contact in (role.hiring_manager, role.hr_contact) if contact]
    meeting_form = IntakeMeetingForm(
        request.POST or None,
        tz=tz,
        contacts=client_contacts(client=role.client),
        initial={"attendees": expected},
    )
    # Start from the current terms, so a second intake meeting only changes what changed.
    latest = selectors.agreement_latest(role=role)
    terms_form = _terms_form(request, latest)
    if request.method == "POST":
        # Both validated, so every field error shows at once.
        meeting_valid, terms_valid = meeting_form.is_valid(), terms_form.is_valid()
        if meeting_valid and terms_valid:
            try:
                agreement = services.intake_meeting_record(
                    actor=actor, role=role, **meeting_form.cleaned_data, terms=terms_form.terms()
                )
            except (ApplicationError, ValidationError) as error:
                _add_errors(error, meeting_form, terms_form)
            else:
                messages.success(
                    request,
                    f"Intake recorded. Agreement v{agreement.version} now waits for the "
                    "hiring manager and HR to acknowledge it.",
                )
                return redirect("intake:agreement-detail", public_id=role.public_id)
    status = 400 if meeting_form.errors or terms_form.errors else 200
    context = {
        "role": role,
        "client": role.client,
        "meeting_form": meeting_form,
        "form": terms_form,
        "based_on": latest,
    }
    return render(request, "intake/intake_form.html", context, status=status)


def _add_errors(error, meeting_form: IntakeMeetingForm, terms_form: AgreementTermsForm) -> None:
    """A service error names a field of either form; the rest goes on the terms form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field in list(error.error_dict):
            if field in meeting_form.fields:
                meeting_form.add_error(field, error.error_dict.pop(field))
        if not error.error_dict:
            return
    terms_form.add_service_errors(error)


@login_required
def agreement_detail(request: HttpRequest, public_id) -> HttpResponse:
    role = get_role(request, public_id)
    return _agreement_page(request, role, comment_form=AgreementCommentForm())


def _agreement_page(
    request: HttpRequest, role, *, comment_form: AgreementCommentForm, status: int = 200
) -> HttpResponse:
    membership = require_membership(request)
    page = selectors.agreement_versions_page(
        role=role, after=request.GET.get(AFTER), before=request.GET.get(BEFORE)
    )
    party = PARTY_OF_ROLE.get(membership.role)
    rows = []
    for agreement in page.items:
        acknowledged_by = {ack.party for ack in agreement.acknowledgements.all()}
        is_proposal = agreement.status == AgreementStatus.PROPOSED
        # HM and HR each acknowledge a proposal once, for their side.
        can_acknowledge = is_proposal and party is not None and party not in acknowledged_by
        waiting_for = [p.label for p in Party if p not in acknowledged_by] if is_proposal else []
        rows.append(
            {
                "agreement": agreement,
                # Versions are numbered one after another from 1.
                "before": agreement.version - 1,
                "can_acknowledge": can_acknowledge,
                "waiting_for": waiting_for,
            }
        )
    context = {
        "role": role,
        "client": role.client,
        "rows": rows,
        # The newest version heads the first page; the discussion is held on it.
        "on_newest": not page.has_previous,
        "has_versions": bool(rows) or page.has_previous,
        "versions_nav": page_nav(page, request.GET).anchored("versions"),
        "can_edit": can(membership, Action.EDIT_AGREEMENT),
        "can_comment": can(membership, Action.COMMENT_AGREEMENT),
        "comment_form": comment_form,
        "party": party,
    }
    return render(request, "intake/agreement_detail.html", context, status=status)


@login_required
@require_GET
def agreement_diff(request: HttpRequest, public_id) -> HttpResponse:
    """What changed in the terms between two versions of the role's agreement. Three
    queries of its own, whatever the versions: the role, its newest version, the two
    compared (see test_agreement_diff)."""
    role = get_role(request, public_id)
    latest = selectors.agreement_latest(role=role)
    newest = latest.version if latest else 0
    form = AgreementDiffForm(request.GET, newest=newest)
    diff = None
    if newest > 1 and form.is_valid():
        old, new = form.cleaned_data["old"], form.cleaned_data["new"]
        versions = selectors.agreement_versions_numbered(role=role, versions=[old, new])
        missing = [number for number in (old, new) if number not in versions]
        if missing:
            form.add_error(None, f"Version {missing[0]} of this agreement does not exist.")
        else:
            diff = selectors.agreement_diff(old=versions[old], new=versions[new])
    context = {"role": role, "client": role.client, "form": form, "diff": diff, "newest": newest}
    return render(
        request, "intake/agreement_diff.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_revise(request: HttpRequest, public_id) -> HttpResponse:
    role = get_role(request, public_id)
    actor = require_action(request, Action.EDIT_AGREEMENT)
    latest = selectors.agreement_latest(role=role)
    form = _terms_form(request, latest)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_propose(actor=actor, role=role, terms=form.terms())
        except (ApplicationError, ValidationError) as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"Agreement v{agreement.version} proposed: the hiring manager and HR "
                "acknowledge it before it is in force.",
            )
            return redirect("intake:agreement-detail", public_id=role.public_id)
    status = 400 if form.errors else 200
    context = {"role": role, "client": role.client, "form": form, "based_on": latest}
    return render(request, "intake/agreement_form.html", context, status=status)


@login_required
@require_POST
def agreement_acknowledge(request: HttpRequest, public_id) -> HttpResponse:
    agreement = _get_agreement(request, public_id)
    actor = require_action(request, Action.ACKNOWLEDGE_AGREEMENT)
    try:
        agreement = services.agreement_acknowledge(
            actor=actor, agreement=agreement, comment=request.POST.get("comment", "")
        )
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_message(error))
    else:
        if agreement.status == AgreementStatus.AGREED:
            messages.success(request, f"Agreement v{agreement.version} is agreed and in force.")
        else:
            messages.success(
                request,
                f"You acknowledged v{agreement.version}; it is in force once both the "
                "hiring manager and HR have.",
            )
    return redirect("intake:agreement-detail", public_id=agreement.role.public_id)


@login_required
@require_POST
def agreement_comment(request: HttpRequest, public_id) -> HttpResponse:
    agreement = _get_agreement(request, public_id)
    actor = require_action(request, Action.COMMENT_AGREEMENT)
    form = AgreementCommentForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_comment(actor=actor, agreement=agreement, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Comment added to v{agreement.version}.")
            return redirect("intake:agreement-detail", public_id=agreement.role.public_id)
    return _agreement_page(request, agreement.role, comment_form=form, status=400)
