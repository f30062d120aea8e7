"""Brightwater Logistics: refrigerated freight on the US East Coast."""

from datetime import time

from demo.story.specs import ClientSpec, Person, RoleSpec
from recruiting.models import Priority, WorkArrangement

CLIENT = ClientSpec(
    key="brightwater",
    name="Brightwater Logistics",
    website="https://brightwaterlogistics.example",
    timezone="America/New_York",
    day_start=time(8, 30),
    day_end=time(17, 0),
    region="us_east",
    currency="USD",
    notes="Refrigerated freight brokerage on the East Coast, rebuilding its routing "
    "platform in Go. Fast decisions when Marcus is in the office; travels to depots "
    "every other week.",
    hiring_manager=Person(
        "Marcus Reed", "Director of Platform Engineering", "hm2@demo.rapport.test"
    ),
    hr=Person("Dana Whitfield", "HR Manager", "hr2@demo.rapport.test"),
    others=(("other", Person("Luis Ortega", "VP Operations")),),
    slas=(24, 16, 24, 48),
    checkin=("weekly", 3, time(11, 0)),
)

ROLES = [
    RoleSpec(
        key="brightwater-sre",
        client="brightwater",
        title="Site Reliability Engineer",
        description="Keep the routing platform and the driver app up across 40 depots: "
        "Kubernetes on AWS, Terraform, and an on-call rota you help design.",
        location="New York, NY",
        arrangement=WorkArrangement.HYBRID,
        openings=1,
        salary=(150_000, 180_000),
        priority=Priority.HIGH,
        families=("sre", "backend"),
        must_haves={
            "Kubernetes in production": (
                "Runs {company}'s EKS clusters (60 services) and their upgrades",
                "{years} years operating Kubernetes; wrote {company}'s cluster runbooks",
            ),
            "Terraform / infrastructure as code": (
                "Moved {company}'s AWS estate to Terraform modules with CI plans",
                "Maintains {company}'s Terraform monorepo and its review process",
            ),
            "Incident command experience": (
                "Incident commander at {company}; wrote the postmortem template",
                "Led {company}'s response to a multi-region outage; blameless postmortem author",
            ),
        },
        nice_to_haves=("Go", "Observability with Prometheus and Grafana"),
        deal_breakers=("Will not join an on-call rota",),
        culture_traits=("Owns problems end to end", "Calm in incidents"),
        glossary=(("on-call", "One week in six, paid, with a follow-the-sun handover."),),
        stages=(
            ("Recruiter screen", "recruiter", 2),
            ("Infrastructure deep dive", "hiring_manager", 4),
            ("Incident simulation", "hiring_manager", 3),
        ),
        scarcity="scarce",
        salary_position="at",
        days_to_fill=50,
        market_notes="SREs with incident leadership are in demand across NYC fintech; "
        "expect competing offers.",
        intake_notes="Marcus wants someone who has been paged at 3 a.m. and fixed the cause.",
        per_week=2,
        shortlist=6,
        plan=(
            "hr_overdue review_overdue review_soon interview_first offer rejected_review "
            "lost_unresponsive withdrawn"
        ),
    ),
    RoleSpec(
        key="brightwater-routing",
        client="brightwater",
        title="Backend Engineer, Routing (Go)",
        description="Rewrite the load-matching and route-planning engine in Go: graph search "
        "over live traffic and temperature constraints, event-driven with Kafka.",
        location="Remote (US)",
        arrangement=WorkArrangement.REMOTE,
        openings=2,
        salary=(140_000, 170_000),
        priority=Priority.HIGH,
        families=("backend",),
        must_haves={
            "Go in production": (
                "{years} years of Go; built {company}'s pricing service",
                "Maintains three Go services at {company} handling 5k requests per second",
            ),
            "Graph or routing algorithms": (
                "Implemented a constrained shortest-path planner at {company}",
                "Built {company}'s dispatch optimiser (vehicle routing with time windows)",
            ),
            "Event-driven systems (Kafka or similar)": (
                "Designed {company}'s Kafka topics and consumer groups for order events",
                "Migrated {company} from polling to an event bus on Kinesis",
            ),
        },
        nice_to_haves=("Logistics domain", "PostGIS"),
        deal_breakers=("Needs visa sponsorship",),
        culture_traits=("Pragmatic", "Clear written communication"),
        glossary=(("production", "Serving real customer traffic, not an internal prototype."),),
        stages=(
            ("Coding interview", "hiring_manager", 3),
            ("Architecture discussion", "hiring_manager", 4),
        ),
        scarcity="scarce",
        salary_position="at",
        days_to_fill=45,
        market_notes="Go engineers with optimisation experience usually come from ride-hailing "
        "or delivery companies and expect remote work.",
        intake_notes="Remote anywhere in the US; one week a quarter in New York.",
        per_week=3,
        shortlist=8,
        plan=(
            "hr_soon review_fresh review_competing interview_overdue interview_hold hired "
            "rejected_interview rejected_review lost_offer_elsewhere"
        ),
    ),
    RoleSpec(
        key="brightwater-ops",
        client="brightwater",
        title="Operations Analyst",
        description="Turn depot and carrier data into weekly decisions on capacity, "
        "spoilage and on-time delivery.",
        location="Newark, NJ",
        arrangement=WorkArrangement.ONSITE,
        openings=1,
        salary=(75_000, 90_000),
        priority=Priority.NORMAL,
        families=("analyst",),
        must_haves={
            "SQL for reporting": (
                "Writes {company}'s weekly operations reporting in SQL",
                "Built {company}'s carrier scorecard from raw telematics in SQL",
            ),
            "Logistics or supply-chain experience": (
                "{years} years in warehouse and transport operations at {company}",
                "Planned cold-chain capacity at {company}",
            ),
            "Advanced spreadsheets": (
                "Owns {company}'s capacity model in Google Sheets",
                "Built {company}'s forecasting workbook used by 12 depot managers",
            ),
        },
        nice_to_haves=("Tableau or Looker", "Python"),
        deal_breakers=("Cannot be on site in Newark four days a week",),
        culture_traits=("Hands-on", "Comfortable on a depot floor"),
        glossary=(("on-time", "Delivered inside the customer's one-hour slot."),),
        stages=(("Case study", "hiring_manager", 4), ("Meet the operations team", "hr", 2)),
        scarcity="plentiful",
        salary_position="at",
        days_to_fill=30,
        market_notes="Plenty of analysts; logistics experience narrows it down.",
        intake_notes="Luis's team; Marcus reviews because the analyst works with platform data.",
        per_week=3,
        shortlist=6,
        plan="review_overdue review_fresh interview_first hired rejected_review withdrawn",
        hr_approves_notes=False,
    ),
]
