"""What the demo shows, pinned: the seeding at a fixed moment makes exactly these rows.

`seed_demo` is made fast by writing less often and deferring upkeep (the metrics
rollups are rebuilt once at the end); none of that may change the story. Seeded at a
fixed moment the story is fully determined, so every count below is exact, and a
change to how it is written that adds, loses or moves a row fails here.
"""

import hashlib
from collections import Counter
from datetime import UTC, datetime
from io import StringIO

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import Organization, User
from activity.models import Activity
from demo.story.agency import OWNER_EMAIL
from engagements.models import ResponseClock
from intake.models import ExpectationAgreement
from lib.models import TenantModel
from lib.tenancy import organization_context, user_context
from metrics.models import DelayLoss, TargetPeriod
from metrics.tests.history import ROLLUPS
from recruiting.models import Role, RoleStatus, Submission

# A Wednesday morning in London; the story is laid out backwards from it.
SEEDED_AT = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)

# Every tenant table's rows after one seeding at SEEDED_AT.
PINNED_COUNTS = {
    "Membership": 14,
    "Invitation": 12,
    # The security log: 144 consents recorded, and the invitations sent and accepted.
    "SecurityEvent": 168,
    # 144 of them the consent records' timeline entries.
    "Activity": 1198,
    "Client": 6,
    "Contact": 20,
    "Role": 15,
    "Candidate": 80,
    "ConsentRecord": 144,
    "Submission": 120,
    "SkillsReview": 65,
    "CultureApproval": 119,
    "InterviewFeedback": 69,
    "IntakeMeeting": 15,
    "IntakeAttendance": 30,
    "ExpectationAgreement": 16,
    "AgreementAcknowledgement": 32,
    "AgreementComment": 1,
    "ResponseClock": 347,
    "CheckIn": 182,
}

PINNED_STAGES = {
    "hired": 8,
    "hm_review": 27,
    "interviewing": 16,
    "lost": 16,
    "offer": 7,
    "rejected": 22,
    "submitted": 13,
    "withdrawn": 11,
}

PINNED_CLOCKS = {
    "hm_review closed nudging": 80,
    "hm_review open nudging": 27,
    "hr_approval closed nudging": 122,
    "hr_approval open nudging": 11,
    "interview_feedback closed nudging": 74,
    "interview_feedback open nudging": 14,
    "offer_decision closed nudging": 19,
}

PINNED_FACTS = {
    "filled": [
        "Computer Vision Engineer",
        "Customer Success Manager",
        "Engineering Manager, Patient Apps",
        "Frontend Engineer (React)",
        "Operations Analyst",
        "Senior Android Engineer",
    ],
    "versions": 2,
}

# Digests of what the pages show: every timeline entry (verb, moment, summary), every
# clock's times and outcome, and the metrics' sums (`_metric_sums`).
PINNED_DIGESTS = {
    "timeline": "63b6ce7936e079fa",  # with the consent records' entries
    "clocks": "b02902d0833dff4d",
    "metrics": "4e172de25ea5d2ab",  # with the copies per client and day
}


def _tenant_counts() -> dict[str, int]:
    """Rows per tenant table, the metrics' tables left to the digest of their rows (a
    rebuild leaves out rows an incremental write may keep at zero)."""
    return {
        model.__name__: model.objects.count()
        for model in apps.get_models()
        if issubclass(model, TenantModel)
        and model._meta.app_label != "metrics"
        and model.objects.exists()
    }


def _digest(rows) -> str:
    return hashlib.sha256(repr(sorted(repr(row) for row in rows)).encode()).hexdigest()[:16]


def _metric_sums():
    """Each rollup's counters summed over its rows, and the delay losses: what the
    dashboards add up, without the ids a digest of the rows would depend on."""
    for model in ROLLUPS:
        sums = model.objects.aggregate(*(Sum(name) for name in model.COUNTERS))
        yield model.__name__, sorted(sums.items())
    yield (
        "DelayLoss",
        sorted(
            map(
                repr,
                DelayLoss.objects.values_list(
                    "reason", "stage", "lost_at", "business_seconds_late"
                ),
            )
        ),
    )
    yield (
        "TargetPeriod",
        sorted(
            map(
                repr,
                TargetPeriod.objects.values_list("starts_on", "ends_on", "submissions_per_week"),
            )
        ),
    )


def _fingerprint():
    owner = User.objects.get(email=OWNER_EMAIL)
    with user_context(owner.pk):
        (organization,) = Organization.objects.all()
    with organization_context(organization.id):
        counts = _tenant_counts()
        stages = dict(sorted(Counter(Submission.objects.values_list("stage", flat=True)).items()))
        clocks = dict(
            sorted(
                Counter(
                    (kind, closed is None, nudge is not None)
                    for kind, closed, nudge in ResponseClock.objects.values_list(
                        "kind", "closed_at", "next_nudge_at"
                    )
                ).items()
            )
        )
        clocks = {
            f"{kind} {'open' if is_open else 'closed'}{' nudging' if n else ''}": c
            for (kind, is_open, n), c in clocks.items()
        }
        facts = {
            "filled": sorted(
                Role.objects.filter(status=RoleStatus.FILLED).values_list("title", flat=True)
            ),
            "versions": max(ExpectationAgreement.objects.values_list("version", flat=True)),
        }
        digests = {
            "timeline": _digest(Activity.objects.values_list("verb", "created_at", "summary")),
            "clocks": _digest(
                ResponseClock.objects.values_list(
                    "kind", "opened_at", "due_at", "next_nudge_at", "closed_at", "outcome"
                )
            ),
            "metrics": _digest(_metric_sums()),
        }
    return counts, stages, clocks, facts, digests


def test_seed_demo_at_a_fixed_moment_makes_exactly_the_pinned_story(db):
    with time_machine.travel(SEEDED_AT, tick=False):
        call_command("seed_demo", stdout=StringIO())
    counts, stages, clocks, facts, digests = _fingerprint()

    assert counts == PINNED_COUNTS
    assert stages == PINNED_STAGES
    assert clocks == PINNED_CLOCKS
    assert facts == PINNED_FACTS
    assert digests == PINNED_DIGESTS
