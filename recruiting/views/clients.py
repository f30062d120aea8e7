"""Pages for clients and their contacts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import require_membership
from accounts.permissions import AGENCY, Action, can
from accounts.selectors import member_list, pending_invitation_list
from activity import selectors as activity_selectors
from engagements import selectors as engagement_selectors
from intake.selectors import latest_agreements_by_role
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from recruiting import selectors, services
from recruiting.access import get_client, get_contact_for_editing, require_action
from recruiting.forms.clients import WEEKDAY_CHOICES, ClientEditForm, ClientForm, ContactForm
from recruiting.models import ContactKind

INVITABLE_KINDS = frozenset({ContactKind.HIRING_MANAGER, ContactKind.HR})
WEEKDAY_NAMES = dict(WEEKDAY_CHOICES)


def _agency_members(organization_id) -> list:
    """Who may own a client relationship: the agency's own people, never client users."""
    return [m for m in member_list(organization_id=organization_id) if m.role in AGENCY]


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    clients = selectors.client_list(membership=membership)
    # One query for every row's responsiveness, whatever the number of clients.
    responsiveness = engagement_selectors.responsiveness_by_client(
        client_ids=[client.pk for client in clients]
    )
    rows = [(client, responsiveness[client.pk]) for client in clients]
    context = {
        "rows": rows,
        "can_edit": can(membership, Action.EDIT_CLIENTS_AND_ROLES),
    }
    return render(request, "recruiting/client_list.html", context)


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
def client_detail(request: HttpRequest, public_id) -> HttpResponse:
    client = get_client(request, public_id)
    membership = require_membership(request)
    roles = selectors.client_roles(client=client)
    latest = latest_agreements_by_role(role_ids=[role.pk for role in roles])
    can_edit = can(membership, Action.EDIT_CLIENTS_AND_ROLES)
    contacts = selectors.client_contacts(client=client)
    invited = set()
    if can_edit:
        # One query: who already has an invitation waiting, so nobody is invited twice.
        # Emails are compared case-insensitively, as accounts compares them.
        pending = {
            invitation.email.casefold()
            for invitation in pending_invitation_list(organization_id=client.organization_id)
        }
        invited = {contact.pk for contact in contacts if contact.email.casefold() in pending}
    context = {
        "client": client,
        "workdays": [WEEKDAY_NAMES[day] for day in client.workdays],
        "contacts": contacts,
        "invited": invited,
        "role_rows": [(role, latest.get(role.pk)) for role in roles],
        "responsiveness": engagement_selectors.responsiveness_by_client(client_ids=[client.pk])[
            client.pk
        ],
        "activities": activity_selectors.timeline(membership=membership, client=client),
        "can_edit": can_edit,
        # Inviting creates a membership: the members page's rule (owners and admins).
        "can_invite": can(membership, Action.MANAGE_ORGANIZATION),
        "invitable_kinds": INVITABLE_KINDS,
    }
    return render(request, "recruiting/client_detail.html", context)


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
