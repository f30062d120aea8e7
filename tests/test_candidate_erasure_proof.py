"""The proof of the right to erasure: a candidate with a full history (made through the
API with idempotency keys, the services, a nudge with its mail and notification, and
webhook deliveries answered by a receiver that echoes them) is erased, and then every
table the application role can read is dumped row by row: neither their name, nor
their email, nor their phone is left anywhere, and their résumé file is gone. The
metrics still count their submission.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from activity.events import WEBHOOK_EVENT_TYPES
from activity.models import Activity
from engagements.models import ClockKind, ResponseClock
from engagements.services.nudges import nudge_claim, nudge_deliver
from engagements.services.reminders import checkin_log
from intake.services import agreement_comment
from integrations.models import IdempotencyRecord, WebhookDelivery
from integrations.services import webhooks
from lib.tenancy import organization_context
from metrics.rebuild import metrics_rebuild
from privacy.models import CandidateErasure, CandidateExport, ExportState
from privacy.services import candidate_erase, candidate_export_build, candidate_export_request
from recruiting import services
from recruiting.models import Candidate, Stage, Submission
from recruiting.services.consent import consent_record, consent_record_from_link
from tests.api.conftest import issue_key, key_client
from tests.factories import (
    CandidateFactory,
    ContactFactory,
    NotificationFactory,
    WebhookEndpointFactory,
    role_with_agreement,
)
from tests.webhook_receiver import receiving

pytestmark = pytest.mark.django_db

NAME = "Zebedee Quartermaine-Oyelaran"
EMAIL = "zebedee.qo@inbox.example"
PHONE = "+44 7700 900417"
# The address and browser their consent came from through their link.
ADDRESS = "198.51.100.217"
BROWSER = "Mozilla/5.0 (Zebedee-laptop)"
TRACES = (NAME, EMAIL, PHONE, "Quartermaine", "zebedee.qo", ADDRESS, BROWSER)
# Free text written about them that does not name them.
ABOUT_THEM = "calm in incidents"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def _media_and_receivers(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]


def dump(organization_id) -> dict[str, list[str]]:
    """Every row of every table the application role can read, as JSON text, in the
    organization's context (row-level security shows it its own rows and the shared
    tables' rows): {table: [row, …]}."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p') "
            "AND has_table_privilege(c.oid, 'SELECT')"
        )
        tables = sorted(row[0] for row in cursor.fetchall())
    rows = {}
    with organization_context(organization_id), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" AS t')  # noqa: S608
            rows[table] = [row[0] for row in cursor.fetchall()]
    return rows


def traces_in(rows: dict[str, list[str]]) -> dict[str, list[str]]:
    """{table: [the traces found in it]} for every table holding any."""
    found = {}
    for table, texts in rows.items():
        for text in texts:
            lowered = text.lower()
            hits = [trace for trace in TRACES if trace.lower() in lowered]
            if hits:
                found.setdefault(table, []).extend(hits)
    return found


def rollups(organization_id) -> dict[str, list[tuple]]:
    """Every metrics rollup row, without its timestamps and ids."""
    snapshot = {}
    with organization_context(organization_id):
        for model in apps.get_app_config("metrics").get_models():
            fields = [
                field.attname
                for field in model._meta.concrete_fields
                if field.attname not in {"id", "created_at", "updated_at"}
            ]
            snapshot[model.__name__] = sorted(
                model.objects.values_list(*fields), key=lambda row: repr(row)
            )
    return snapshot


@pytest.fixture
def history(organization, owner, recruiter, hiring_manager, hr, client_company):
    """The candidate's whole life in the organization, made the real way."""
    hm_contact = ContactFactory(
        organization=organization,
        client=client_company,
        kind="hiring_manager",
        full_name="Hana Meyer",
        email="hana@acme.test",
        user=hiring_manager.user,
    )
    hr_contact = ContactFactory(
        organization=organization,
        client=client_company,
        kind="hr",
        full_name="Harriet Rowe",
        email="harriet@acme.test",
        user=hr.user,
    )
    role = role_with_agreement(
        organization=organization,
        client=client_company,
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
        owner=recruiter,
    )
    api = key_client(issue_key(recruiter))
    with receiving([200], reply=f"received {NAME} <{EMAIL}>".encode()) as receiver:
        endpoint = WebhookEndpointFactory(
            organization=organization, url=receiver.url, event_types=sorted(WEBHOOK_EVENT_TYPES)
        )
        with time_machine.travel(START, tick=False):
            created = api.post(
                "/api/v1/candidates/",
                {
                    "full_name": NAME,
                    "email": EMAIL,
                    "phone": PHONE,
                    "location": "Leeds",
                    "current_title": "Staff engineer",
                    "current_company": "Quartermaine Analytics",
                    "links": ["https://github.com/zebedee-qo"],
                    "source": "Referral",
                    "tags": ["python"],
                    "consent_to_represent": True,
                    "internal_notes": f"{NAME} wants 120k; call {PHONE} after six.",
                    "external_source": "greenhouse",
                    "external_id": "gh-44017",
                },
                format="json",
                HTTP_IDEMPOTENCY_KEY="candidate-1",
            )
            assert created.status_code == 201, created.content
            with organization_context(organization.id):
                candidate = Candidate.objects.get(public_id=created.json()["id"])
                services.candidate_update(
                    actor=recruiter,
                    candidate=candidate,
                    resume=SimpleUploadedFile(f"{NAME} CV.pdf", PDF),
                )
            submitted = api.post(
                "/api/v1/submissions/",
                {
                    "role": str(role.public_id),
                    "candidate": str(candidate.public_id),
                    "pitch": f"{NAME} led the data platform at Quartermaine Analytics.",
                    "culture_fit_notes": f"Mentors juniors; {ABOUT_THEM}.",
                    "external_source": "greenhouse",
                    "external_id": "gh-app-9",
                },
                format="json",
                HTTP_IDEMPOTENCY_KEY="submission-1",
            )
            assert submitted.status_code == 201, submitted.content
        with organization_context(organization.id):
            submission = Submission.objects.get(public_id=submitted.json()["id"])
            # HR's approval clock is overdue: the nudge goes out by mail and in the app.
            clock = ResponseClock.objects.get(submission=submission, kind=ClockKind.HR_APPROVAL)
            assert clock.next_nudge_at is not None
        with (
            time_machine.travel(clock.next_nudge_at + timedelta(minutes=1), tick=False),
            organization_context(organization.id),
        ):
            claimed = nudge_claim(clock_id=clock.pk, now=timezone.now())
            assert claimed is not None
            nudge_deliver(nudge_id=claimed.nudge_id)
            services.culture_approval_submit(
                actor=hr,
                submission=submission,
                decision="request_changes",
                comment=f"Ask {NAME.split()[0]} about on-call; {NAME} seemed unsure.",
            )
            services.submission_revise_culture_notes(
                actor=recruiter,
                submission=submission,
                culture_fit_notes=f"{NAME} is happy with a one-in-six on-call rota.",
            )
            services.culture_approval_submit(
                actor=hr, submission=submission, decision="approve", comment="Fine now."
            )
            services.skills_review_submit(
                actor=hiring_manager,
                submission=submission,
                decision="advance",
                comment=f"{NAME} knows PostgreSQL better than we do.",
            )
            services.interview_feedback_submit(
                actor=hiring_manager,
                submission=submission,
                stage_name="Technical interview",
                outcome="advance",
                rating=4,
                comment=f"Strong; email {EMAIL} the take-home.",
            )
            agreement_comment(
                actor=hiring_manager,
                agreement=role.agreement,
                body=f"More people like {NAME}, please.",
            )
            checkin_log(
                actor=recruiter,
                role=role,
                held_at=timezone.now(),
                notes=f"Client keen on {NAME}; offer likely next week.",
            )
            NotificationFactory(
                organization=organization,
                membership=recruiter,
                title=f"{NAME} accepted the interview",
                body=f"Reach them on {PHONE}.",
            )
            consent_record_from_link(
                candidate=candidate,
                answers={"store": True},
                ip_address=ADDRESS,
                user_agent=BROWSER,
            )
            consent_record(
                actor=recruiter,
                candidate=candidate,
                purpose="represent",
                granted=True,
                method="call",
                note=f"{NAME.split()[0]} agreed on the phone; {ABOUT_THEM}.",
            )
            services.submission_move(
                actor=recruiter,
                submission=submission,
                to_stage=Stage.LOST,
                lost_reason="other",
                reason=f"{NAME} took a counter-offer.",
            )
            for delivery in WebhookDelivery.objects.filter(endpoint=endpoint):
                webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
            # They asked what we hold: the export's ZIP names them.
            export = candidate_export_request(actor=recruiter, candidate=candidate)
            export = candidate_export_build(export_id=export.pk)
            assert export.state == ExportState.READY
        assert receiver.requests
    return {
        "candidate": candidate,
        "submission": submission,
        "endpoint": endpoint,
        "export": export,
    }


def test_the_history_holds_the_person_in_many_tables_before_erasure(organization, history):
    rows = dump(organization.id)
    found = traces_in(rows)
    assert ABOUT_THEM in "".join(rows["accounts_idempotencyrecord"])

    for table in (
        "recruiting_candidate",
        "recruiting_submission",
        "recruiting_skillsreview",
        "recruiting_cultureapproval",
        "recruiting_interviewfeedback",
        "engagements_activity",
        "engagements_notification",
        "engagements_checkin",
        "engagements_webhookdelivery",
        "engagements_webhookattempt",
        "accounts_idempotencyrecord",
        "intake_agreementcomment",
        "recruiting_consentrecord",
    ):
        assert table in found, table
    assert {ADDRESS, BROWSER} <= set(found["recruiting_consentrecord"])


def test_after_erasure_no_table_the_application_can_read_names_the_candidate(
    organization, recruiter, history, django_capture_on_commit_callbacks
):
    candidate = history["candidate"]
    resume = candidate.resume.name
    storage = candidate.resume.storage
    assert storage.exists(resume)
    export_file = history["export"].file_path
    assert default_storage.exists(export_file)
    before = rollups(organization.id)

    with organization_context(organization.id), django_capture_on_commit_callbacks(execute=True):
        candidate_erase(actor=recruiter, candidate=candidate)

    rows = dump(organization.id)
    assert traces_in(rows) == {}
    assert [table for table, texts in rows.items() if ABOUT_THEM in "".join(texts)] == []
    assert not storage.exists(resume)
    assert not default_storage.exists(export_file)
    with organization_context(organization.id):
        assert CandidateExport.objects.get().state == ExportState.EXPIRED
        erased = Candidate.objects.get(pk=candidate.pk)
        submission = Submission.objects.get(pk=history["submission"].pk)
        assert erased.full_name.startswith("Erased candidate ")
        assert erased.external_id == ""
        assert submission.stage == Stage.LOST
        assert submission.stage_changed_at == history["submission"].stage_changed_at
        record = CandidateErasure.objects.get()
        assert record.candidate_public_id == candidate.public_id
        assert record.erased_by_id == recruiter.pk
        # Stored API answers still answer retries, anonymous now.
        assert IdempotencyRecord.objects.count() == 2
    # The metrics count the submission as before, kept and rebuilt from the raw rows.
    assert rollups(organization.id) == before
    with organization_context(organization.id):
        metrics_rebuild(organization_id=organization.id)
    assert rollups(organization.id) == before


def test_the_dump_finds_a_mention_left_in_any_table(organization, recruiter, history):
    """The proof can fail: a trace the erasure did not reach is found, table named."""
    with organization_context(organization.id):
        candidate_erase(actor=recruiter, candidate=history["candidate"])
        NotificationFactory(organization=organization, membership=recruiter, body=f"Call {PHONE}")

    assert traces_in(dump(organization.id)) == {"engagements_notification": [PHONE]}


def test_the_erasure_tells_webhooks_the_public_id_and_external_reference_only(
    organization, recruiter, history
):
    candidate = history["candidate"]
    with organization_context(organization.id):
        candidate_erase(actor=recruiter, candidate=candidate)
        entry = Activity.objects.get(verb="candidate.erased")
        delivery = WebhookDelivery.objects.get(activity=entry)

    assert entry.payload == {
        "candidate": str(candidate.public_id),
        "external_source": "greenhouse",
        "external_id": "gh-44017",
    }
    assert delivery.event_type == "candidate.erased"
    assert str(candidate.public_id) in delivery.body


def test_the_erasure_leaves_namesakes_and_other_candidates_alone(organization, recruiter, history):
    with organization_context(organization.id):
        namesake = CandidateFactory(
            organization=organization, full_name=NAME, email="another.zebedee@example.org"
        )
        candidate_erase(actor=recruiter, candidate=history["candidate"])
        namesake.refresh_from_db()

    assert namesake.full_name == NAME
    assert namesake.email == "another.zebedee@example.org"
