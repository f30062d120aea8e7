"""The home page (what needs the signed-in member's attention now), notifications,
the nudges' one-click links and the nudge policy settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as accounts_selectors
from accounts import services as accounts_services
from accounts.access import require_admin, require_membership
from accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from accounts.models import MembershipRole
from activity import selectors as activity_selectors
from engagements import selectors
from engagements.forms import NotificationReadForm, NudgePolicyForm
from engagements.models import ClockKind, NudgeChannel, NudgeRecipient, default_ladder
from engagements.services import links, notifications, policies
from intake import selectors as intake_selectors
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from lib.pagination import AFTER, BEFORE, PageNav, page_nav, page_url
from lib.tenancy import organization_context
from recruiting import selectors as recruiting_selectors
from recruiting.access import get_client

RECENT_ACTIVITY_LIMIT = 10


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What needs the member's attention, a page of each list (`after`/`before` for the
    clocks, `changes_…` and `questions_…` for the agency's other two), each list's
    other pages kept. A constant number of queries whatever the data (see
    test_home_page): a page of the clocks due and how many are overdue (two); agency:
    a page of the notes HR sent back, of the hiring managers' questions and the
    recent timeline (three); hiring manager and HR: their queue's counts (one), the
    agreement proposals waiting for their acknowledgement and how many (two).
    """
    membership = request.membership
    if membership is None:
        return render(request, "engagements/home_no_membership.html")
    params = request.GET
    # Client users see only what they owe: HR does not chase the hiring manager's reviews.
    owed_by = membership.role if membership.is_client_user else None
    attention = selectors.attention_page(
        membership=membership, owed_by=owed_by, after=params.get(AFTER), before=params.get(BEFORE)
    )
    context = {
        "membership": membership,
        "now": timezone.now(),
        "attention": attention.items,
        "attention_nav": page_nav(attention, params).anchored("attention-heading"),
        "overdue_count": selectors.overdue_count(membership=membership, owed_by=owed_by),
    }
    if membership.is_client_user:
        kind = (
            ClockKind.HM_REVIEW
            if membership.role == MembershipRole.HIRING_MANAGER
            else ClockKind.HR_APPROVAL
        )
        queue = selectors.queue_count(membership=membership, kind=kind)
        context["queue_count"] = queue.waiting
        context["queue_overdue"] = queue.overdue
        # Read here, not by the template: the page header names the member's client.
        context["client"] = membership.client
        context["awaiting"] = intake_selectors.agreements_awaiting_acknowledgement(
            membership=membership
        )
    else:
        changes = recruiting_selectors.changes_requested(
            membership=membership,
            after=params.get("changes_after"),
            before=params.get("changes_before"),
        )
        questions = selectors.info_requested(
            membership=membership,
            after=params.get("questions_after"),
            before=params.get("questions_before"),
        )
        context |= {
            "changes_requested": changes.items,
            "changes_nav": page_nav(
                changes, params, after="changes_after", before="changes_before"
            ).anchored("changes-heading"),
            "info_requested": questions.items,
            "questions_nav": page_nav(
                questions, params, after="questions_after", before="questions_before"
            ).anchored("questions-heading"),
            "activities": activity_selectors.timeline(
                membership=membership, limit=RECENT_ACTIVITY_LIMIT
            ),
        }
    return render(request, "engagements/home.html", context)


# --- One-click links ------------------------------------------------------------------


def _link_unavailable(request: HttpRequest, *, status: int, reason: str = "") -> HttpResponse:
    return render(
        request, "engagements/action_link_invalid.html", {"reason": reason}, status=status
    )


@login_required  # signed out: to the login page with this URL as `next`, the link unused
@require_GET
def action_link(request: HttpRequest, token: str) -> HttpResponse:
    """Open the action a nudge asked for, once, as the member it was sent to.

    Unknown links, another person's links and links of an organization the user
    does not belong to all answer 404 alike, so a link reveals nothing to anyone
    but its recipient; the recipient is told when it was used or has expired (410).
    The link may belong to another of the user's organizations than the active
    one: it becomes the active one, as the organization switcher would do.
    """
    link = selectors.action_link_for_token(token=token)
    if link is None:
        return _link_unavailable(request, status=404)
    membership = request.membership
    if membership is None or membership.organization_id != link.organization_id:
        membership = next(
            (
                candidate
                for candidate in accounts_selectors.memberships_for_user(user=request.user)
                if candidate.organization_id == link.organization_id
            ),
            None,
        )
    if membership is None:
        return _link_unavailable(request, status=404)
    try:
        with organization_context(link.organization_id):
            path = links.action_link_consume(link=link, membership=membership)
    except links.ActionLinkNotYours:
        return _link_unavailable(request, status=404)
    except links.ActionLinkUnavailable as error:
        return _link_unavailable(request, status=410, reason=error.message)
    if request.session.get(ACTIVE_ORGANIZATION_SESSION_KEY) != str(link.organization_id):
        request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = str(link.organization_id)
        accounts_services.membership_mark_active(membership=membership)
        messages.info(request, f"You are now working in {membership.organization.name}.")
    return redirect(path)


# --- Notifications ----------------------------------------------------------------------


def _notifications_page(
    request: HttpRequest, membership, *, form: NotificationReadForm | None = None, status=200
) -> HttpResponse:
    """One query for the page of notifications, whatever their number.

    "Older notifications" is a plain link to the next page; asked by htmx, the answer
    is that page's items alone, appended to the list, and the page links again (out
    of band). `top` carries the link to newer notifications of the page the list
    began with, so it stays while pages are appended.
    """
    params = request.GET
    page = selectors.notification_page(
        membership=membership, after=params.get(AFTER), before=params.get(BEFORE)
    )
    appended = bool(request.htmx) and form is None
    top = params.get("top") if appended else page.previous_cursor
    older = {AFTER: page.next_cursor, BEFORE: None}
    nav = PageNav(
        previous_url=page_url(params, after=None, before=top, top=None) if top else None,
        next_url=page_url(params, **older, top=None) if page.has_next else None,
        append_url=page_url(params, **older, top=top) if page.has_next else None,
    )
    context = {
        "page": page,
        "notifications": page.items,
        "nav": nav,
        # Where a "Mark as read" comes back to: this page.
        "position": {key: params[key] for key in (AFTER, BEFORE) if params.get(key)},
        "form": form,
        "appended": appended,
    }
    template = (
        "engagements/notifications_more.html" if appended else "engagements/notifications.html"
    )
    return render(request, template, context, status=status)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The member's notifications, newest first, unread ones highlighted."""
    return _notifications_page(request, require_membership(request))


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (its `id`), or all; with `open`, follow its link."""
    membership = require_membership(request)
    form = NotificationReadForm(request.POST)
    if not form.is_valid():
        return _notifications_page(request, membership, form=form, status=400)
    back = reverse("engagements:notifications")
    position = {key: form.cleaned_data[key] for key in (AFTER, BEFORE) if form.cleaned_data[key]}
    if position:
        back += page_url({}, **position)
    notification_id = form.cleaned_data["id"]
    if notification_id is None:
        count = notifications.notifications_mark_all_read(membership=membership)
        messages.success(
            request,
            f"{count} notification{'s' if count != 1 else ''} marked as read."
            if count
            else "Nothing was unread.",
        )
        return redirect(back)
    try:
        notification = notifications.notification_mark_read(
            membership=membership, notification_id=notification_id
        )
    except notifications.NotificationNotFound as error:
        raise Http404("No such notification.") from error
    target = notification.url
    # Notifications link inside Rapport only; anything else would be an open redirect.
    if (
        form.cleaned_data["open"]
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return redirect(target)
    return redirect(back)


# --- Nudge policy -------------------------------------------------------------------------


def _describe(levels: list[dict]) -> list[dict]:
    """A ladder in words, for the list of client policies."""
    recipients, channels = dict(NudgeRecipient.choices), dict(NudgeChannel.choices)
    return [
        {
            "level": level["level"],
            "after_business_days": level["after_business_days"],
            "recipients": [recipients.get(value, value) for value in level["recipients"]],
            "channels": [channels.get(value, value) for value in level["channels"]],
        }
        for level in levels
    ]


@login_required
@require_http_methods(["GET", "POST"])
def nudge_policy_settings(request: HttpRequest) -> HttpResponse:
    """Owners and admins edit the organization's default ladder or, with `client`
    (a client's public id, in the query on GET and in the form on POST), that
    client's own ladder; `action=remove` removes a client's own ladder."""
    actor = require_admin(request)
    source = request.POST if request.method == "POST" else request.GET
    client_key = source.get("client", "")
    # Another organization's or an unknown client: 404, as for any object URL.
    client = get_client(request, client_key) if client_key else None
    default, overrides = selectors.nudge_policies()
    override = next((p for p in overrides if client and p.client_id == client.pk), None)
    page_url = reverse("engagements:nudge-policy")

    if request.method == "POST" and source.get("action") == "remove":
        if client is None:
            raise Http404("Choose the client whose policy to remove.")
        try:
            change = policies.nudge_policy_remove(actor=actor, client=client)
        except ApplicationError as error:
            messages.error(request, error_message(error))
        else:
            messages.success(
                request,
                f"{client.name} follows the organization's nudge policy again "
                f"({_rescheduled(change.rescheduled)}).",
            )
        return redirect(page_url)

    in_force = override or default
    levels = in_force.levels if in_force is not None else default_ladder()
    form = NudgePolicyForm(request.POST or None, levels=levels)
    if request.method == "POST" and form.is_valid():
        try:
            change = policies.nudge_policy_save(actor=actor, client=client, levels=form.levels())
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            subject = client.name if client else "the organization"
            messages.success(
                request,
                f"Nudge policy for {subject} saved ({_rescheduled(change.rescheduled)}).",
            )
            if client is None:
                return redirect(page_url)
            return redirect(f"{page_url}?client={client.public_id}")
    context = {
        "form": form,
        "client": client,
        "override": override,
        "overrides": [(policy, _describe(policy.levels)) for policy in overrides],
        "clients": selectors.nudge_policy_clients(),
    }
    status = 400 if form.errors else 200
    return render(request, "engagements/nudge_policy.html", context, status=status)


def _rescheduled(count: int) -> str:
    if not count:
        return "no open clock to reschedule"
    return f"{count} open clock{'s' if count != 1 else ''} rescheduled"
