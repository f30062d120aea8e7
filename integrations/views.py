"""The integrations settings pages, for owners and admins.

API keys: issue one (shown once) and revoke it. Webhooks: register endpoints, read
each one's delivery log, replay a delivery and rotate the signing secret, which is
shown once.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_admin
from accounts.models import Membership
from accounts.selectors import member_list
from integrations import selectors, services
from integrations.access import get_api_key_for_admin
from integrations.forms import ApiKeyForm, WebhookEndpointForm
from integrations.models import WebhookDelivery, WebhookEndpoint
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors, error_message
from lib.pagination import AFTER, BEFORE, page_nav

# --- API keys ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    """Admins issue and revoke the organization's API keys; a new key is shown once, here."""
    actor = require_admin(request)
    members = list(member_list(organization_id=actor.organization_id))
    form = ApiKeyForm(request.POST or None, members=members, actor=actor)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            api_key, new_key = services.api_key_create(actor=actor, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            form = ApiKeyForm(members=members, actor=actor)
            messages.success(request, f"Created the key {api_key.name}. Copy it now.")
    context = {
        "form": form,
        "new_key": new_key,
        "api_keys": list(selectors.api_key_list(organization_id=actor.organization_id)),
        "now": timezone.now(),
    }
    status = 400 if form.errors else 200
    return render(request, "integrations/api_keys.html", context, status=status)


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, public_id) -> HttpResponse:
    actor = require_admin(request)
    api_key = get_api_key_for_admin(request, public_id)
    services.api_key_revoke(actor=actor, api_key=api_key)
    messages.success(request, f"Revoked the key {api_key.name}; it no longer works.")
    return redirect("accounts:api-keys")


# --- Webhooks ---------------------------------------------------------------------------


def _endpoint_for_admin(request: HttpRequest, public_id) -> tuple[Membership, WebhookEndpoint]:
    actor = require_admin(request)
    try:
        return actor, selectors.webhook_endpoint_get(public_id=public_id)
    except WebhookEndpoint.DoesNotExist as error:  # another organization's too
        raise Http404("No such webhook endpoint.") from error


def _delivery_for_admin(request: HttpRequest, public_id) -> tuple[Membership, WebhookDelivery]:
    actor = require_admin(request)
    try:
        return actor, selectors.webhook_delivery_get(public_id=public_id)
    except WebhookDelivery.DoesNotExist as error:
        raise Http404("No such webhook delivery.") from error


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    """The organization's endpoints and a form to add one; a new endpoint's signing
    secret is shown here, once. Two queries: the endpoints, and the page's own."""
    actor = require_admin(request)
    form = WebhookEndpointForm(request.POST or None)
    created, new_secret = None, None
    if request.method == "POST" and form.is_valid():
        try:
            created, new_secret = services.webhook_endpoint_create(actor=actor, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added {created.url}. Copy its signing secret now.")
            form = WebhookEndpointForm()
    context = {
        "form": form,
        "created": created,
        "new_secret": new_secret,
        "endpoints": list(selectors.webhook_endpoint_list().order_by("-created_at")),
        "disable_after_days": settings.WEBHOOK_DISABLE_AFTER_DAYS,
    }
    return render(
        request, "integrations/webhooks/list.html", context, status=400 if form.errors else 200
    )


def _detail_page(
    request: HttpRequest,
    endpoint: WebhookEndpoint,
    *,
    form: WebhookEndpointForm | None = None,
    new_secret: str | None = None,
) -> HttpResponse:
    """The endpoint's settings and its delivery log, a page at a time: the page of
    deliveries and their attempts, whatever the log's length."""
    form = form or WebhookEndpointForm(
        initial={
            "url": endpoint.url,
            "description": endpoint.description,
            "event_types": endpoint.event_types,
            "enabled": endpoint.enabled,
        }
    )
    page = selectors.webhook_delivery_page(
        endpoint=endpoint, after=request.GET.get(AFTER), before=request.GET.get(BEFORE)
    )
    context = {
        "endpoint": endpoint,
        "form": form,
        "new_secret": new_secret,
        "page": page,
        "nav": page_nav(page, request.GET),
    }
    return render(
        request, "integrations/webhooks/detail.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, public_id) -> HttpResponse:
    actor, endpoint = _endpoint_for_admin(request, public_id)
    form = None
    if request.method == "POST":
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                services.webhook_endpoint_update(
                    actor=actor, endpoint=endpoint, **form.cleaned_data
                )
            except (ApplicationError, ValidationError) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Webhook endpoint saved.")
                return redirect("engagements:webhook-detail", public_id=endpoint.public_id)
    return _detail_page(request, endpoint, form=form)


@login_required
@require_POST
def webhook_rotate_secret(request: HttpRequest, public_id) -> HttpResponse:
    """Answers with the endpoint's page showing the new secret, once (no redirect: the
    secret must not travel in a URL or stay in the session)."""
    actor, endpoint = _endpoint_for_admin(request, public_id)
    endpoint, new_secret = services.webhook_endpoint_rotate_secret(actor=actor, endpoint=endpoint)
    messages.success(request, "New signing secret created. Copy it now.")
    return _detail_page(request, endpoint, new_secret=new_secret)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, public_id) -> HttpResponse:
    actor, endpoint = _endpoint_for_admin(request, public_id)
    services.webhook_endpoint_delete(actor=actor, endpoint=endpoint)
    messages.success(request, f"Removed {endpoint.url}; it receives nothing more.")
    return redirect("engagements:webhooks")


@login_required
@require_GET
def webhook_delivery_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One delivery: what was sent, and every attempt with the receiver's answer."""
    _actor, delivery = _delivery_for_admin(request, public_id)
    context = {
        "delivery": delivery,
        "endpoint": delivery.endpoint,
        "payload": json.dumps(json.loads(delivery.body), indent=2),
    }
    return render(request, "integrations/webhooks/delivery.html", context)


@login_required
@require_POST
def webhook_delivery_replay(request: HttpRequest, public_id) -> HttpResponse:
    actor, delivery = _delivery_for_admin(request, public_id)
    try:
        services.webhook_delivery_replay(actor=actor, delivery=delivery)
    except ApplicationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, "Sending it again now; refresh to see the attempt.")
    return redirect("engagements:webhook-delivery", public_id=delivery.public_id)
