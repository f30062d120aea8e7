"""Tidewater Analytics: water-quality sensors in Australia, owned by the agency's owner."""

from datetime import time

from demo.story.specs import ClientSpec, Person, RoleSpec
from recruiting.models import Priority, WorkArrangement

CLIENT = ClientSpec(
    key="tidewater",
    name="Tidewater Analytics",
    website="https://tidewateranalytics.example",
    timezone="Australia/Sydney",
    day_start=time(8, 30),
    day_end=time(17, 0),
    region="au",
    currency="AUD",
    notes="Water-quality sensors and analytics for councils and utilities across "
    "Australia and New Zealand. Olivia owns the relationship (she placed their CEO).",
    hiring_manager=Person("Liam O'Connor", "VP Customers & Solutions", "hm6@demo.rapport.test"),
    hr=Person("Mia Nguyen", "People & Culture Manager", "hr6@demo.rapport.test"),
    others=(("other", Person("Grace Thompson", "Chief Executive Officer")),),
    slas=(24, 12, 24, 48),
    checkin=("fortnightly", 4, time(10, 0)),
    owned_by_owner=True,
)

ROLES = [
    RoleSpec(
        key="tidewater-architect",
        client="tidewater",
        title="Solutions Architect",
        description="Design sensor-to-dashboard deployments for councils and water utilities "
        "and win the technical side of tenders.",
        location="Sydney",
        arrangement=WorkArrangement.HYBRID,
        openings=1,
        salary=(170_000, 200_000),
        priority=Priority.HIGH,
        families=("solutions", "sre", "backend"),
        must_haves={
            "Pre-sales architecture for SaaS": (
                "Technical lead on {company}'s public-sector bids for {years} years",
                "Won three enterprise deals at {company} as the solutions lead",
            ),
            "AWS or Azure data platforms": (
                "Designed {company}'s Azure IoT and Data Explorer reference architecture",
                "AWS Solutions Architect Professional; designs data platforms at {company}",
            ),
            "IoT or telemetry ingestion": (
                "Scaled {company}'s telemetry ingestion to 50k devices",
                "Built LoRaWAN ingestion pipelines for {company}'s customers",
            ),
        },
        nice_to_haves=("Water or utilities domain", "Security clearance (baseline)"),
        deal_breakers=("No customer-facing experience",),
        culture_traits=("Trusted adviser", "Comfortable with ambiguity"),
        glossary=(("tender", "A formal public-sector procurement, usually via a panel."),),
        stages=(
            ("Customer scenario presentation", "hiring_manager", 5),
            ("Executive interview", "other", 3),
        ),
        scarcity="scarce",
        salary_position="at",
        days_to_fill=50,
        market_notes="Few architects combine IoT and public-sector bids; big consultancies "
        "pay well but move slowly.",
        intake_notes="Grace interviews every finalist.",
        per_week=1,
        shortlist=4,
        plan=(
            "hr_overdue review_fresh review_soon interview_next offer rejected_review "
            "rejected_interview lost_unresponsive"
        ),
    ),
    RoleSpec(
        key="tidewater-csm",
        client="tidewater",
        title="Customer Success Manager",
        description="Own renewals and adoption for 40 council and utility accounts across "
        "New South Wales and Victoria.",
        location="Sydney",
        arrangement=WorkArrangement.HYBRID,
        openings=1,
        salary=(110_000, 130_000),
        priority=Priority.NORMAL,
        families=("cs", "analyst"),
        must_haves={
            "Owned a book of enterprise or public-sector accounts": (
                "Owns 35 enterprise accounts at {company}",
                "{years} years managing council and government accounts at {company}",
            ),
            "Renewals and expansion targets": (
                "Hit 112% net revenue retention at {company} last year",
                "Carries a renewals quota at {company}; closed the two largest expansions",
            ),
            "Runs onboarding and training": (
                "Built {company}'s onboarding programme and customer academy",
                "Runs quarterly training for {company}'s customers",
            ),
        },
        nice_to_haves=("Salesforce", "Local government experience"),
        deal_breakers=("Cannot travel regionally",),
        culture_traits=("Customer-obsessed", "Follows through"),
        glossary=(("renewal", "A council's annual subscription decision, usually in June."),),
        stages=(
            ("Account plan presentation", "hiring_manager", 4),
            ("People & culture interview", "hr", 2),
        ),
        scarcity="balanced",
        salary_position="above",
        days_to_fill=30,
        market_notes="Above-market band; strong response from SaaS customer-success people.",
        intake_notes="Liam wants someone who has sat in council meetings.",
        per_week=2,
        shortlist=5,
        plan=(
            "hired rejected_review rejected_review rejected_interview rejected_interview "
            "withdrawn withdrawn lost_offer_elsewhere lost_compensation"
        ),
    ),
]
