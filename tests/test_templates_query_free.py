"""Every page renders its templates without querying the database.

A view hands its template everything the page shows, fetched by selectors whose
queries the page tests count; a template that follows a relation or evaluates a
queryset would add a query per row, invisible to those counts. Here each page is
requested with every template rendering under a database wrapper that refuses any
query (`queries_refused_while_rendering`), so such a query fails the test with its SQL.

The layout's unread-notifications count is the one value computed while rendering on
purpose (engagements.context_processors: lazy, so that fragments do not pay for it);
it is worked out before the template renders, as the layout's own.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from allauth.usersessions.models import UserSession
from django.db import connection
from django.template import engines
from django.template.base import Template
from django.test import Client as DjangoClient

from accounts.models import MembershipRole
from intake import services as intake_services
from integrations.models import ApiKeyScope
from integrations.services import api_key_create
from lib.tenancy import organization_context
from privacy import services as privacy_services
from recruiting import services
from recruiting.models import Client, ReviewDecision, Stage
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    InvitationFactory,
    NotificationFactory,
    RoleFactory,
    WebhookEndpointFactory,
)

# Computed lazily by a context processor for the layout, once per page.
LAYOUT_LAZY_VALUES = ("unread_notification_count",)


class QueryWhileRendering(AssertionError):
    pass


@contextmanager
def queries_refused_while_rendering() -> Iterator[list[str]]:
    """Refuse (and list) every query made while a template renders."""
    refused: list[str] = []

    def refuse(execute, sql, params, many, context):
        refused.append(sql)
        raise QueryWhileRendering(f"A template queried the database: {sql}")

    render = Template._render

    def render_refusing_queries(template, context):
        for name in LAYOUT_LAZY_VALUES:
            value = context.get(name)
            if callable(value):
                context[name] = value()
        with connection.execute_wrapper(refuse):
            return render(template, context)

    with mock.patch.object(Template, "_render", render_refusing_queries):
        yield refused


# (who reads it, the page); `{role}`, `{client}`… are the `pages` fixture's objects.
AGENCY_PAGES = [
    "/",
    "/clients/",
    "/clients/{client}/",
    "/clients/new/",
    "/clients/{client}/edit/",
    "/clients/{client}/contacts/new/",
    "/contacts/{contact}/edit/",
    "/roles/",
    "/roles/?status=all",
    "/roles/?sort=-opened&priority=normal&client=Acme",
    "/roles/{role}/",
    "/roles/{role}/?view=list",
    "/clients/{client}/roles/new/",
    "/roles/{role}/edit/",
    "/roles/{role}/submit/",
    "/submissions/{in_review}/",
    "/submissions/{interviewing}/",
    "/submissions/{lost}/",
    "/candidates/",
    "/candidates/?q=Ada",
    "/candidates/?tag=python&source=LinkedIn&sort=-added",
    "/candidates/?consent=missing",
    "/submissions/",
    "/submissions/?stage=all&sort=-submitted&client=Acme",
    "/search/?q=Ada",
    "/search/?q=Acme&kind=client",
    "/candidates/new/",
    "/candidates/{candidate}/",
    "/candidates/{candidate}/edit/",
    "/candidates/{candidate}/erase/",
    "/candidates/{candidate}/exports/",
    "/roles/{role}/intake/",
    "/roles/{role}/agreement/",
    "/roles/{role}/agreement/changes/",
    "/roles/{role}/agreement/revise/",
    "/roles/{role}/check-ins/new/",
    "/notifications/",
    "/dashboard/",
    "/dashboard/trends/",
    "/dashboard/clients/",
    "/dashboard/clients/{client}/",
    "/dashboard/clients/{client}/weekly-report/",
    "/dashboard/roles/{role}/",
    "/dashboard/cost-of-delay/",
    "/security/two-factor/",
]
# Parts of a page that htmx fetches into it (a board's column, a card's move menu).
AGENCY_FRAGMENTS = [
    "/roles/{role}/board/submitted/",
    "/submissions/{in_review}/board-move/",
]
OWNER_PAGES = [
    "/settings/organization/",
    "/settings/security/",
    "/settings/members/",
    "/settings/members/{member}/role/",
    "/settings/members/{member}/sessions/",
    "/settings/api-keys/",
    "/settings/nudges/",
    "/settings/nudges/?client={client}",
    "/settings/webhooks/",
    "/settings/webhooks/{endpoint}/",
    "/settings/webhooks/deliveries/{delivery}/",
    "/settings/retention/",
    "/settings/security-log/",
]
CLIENT_PAGES = [
    "/",
    "/search/?q=Ada",
    "/submissions/",
    "/clients/",
    "/clients/{client}/",
    "/roles/",
    "/roles/{role}/",
    "/roles/{role}/?view=list",
    "/submissions/{in_review}/",
    "/submissions/{pending}/",
    "/candidates/{candidate}/",
    "/roles/{role}/agreement/",
    "/roles/{role}/agreement/changes/",
    "/notifications/",
    "/dashboard/clients/{client}/",
    "/dashboard/roles/{role}/",
    "/security/two-factor/",
]
READERS = [
    *(("recruiter", page) for page in [*AGENCY_PAGES, *AGENCY_FRAGMENTS]),
    ("owner", "/"),
    *(("owner", page) for page in OWNER_PAGES),
    ("owner", "/accounts/sessions/"),
    ("hiring_manager", "/review-queue/"),
    *(("hiring_manager", page) for page in CLIENT_PAGES),
    ("hr", "/approvals/"),
    *(("hr", page) for page in CLIENT_PAGES),
]
PAGES = [pytest.param(reader, page, id=f"{reader} {page}") for reader, page in READERS]


@pytest.fixture
def pages(
    organization,
    client_company,
    hm_contact,
    hr_contact,
    owner,
    recruiter,
    hiring_manager,
    hr,
    settings,
    tmp_path,
):
    """A client's role with its agreement in force and a proposal, submissions in
    review, awaiting HR, interviewing with feedback and lost, their clocks and
    timeline, notifications for everyone, an invitation, an API key (in the security log
    too), a webhook endpoint with a delivery and a candidate's exports, one ready and one
    being prepared: something in every list the pages show."""
    settings.MEDIA_ROOT = tmp_path / "media"  # where the ready export's file lies
    role = RoleFactory(
        organization=organization,
        client=client_company,
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
        owner=recruiter,
    )
    agreement = AgreementFactory(organization=organization, role=role, version=1)
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    # The proposal: on the client users' home, and compared with v1 on its own page.
    AgreementFactory(
        organization=organization, role=role, version=2, status="proposed", must_haves=["Go"]
    )
    endpoint = WebhookEndpointFactory(
        organization=organization, event_types=["submission.created", "review.completed"]
    )
    InvitationFactory(organization=organization, role=MembershipRole.RECRUITER)
    for member in (owner, recruiter, hiring_manager, hr):
        NotificationFactory(organization=organization, membership=member)

    def submit(name, **fields):
        candidate = CandidateFactory(organization=organization, full_name=name)
        return services.submission_create(
            actor=recruiter, role=role, candidate=candidate, pitch="Ships.", **fields
        )

    with organization_context(organization.id):
        in_review = submit("Ada Lovelace")
        pending = submit("Grace Hopper", culture_fit_notes="Calm under pressure.")
        interviewing = submit("Edsger Dijkstra")
        services.skills_review_submit(
            actor=hiring_manager, submission=interviewing, decision=ReviewDecision.ADVANCE
        )
        services.interview_feedback_submit(
            actor=hiring_manager,
            submission=interviewing,
            stage_name="Technical interview",
            outcome="advance",
            rating=4,
        )
        lost = submit("Alan Turing")
        services.submission_move(
            actor=recruiter, submission=lost, to_stage=Stage.LOST, lost_reason="compensation"
        )
        intake_services.agreement_comment(actor=hiring_manager, agreement=agreement, body="Fine.")
        api_key_create(actor=owner, name="ATS sync", scopes=[ApiKeyScope.READ])
        delivery = endpoint.deliveries.order_by("id").first()
        ready = privacy_services.candidate_export_request(
            actor=recruiter, candidate=in_review.candidate
        )
        privacy_services.candidate_export_build(export_id=ready.pk)
        privacy_services.candidate_export_request(actor=owner, candidate=in_review.candidate)
    # The hiring manager is signed in on a phone: a row on their sessions page.
    phone = DjangoClient(HTTP_USER_AGENT="Safari on an iPhone")
    phone.force_login(hiring_manager.user)
    UserSession.objects.create(
        user=hiring_manager.user,
        session_key=phone.session.session_key,
        ip="203.0.113.7",
        user_agent="Safari on an iPhone",
    )
    return {
        "client": client_company.public_id,
        "contact": hm_contact.public_id,
        "role": role.public_id,
        "in_review": in_review.public_id,
        "pending": pending.public_id,
        "interviewing": interviewing.public_id,
        "lost": lost.public_id,
        "candidate": in_review.candidate.public_id,
        "endpoint": endpoint.public_id,
        "delivery": delivery.public_id,
        "member": hiring_manager.public_id,
    }


@pytest.mark.parametrize(("reader", "page"), PAGES)
def test_page_templates_render_without_querying_the_database(
    request, client_for, pages, reader, page
):
    browser = client_for(request.getfixturevalue(reader))
    url = page.format(**pages)
    with queries_refused_while_rendering() as refused:
        response = browser.get(url)
    assert response.status_code == 200, url
    assert refused == []


@pytest.mark.parametrize("reader", ["recruiter", "hiring_manager", "hr"])
def test_the_search_list_in_the_header_renders_without_querying_the_database(
    request, client_for, pages, reader
):
    browser = client_for(request.getfixturevalue(reader))
    with queries_refused_while_rendering() as refused:
        response = browser.get("/search/preview/?q=Ada", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Ada Lovelace" in response.content.decode()
    assert refused == []


def test_the_sent_mail_pages_render_without_querying_the_database(client, db, tmp_path):
    from django.core.mail import EmailMultiAlternatives
    from django.test import override_settings

    with override_settings(
        DEBUG=True, EMAIL_BACKEND="lib.dev_mail.MailFolderBackend", DEV_MAIL_DIR=str(tmp_path)
    ):
        EmailMultiAlternatives(subject="Overdue", body="Review.", to=["hm@acme.test"]).send()
        name = next(tmp_path.glob("*.eml")).stem
        for url in ("/dev/mail/", f"/dev/mail/{name}/"):
            with queries_refused_while_rendering() as refused:
                response = client.get(url)
            assert response.status_code == 200, url
            assert refused == []


def test_a_query_made_while_rendering_is_refused(organization, client_company):
    """The guard itself: a queryset left for the template to evaluate fails."""
    template = engines["django"].from_string("{{ clients|length }}")
    with (
        organization_context(organization.id),
        queries_refused_while_rendering() as refused,
        pytest.raises(QueryWhileRendering),
    ):
        template.render({"clients": Client.objects.all()})
    assert len(refused) == 1


def test_the_candidates_consent_page_renders_without_querying_the_database(client, organization):
    """The page a candidate's link opens, signed out: read in the candidate's
    organization context, rendered outside it."""
    from recruiting.services.consent import consent_link_token

    candidate = CandidateFactory(organization=organization, full_name="Ada Lovelace")
    with queries_refused_while_rendering() as refused:
        response = client.get(f"/consent/{consent_link_token(candidate)}/")
    assert response.status_code == 200
    assert "Ada Lovelace" in response.content.decode()
    assert refused == []
