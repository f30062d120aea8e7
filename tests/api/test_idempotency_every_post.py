"""`Idempotency-Key` on every POST operation of the API, enumerated from the URL conf.

Sent twice with one key and one body, a POST's second answer is its first one
replayed (same status, same body, `Idempotent-Replayed: true`) and the work is done
once: the second request changes no row of the organization. A POST route without a
working example below fails here, so no new operation slips by without a retry
shown to be safe on it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import resolve
from django.utils import timezone

from intake.models import AgreementStatus
from integrations.models import WebhookDelivery
from lib.models import TenantModel
from lib.tenancy import organization_context
from recruiting.models import CultureStatus, Stage
from tests.api.conftest import issue_key, key_client
from tests.api.routes import NOT_TENANT_OBJECTS, api_routes
from tests.api.test_intake_agreements import terms
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    RoleFactory,
    SubmissionFactory,
    WebhookEndpointFactory,
)
from tests.webhook_events import submit

pytestmark = pytest.mark.django_db

POST_ROUTES = [route for route in api_routes() if "POST" in route.methods]


@dataclass(frozen=True)
class Example:
    """A POST that succeeds: sent by the cast member `sender`'s key, to the object
    `prepare(cast)` makes (None for a list route), with the body it returns."""

    sender: str
    prepare: Callable[[SimpleNamespace], tuple[object | None, dict]]


def _in(cast, stage: str, **fields):
    return SubmissionFactory(organization=cast.organization, role=cast.role, stage=stage, **fields)


def _proposal(cast):
    role = RoleFactory(organization=cast.organization, client=cast.role.client)
    return AgreementFactory(
        organization=cast.organization, role=role, status=AgreementStatus.PROPOSED
    )


def _pending_delivery(cast):
    endpoint = WebhookEndpointFactory(organization=cast.organization)
    submit(cast.recruiter)  # its `submission.created` is the endpoint's event
    with organization_context(cast.organization.id):
        return WebhookDelivery.objects.get(endpoint=endpoint)


EXAMPLES: dict[str, Example] = {
    "api/v1/clients/": Example(
        "recruiter", lambda c: (None, {"name": "Initech", "timezone": "Europe/London"})
    ),
    "api/v1/contacts/": Example(
        "recruiter",
        lambda c: (
            None,
            {"client": str(c.role.client.public_id), "kind": "hr", "full_name": "Pat Doe"},
        ),
    ),
    "api/v1/roles/": Example(
        "recruiter",
        lambda c: (None, {"client": str(c.role.client.public_id), "title": "Staff engineer"}),
    ),
    "api/v1/roles/<uuid:public_id>/status/": Example(
        "recruiter", lambda c: (c.role, {"status": "on_hold"})
    ),
    "api/v1/candidates/": Example(
        "recruiter",
        lambda c: (None, {"full_name": "Ada Lovelace", "email": "ada@example.test"}),
    ),
    "api/v1/candidates/<uuid:public_id>/consents/": Example(
        "recruiter",
        lambda c: (
            CandidateFactory(organization=c.organization, consent_to_represent=False),
            {"purpose": "represent", "granted": True, "method": "email", "note": "By email."},
        ),
    ),
    "api/v1/candidates/<uuid:public_id>/export/": Example(
        "recruiter", lambda c: (CandidateFactory(organization=c.organization), {})
    ),
    "api/v1/candidates/<uuid:public_id>/erase/": Example(
        "recruiter", lambda c: (CandidateFactory(organization=c.organization), {})
    ),
    "api/v1/submissions/": Example(
        "recruiter",
        lambda c: (
            None,
            {
                "role": str(c.role.public_id),
                "candidate": str(CandidateFactory(organization=c.organization).public_id),
                "pitch": "Rebuilt the billing platform.",
            },
        ),
    ),
    "api/v1/submissions/<uuid:public_id>/answer-info-request/": Example(
        # In review with no review clock running: the hiring manager asked a question.
        "recruiter",
        lambda c: (_in(c, Stage.HM_REVIEW), {"answer": "She led the migration herself."}),
    ),
    "api/v1/submissions/<uuid:public_id>/competing-offer-deadline/": Example(
        "recruiter",
        lambda c: (
            _in(c, Stage.HM_REVIEW),
            {"competing_offer_deadline": (timezone.now() + timedelta(days=2)).isoformat()},
        ),
    ),
    "api/v1/submissions/<uuid:public_id>/culture-notes/": Example(
        "recruiter",
        lambda c: (
            _in(
                c,
                Stage.SUBMITTED,
                culture_fit_notes="Nice.",
                culture_status=CultureStatus.CHANGES_REQUESTED,
            ),
            {"culture_fit_notes": "Mentors juniors; direct in reviews."},
        ),
    ),
    "api/v1/submissions/<uuid:public_id>/move/": Example(
        "recruiter",
        lambda c: (_in(c, Stage.HM_REVIEW), {"stage": "withdrawn", "reason": "Moved abroad."}),
    ),
    "api/v1/skills-reviews/": Example(
        "hiring_manager",
        lambda c: (
            None,
            {"submission": str(_in(c, Stage.HM_REVIEW).public_id), "decision": "advance"},
        ),
    ),
    "api/v1/culture-approvals/": Example(
        "hr",
        lambda c: (
            None,
            {
                "submission": str(
                    _in(
                        c,
                        Stage.SUBMITTED,
                        culture_fit_notes="Calm under pressure.",
                        culture_status=CultureStatus.PENDING,
                    ).public_id
                ),
                "decision": "approve",
            },
        ),
    ),
    "api/v1/interview-feedback/": Example(
        "recruiter",
        lambda c: (
            None,
            {
                "submission": str(_in(c, Stage.INTERVIEWING).public_id),
                "stage_name": "Technical interview",
                "outcome": "hold",
                "rating": 3,
            },
        ),
    ),
    "api/v1/agreements/": Example(
        "recruiter",
        lambda c: (
            None,
            {
                "role": str(
                    RoleFactory(organization=c.organization, client=c.role.client).public_id
                ),
                **terms(),
            },
        ),
    ),
    "api/v1/agreements/<uuid:public_id>/acknowledge/": Example(
        "hiring_manager", lambda c: (_proposal(c), {"comment": "Fine by me."})
    ),
    "api/v1/agreements/<uuid:public_id>/comments/": Example(
        "hiring_manager", lambda c: (_proposal(c), {"body": "Can we add Go?"})
    ),
    "api/v1/webhook-endpoints/": Example(
        "owner",
        lambda c: (
            None,
            {"url": "https://93.184.215.14/rapport", "event_types": ["submission.created"]},
        ),
    ),
    "api/v1/webhook-endpoints/<uuid:public_id>/rotate-secret/": Example(
        "owner", lambda c: (WebhookEndpointFactory(organization=c.organization), {})
    ),
    "api/v1/webhook-deliveries/<uuid:public_id>/replay/": Example(
        "owner", lambda c: (_pending_delivery(c), {})
    ),
}


@pytest.fixture
def cast(
    organization, client_company, hm_contact, hr_contact, owner, recruiter, hiring_manager, hr
):
    """The standing cast, and an open role of their client under an agreement."""
    role = RoleFactory(
        organization=organization,
        client=client_company,
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
        owner=recruiter,
    )
    agreement = AgreementFactory(organization=organization, role=role)
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    return SimpleNamespace(
        organization=organization,
        role=role,
        owner=owner,
        recruiter=recruiter,
        hiring_manager=hiring_manager,
        hr=hr,
    )


# The key's last-use time is the key's own bookkeeping (written at most once a minute),
# not work the request asked for.
BOOKKEEPING = {"accounts_apikey"}
TENANT_TABLES = sorted(
    model._meta.db_table
    for model in apps.get_models()
    if issubclass(model, TenantModel) and model._meta.db_table not in BOOKKEEPING
)


def _snapshot(organization) -> dict[str, str]:
    """A digest of every row of every tenant table the organization owns."""
    digests = {}
    with organization_context(organization.id), connection.cursor() as cursor:
        for table in TENANT_TABLES:
            cursor.execute(
                "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608 - table names from the ORM
                f"FROM {table} AS t"
            )
            digests[table] = cursor.fetchone()[0]
    return digests


def _changed(before: dict, after: dict) -> list[str]:
    return [table for table in before if before[table] != after[table]]


def _accepts_post(view) -> bool:
    actions = getattr(view, "actions", None)
    if actions is not None:
        return "post" in actions
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if view_class is None:
        return True  # a function view: it may take anything, so it must be listed
    return "post" in view_class.http_method_names and hasattr(view_class, "post")


def test_every_post_route_has_a_working_example_and_every_example_a_route():
    assert POST_ROUTES, "no POST route found: the URL conf walk is broken"
    templates = {route.template for route in POST_ROUTES}
    assert sorted(templates - EXAMPLES.keys()) == [], "add an example for these POST routes"
    assert sorted(EXAMPLES.keys() - templates) == [], "these examples have no route any more"


@pytest.mark.parametrize("template", sorted(NOT_TENANT_OBJECTS))
def test_the_routes_left_out_of_the_walk_take_no_post(template):
    assert not _accepts_post(resolve(f"/{template}").func), f"{template} takes POST"


@pytest.mark.parametrize("route", POST_ROUTES, ids=str)
def test_a_post_sent_twice_with_one_key_is_done_once_and_answered_the_same(route, cast):
    example = EXAMPLES.get(route.template)
    if example is None:
        pytest.fail(f"{route} takes POST but has no example here: add one that succeeds")
    target, body = example.prepare(cast)
    api = key_client(issue_key(getattr(cast, example.sender)))

    def send():
        return api.post(route.url(target), body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")

    before = _snapshot(cast.organization)
    first = send()
    after_first = _snapshot(cast.organization)
    second = send()
    after_second = _snapshot(cast.organization)

    assert 200 <= first.status_code < 300, (first.status_code, first.content[:500])
    assert "Idempotent-Replayed" not in first
    work = [t for t in _changed(before, after_first) if t != "accounts_idempotencyrecord"]
    assert work, "the first request changed nothing: the example does no work"
    assert (second.status_code, second.content) == (first.status_code, first.content)
    assert second["Idempotent-Replayed"] == "true"
    assert _changed(after_first, after_second) == [], "the retry did the work again"
