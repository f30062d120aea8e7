"""The webhook settings pages: owners and admins register endpoints (the secret shown
once), read the delivery log, replay, rotate and remove; nobody else gets in."""

import html
import re

import pytest

from activity.models import Activity
from integrations.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from integrations.selectors import DELIVERIES_PER_PAGE
from lib.tenancy import organization_context
from tests.factories import WebhookEndpointFactory
from tests.webhook_events import delivered, submit
from tests.webhook_receiver import receiving

URL = "/settings/webhooks/"
SECRET = re.compile(r'data-testid="webhook-secret">(whsec_[A-Za-z0-9+/=]+)<')


@pytest.fixture(autouse=True)
def _localhost_receivers(settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]


def _form(url, events=("submission.created", "review.completed"), **extra) -> dict:
    return {"url": url, "description": "Our ATS", "event_types": list(events), **extra}


def test_an_admin_adds_an_endpoint_and_sees_its_secret_only_once(client_for, admin):
    client = client_for(admin)

    response = client.post(URL, _form("https://93.184.215.14/hooks", enabled="on"))

    assert response.status_code == 200
    secret = SECRET.search(response.content.decode()).group(1)
    with organization_context(admin.organization_id):
        endpoint = WebhookEndpoint.objects.get()
        assert Activity.objects.filter(verb="webhook_endpoint.created").exists()
    assert endpoint.secret == secret
    assert endpoint.event_types == ["review.completed", "submission.created"]
    assert endpoint.enabled
    assert endpoint.created_by_id == admin.pk
    for page in (URL, f"{URL}{endpoint.public_id}/"):
        content = client.get(page).content.decode()
        assert secret not in content
        assert "93.184.215.14/hooks" in content


def test_a_private_address_is_refused_with_a_form_error(client_for, owner, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = []

    response = client_for(owner).post(URL, _form("http://192.168.1.10/hooks"))

    assert response.status_code == 400
    assert "192.168.1.10 is a private address" in response.content.decode()
    with organization_context(owner.organization_id):
        assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_needs_at_least_one_event(client_for, owner):
    response = client_for(owner).post(URL, _form("https://93.184.215.14/", events=()))

    assert response.status_code == 400
    with organization_context(owner.organization_id):
        assert not WebhookEndpoint.objects.exists()


def test_the_settings_tabs_link_to_the_webhooks(client_for, admin):
    assert f'href="{URL}"' in client_for(admin).get("/settings/organization/").content.decode()


@pytest.mark.parametrize("cast", ["recruiter", "hiring_manager", "hr"])
def test_only_owners_and_admins_reach_the_webhook_pages(client_for, organization, cast, request):
    member = request.getfixturevalue(cast)
    endpoint = WebhookEndpointFactory(organization=organization)
    client = client_for(member)

    assert client.get(URL).status_code == 403
    assert client.post(URL, _form("https://93.184.215.14/")).status_code == 403
    assert client.get(f"{URL}{endpoint.public_id}/").status_code == 403
    assert client.post(f"{URL}{endpoint.public_id}/delete/").status_code == 403
    with organization_context(organization.id):
        assert WebhookEndpoint.objects.count() == 1


def test_another_organizations_admin_gets_404_for_our_endpoint_and_deliveries(
    client_for, organization, recruiter, outsider
):
    with receiving([200]) as receiver:
        endpoint = WebhookEndpointFactory(organization=organization, url=receiver.url)
        (delivery,) = delivered(endpoint, recruiter, 1)
    client = client_for(outsider)

    assert receiver.url not in client.get(URL).content.decode()
    for method, path in [
        ("get", f"{URL}{endpoint.public_id}/"),
        ("post", f"{URL}{endpoint.public_id}/"),
        ("post", f"{URL}{endpoint.public_id}/rotate-secret/"),
        ("post", f"{URL}{endpoint.public_id}/delete/"),
        ("get", f"{URL}deliveries/{delivery.public_id}/"),
        ("post", f"{URL}deliveries/{delivery.public_id}/replay/"),
    ]:
        assert getattr(client, method)(path).status_code == 404, path
    with organization_context(organization.id):
        endpoint.refresh_from_db()
        assert endpoint.url == receiver.url
        assert WebhookDelivery.objects.get().status == WebhookDeliveryStatus.SUCCEEDED


def test_the_endpoint_page_lists_its_deliveries_in_constant_queries(
    client_for, organization, admin, recruiter, django_assert_max_num_queries
):
    with receiving([200, 500]) as receiver:
        endpoint = WebhookEndpointFactory(organization=organization, url=receiver.url)
        delivered(endpoint, recruiter, 2)
        client = client_for(admin)
        page = f"{URL}{endpoint.public_id}/"
        # Session, user, membership; the endpoint; a page of the deliveries and their
        # attempts; the organization switcher; the unread notifications.
        with django_assert_max_num_queries(8) as few:
            response = client.get(page)
        delivered(endpoint, recruiter, DELIVERIES_PER_PAGE + 3)
        with django_assert_max_num_queries(8) as many:
            newest = client.get(page).content.decode()
        older = client.get(
            page + html.unescape(re.search(r'rel="next" href="([^"]+)"', newest)[1])
        ).content.decode()

    assert response.content.decode().count("<code>submission.created</code>") == 2
    assert "HTTP 500" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert newest.count("<code>submission.created</code>") == DELIVERIES_PER_PAGE
    assert older.count("<code>submission.created</code>") == 5


def test_an_admin_changes_an_endpoint_and_enabling_it_forgets_its_failures(
    client_for, organization, admin
):
    endpoint = WebhookEndpointFactory(
        organization=organization, enabled=False, disabled_reason="Failing for 5 days."
    )
    page = f"{URL}{endpoint.public_id}/"

    response = client_for(admin).post(
        page, _form("https://93.184.215.15/v2", events=["nudge.sent"], enabled="on")
    )

    assert response.status_code == 302
    with organization_context(organization.id):
        endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.event_types) == ("https://93.184.215.15/v2", ["nudge.sent"])
    assert endpoint.enabled
    assert endpoint.disabled_reason == ""


def test_rotating_the_secret_shows_the_new_one_once(client_for, organization, admin):
    endpoint = WebhookEndpointFactory(organization=organization)
    old = endpoint.secret

    response = client_for(admin).post(f"{URL}{endpoint.public_id}/rotate-secret/")

    new = SECRET.search(response.content.decode()).group(1)
    with organization_context(organization.id):
        endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.previous_secret) == (new, old)
    assert new != old


def test_an_admin_replays_a_delivery_from_its_page(client_for, organization, admin, recruiter):
    with receiving([500]) as receiver:
        endpoint = WebhookEndpointFactory(organization=organization, url=receiver.url)
        (delivery,) = delivered(endpoint, recruiter, 1)
        client = client_for(admin)
        page = f"{URL}deliveries/{delivery.public_id}/"
        content = client.get(page).content.decode()
        assert "The endpoint answered 500." in content
        assert "receiver is down" in content  # the response excerpt
        assert "&quot;type&quot;: &quot;submission.created&quot;" in content  # the payload

        response = client.post(f"{page}replay/")

    assert response.status_code == 302
    with organization_context(organization.id):
        delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.PENDING
    assert delivery.next_attempt_at <= delivery.updated_at


def test_an_admin_removes_an_endpoint_with_its_log(client_for, organization, admin, recruiter):
    endpoint = WebhookEndpointFactory(organization=organization)
    submit(recruiter)

    response = client_for(admin).post(f"{URL}{endpoint.public_id}/delete/")

    assert response.status_code == 302
    with organization_context(organization.id):
        assert not WebhookEndpoint.objects.exists()
        assert not WebhookDelivery.objects.exists()
        assert Activity.objects.filter(verb="webhook_endpoint.deleted").exists()
