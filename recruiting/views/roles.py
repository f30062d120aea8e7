"""Pages for roles (job orders): list, create, the role's page, edit, status changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Action
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from recruiting import selectors, services
from recruiting.access import get_client, get_role, require_action
from recruiting.forms.roles import RoleForm, RoleStatusForm


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
