"""The client list and a client's page: their roles, agreements, responsiveness and timeline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize

from accounts.access import require_membership
from accounts.permissions import Action, can
from accounts.selectors import pending_invitation_list
from activity import selectors as activity_selectors
from engagements import selectors as engagement_selectors
from intake.selectors import latest_agreements_by_role
from lib.pagination import AFTER, BEFORE, page_nav
from recruiting import selectors
from recruiting.access import get_client
from recruiting.forms.clients import WEEKDAY_CHOICES
from recruiting.models import ContactKind

INVITABLE_KINDS = frozenset({ContactKind.HIRING_MANAGER, ContactKind.HR})
WEEKDAY_NAMES = dict(WEEKDAY_CHOICES)


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    """A page of clients with their counts and responsiveness: three queries whatever
    the number of clients and their history (the count, the page with its counts,
    the page's responsiveness)."""
    membership = require_membership(request)
    page, count = selectors.client_list(
        membership=membership, after=request.GET.get(AFTER), before=request.GET.get(BEFORE)
    )
    responsiveness = engagement_selectors.responsiveness_by_client(
        client_ids=[client.pk for client in page.items]
    )
    context = {
        "rows": [(client, responsiveness[client.pk]) for client in page.items],
        "nav": page_nav(page, request.GET, summary=f"{count} client{pluralize(count.value)}"),
        "can_edit": can(membership, Action.EDIT_CLIENTS_AND_ROLES),
    }
    return render(request, "recruiting/client_list.html", context)


@login_required
def client_detail(request: HttpRequest, public_id) -> HttpResponse:
    client = get_client(request, public_id)
    membership = require_membership(request)
    roles = selectors.client_roles(client=client)
    latest = latest_agreements_by_role(role_ids=[role.pk for role in roles])
    can_edit = can(membership, Action.EDIT_CLIENTS_AND_ROLES)
    contacts = selectors.client_contacts(client=client)
    activities = activity_selectors.timeline_page(
        membership=membership,
        client=client,
        after=request.GET.get("timeline_after"),
        before=request.GET.get("timeline_before"),
    )
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
        "activities": activities.items,
        "timeline_nav": page_nav(
            activities, request.GET, after="timeline_after", before="timeline_before"
        ).anchored("timeline-heading"),
        "can_edit": can_edit,
        # Inviting creates a membership: the members page's rule (owners and admins).
        "can_invite": can(membership, Action.MANAGE_ORGANIZATION),
        "invitable_kinds": INVITABLE_KINDS,
    }
    return render(request, "recruiting/client_detail.html", context)
