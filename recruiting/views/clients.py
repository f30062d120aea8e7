"""Pages for clients and their contacts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import require_membership
from accounts.permissions import AGENCY, Action
from accounts.selectors import member_list
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from recruiting import selectors, services
from recruiting.access import get_client, get_contact_for_editing, require_action
from recruiting.forms.clients import ClientEditForm, ClientForm, ContactForm


def _agency_members(organization_id) -> list:
    """Who may own a client relationship: the agency's own people, never client users."""
    return [m for m in member_list(organization_id=organization_id) if m.role in AGENCY]


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    actor = require_action(request, Action.EDIT_CLIENTS_AND_ROLES)
    form = ClientForm(request.POST or None, owners=_agency_members(actor.organization_id))
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(actor=actor, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{client.name} added. Add its contacts next.")
            return redirect("recruiting:client-detail", public_id=client.public_id)
    status = 400 if form.errors else 200
    return render(request, "recruiting/client_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, public_id) -> HttpResponse:
    client = get_client(request, public_id)
    actor = require_action(request, Action.EDIT_CLIENTS_AND_ROLES)
    # The service sets attributes before it validates: keep the stored name for the page.
    client_name = client.name
    form = ClientEditForm(
        request.POST or None,
        initial=ClientEditForm.initial_for(client),
        owners=_agency_members(actor.organization_id),
        contacts=selectors.client_contacts(client=client),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(actor=actor, client=client, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{client.name} saved.")
            return redirect("recruiting:client-detail", public_id=client.public_id)
    status = 400 if form.errors else 200
    context = {"form": form, "client": client, "client_name": client_name}
    return render(request, "recruiting/client_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, public_id) -> HttpResponse:
    client = get_client(request, public_id)
    actor = require_action(request, Action.EDIT_CLIENTS_AND_ROLES)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(actor=actor, client=client, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{contact.full_name} added to {client.name}.")
            return redirect("recruiting:client-detail", public_id=client.public_id)
    status = 400 if form.errors else 200
    return render(
        request, "recruiting/contact_form.html", {"form": form, "client": client}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, public_id) -> HttpResponse:
    contact = get_contact_for_editing(request, public_id)
    actor = require_membership(request)
    # The service sets attributes before it validates: keep the stored name for the page.
    name, client = contact.full_name, contact.client
    form = ContactForm(request.POST or None, initial=ContactForm.initial_for(contact))
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=actor, contact=contact, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{contact.full_name} saved.")
            return redirect("recruiting:client-detail", public_id=client.public_id)
    status = 400 if form.errors else 200
    context = {"form": form, "client": client, "contact_name": name, "contact": contact}
    return render(request, "recruiting/contact_form.html", context, status=status)


@login_required
@require_POST
def contact_invite(request: HttpRequest, public_id) -> HttpResponse:
    contact = get_contact_for_editing(request, public_id)
    actor = require_membership(request)
    try:
        invitation = services.contact_invite(actor=actor, contact=contact)
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_message(error))
    else:
        messages.success(
            request,
            f"Invitation sent to {invitation.email}: {contact.full_name} will see the "
            f"roles and candidates at {contact.client.name} once they accept.",
        )
    return redirect("recruiting:client-detail", public_id=contact.client.public_id)
