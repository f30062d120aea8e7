"""The event registry: declared types only, handlers in the recording transaction."""

import re
from collections import defaultdict

import pytest
from django.conf import settings
from django.db import transaction

from activity import events
from activity.events import EVENT_TYPES, WEBHOOK_EVENT_TYPES, UndeclaredEventType
from activity.models import Activity
from activity.services import activity_record
from lib import events as bus
from lib.tenancy import organization_context


def test_recording_an_undeclared_event_type_fails_and_stores_nothing(organization, recruiter):
    with organization_context(organization.id):
        with pytest.raises(UndeclaredEventType):
            activity_record(actor=recruiter, verb="client.renamed", summary="Renamed")
        assert not Activity.objects.exists()


def test_subscribing_to_an_undeclared_event_type_fails():
    with pytest.raises(UndeclaredEventType):
        events.subscribe("client.renamed")


def test_webhooks_offer_the_declared_types_except_the_agencys_own_settings():
    assert set(WEBHOOK_EVENT_TYPES) == {
        name for name, event in EVENT_TYPES.items() if event.webhook
    }
    assert "submission.updated" in WEBHOOK_EVENT_TYPES
    assert "contact.updated" in WEBHOOK_EVENT_TYPES
    assert not any(
        name.startswith(("webhook_endpoint.", "nudge_policy.")) for name in WEBHOOK_EVENT_TYPES
    )


@pytest.fixture
def handler_calls(monkeypatch):
    """A handler of client.updated and one of every event, registered for this test only."""
    calls = []
    monkeypatch.setattr(bus, "_handlers", defaultdict(list))
    events.subscribe("client.updated")(lambda activity: calls.append(("typed", activity.verb)))
    events.subscribe()(lambda activity: calls.append(("every", activity.verb)))
    return calls


def test_handlers_run_in_the_order_they_subscribed(organization, recruiter, handler_calls):
    with organization_context(organization.id):
        activity_record(actor=recruiter, verb="client.updated", summary="Updated")
        activity_record(actor=recruiter, verb="client.created", summary="Created")
    assert handler_calls == [
        ("typed", "client.updated"),
        ("every", "client.updated"),
        ("every", "client.created"),
    ]


def test_a_failing_handler_rolls_the_event_back_with_the_change(
    organization, recruiter, monkeypatch
):
    monkeypatch.setattr(bus, "_handlers", defaultdict(list))

    @events.subscribe("client.updated")
    def refuse(activity):
        raise RuntimeError("the subscriber failed")

    with organization_context(organization.id):
        with pytest.raises(RuntimeError), transaction.atomic():
            activity_record(actor=recruiter, verb="client.updated", summary="Updated")
        assert not Activity.objects.exists()


def test_the_api_guide_lists_exactly_the_webhook_event_types():
    guide = (settings.BASE_DIR / "docs" / "api.md").read_text()
    paragraph = guide[guide.index("**Events** come from the activity log") :]
    paragraph = paragraph[: paragraph.index("\n\n")]
    listed = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", paragraph))
    assert listed == set(WEBHOOK_EVENT_TYPES)
