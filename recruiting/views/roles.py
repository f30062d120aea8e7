"""Pages for roles (job orders): list, create, the role's page, edit, status changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import require_membership
from accounts.permissions import Action, can
from activity import selectors as activity_selectors
from engagements import selectors as engagement_selectors
from intake.selectors import latest_agreements_by_role, latest_proposal
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from recruiting import selectors, services
from recruiting.access import get_client, get_role, require_action
from recruiting.forms.roles import ROLE_STATUS_FILTERS, RoleFilterForm, RoleForm, RoleStatusForm
from recruiting.models import ROLE_STATUS_MOVES, RoleStatus, Stage

# How a status change reads on its button.
STATUS_ACTIONS = {
    RoleStatus.OPEN: "Reopen",
    RoleStatus.ON_HOLD: "Put on hold",
    RoleStatus.FILLED: "Mark filled",
    RoleStatus.CANCELLED: "Cancel role",
}


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    filter_form = RoleFilterForm(request.GET)
    status = filter_form.status_filter()
    roles = selectors.role_list(membership=membership, status=status)
    latest = latest_agreements_by_role(role_ids=[role.pk for role in roles])
    context = {
        "role_rows": [(role, latest.get(role.pk)) for role in roles],
        "status": status or "all",
        "status_label": dict(ROLE_STATUS_FILTERS)[status or "all"],
        "status_filters": ROLE_STATUS_FILTERS,
        "show_client": not membership.is_client_user,
    }
    return render(request, "recruiting/role_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def role_create(request: HttpRequest, public_id) -> HttpResponse:
    client = get_client(request, public_id)
    actor = require_action(request, Action.EDIT_CLIENTS_AND_ROLES)
    form = RoleForm(request.POST or None, contacts=selectors.client_contacts(client=client))
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(actor=actor, client=client, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{role.title} opened. Record the intake meeting next.")
            return redirect("recruiting:role-detail", public_id=role.public_id)
    status = 400 if form.errors else 200
    return render(
        request, "recruiting/role_form.html", {"form": form, "client": client}, status=status
    )


@login_required
def role_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The role's page. A constant number of queries whatever its size (see
    recruiting/tests/test_role_pages.py::test_role_detail_query_count_stays_constant):
    the role with its client, agreement, contacts and owner; its submissions with
    their candidates; the latest proposal; its open clocks with their candidates;
    its timeline with the actors."""
    role = get_role(request, public_id)
    membership = require_membership(request)
    proposal = latest_proposal(role=role)
    in_force = role.agreement
    if proposal is not None and in_force is not None and proposal.version < in_force.version:
        proposal = None
    pipeline = [
        (Stage(stage), submissions)
        for stage, submissions in selectors.role_pipeline(role=role).items()
    ]
    context = {
        "role": role,
        "client": role.client,
        "pipeline": pipeline,
        # Phones list the empty stages on one line instead of a box each.
        "empty_stages": [stage.label for stage, submissions in pipeline if not submissions],
        # Show what is agreed; before anything is, what is proposed.
        "summary": in_force or proposal,
        "proposal": proposal,
        "clocks": engagement_selectors.open_clocks_for_role(role=role),
        "activities": activity_selectors.timeline(membership=membership, role=role),
        "is_agency": not membership.is_client_user,
        "can_edit": can(membership, Action.EDIT_CLIENTS_AND_ROLES),
        "can_submit": can(membership, Action.CREATE_SUBMISSION) and role.status == RoleStatus.OPEN,
        "status_moves": [
            (status, STATUS_ACTIONS[status])
            for status in RoleStatus
            if status in ROLE_STATUS_MOVES.get(role.status, frozenset())
        ],
    }
    return render(request, "recruiting/role_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, public_id) -> HttpResponse:
    role = get_role(request, public_id)
    actor = require_action(request, Action.EDIT_CLIENTS_AND_ROLES)
    # The service sets attributes before it validates: keep the stored title for the page.
    title = role.title
    form = RoleForm(
        request.POST or None,
        initial=RoleForm.initial_for(role),
        contacts=selectors.client_contacts(client=role.client),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.role_update(actor=actor, role=role, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{role.title} saved.")
            return redirect("recruiting:role-detail", public_id=role.public_id)
    status = 400 if form.errors else 200
    context = {"form": form, "client": role.client, "role": role, "role_title": title}
    return render(request, "recruiting/role_form.html", context, status=status)


@login_required
@require_POST
def role_status(request: HttpRequest, public_id) -> HttpResponse:
    role = get_role(request, public_id)
    actor = require_action(request, Action.EDIT_CLIENTS_AND_ROLES)
    form = RoleStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status from the list.")
        return redirect("recruiting:role-detail", public_id=role.public_id)
    try:
        services.role_change_status(actor=actor, role=role, status=form.cleaned_data["status"])
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, f"{role.title} is now {role.get_status_display().lower()}.")
    return redirect("recruiting:role-detail", public_id=role.public_id)
