"""Meridian Pay: cross-border payments, in Singapore."""

from datetime import time

from demo.story.specs import ClientSpec, Person, RoleSpec
from recruiting.models import Priority, WorkArrangement

CLIENT = ClientSpec(
    key="meridian",
    name="Meridian Pay",
    website="https://meridianpay.example",
    timezone="Asia/Singapore",
    day_start=time(9, 0),
    day_end=time(18, 0),
    region="sg",
    currency="SGD",
    notes="MAS-licensed cross-border payments for small businesses in South-East Asia. "
    "Every hire is screened by compliance; allow a week for background checks.",
    hiring_manager=Person("Daniel Lim", "Chief Product Officer", "hm4@demo.rapport.test"),
    hr=Person("Nur Aisyah Rahman", "Head of Talent", "hr4@demo.rapport.test"),
    others=(
        ("other", Person("Arjun Pillai", "Chief Executive Officer")),
        ("other", Person("Wei Ling Tan", "Head of Compliance")),
    ),
    slas=(16, 8, 24, 48),
    checkin=("weekly", 2, time(16, 0)),
)

ROLES = [
    RoleSpec(
        key="meridian-risk",
        client="meridian",
        title="Fraud & Risk Analyst",
        description="Tune transaction monitoring for cross-border payments and investigate "
        "alerts with compliance.",
        location="Singapore",
        arrangement=WorkArrangement.HYBRID,
        openings=1,
        salary=(90_000, 120_000),
        priority=Priority.HIGH,
        families=("analyst",),
        must_haves={
            "Transaction monitoring or fraud analytics": (
                "Tuned {company}'s card-fraud rules and cut false positives by a third",
                "{years} years investigating payment fraud at {company}",
            ),
            "SQL and Python": (
                "Writes the alert-quality reports at {company} in SQL and pandas",
                "Automated {company}'s case sampling with Python",
            ),
            "Knows MAS AML/CFT requirements": (
                "Prepared {company}'s MAS 626 transaction-monitoring review",
                "Worked with {company}'s MLRO on suspicious transaction reports",
            ),
        },
        nice_to_haves=("Bahasa Indonesia or Vietnamese", "Graph analytics"),
        deal_breakers=("Cannot pass MAS fit-and-proper checks",),
        culture_traits=("Sceptical by default", "Writes clear case notes"),
        glossary=(("alert quality", "Share of alerts that lead to a report or an action."),),
        stages=(("Case interview", "hiring_manager", 3), ("Compliance panel", "other", 4)),
        scarcity="balanced",
        salary_position="at",
        days_to_fill=40,
        market_notes="Banks pay more; Meridian wins on scope and speed of decisions.",
        intake_notes="Wei Ling chairs the compliance panel.",
        per_week=2,
        shortlist=5,
        plan=(
            "hr_overdue review_overdue interview_overdue rejected_review rejected_interview "
            "withdrawn lost_unresponsive"
        ),
    ),
    RoleSpec(
        key="meridian-android",
        client="meridian",
        title="Senior Android Engineer",
        description="Own the Android app merchants use to invoice and get paid in six "
        "currencies: Kotlin, Jetpack Compose and a lot of security.",
        location="Singapore",
        arrangement=WorkArrangement.HYBRID,
        openings=1,
        salary=(130_000, 165_000),
        priority=Priority.NORMAL,
        families=("mobile", "frontend"),
        must_haves={
            "Kotlin and Jetpack Compose": (
                "Moved {company}'s app to Jetpack Compose over two quarters",
                "{years} years of Kotlin; leads Android at {company}",
            ),
            "Shipped a payments or banking app": (
                "Built {company}'s card top-up and wallet flows",
                "Shipped {company}'s bank app to two million users",
            ),
            "Secure storage and app hardening": (
                "Implemented certificate pinning and keystore-backed secrets at {company}",
                "Passed {company}'s MAS TRM penetration tests with no high findings",
            ),
        },
        nice_to_haves=("Kotlin Multiplatform", "Accessibility"),
        deal_breakers=("No Android work in the last three years",),
        culture_traits=("Ownership", "Customer empathy"),
        glossary=(("senior", "Leads features from design to release without supervision."),),
        stages=(
            ("Technical interview", "hiring_manager", 3),
            ("App security review", "hiring_manager", 4),
            ("HR conversation", "hr", 2),
        ),
        scarcity="scarce",
        salary_position="at",
        days_to_fill=45,
        market_notes="Strong Android engineers in Singapore are mostly at the super-apps; "
        "they expect fast processes.",
        intake_notes="Daniel reviews himself until the mobile lead joins.",
        per_week=2,
        shortlist=6,
        plan=(
            "hr_resubmitted review_fresh review_competing interview_next offer hired "
            "rejected_review lost_offer_elsewhere"
        ),
    ),
]
