"""Pages for the organization: members and invitations, settings, the security log,
switching."""

import json

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import security, selectors, services
from accounts.access import (
    get_invitation_for_admin,
    get_membership_for_admin,
    require_admin,
)
from accounts.forms import (
    InvitationForm,
    InvitationResendForm,
    MembershipRoleForm,
    NewUserInvitationForm,
    OrganizationForm,
    SecurityLogFilterForm,
    SecurityPolicyForm,
)
from accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from accounts.models import MembershipRole
from lib.bulk import MAX_BULK_ITEMS, bulk_apply, report
from lib.csv_export import streaming_csv_response
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors
from lib.pagination import AFTER, BEFORE, page_nav

MEMBERS_PER_PAGE = 25
# Invitations expire within days, so few are pending; the page still shows a bounded few.
INVITATIONS_SHOWN = 25


@login_required
@require_POST
def organization_switch(request: HttpRequest) -> HttpResponse:
    """Remember another of the user's organizations as the active one."""
    chosen = request.POST.get("organization", "")
    membership = next(
        (
            m
            for m in selectors.memberships_for_user(user=request.user)
            if str(m.organization_id) == chosen
        ),
        None,
    )
    if membership is None:
        messages.error(request, "You are not a member of that organization.")
    else:
        request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = str(membership.organization_id)
        services.membership_mark_active(membership=membership)
        messages.success(request, f"You are now working in {membership.organization.name}.")
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    actor = require_admin(request)
    form = InvitationForm(request.POST or None, clients=list(selectors.client_choices()))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(actor=actor, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("accounts:members")
    return _render_members(request, actor, form=form, status=400 if form.errors else 200)


@login_required
@require_POST
def invitations_resend(request: HttpRequest) -> HttpResponse:
    """Mail again the invitations ticked on the members page: each through
    `invitation_resend` in its own transaction, with its own result, said in one
    message for those sent and one for those refused, and why. A selection that is
    empty or too long is a form error on the page (400)."""
    actor = require_admin(request)
    resend_form = InvitationResendForm(request.POST)
    if not resend_form.is_valid():
        form = InvitationForm(clients=list(selectors.client_choices()))
        return _render_members(request, actor, form=form, resend_form=resend_form, status=400)
    public_ids = resend_form.cleaned_data["invitations"]
    chosen = selectors.invitations_chosen(
        organization_id=actor.organization_id, public_ids=public_ids
    )
    outcome = bulk_apply(
        chosen,
        act=lambda invitation: services.invitation_resend(actor=actor, invitation=invitation),
        label=lambda invitation: invitation.email,
        missing=len(public_ids) - len(chosen),
    )
    report(request, outcome, done="Invitations sent again", not_done="Not sent again")
    return redirect("accounts:members")


def _render_members(
    request: HttpRequest,
    actor,
    *,
    form: InvitationForm,
    resend_form: InvitationResendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = Paginator(
        selectors.member_list_with_mfa(organization_id=actor.organization_id).select_related(
            "client"
        ),
        MEMBERS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    invitations = list(
        selectors.pending_invitation_list(organization_id=actor.organization_id)[
            : INVITATIONS_SHOWN + 1
        ]
    )
    context = {
        "form": form,
        "page": page,
        "members": list(page.object_list),
        "invitations": invitations[:INVITATIONS_SHOWN],
        "more_invitations": len(invitations) > INVITATIONS_SHOWN,
        "membership": actor,
        "resend_form": resend_form or InvitationResendForm(),
        "max_bulk": MAX_BULK_ITEMS,
    }
    return render(request, "accounts/members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def membership_role(request: HttpRequest, public_id) -> HttpResponse:
    """A member's role and client, on a page of its own: the members list shows them as
    text, so that it does not carry a picker of every client on every row."""
    actor = require_admin(request)
    membership = get_membership_for_admin(request, public_id)
    clients = list(selectors.client_choices())
    form = MembershipRoleForm(
        request.POST or None,
        clients=clients,
        offer_owner=MembershipRole.OWNER in (actor.role, membership.role),
        initial={
            "role": membership.role,
            "client": next((c for c in clients if c.pk == membership.client_id), None),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                actor=actor,
                membership=membership,
                role=form.cleaned_data["role"],
                client=form.cleaned_data["client"],
            )
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
            return redirect("accounts:members")
    if form.errors:
        # The service may have changed the instance before refusing; show what is stored.
        membership = get_membership_for_admin(request, public_id)
    return render(
        request,
        "accounts/membership_role.html",
        {"form": form, "member": membership},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def membership_remove(request: HttpRequest, public_id) -> HttpResponse:
    actor = require_admin(request)
    membership = get_membership_for_admin(request, public_id)
    try:
        services.membership_remove(actor=actor, membership=membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{membership.user} no longer belongs to this organization.")
    return redirect("accounts:members")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, public_id) -> HttpResponse:
    actor = require_admin(request)
    invitation = get_invitation_for_admin(request, public_id)
    try:
        services.invitation_revoke(actor=actor, invitation=invitation)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("accounts:members")


@login_required
@require_GET
def settings_index(request: HttpRequest) -> HttpResponse:
    """Settings, the admins' area, opens on the organization's page; the other settings
    pages (members, nudges, API keys, webhooks) are a tab away."""
    require_admin(request)
    return redirect("accounts:organization-settings")


@login_required
@require_http_methods(["GET", "POST"])
def organization_settings(request: HttpRequest) -> HttpResponse:
    actor = require_admin(request)
    organization = actor.organization
    form = OrganizationForm(
        request.POST or None,
        initial={"name": organization.name, "timezone": organization.timezone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                membership=actor,
                name=form.cleaned_data["name"],
                timezone_name=form.cleaned_data["timezone"],
            )
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Organization settings saved.")
            return redirect("accounts:organization-settings")
    status = 400 if form.errors else 200
    return render(request, "accounts/organization_settings.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def security_settings(request: HttpRequest) -> HttpResponse:
    """The organization's security policies: two-factor authentication and idle timeout."""
    actor = require_admin(request)
    organization = actor.organization
    form = SecurityPolicyForm(
        request.POST or None,
        initial={
            "mfa_policy": organization.mfa_policy,
            "idle_timeout_minutes": organization.idle_timeout_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            security.security_policy_update(actor=actor, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Security policies saved.")
            return redirect("accounts:security-settings")
    return render(
        request,
        "accounts/security_settings.html",
        {"form": form, "organization": organization},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def member_sessions(request: HttpRequest, public_id) -> HttpResponse:
    """A member's signed-in sessions, for an admin who may sign them all out."""
    actor = require_admin(request)
    member = get_membership_for_admin(request, public_id)
    context = {
        "member": member,
        "sessions": selectors.user_session_list(user=member.user),
        "is_self": member.user_id == actor.user_id,
    }
    return render(request, "accounts/member_sessions.html", context)


@login_required
@require_POST
def member_sessions_end(request: HttpRequest, public_id) -> HttpResponse:
    actor = require_admin(request)
    member = get_membership_for_admin(request, public_id)
    try:
        ended = security.member_sessions_end(actor=actor, membership=member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if ended:
            messages.success(
                request,
                f"{member.user} is signed out of {ended} session{'s' if ended != 1 else ''}.",
            )
        else:
            messages.info(request, f"{member.user} had no session to sign out.")
    return redirect("accounts:member-sessions", public_id=member.public_id)


@login_required
@require_GET
def mfa_required(request: HttpRequest) -> HttpResponse:
    """The guide to two-factor enrolment, where the security middleware sends a member
    whose organization requires it: why, and the steps (allauth's pages)."""
    membership = request.membership
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    context = {
        "required": security.mfa_required(membership),
        "enrolled": security.has_authenticator(request.user),
        "organization": membership.organization if membership else None,
        "next_url": next_url or reverse("home"),
    }
    return render(request, "accounts/mfa_required.html", context)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """One link for everyone invited: existing users confirm, new users pick a password."""
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None or not invitation.is_pending:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"invitation": invitation},
            status=404 if invitation is None else 410,
        )
    has_account = selectors.user_exists(email=invitation.email)
    form = None
    if not has_account:
        form = NewUserInvitationForm(request.POST or None, email=invitation.email)

    if request.method == "POST":
        try:
            if has_account:
                if not request.user.is_authenticated:
                    return redirect(f"/accounts/login/?next={request.path}")
                membership = services.invitation_accept(invitation=invitation, user=request.user)
            elif form.is_valid():
                membership = services.invitation_accept_new_user(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        if membership is not None:
            request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = str(membership.organization_id)
            messages.success(request, f"Welcome to {invitation.organization.name}.")
            return redirect("home")

    context = {"invitation": invitation, "form": form, "has_account": has_account}
    status = 400 if form is not None and form.errors else 200
    return render(request, "accounts/invitation_accept.html", context, status=status)


# --- The security log ----------------------------------------------------------------------

SECURITY_LOG_EXPORT_CHUNK = 1000


@login_required
@require_GET
def security_log(request: HttpRequest) -> HttpResponse:
    """The organization's security log, newest first, a keyset page at a time, with its
    filters and their CSV download. Owners and admins only."""
    actor = require_admin(request)
    form = SecurityLogFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "events": [], "nav": None, "export_query": ""}
        return render(request, "accounts/security_log.html", context, status=400)
    page = selectors.security_log_page(
        after=request.GET.get(AFTER),
        before=request.GET.get(BEFORE),
        **form.selector_filters(actor.organization.timezone),
    )
    filters = {name: request.GET[name] for name in form.fields if request.GET.get(name)}
    context = {
        "form": form,
        "events": page.items,
        "nav": page_nav(page, request.GET, summary=""),
        "export_query": urlencode(filters),
    }
    return render(request, "accounts/security_log.html", context)


@login_required
@require_GET
def security_log_csv(request: HttpRequest) -> HttpResponse:
    """Every event the filters select, newest first, read a thousand at a time as the
    download streams."""
    actor = require_admin(request)
    form = SecurityLogFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "events": [], "nav": None, "export_query": ""}
        return render(request, "accounts/security_log.html", context, status=400)
    filters = form.selector_filters(actor.organization.timezone)

    def rows():
        yield SECURITY_LOG_CSV_COLUMNS
        for batch in selectors.security_event_batches(size=SECURITY_LOG_EXPORT_CHUNK, **filters):
            for event in batch:
                yield [
                    event.occurred_at.isoformat(),
                    event.sequence,
                    event.kind,
                    event.actor_email,
                    event.actor_api_key_prefix,
                    event.target,
                    event.ip_address,
                    event.user_agent,
                    json.dumps(event.details, sort_keys=True),
                    event.hash,
                ]

    filename = f"security-log-{actor.organization.slug}-{timezone.now():%Y%m%d-%H%M}.csv"
    return streaming_csv_response(rows(), filename, actor.organization_id)


SECURITY_LOG_CSV_COLUMNS = [
    "occurred_at",
    "sequence",
    "kind",
    "actor",
    "api_key",
    "target",
    "ip_address",
    "user_agent",
    "details",
    "hash",
]
