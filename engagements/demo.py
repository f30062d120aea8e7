"""The demo agency's book of business, for ``python manage.py seed_demo``.

Nothing here writes a model: every row comes from the services a user's click
would call, so the timeline, the response clocks and the metrics are the ones
real use produces. To give that history a past, the whole story is planned
first as dated events (a client signed, an intake held, a candidate submitted,
a review answered, ...) and then replayed in date order, each event inside
`time_machine.travel(moment)` so that every `timezone.now()` the services read
is that moment. Clocks opened weeks ago are therefore overdue now, exactly as
they would be had the client really not answered.

The plan is drawn from `random.Random(DEMO_SEED)` and dated relative to the
moment of the run, so two runs tell the same story, shifted in time.
"""

import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import time_machine
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Membership, MembershipRole, Organization
from accounts.selectors import member_list
from intake import services as intake_services
from lib.business_hours import BusinessCalendar, add_business_hours
from recruiting import services as recruiting_services
from recruiting.models import (
    ContactKind,
    CultureDecision,
    InterviewOutcome,
    LostReason,
    Priority,
    ReviewDecision,
    RoleStatus,
    Stage,
    WorkArrangement,
)

DEMO_SEED = 2026
DEMO_PASSWORD = "rapport-demo-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_AGENCY = "Northwind Talent"
DEMO_AGENCY_TIMEZONE = "Europe/London"
DEMO_PEOPLE = [
    ("owner@demo.rapport.test", "Olivia Bennett", MembershipRole.OWNER),
    ("recruiter@demo.rapport.test", "Ravi Menon", MembershipRole.RECRUITER),
    ("hm@demo.rapport.test", "Hana Sato", MembershipRole.HIRING_MANAGER),
    ("hr@demo.rapport.test", "Henry Adeyemi", MembershipRole.HR),
]
OWNER_EMAIL, RECRUITER_EMAIL, HM_EMAIL, HR_EMAIL = (email for email, _, _ in DEMO_PEOPLE)

# The agency's own office hours: when the recruiter adds candidates.
AGENCY_CALENDAR = BusinessCalendar(
    timezone=DEMO_AGENCY_TIMEZONE, day_start=time(8, 30), day_end=time(18, 0)
)
# How long ago, in agency business hours, the agency opened its account.
AGENCY_AGE_HOURS = 9.5 * 110


# --- Content ----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    title: str
    email: str = ""  # a login's address; people without one get a company address


@dataclass(frozen=True)
class ClientSpec:
    key: str
    name: str
    website: str
    timezone: str
    day_start: time
    day_end: time
    region: str
    currency: str
    notes: str
    hiring_manager: Person
    hr: Person
    # People without a login: the escalation contact first.
    others: tuple[tuple[str, Person], ...]
    # Response SLAs in business hours: skills review, HR approval, interview feedback, offer.
    slas: tuple[int, int, int, int]
    checkin: tuple[str, int, time]  # cadence, weekday, time
    owned_by_owner: bool = False

    @property
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            timezone=self.timezone, day_start=self.day_start, day_end=self.day_end
        )

    @property
    def domain(self) -> str:
        return self.website.removeprefix("https://")


CLIENTS = [
    ClientSpec(
        key="halcyon",
        name="Halcyon Health",
        website="https://halcyonhealth.example",
        timezone="Europe/London",
        day_start=time(9, 0),
        day_end=time(17, 30),
        region="uk",
        currency="GBP",
        notes="Digital physiotherapy for NHS trusts and private insurers. Series B, 140 people, "
        "growing the patient-app and data teams this year. Hana decides; Henry gatekeeps on "
        "values and insists on reading culture notes before anything circulates.",
        hiring_manager=Person("Hana Sato", "VP Engineering", HM_EMAIL),
        hr=Person("Henry Adeyemi", "People Partner", HR_EMAIL),
        others=(
            ("other", Person("Claire Donnelly", "Chief Operating Officer")),
            ("hr", Person("Zoe Marsh", "Talent Acquisition Coordinator")),
        ),
        slas=(16, 8, 24, 48),
        checkin=("weekly", 1, time(10, 0)),
    ),
    ClientSpec(
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
    ),
    ClientSpec(
        key="sierra",
        name="Sierra Robotics",
        website="https://sierrarobotics.example",
        timezone="America/Los_Angeles",
        day_start=time(9, 0),
        day_end=time(18, 0),
        region="us_west",
        currency="USD",
        notes="Autonomous picking arms for grocery warehouses; hardware lab in Oakland. "
        "Candidates must be on site four days a week. Culture notes go straight to the "
        "hiring manager for the embedded role (agreed at intake).",
        hiring_manager=Person("Priya Raman", "Head of Autonomy", "hm3@demo.rapport.test"),
        hr=Person("Jordan Ellis", "People Operations Lead", "hr3@demo.rapport.test"),
        others=(("other", Person("Kevin Zhao", "Chief Technology Officer")),),
        slas=(24, 12, 36, 72),
        checkin=("fortnightly", 0, time(9, 30)),
    ),
    ClientSpec(
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
    ),
    ClientSpec(
        key="kestrel",
        name="Kestrel Energy",
        website="https://kestrelenergy.example",
        timezone="Europe/Berlin",
        day_start=time(8, 0),
        day_end=time(16, 30),
        region="de",
        currency="EUR",
        notes="Forecasts and trades flexible capacity from home batteries and heat pumps on "
        "European power markets. English-speaking team in Berlin; relocation support for "
        "EU Blue Card candidates.",
        hiring_manager=Person("Jonas Weber", "Head of Data & Engineering", "hm5@demo.rapport.test"),
        hr=Person("Katrin Vogel", "HR Business Partner", "hr5@demo.rapport.test"),
        others=(("other", Person("Sophie Brandt", "Chief Operating Officer")),),
        slas=(24, 16, 48, 72),
        checkin=("weekly", 3, time(9, 0)),
    ),
    ClientSpec(
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
    ),
]


@dataclass(frozen=True)
class RoleSpec:
    key: str
    client: str
    title: str
    description: str
    location: str
    arrangement: str
    openings: int
    salary: tuple[int, int]
    priority: str
    families: tuple[str, ...]  # candidate profiles that fit, best first
    # must-have -> evidence templates ({company}, {years}) a recruiter would write
    must_haves: dict[str, tuple[str, str]]
    nice_to_haves: tuple[str, ...]
    deal_breakers: tuple[str, ...]
    culture_traits: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...]
    stages: tuple[tuple[str, str, int], ...]  # name, owner, expected days
    scarcity: str
    salary_position: str
    days_to_fill: int
    market_notes: str
    intake_notes: str
    per_week: int
    shortlist: int
    # What happens to its submissions: one scenario each, separated by spaces (the
    # scenarios are the branches of `DemoBuilder._plan_submission`).
    plan: str
    hr_approves_notes: bool = True


ROLES = [
    RoleSpec(
        key="halcyon-backend",
        client="halcyon",
        title="Senior Backend Engineer (Python)",
        description="Own the services behind the patient app: exercise plans, clinician "
        "messaging and outcome reporting for NHS trusts. Django and PostgreSQL on AWS, "
        "a small team that deploys many times a day and shares on-call.",
        location="London",
        arrangement=WorkArrangement.HYBRID,
        openings=2,
        salary=(85_000, 105_000),
        priority=Priority.HIGH,
        families=("backend", "sre"),
        must_haves={
            "5+ years of production Python": (
                "{years} years of Python in production, most recently at {company}",
                "Core contributor to {company}'s Django monolith for {years} years",
            ),
            "Designs and runs PostgreSQL schemas at scale": (
                "Led the partitioning of a 2 TB events table at {company} with zero downtime",
                "Owns schema changes and query tuning for {company}'s main PostgreSQL cluster",
            ),
            "Owns services in production (on-call, observability)": (
                "On the {company} on-call rota; wrote the runbooks for two services",
                "Introduced tracing and SLO alerts at {company}; incident commander twice",
            ),
        },
        nice_to_haves=("HL7 FHIR", "Experience with NHS or insurer integrations", "AWS"),
        deal_breakers=("No right to work in the UK", "Fully remote only"),
        culture_traits=("Writes things down", "Patient-safety mindset", "Mentors others"),
        glossary=(
            ("senior", "Has led a service end to end, from design document to on-call."),
            ("regulated data", "Systems in scope of NHS DSPT, ISO 27001 or HIPAA."),
        ),
        stages=(
            ("Technical screen", "hiring_manager", 3),
            ("System design", "hiring_manager", 5),
            ("Values conversation", "hr", 3),
        ),
        scarcity="scarce",
        salary_position="at",
        days_to_fill=45,
        market_notes="Python engineers with health-data experience are scarce in London; "
        "good ones run two or three processes and decide within two weeks.",
        intake_notes="Two hires this quarter; the second can be slightly less senior. Hana "
        "will review within two business days; Henry reads culture notes first.",
        per_week=3,
        shortlist=8,
        plan=(
            "hr_overdue hr_soon review_overdue review_overdue review_soon review_need_info "
            "review_competing interview_first interview_next offer hired rejected_review "
            "lost_offer_elsewhere withdrawn"
        ),
    ),
    RoleSpec(
        key="halcyon-designer",
        client="halcyon",
        title="Product Designer",
        description="Design the exercise and progress journeys patients use between "
        "physiotherapy appointments, with clinicians and researchers in the room.",
        location="London",
        arrangement=WorkArrangement.HYBRID,
        openings=1,
        salary=(60_000, 75_000),
        priority=Priority.NORMAL,
        families=("design", "frontend"),
        must_haves={
            "Portfolio of shipped mobile product work": (
                "Shipped the onboarding redesign of {company}'s iOS and Android apps",
                "Portfolio shows three live mobile features from {company}, with metrics",
            ),
            "Runs their own user research": (
                "Ran fortnightly usability sessions at {company} and owns the research repository",
                "Planned and ran {company}'s diary study with 40 participants",
            ),
            "Accessibility (WCAG 2.2 AA) in practice": (
                "Led {company}'s accessibility audit and fixed the top 30 issues",
                "Designs with screen-reader flows from the start; trained {company}'s team",
            ),
        },
        nice_to_haves=("Figma design systems", "Worked with clinicians or patients"),
        deal_breakers=("Visual-only portfolio with no process",),
        culture_traits=("Curious about patients' lives", "Gives and takes critique well"),
        glossary=(("shipped", "Live with real users, not a concept or a case study only."),),
        stages=(
            ("Portfolio review", "hiring_manager", 4),
            ("Design exercise", "hiring_manager", 5),
            ("Team conversation", "hr", 2),
        ),
        scarcity="balanced",
        salary_position="at",
        days_to_fill=40,
        market_notes="Plenty of designers, few with accessibility depth and health experience.",
        intake_notes="Hana covers design until a Head of Design joins; the design exercise is "
        "paid (half a day).",
        per_week=2,
        shortlist=6,
        plan=(
            "hr_overdue review_overdue review_fresh interview_overdue rejected_review "
            "rejected_interview withdrawn"
        ),
    ),
    RoleSpec(
        key="halcyon-data",
        client="halcyon",
        title="Data Engineer",
        description="Build the pipelines that turn exercise sessions into outcome reports "
        "for trusts and insurers: dbt, Dagster and Snowflake.",
        location="London or remote (UK)",
        arrangement=WorkArrangement.REMOTE,
        openings=1,
        salary=(70_000, 88_000),
        priority=Priority.NORMAL,
        families=("data", "backend"),
        must_haves={
            "Builds batch and streaming pipelines (dbt, Airflow or Dagster)": (
                "Migrated {company}'s nightly batch from cron scripts to Dagster",
                "Owns {company}'s dbt project: 300 models, tests and documentation",
            ),
            "Strong SQL and data modelling": (
                "Designed {company}'s dimensional model used by finance and product",
                "{years} years writing analytical SQL; reviews every model change at {company}",
            ),
            "Python for data tooling": (
                "Wrote {company}'s ingestion framework in Python with typed configs",
                "Maintains internal Python libraries for data quality checks at {company}",
            ),
        },
        nice_to_haves=("Snowflake", "Clinical outcomes data"),
        deal_breakers=("No hands-on engineering in the last two years",),
        culture_traits=("Pragmatic", "Explains data to non-specialists"),
        glossary=(("outcome report", "The quarterly PROMs report each trust receives."),),
        stages=(
            ("Technical screen", "hiring_manager", 3),
            ("Take-home review", "hiring_manager", 5),
        ),
        scarcity="balanced",
        salary_position="at",
        days_to_fill=35,
        market_notes="Good supply of data engineers; dbt plus streaming is rarer.",
        intake_notes="Take-home is optional if the candidate has public work to discuss.",
        per_week=2,
        shortlist=6,
        plan=(
            "hr_resubmitted hr_changes review_soon interview_first offer rejected_review "
            "lost_unresponsive lost_other"
        ),
    ),
    RoleSpec(
        key="halcyon-em",
        client="halcyon",
        title="Engineering Manager, Patient Apps",
        description="Lead the eight engineers who build Halcyon's iOS, Android and web apps; "
        "hire two more; partner with product on a roadmap driven by clinical evidence.",
        location="London",
        arrangement=WorkArrangement.HYBRID,
        openings=1,
        salary=(110_000, 130_000),
        priority=Priority.URGENT,
        families=("eng_mgmt", "backend", "mobile"),
        must_haves={
            "Managed a team of 5+ engineers for 2+ years": (
                "Manages seven engineers at {company}; grew the team from three",
                "{years} years in engineering management at {company}, two teams",
            ),
            "Shipped mobile apps (native or React Native)": (
                "Led {company}'s move from native apps to React Native",
                "Shipped {company}'s Android app from zero to 500k installs",
            ),
            "Hires and grows engineers": (
                "Hired nine engineers at {company} and built the interview loop",
                "Promoted three engineers to senior at {company} with written growth plans",
            ),
        },
        nice_to_haves=("Regulated industry", "Experience with clinical safety (DCB0129)"),
        deal_breakers=("Has never written production code",),
        culture_traits=("Coaches rather than directs", "Calm under pressure"),
        glossary=(("team of 5+", "Direct reports, not a matrix or dotted-line team."),),
        stages=(
            ("Hiring manager interview", "hiring_manager", 3),
            ("Leadership panel", "other", 5),
            ("Values conversation", "hr", 3),
        ),
        scarcity="very_scarce",
        salary_position="below",
        days_to_fill=60,
        market_notes="Band is about 10% below market for managers with mobile depth; expect "
        "pushback on compensation from the strongest candidates.",
        intake_notes="The previous manager left in March; Hana is covering and wants someone "
        "within two months. Claire sits on the leadership panel.",
        per_week=1,
        shortlist=5,
        plan=(
            "hr_soon review_overdue interview_next hired rejected_interview lost_compensation "
            "withdrawn"
        ),
    ),
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
    RoleSpec(
        key="sierra-embedded",
        client="sierra",
        title="Embedded Software Engineer (C++)",
        description="Write the real-time control software for Sierra's picking arm: motor "
        "control, safety interlocks and sensor fusion on embedded Linux.",
        location="Oakland, CA",
        arrangement=WorkArrangement.ONSITE,
        openings=2,
        salary=(160_000, 195_000),
        priority=Priority.HIGH,
        families=("embedded",),
        must_haves={
            "Modern C++ (17/20) on embedded Linux": (
                "{years} years of C++17 on Yocto-based devices at {company}",
                "Wrote {company}'s hardware abstraction layer in C++20",
            ),
            "Real-time control loops": (
                "Tuned 1 kHz motor control loops at {company}",
                "Built {company}'s servo controller on a PREEMPT_RT kernel",
            ),
            "Hardware bring-up and debugging": (
                "Brought up two board revisions at {company} with scope and logic analyser",
                "Debugs CAN and SPI issues on the bench at {company}",
            ),
        },
        nice_to_haves=("ROS 2", "Functional safety (ISO 13849)"),
        deal_breakers=("Remote only",),
        culture_traits=("Safety first", "Enjoys the lab"),
        glossary=(("real-time", "Deadlines under a millisecond, measured on the device."),),
        stages=(
            ("Phone screen", "hiring_manager", 2),
            ("On-site hardware lab", "hiring_manager", 5),
            ("Culture add", "hr", 2),
        ),
        scarcity="very_scarce",
        salary_position="at",
        days_to_fill=70,
        market_notes="Embedded C++ engineers with motion control are very scarce in the Bay "
        "Area; robotics start-ups compete hard.",
        intake_notes="Culture notes go straight to Priya for this role: Jordan asked not to "
        "gate them.",
        per_week=1,
        shortlist=4,
        plan=("review_overdue interview_next offer rejected_interview lost_compensation withdrawn"),
        hr_approves_notes=False,
    ),
    RoleSpec(
        key="sierra-vision",
        client="sierra",
        title="Computer Vision Engineer",
        description="Teach the arm to see: detection and 6-DoF pose estimation of groceries "
        "in cluttered bins, running on edge GPUs.",
        location="Oakland, CA",
        arrangement=WorkArrangement.HYBRID,
        openings=1,
        salary=(175_000, 210_000),
        priority=Priority.URGENT,
        families=("ml",),
        must_haves={
            "Deep learning for detection or segmentation (PyTorch)": (
                "Trained {company}'s instance-segmentation models in PyTorch",
                "{years} years of PyTorch; published detection work before joining {company}",
            ),
            "Shipped models to edge devices": (
                "Deployed quantised models to Jetson devices at {company}",
                "Cut {company}'s on-device inference time by 60% with TensorRT",
            ),
            "3D geometry and multi-view vision": (
                "Built {company}'s multi-camera calibration pipeline",
                "Works on pose estimation from RGB-D at {company}",
            ),
        },
        nice_to_haves=("Synthetic data generation", "Robotics"),
        deal_breakers=("Research only, nothing shipped",),
        culture_traits=("Experiments carefully", "Shares results early"),
        glossary=(("shipped", "Running on customer hardware, not only in a paper or demo."),),
        stages=(
            ("Research deep dive", "hiring_manager", 4),
            ("Coding interview", "hiring_manager", 3),
            ("Culture add", "hr", 2),
        ),
        scarcity="very_scarce",
        salary_position="at",
        days_to_fill=75,
        market_notes="Competing with autonomous-vehicle companies for the same people.",
        intake_notes="Kevin may join the research deep dive for senior candidates.",
        per_week=1,
        shortlist=5,
        plan=(
            "hr_changes review_soon review_need_info interview_first hired rejected_review "
            "lost_offer_elsewhere lost_other"
        ),
    ),
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
    RoleSpec(
        key="kestrel-forecasting",
        client="kestrel",
        title="Data Scientist, Grid Forecasting",
        description="Forecast household flexibility and day-ahead prices so Kestrel can bid "
        "batteries and heat pumps into the market.",
        location="Berlin",
        arrangement=WorkArrangement.HYBRID,
        openings=1,
        salary=(75_000, 95_000),
        priority=Priority.HIGH,
        families=("ml", "data"),
        must_haves={
            "Time-series forecasting in production": (
                "Owns {company}'s demand forecast, retrained daily in production",
                "{years} years building forecasting models that drive decisions at {company}",
            ),
            "Python scientific stack": (
                "pandas, statsmodels and LightGBM daily at {company}",
                "Maintains {company}'s internal forecasting library in Python",
            ),
            "Energy markets or weather data": (
                "Built weather-driven load models at {company}",
                "Worked on intraday power trading signals at {company}",
            ),
        },
        nice_to_haves=("Probabilistic forecasting", "German"),
        deal_breakers=("Research experience only",),
        culture_traits=("Honest about uncertainty", "Collaborative"),
        glossary=(("in production", "Its forecasts are used for real bids or decisions."),),
        stages=(("Forecasting case", "hiring_manager", 5), ("Team interview", "hr", 3)),
        scarcity="scarce",
        salary_position="below",
        days_to_fill=55,
        market_notes="Energy-trading firms pay 20% more; Kestrel offers climate impact and equity.",
        intake_notes="Katrin handles Blue Card paperwork; allow six weeks for relocation.",
        per_week=2,
        shortlist=5,
        plan=(
            "hr_soon review_overdue review_soon interview_first offer rejected_interview "
            "withdrawn lost_other"
        ),
    ),
    RoleSpec(
        key="kestrel-frontend",
        client="kestrel",
        title="Frontend Engineer (React)",
        description="Build the dashboards installers and households use to watch their "
        "batteries earn: React, TypeScript and a lot of charts.",
        location="Berlin or remote (EU)",
        arrangement=WorkArrangement.REMOTE,
        openings=1,
        salary=(65_000, 82_000),
        priority=Priority.NORMAL,
        families=("frontend", "design"),
        must_haves={
            "React and TypeScript": (
                "{years} years of React and TypeScript at {company}",
                "Led {company}'s migration from JavaScript to strict TypeScript",
            ),
            "Data-heavy dashboards": (
                "Built {company}'s analytics dashboards with D3 and virtualised tables",
                "Owns {company}'s charting components used by six teams",
            ),
            "Accessibility and performance budgets": (
                "Set and enforced {company}'s Core Web Vitals budgets",
                "Made {company}'s dashboard usable with a keyboard and screen reader",
            ),
        },
        nice_to_haves=("German", "Design systems"),
        deal_breakers=("Outside EU time zones",),
        culture_traits=("Cares about details", "Kind in code review"),
        glossary=(("dashboard", "The installer and household web apps, not internal tools."),),
        stages=(("Pairing session", "hiring_manager", 3), ("Team interview", "hr", 3)),
        scarcity="balanced",
        salary_position="at",
        days_to_fill=35,
        market_notes="Good supply in Berlin; accessibility experience is the differentiator.",
        intake_notes="Pairing session on a real dashboard bug, two hours, remote.",
        per_week=2,
        shortlist=6,
        plan=(
            "review_need_info review_overdue interview_hold hired rejected_review "
            "lost_compensation withdrawn"
        ),
    ),
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
# The role filled by the end of the story (its only opening is taken).
FILLED_ROLE = "tidewater-csm"


@dataclass(frozen=True)
class Family:
    """A kind of candidate: what they are called, where they work, what they know."""

    size: int
    titles: tuple[str, ...]
    companies: tuple[str, ...]
    tags: tuple[str, ...]
    hook: tuple[str, ...]


FAMILIES = {
    "backend": Family(
        12,
        ("Senior Software Engineer", "Backend Engineer", "Staff Engineer", "Software Engineer II"),
        ("Ledgerline", "Parcelwise", "Cobalt Health", "Tallyo", "Routewise", "Northgate Bank"),
        ("python", "django", "postgresql", "go", "aws", "kafka", "fastapi", "kubernetes"),
        (
            "Has owned a payment-critical service for three years.",
            "Led the split of a monolith into three services without downtime.",
            "Known internally as the person who fixes the hardest incidents.",
        ),
    ),
    "design": Family(
        6,
        ("Senior Product Designer", "Product Designer", "UX Designer"),
        ("Bloomwell", "Cobalt Health", "Kiteline", "Fernway Bank"),
        ("figma", "user research", "design systems", "accessibility", "mobile"),
        (
            "Portfolio is outstanding on research-led mobile work.",
            "Ran the design side of an app rated 4.8 by patients.",
        ),
    ),
    "data": Family(
        7,
        ("Data Engineer", "Senior Data Engineer", "Analytics Engineer"),
        ("Tallyo", "Brightpath Insurance", "Gridly", "Freshbox"),
        ("dbt", "airflow", "dagster", "sql", "snowflake", "bigquery", "python"),
        (
            "Built a data platform that finance actually trusts.",
            "Turned a swamp of cron jobs into a tested, documented pipeline.",
        ),
    ),
    "eng_mgmt": Family(
        4,
        ("Engineering Manager", "Senior Engineering Manager", "Head of Mobile Engineering"),
        ("Bloomwell", "Fernway Bank", "Kiteline"),
        ("people management", "mobile", "react native", "hiring", "roadmapping"),
        (
            "Grew a team from three to nine with zero regretted attrition.",
            "Known for turning around a struggling mobile team.",
        ),
    ),
    "sre": Family(
        6,
        ("Site Reliability Engineer", "Senior Platform Engineer", "DevOps Engineer"),
        ("Routewise", "Northgate Bank", "Streamforge", "Cloudhaven"),
        ("kubernetes", "terraform", "aws", "gcp", "prometheus", "incident response"),
        (
            "Has led incident response for a platform with 99.95% SLOs.",
            "Automated away most of their team's toil in a year.",
        ),
    ),
    "analyst": Family(
        7,
        ("Operations Analyst", "Risk Analyst", "Business Analyst", "Fraud Analyst"),
        ("Harbourline Freight", "Fernway Bank", "Payvista", "ColdChain Co"),
        ("sql", "excel", "tableau", "python", "fraud", "supply chain"),
        (
            "Explains numbers to operators in plain language.",
            "Built the reporting a whole operations team now runs on.",
        ),
    ),
    "embedded": Family(
        6,
        ("Embedded Software Engineer", "Firmware Engineer", "Robotics Software Engineer"),
        ("Axial Motion", "Pickwell Robotics", "Lumen Devices"),
        ("c++", "embedded linux", "rtos", "ros 2", "motor control", "can bus"),
        (
            "Comfortable from the oscilloscope up to the planner.",
            "Shipped safety-rated firmware on an industrial robot.",
        ),
    ),
    "ml": Family(
        8,
        ("Machine Learning Engineer", "Computer Vision Engineer", "Data Scientist"),
        ("Axial Motion", "Gridly", "Voltaic", "Lumen Devices", "Weatherwise"),
        ("pytorch", "computer vision", "forecasting", "time series", "onnx", "python"),
        (
            "Ships models, not just notebooks.",
            "Has a rare mix of research depth and production discipline.",
        ),
    ),
    "mobile": Family(
        6,
        ("Senior Android Engineer", "Android Engineer", "Mobile Engineer"),
        ("Payvista", "Fernway Bank", "Grabline", "Kiteline"),
        ("kotlin", "jetpack compose", "android", "payments", "app security"),
        (
            "Has shipped a banking app through two security audits.",
            "Leads Android at a well-known app with millions of users.",
        ),
    ),
    "frontend": Family(
        6,
        ("Frontend Engineer", "Senior Frontend Engineer", "Design Engineer"),
        ("Gridly", "Streamforge", "Bloomwell", "Voltaic"),
        ("react", "typescript", "d3", "accessibility", "next.js"),
        (
            "Builds the kind of dashboards people enjoy using.",
            "Brings real accessibility expertise, not just a checklist.",
        ),
    ),
    "solutions": Family(
        4,
        ("Solutions Architect", "Pre-sales Engineer", "Cloud Architect"),
        ("Cloudhaven", "Sensorium IoT", "Harbourline Freight"),
        ("pre-sales", "aws", "azure", "iot", "architecture", "public sector"),
        (
            "Wins tenders on the technical response.",
            "Trusted by customers' CIOs; calm in front of procurement panels.",
        ),
    ),
    "cs": Family(
        8,
        ("Customer Success Manager", "Senior Account Manager", "Customer Success Lead"),
        ("Sensorium IoT", "CivicSoft", "Harbourline Freight", "Waterline Systems"),
        ("customer success", "renewals", "onboarding", "public sector", "salesforce"),
        (
            "Has a book of councils that renew every year.",
            "Turned around two at-risk accounts last year.",
        ),
    ),
}

REGIONS = {
    "uk": {
        "first": (
            "Amelia",
            "Oliver",
            "Priya",
            "James",
            "Fatima",
            "Thomas",
            "Chloe",
            "Daniel",
            "Aisha",
            "Samuel",
            "Grace",
            "Kwame",
            "Eleanor",
            "Rhys",
            "Niamh",
            "Yusuf",
        ),
        "last": (
            "Clarke",
            "Hughes",
            "Patel",
            "Okafor",
            "Evans",
            "Khan",
            "Walsh",
            "Murray",
            "Bennett",
            "Ahmed",
            "Foster",
            "Kaur",
            "Doyle",
            "Price",
            "Mensah",
            "Lloyd",
        ),
        "places": ("London", "Manchester", "Bristol", "Cambridge", "Leeds", "Brighton"),
        "phone": "+44 7700 900{n:03d}",
        "money": "£{k}k",
    },
    "us_east": {
        "first": (
            "Emily",
            "Marcus",
            "Sofia",
            "Tyler",
            "Jasmine",
            "Kevin",
            "Rachel",
            "Andre",
            "Hannah",
            "Carlos",
            "Megan",
            "Darnell",
            "Lauren",
            "Ethan",
            "Gabriela",
        ),
        "last": (
            "Johnson",
            "Rivera",
            "Kim",
            "Brooks",
            "Nguyen",
            "Martinez",
            "Coleman",
            "Shapiro",
            "Hayes",
            "Delgado",
            "Park",
            "Sullivan",
            "Washington",
            "Cohen",
        ),
        "places": (
            "New York, NY",
            "Brooklyn, NY",
            "Jersey City, NJ",
            "Boston, MA",
            "Philadelphia, PA",
            "Newark, NJ",
        ),
        "phone": "+1 212 555 0{n:03d}",
        "money": "${k}k",
    },
    "us_west": {
        "first": (
            "Maya",
            "Jordan",
            "Aiden",
            "Leilani",
            "Ryan",
            "Camila",
            "Nikhil",
            "Brooke",
            "Mateo",
            "Sara",
            "Kenji",
            "Avery",
        ),
        "last": (
            "Chen",
            "Alvarez",
            "Patel",
            "Morgan",
            "Yamamoto",
            "Reyes",
            "Fischer",
            "Gupta",
            "Ortiz",
            "Nakamura",
            "Bishop",
            "Tran",
        ),
        "places": (
            "Oakland, CA",
            "San Francisco, CA",
            "San Jose, CA",
            "Berkeley, CA",
            "Seattle, WA",
        ),
        "phone": "+1 510 555 0{n:03d}",
        "money": "${k}k",
    },
    "sg": {
        "first": (
            "Wei Jie",
            "Hui Min",
            "Arjun",
            "Siti",
            "Jun Hao",
            "Mei Ling",
            "Rajesh",
            "Nurul",
            "Kai Xin",
            "Farhan",
            "Li Ting",
            "Darren",
        ),
        "last": (
            "Tan",
            "Lim",
            "Ng",
            "Wong",
            "Chua",
            "Goh",
            "Nair",
            "Ismail",
            "Lee",
            "Teo",
            "Koh",
            "Rahman",
        ),
        "places": ("Singapore",),
        "phone": "+65 9{n:03d} 4{m:03d}",
        "money": "S${k}k",
    },
    "de": {
        "first": (
            "Lukas",
            "Anna",
            "Felix",
            "Lea",
            "Maximilian",
            "Sophie",
            "Jan",
            "Mila",
            "Tobias",
            "Clara",
            "Emre",
            "Katarzyna",
        ),
        "last": (
            "Müller",
            "Schneider",
            "Fischer",
            "Wagner",
            "Becker",
            "Hoffmann",
            "Schulz",
            "Yilmaz",
            "Kowalski",
            "Richter",
            "Wolf",
            "Neumann",
        ),
        "places": ("Berlin", "Hamburg", "Munich", "Leipzig", "Amsterdam", "Warsaw"),
        "phone": "+49 30 901{n:03d}{m:02d}",
        "money": "€{k}k",
    },
    "au": {
        "first": (
            "Jack",
            "Charlotte",
            "Noah",
            "Isla",
            "Lachlan",
            "Ruby",
            "Harrison",
            "Zara",
            "Cooper",
            "Matilda",
            "Vikram",
            "Anh",
        ),
        "last": (
            "Smith",
            "Wilson",
            "Taylor",
            "Brown",
            "Murphy",
            "Kelly",
            "Campbell",
            "Nguyen",
            "Tran",
            "Singh",
            "Ryan",
            "Harris",
        ),
        "places": ("Sydney", "Melbourne", "Brisbane", "Newcastle", "Wollongong"),
        "phone": "+61 491 570 {n:03d}",
        "money": "A${k}k",
    },
}
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example")
SOURCES = (
    "LinkedIn",
    "Referral",
    "GitHub",
    "Inbound application",
    "Agency database",
    "Meetup",
    "Conference",
)
EXTRA_TAGS = (
    "open to relocation",
    "notice: 1 month",
    "notice: 3 months",
    "visa: none needed",
    "hybrid preferred",
)

MOTIVATIONS = (
    "Wants more ownership than a large company allows.",
    "Looking for work with a clear social purpose.",
    "Their team is being restructured after an acquisition.",
    "Wants to move closer to the product and the customers.",
    "Ready for a bigger scope after four years in the same role.",
    "Interested in the company's mission after reading about it in the press.",
)
CULTURE_NOTES = (
    "On “{trait}”: {first} gave two concrete examples from {company} in our conversations.",
    "References from {company} mention “{trait}” unprompted; {first} also mentors newer "
    "colleagues.",
    "{first} prefers written proposals before meetings and asks sharp questions about impact.",
    "Calm and direct; {first} disagreed with me twice in the call, with good reasons.",
)
OBSERVED_BEHAVIOURS = (
    "ran the blameless review after a payment outage",
    "set up a mentoring scheme for new joiners",
    "rewrote the team handbook with colleagues' input",
    "presents to customers every month",
    "volunteered to own the on-call rota changes",
)
HR_CHANGE_REQUESTS = (
    "Please describe behaviours we saw rather than labels: “great culture fit” tells the "
    "panel nothing.",
    "Remove the remark about family plans; it is irrelevant and we cannot circulate it.",
    "Tie the notes to our agreed culture traits, with one example for each.",
)
REVIEW_ADVANCE = (
    "Clear evidence on the must-haves. Keen to meet.",
    "Good depth and well matched to the brief; let's book the first interview.",
    "Strong profile. Please check salary expectations before the first round.",
)
REVIEW_REJECT = (
    "Not enough depth in “{must_have}” for this level.",
    "Solid, but weaker on “{must_have}” than the candidates already in the process.",
    "Reads as mid-level against our glossary definition of senior.",
)
REVIEW_NEED_INFO = (
    "Was the “{must_have}” work hands-on or did they manage it? The CV is ambiguous.",
    "What was their own part in the project at {company}? The CV reads as team results.",
    "Can you confirm the notice period and whether they are open to the agreed work pattern?",
)
INFO_ANSWERS = (
    "Hands-on: {first} wrote and ran it themselves; happy to share a write-up they made.",
    "{first} led it: wrote the design document, built the first version and ran the rollout.",
    "Notice period is one month, negotiable; the agreed work pattern suits them.",
)
FEEDBACK_ADVANCE = (
    "Good {stage}: structured thinking and clear trade-offs.",
    "Strong {stage}; a couple of gaps we can probe in the next round.",
    "Impressive {stage}. The panel wants to move quickly.",
)
FEEDBACK_HOLD = (
    "Mixed {stage}: strong fundamentals, less convincing at scale. Holding while we see the "
    "other finalists.",
)
FEEDBACK_REJECT = (
    "The {stage} showed gaps in “{must_have}”; not at the level we need.",
    "Hard to follow in the {stage}; the panel agreed not to proceed.",
    "Capable, but the {stage} suggested they want a different kind of role.",
)
WITHDRAW_REASONS = (
    "Accepted a counter-offer from their current employer.",
    "Decided not to relocate after all.",
    "Personal circumstances: pausing the job search for now.",
    "Prefers a fully remote role; the agreed work pattern did not suit them.",
)
LOST_NOTES = {
    LostReason.ACCEPTED_OTHER_OFFER: (
        "Accepted another offer on its deadline while our skills review was still open.",
        "Took the competing offer: it arrived a week before our feedback.",
    ),
    LostReason.UNRESPONSIVE_CLIENT: (
        "No feedback after two weeks; the candidate lost interest.",
        "Candidate stopped replying after the review went quiet for ten business days.",
    ),
    LostReason.COMPENSATION: (
        "Asked for 15% above the top of the band; the client could not move.",
        "Offer came in under their current package once equity was counted.",
    ),
    LostReason.OTHER: (
        "Their employer promoted them; staying put.",
        "Visa timeline no longer fits the start date.",
    ),
}


# --- Planning -------------------------------------------------------------------------


def business_moment_before(*, calendar: BusinessCalendar, end: datetime, hours: float) -> datetime:
    """The business moment `hours` of business time before `end` (the mirror of
    `lib.business_hours.add_business_hours`, simple enough for demo dates)."""
    remaining = timedelta(hours=hours)
    zone = calendar.zone
    day = end.astimezone(zone).date()
    while True:
        if day.weekday() in calendar.workdays:
            opening = datetime.combine(day, calendar.day_start, tzinfo=zone).astimezone(UTC)
            closing = min(datetime.combine(day, calendar.day_end, tzinfo=zone).astimezone(UTC), end)
            if closing > opening:
                if remaining <= closing - opening:
                    return closing - remaining
                remaining -= closing - opening
        day -= timedelta(days=1)


def agency_founded_at(now: datetime) -> datetime:
    """When the demo agency opened its account, a few months before `now`."""
    return business_moment_before(
        calendar=AGENCY_CALENDAR, end=now.replace(second=0, microsecond=0), hours=AGENCY_AGE_HOURS
    )


@dataclass
class Event:
    moment: datetime
    order: int
    action: Callable[[], object]


@dataclass
class CandidatePlan:
    index: int
    family: str
    roles: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    years: int = 0
    update_notes: str = ""
    candidate: object = None


@dataclass
class SubmissionPlan:
    role: RoleSpec
    client: ClientSpec
    candidate: CandidatePlan
    scenario: str
    submission: object = None


SUBMISSION_STATE = [
    "stage",
    "stage_changed_at",
    "lost_reason",
    "closing_note",
    "culture_fit_notes",
    "culture_status",
    "competing_offer_deadline",
    "updated_at",
]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class DemoBuilder:
    """Plans the demo story, then replays it through the services in date order."""

    def __init__(self, *, organization: Organization, owner: Membership, now: datetime) -> None:
        self.organization = organization
        self.owner = owner
        # Whole minutes, so that moments dated from now read naturally on the timeline.
        self.now = now.replace(second=0, microsecond=0)
        # Deterministic demo data, not secrets: a seeded generator is the point.
        self.rng = random.Random(DEMO_SEED)  # noqa: S311
        self.events: list[Event] = []
        self.clients: dict[str, object] = {}
        self.contacts: dict[tuple[str, str], object] = {}  # (client key, "hm"/"hr"/name)
        self.members: dict[str, Membership] = {OWNER_EMAIL: owner}
        self.roles: dict[str, object] = {}
        self.agreed_at: dict[str, datetime] = {}
        self.role_specs = {spec.key: spec for spec in ROLES}
        self.client_specs = {spec.key: spec for spec in CLIENTS}
        self.last_moment: dict[str, datetime] = {}  # per role: when its last event happens
        self.candidate_first: dict[int, list[datetime]] = defaultdict(list)
        self.names_taken: set[str] = set()

    # -- the story's skeleton ----------------------------------------------------------

    def build(self) -> None:
        """Plan, then replay. The caller runs this inside the organization's context."""
        self._plan_clients_and_roles()
        candidates = self._plan_candidates()
        for plan in self._plan_submissions(candidates):
            self._plan_submission(plan)
        self._plan_candidate_creation(candidates)
        self._plan_role_closing()
        self._replay()

    def _at(self, moment: datetime, action: Callable[[], object]) -> None:
        if moment >= self.now:
            raise RuntimeError(f"The demo story reached the future ({moment.isoformat()}).")
        self.events.append(Event(moment, len(self.events), action))

    def _replay(self) -> None:
        # One transaction: a failure leaves no half-built agency behind, which the next
        # run would otherwise take for a seeded one and leave as it is.
        with transaction.atomic():
            for event in sorted(self.events, key=lambda event: (event.moment, event.order)):
                with time_machine.travel(event.moment, tick=False):
                    event.action()

    def _hours(self, low: float, high: float) -> float:
        # Whole minutes, so timestamps read naturally on the timeline.
        return round(self.rng.uniform(low, high) * 60) / 60

    # -- clients, people, roles, agreements --------------------------------------------

    def _plan_clients_and_roles(self) -> None:
        founded = agency_founded_at(self.now)
        self._at(founded + timedelta(minutes=20), self._add_recruiter)
        for number, spec in enumerate(CLIENTS):
            signed = add_business_hours(
                calendar=spec.calendar, start=founded, hours=20 + number * 30 + self._hours(0, 6)
            )
            self._plan_client(spec, number + 1, signed)
            roles = [role for role in ROLES if role.client == spec.key]
            opened = add_business_hours(
                calendar=spec.calendar, start=signed, hours=self._hours(60, 140)
            )
            for role in roles:
                self._plan_role(role, spec, opened)
                opened = add_business_hours(
                    calendar=spec.calendar, start=opened, hours=self._hours(20, 60)
                )

    def _add_recruiter(self) -> None:
        email, name, role = DEMO_PEOPLE[1]
        user = accounts_services.user_get_or_create(
            email=email, password=DEMO_PASSWORD, full_name=name
        )
        self.members[email] = accounts_services.membership_ensure(
            organization=self.organization, user=user, role=role
        )

    def _account_manager(self, spec: ClientSpec) -> Membership:
        return self.members[OWNER_EMAIL if spec.owned_by_owner else RECRUITER_EMAIL]

    def _plan_client(self, spec: ClientSpec, number: int, signed: datetime) -> None:
        calendar = spec.calendar

        def create_client() -> None:
            manager = self._account_manager(spec)
            self.clients[spec.key] = recruiting_services.client_create(
                actor=manager,
                name=spec.name,
                timezone=spec.timezone,
                business_day_start=spec.day_start,
                business_day_end=spec.day_end,
                owner=manager,
                website=spec.website,
                notes=spec.notes,
            )

        self._at(signed, create_client)
        moment = signed
        people = [("hm", ContactKind.HIRING_MANAGER, spec.hiring_manager)]
        people.append(("hr", ContactKind.HR, spec.hr))
        people += [(person.name, kind, person) for kind, person in spec.others]
        for slot, kind, person in people:
            moment = add_business_hours(
                calendar=calendar, start=moment, hours=self._hours(0.1, 0.4)
            )
            self._at(moment, self._contact_creator(spec, slot, kind, person))
        escalation = spec.others[0][1].name
        moment = add_business_hours(calendar=calendar, start=moment, hours=self._hours(0.2, 1))

        def set_escalation() -> None:
            recruiting_services.client_update(
                actor=self._account_manager(spec),
                client=self.clients[spec.key],
                escalation_contact=self.contacts[(spec.key, escalation)],
            )

        self._at(moment, set_escalation)
        for slot in ("hm", "hr"):
            moment = add_business_hours(calendar=calendar, start=moment, hours=self._hours(0.5, 3))
            self._at(moment, self._login_giver(spec, slot))

    def _contact_creator(self, spec: ClientSpec, slot: str, kind: str, person: Person):
        def create_contact() -> None:
            first, *_, last = person.name.split(" ")
            email = person.email or f"{_ascii(first)}.{_ascii(last)}@{spec.domain}"
            self.contacts[(spec.key, slot)] = recruiting_services.contact_create(
                actor=self._account_manager(spec),
                client=self.clients[spec.key],
                kind=kind,
                full_name=person.name,
                email=email,
                job_title=person.title,
            )

        return create_contact

    def _login_giver(self, spec: ClientSpec, slot: str):
        """The client person's login: invited from their contact record and accepted, as
        an agency owner would do it, so the membership is bound to the client and the
        contact is linked to the login."""
        person = spec.hiring_manager if slot == "hm" else spec.hr
        role = MembershipRole.HIRING_MANAGER if slot == "hm" else MembershipRole.HR

        def give_login() -> None:
            contact = self.contacts[(spec.key, slot)]
            user = accounts_services.user_get_or_create(
                email=person.email, password=DEMO_PASSWORD, full_name=person.name
            )
            existing = member_list(organization_id=self.organization.id).filter(user=user).first()
            if existing is not None:
                # An agency seeded by an earlier version of this command already has the
                # demo hiring manager and HR, not yet bound to a client.
                membership = accounts_services.membership_change_role(
                    actor=self.owner, membership=existing, role=role, client=contact.client
                )
            else:
                invitation = recruiting_services.contact_invite(actor=self.owner, contact=contact)
                membership = accounts_services.invitation_accept(invitation=invitation, user=user)
            self.members[person.email] = membership

        return give_login

    def _terms(self, role: RoleSpec, client: ClientSpec) -> dict:
        hm_sla, hr_sla, feedback_sla, offer_sla = client.slas
        cadence, weekday, checkin_time = client.checkin
        return {
            "submissions_per_week": role.per_week,
            "shortlist_size": role.shortlist,
            "checkin_cadence": cadence,
            "checkin_weekday": weekday,
            "checkin_time": checkin_time,
            "interview_stages": [
                {"name": name, "owner": owner, "expected_days": days}
                for name, owner, days in role.stages
            ],
            "hm_review_sla_hours": hm_sla,
            "hr_approval_sla_hours": hr_sla,
            "interview_feedback_sla_hours": feedback_sla,
            "offer_decision_sla_hours": offer_sla,
            "culture_notes_need_hr_approval": role.hr_approves_notes,
            "must_haves": list(role.must_haves),
            "nice_to_haves": list(role.nice_to_haves),
            "deal_breakers": list(role.deal_breakers),
            "culture_traits": list(role.culture_traits),
            "glossary": [{"term": term, "meaning": meaning} for term, meaning in role.glossary],
            "talent_scarcity": role.scarcity,
            "salary_position": role.salary_position,
            "expected_days_to_fill": role.days_to_fill,
            "market_notes": role.market_notes,
        }

    def _plan_role(self, role: RoleSpec, client: ClientSpec, opened: datetime) -> None:
        calendar = client.calendar

        def create_role() -> None:
            self.roles[role.key] = recruiting_services.role_create(
                actor=self._account_manager(client),
                client=self.clients[client.key],
                title=role.title,
                hiring_manager=self.contacts[(client.key, "hm")],
                hr_contact=self.contacts[(client.key, "hr")],
                owner=self._account_manager(client),
                description=role.description,
                location=role.location,
                work_arrangement=role.arrangement,
                openings=role.openings,
                salary_min=role.salary[0],
                salary_max=role.salary[1],
                salary_currency=client.currency,
                priority=role.priority,
            )

        self._at(opened, create_role)
        held = add_business_hours(calendar=calendar, start=opened, hours=self._hours(4, 20))
        recorded = add_business_hours(calendar=calendar, start=held, hours=self._hours(1, 3))
        agreement: dict[str, object] = {}

        def record_intake() -> None:
            agreement["v1"] = intake_services.intake_meeting_record(
                actor=self._account_manager(client),
                role=self.roles[role.key],
                held_at=held,
                attendees=[self.contacts[(client.key, "hm")], self.contacts[(client.key, "hr")]],
                notes=role.intake_notes,
                terms=self._terms(role, client),
            )

        self._at(recorded, record_intake)
        first, second = ("hm", "hr") if self.rng.random() < 0.6 else ("hr", "hm")
        moment = recorded
        for slot in (first, second):
            moment = add_business_hours(calendar=calendar, start=moment, hours=self._hours(1, 12))
            email = client.hiring_manager.email if slot == "hm" else client.hr.email

            def acknowledge(email=email) -> None:
                intake_services.agreement_acknowledge(
                    actor=self.members[email], agreement=agreement["v1"]
                )
                # The role row now points at the agreed version; later services read it
                # from this instance.
                self.roles[role.key].refresh_from_db()

            self._at(moment, acknowledge)
        self.agreed_at[role.key] = moment
        if role.key == "halcyon-backend":
            self._plan_renegotiation(role, client, agreement, moment)

    def _plan_renegotiation(self, role, client, agreement, agreed) -> None:
        """Three weeks in, the hiring manager asks for a longer review SLA: version 2."""
        calendar = client.calendar
        asked = add_business_hours(calendar=calendar, start=agreed, hours=170)

        def comment() -> None:
            intake_services.agreement_comment(
                actor=self.members[HM_EMAIL],
                agreement=agreement["v1"],
                body="I'm in clinic on Thursdays and can't always review within 16 business "
                "hours. Could we agree 24, and add 'FHIR' to the glossary?",
            )

        self._at(asked, comment)
        proposed = add_business_hours(calendar=calendar, start=asked, hours=3)

        def propose() -> None:
            terms = self._terms(role, client)
            terms["hm_review_sla_hours"] = 24
            terms["glossary"].append(
                {"term": "FHIR", "meaning": "HL7 FHIR R4 APIs as used by NHS integrations."}
            )
            agreement["v2"] = intake_services.agreement_propose(
                actor=self._account_manager(client), role=self.roles[role.key], terms=terms
            )

        self._at(proposed, propose)
        moment = proposed
        for email in (HM_EMAIL, HR_EMAIL):
            moment = add_business_hours(calendar=calendar, start=moment, hours=self._hours(1, 5))

            def acknowledge(email=email) -> None:
                intake_services.agreement_acknowledge(
                    actor=self.members[email], agreement=agreement["v2"], comment="Agreed."
                )
                self.roles[role.key].refresh_from_db()

            self._at(moment, acknowledge)

    # -- candidates --------------------------------------------------------------------

    def _plan_candidates(self) -> list[CandidatePlan]:
        plans, index = [], 0
        for name, family in FAMILIES.items():
            for _ in range(family.size):
                plans.append(CandidatePlan(index=index, family=name))
                index += 1
        return plans

    def _plan_submissions(self, candidates: list[CandidatePlan]) -> list[SubmissionPlan]:
        """Pick each role's candidates among the families that fit it, spreading the
        work so that every candidate is put forward at least once."""
        submissions = []
        for role in ROLES:
            pool = [c for c in candidates if c.family in role.families]
            self.rng.shuffle(pool)
            pool.sort(key=lambda c: (len(c.roles), role.families.index(c.family)))
            scenarios = role.plan.split()
            chosen = pool[: len(scenarios)]
            if len(chosen) < len(scenarios):
                raise RuntimeError(f"Not enough candidates for {role.title}.")
            self.rng.shuffle(scenarios)
            for candidate, scenario in zip(chosen, scenarios, strict=True):
                candidate.roles.append(role.key)
                submissions.append(
                    SubmissionPlan(role, self.client_specs[role.client], candidate, scenario)
                )
        unplaced = [c for c in candidates if not c.roles]
        if unplaced:
            raise RuntimeError(f"{len(unplaced)} demo candidates have no submission.")
        for candidate in candidates:
            self._describe_candidate(candidate)
        return submissions

    def _describe_candidate(self, plan: CandidatePlan) -> None:
        family = FAMILIES[plan.family]
        region_key = self.client_specs[self.role_specs[plan.roles[0]].client].region
        region = REGIONS[region_key]
        while True:
            first, last = self.rng.choice(region["first"]), self.rng.choice(region["last"])
            name = f"{first} {last}"
            if name not in self.names_taken:
                break
        self.names_taken.add(name)
        company = self.rng.choice(family.companies)
        plan.years = self.rng.randint(4, 14)
        tags = self.rng.sample(family.tags, k=min(4, len(family.tags)))
        if self.rng.random() < 0.5:
            tags.append(self.rng.choice(EXTRA_TAGS))
        current = self.rng.randint(60, 190)
        money = region["money"]
        plan.fields = {
            "full_name": name,
            "email": f"{_ascii(first)}.{_ascii(last)}@{self.rng.choice(EMAIL_DOMAINS)}",
            "phone": region["phone"].format(n=self.rng.randint(0, 999), m=self.rng.randint(0, 99)),
            "location": self.rng.choice(region["places"]),
            "current_title": self.rng.choice(family.titles),
            "current_company": company,
            "source": self.rng.choice(SOURCES),
            "tags": tags,
            "links": [f"https://{_ascii(first)}{_ascii(last)}.example.net"],
            "internal_notes": (
                f"Currently on {money.format(k=current)} plus bonus; "
                f"notice period {self.rng.choice(['one month', 'two months', 'three months'])}. "
                f"{self.rng.choice(MOTIVATIONS)}"
            ),
        }
        if self.rng.random() < 0.3:
            plan.update_notes = plan.fields["internal_notes"] + (
                f" Update: second call done; would move for {money.format(k=current + 12)}."
            )

    def _plan_candidate_creation(self, candidates: list[CandidatePlan]) -> None:
        for plan in candidates:
            first_submission = min(self.candidate_first[plan.index])
            created = business_moment_before(
                calendar=AGENCY_CALENDAR, end=first_submission, hours=self._hours(2, 40)
            )

            def create(plan=plan) -> None:
                plan.candidate = recruiting_services.candidate_create(
                    actor=self.members[RECRUITER_EMAIL],
                    consent_to_represent=True,
                    **plan.fields,
                )

            self._at(created, create)
            if plan.update_notes:
                updated = add_business_hours(
                    calendar=AGENCY_CALENDAR, start=created, hours=self._hours(0.5, 1.5)
                )

                def update(plan=plan) -> None:
                    recruiting_services.candidate_update(
                        actor=self.members[RECRUITER_EMAIL],
                        candidate=plan.candidate,
                        internal_notes=plan.update_notes,
                    )

                self._at(updated, update)

    def _plan_role_closing(self) -> None:
        role = self.role_specs[FILLED_ROLE]
        client = self.client_specs[role.client]
        closed = add_business_hours(
            calendar=client.calendar, start=self.last_moment[role.key], hours=2
        )

        def fill() -> None:
            recruiting_services.role_change_status(
                actor=self._account_manager(client),
                role=self.roles[role.key],
                status=RoleStatus.FILLED,
            )

        self._at(closed, fill)

    # -- submissions: one scenario each ------------------------------------------------

    def _plan_submission(self, plan: SubmissionPlan) -> None:
        """Lay out the submission's events as business-hour gaps, date them so that the
        last one lies `age` business hours before now, and queue them."""
        role, client = plan.role, plan.client
        hm_sla, hr_sla, feedback_sla, _ = client.slas
        if role.key == "halcyon-backend":
            hm_sla = 24  # version 2 of its agreement, in force for the recent submissions
        h = self._hours
        steps: list[tuple[float, Callable[[], object]]] = []
        scenario = plan.scenario
        stages = [name for name, _, _ in role.stages]

        if scenario == "hr_overdue":
            self._create(steps, plan)
            age = hr_sla + h(3, 20)
        elif scenario == "hr_soon":
            self._create(steps, plan)
            age = hr_sla - h(1, 4)
        elif scenario == "hr_changes":
            self._create(steps, plan)
            self._hr_changes(steps, plan, h(2, 6))
            age = h(1, 10)
        elif scenario == "hr_resubmitted":
            self._create(steps, plan)
            self._hr_changes(steps, plan, h(2, 6))
            steps.append((h(1, 4), self._revise(plan)))
            age = hr_sla + h(2, 10) if self.rng.random() < 0.5 else h(0.5, hr_sla - 1)
        elif scenario == "review_overdue":
            self._reach_review(steps, plan, hr_sla)
            age = hm_sla + h(3, 30)
        elif scenario == "review_soon":
            self._reach_review(steps, plan, hr_sla)
            age = hm_sla - h(1, 5)
        elif scenario == "review_fresh":
            self._reach_review(steps, plan, hr_sla)
            age = h(0.3, 3)
        elif scenario == "review_need_info":
            self._reach_review(steps, plan, hr_sla)
            steps.append((h(2, hm_sla - 2), self._review(plan, ReviewDecision.NEED_INFO)))
            steps.append((h(1, 5), self._answer(plan)))
            age = h(0.5, 6)
        elif scenario == "review_competing":
            # The candidate has another offer expiring in a few days: the review clock
            # is due by then, whatever the SLA says.
            deadline = self.now + timedelta(hours=round(self.rng.uniform(30, 96)))
            self._reach_review(steps, plan, hr_sla, deadline=lambda: deadline)
            age = h(1, 6)
        elif scenario == "interview_first":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            age = h(1, feedback_sla - 1)
        elif scenario == "interview_overdue":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            age = feedback_sla + h(4, 24)
        elif scenario == "interview_next":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            self._pass_interviews(steps, plan, stages[: self.rng.randint(1, len(stages))])
            age = h(1, feedback_sla + 8)
        elif scenario == "interview_hold":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            steps.append((h(6, 30), self._feedback(plan, stages[0], InterviewOutcome.HOLD)))
            age = h(8, 40)
        elif scenario == "offer":
            self._reach_offer(steps, plan, hr_sla, hm_sla)
            if self.rng.random() < 0.5:
                deadline = self.now + timedelta(hours=round(self.rng.uniform(40, 120)))
                steps.append((h(1, 4), self._set_deadline(plan, deadline)))
            age = h(2, 30)
        elif scenario == "hired":
            self._reach_offer(steps, plan, hr_sla, hm_sla)
            steps.append(
                (h(10, 40), self._move(plan, Stage.HIRED, "Offer accepted; start date agreed."))
            )
            age = h(10, 140)
        elif scenario == "rejected_review":
            self._reach_review(steps, plan, hr_sla)
            steps.append((h(2, hm_sla + 8), self._review(plan, ReviewDecision.REJECT)))
            age = h(10, 200)
        elif scenario == "rejected_interview":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            failed_at = self.rng.randint(0, len(stages) - 1)
            self._pass_interviews(steps, plan, stages[:failed_at])
            steps.append(
                (h(6, 30), self._feedback(plan, stages[failed_at], InterviewOutcome.REJECT))
            )
            age = h(8, 150)
        elif scenario == "withdrawn":
            when = self.rng.choice(["submitted", "review", "interviewing"])
            if when == "submitted":
                self._create(steps, plan)
            elif when == "review":
                self._reach_review(steps, plan, hr_sla)
            else:
                self._reach_interviews(steps, plan, hr_sla, hm_sla)
            reason = self.rng.choice(WITHDRAW_REASONS)
            steps.append((h(4, 24), self._move(plan, Stage.WITHDRAWN, reason)))
            age = h(8, 160)
        elif scenario == "lost_offer_elsewhere":
            # The competing offer expires about four days after submission; the hiring
            # manager never reviews, and the candidate takes the other job.
            days = self.rng.uniform(3, 5)
            self._reach_review(
                steps, plan, hr_sla, deadline=lambda: timezone.now() + timedelta(days=days)
            )
            steps.append((h(48, 70), self._lose(plan, LostReason.ACCEPTED_OTHER_OFFER)))
            age = h(10, 120)
        elif scenario == "lost_unresponsive":
            self._reach_review(steps, plan, hr_sla)
            steps.append((hm_sla + h(40, 70), self._lose(plan, LostReason.UNRESPONSIVE_CLIENT)))
            age = h(5, 120)
        elif scenario == "lost_compensation":
            self._reach_offer(steps, plan, hr_sla, hm_sla)
            steps.append((h(8, 30), self._lose(plan, LostReason.COMPENSATION)))
            age = h(5, 100)
        elif scenario == "lost_other":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            steps.append((h(10, 40), self._lose(plan, LostReason.OTHER)))
            age = h(5, 100)
        else:
            raise ValueError(f"Unknown demo scenario {scenario!r}.")
        self._schedule(plan, steps, age)

    def _schedule(self, plan: SubmissionPlan, steps, age: float) -> None:
        calendar = plan.client.calendar
        span = sum(gap for gap, _ in steps) + age
        start = business_moment_before(calendar=calendar, end=self.now, hours=span)
        if start <= self.agreed_at[plan.role.key]:
            raise RuntimeError(f"A {plan.scenario} story for {plan.role.title} starts too early.")
        self.candidate_first[plan.candidate.index].append(start)
        moment = start
        for gap, action in steps:
            moment = add_business_hours(calendar=calendar, start=moment, hours=gap)
            self._at(moment, action)
        self.last_moment[plan.role.key] = max(self.last_moment.get(plan.role.key, moment), moment)

    # Building blocks: each appends (gap in business hours, action) pairs.

    def _create(self, steps, plan: SubmissionPlan, deadline=None) -> None:
        role, candidate = plan.role, plan.candidate
        family = FAMILIES[candidate.family]
        first = candidate.fields["full_name"].split(" ")[0]
        company = candidate.fields["current_company"]
        must_haves = list(role.must_haves.items())
        evidence = [
            {
                "must_have": must_have,
                "evidence": self.rng.choice(templates).format(
                    company=company, years=candidate.years
                ),
            }
            for must_have, templates in must_haves[: self.rng.randint(2, len(must_haves))]
        ]
        pitch = (
            f"{candidate.fields['full_name']}, {candidate.fields['current_title']} at {company} "
            f"({candidate.years} years' experience, based in {candidate.fields['location']}). "
            f"{self.rng.choice(family.hook)} Strongest against “{must_haves[0][0]}”. "
            f"{self.rng.choice(MOTIVATIONS)}"
        )
        notes = self.rng.choice(CULTURE_NOTES).format(
            first=first, company=company, trait=self.rng.choice(role.culture_traits)
        )

        def create() -> None:
            plan.submission = recruiting_services.submission_create(
                actor=self._account_manager(plan.client),
                role=self.roles[role.key],
                candidate=candidate.candidate,
                pitch=pitch,
                skills_summary=evidence,
                culture_fit_notes=notes,
                competing_offer_deadline=deadline() if deadline else None,
            )

        steps.append((0, create))

    def _reach_review(self, steps, plan: SubmissionPlan, hr_sla: int, deadline=None) -> None:
        """Submitted and, when the agreement asks for it, approved by HR (sometimes
        after one round of changes): the submission waits for the hiring manager."""
        self._create(steps, plan, deadline)
        if not plan.role.hr_approves_notes:
            return
        if self.rng.random() < 0.2:
            self._hr_changes(steps, plan, self._hours(2, hr_sla * 0.8))
            steps.append((self._hours(1, 4), self._revise(plan)))
        steps.append((self._hours(1, hr_sla * 0.9), self._hr_decide(plan, CultureDecision.APPROVE)))

    def _reach_interviews(self, steps, plan, hr_sla: int, hm_sla: int) -> None:
        self._reach_review(steps, plan, hr_sla)
        steps.append((self._hours(2, hm_sla), self._review(plan, ReviewDecision.ADVANCE)))

    def _pass_interviews(self, steps, plan, stages: list[str]) -> None:
        steps.extend(
            (self._hours(6, 30), self._feedback(plan, stage, InterviewOutcome.ADVANCE))
            for stage in stages
        )

    def _reach_offer(self, steps, plan, hr_sla: int, hm_sla: int) -> None:
        self._reach_interviews(steps, plan, hr_sla, hm_sla)
        self._pass_interviews(steps, plan, [name for name, _, _ in plan.role.stages])
        steps.append((self._hours(3, 12), self._move(plan, Stage.OFFER, "", by_client=True)))

    def _hr_changes(self, steps, plan, gap: float) -> None:
        steps.append((gap, self._hr_decide(plan, CultureDecision.REQUEST_CHANGES)))

    def _fresh(self, plan: SubmissionPlan):
        # Reviews act on their own locked copy of the row, so ours is re-read before
        # use; only the fields services change, which keeps the cached role, candidate
        # and client (and spares a query for each).
        plan.submission.refresh_from_db(fields=SUBMISSION_STATE)
        return plan.submission

    def _hm(self, plan: SubmissionPlan) -> Membership:
        return self.members[plan.client.hiring_manager.email]

    def _hr(self, plan: SubmissionPlan) -> Membership:
        return self.members[plan.client.hr.email]

    def _hr_decide(self, plan: SubmissionPlan, decision: str):
        comment = (
            self.rng.choice(HR_CHANGE_REQUESTS)
            if decision == CultureDecision.REQUEST_CHANGES
            else self.rng.choice(["", "Fine to share.", "Approved, thanks."])
        )

        def decide() -> None:
            recruiting_services.culture_approval_submit(
                actor=self._hr(plan),
                submission=self._fresh(plan),
                decision=decision,
                comment=comment,
            )

        return decide

    def _revise(self, plan: SubmissionPlan):
        role = plan.role
        first = plan.candidate.fields["full_name"].split(" ")[0]
        observed = self.rng.sample(OBSERVED_BEHAVIOURS, k=2)
        examples = "; ".join(
            f"{trait} ({first} {example})"
            for trait, example in zip(role.culture_traits, observed, strict=False)
        )
        notes = f"Revised after HR's comments. Against the agreed traits: {examples}."

        def revise() -> None:
            recruiting_services.submission_revise_culture_notes(
                actor=self._account_manager(plan.client),
                submission=self._fresh(plan),
                culture_fit_notes=notes,
            )

        return revise

    def _review(self, plan: SubmissionPlan, decision: str):
        must_haves = list(plan.role.must_haves)
        weak = self.rng.choice(must_haves)
        company = plan.candidate.fields["current_company"]
        if decision == ReviewDecision.ADVANCE:
            ratings = {m: self.rng.randint(3, 5) for m in must_haves}
            comment = self.rng.choice(REVIEW_ADVANCE)
        elif decision == ReviewDecision.REJECT:
            ratings = {m: (2 if m == weak else self.rng.randint(3, 4)) for m in must_haves}
            comment = self.rng.choice(REVIEW_REJECT).format(must_have=weak)
        else:
            ratings = {}
            comment = self.rng.choice(REVIEW_NEED_INFO).format(must_have=weak, company=company)

        def review() -> None:
            recruiting_services.skills_review_submit(
                actor=self._hm(plan),
                submission=self._fresh(plan),
                decision=decision,
                ratings=ratings,
                comment=comment,
            )

        return review

    def _answer(self, plan: SubmissionPlan):
        first = plan.candidate.fields["full_name"].split(" ")[0]
        answer = self.rng.choice(INFO_ANSWERS).format(first=first)

        def answer_request() -> None:
            recruiting_services.submission_answer_info_request(
                actor=self._account_manager(plan.client),
                submission=self._fresh(plan),
                answer=answer,
            )

        return answer_request

    def _feedback(self, plan: SubmissionPlan, stage: str, outcome: str):
        owner = next(owner for name, owner, _ in plan.role.stages if name == stage)
        weak = self.rng.choice(list(plan.role.must_haves))
        bank = {
            InterviewOutcome.ADVANCE: (FEEDBACK_ADVANCE, (4, 5)),
            InterviewOutcome.HOLD: (FEEDBACK_HOLD, (3, 3)),
            InterviewOutcome.REJECT: (FEEDBACK_REJECT, (1, 2)),
        }
        comments, (low, high) = bank[outcome]
        comment = self.rng.choice(comments).format(stage=stage.lower(), must_have=weak)
        rating = self.rng.randint(low, high)

        def log_feedback() -> None:
            author = {
                "hr": self._hr(plan),
                "recruiter": self._account_manager(plan.client),
            }.get(owner, self._hm(plan))
            recruiting_services.interview_feedback_submit(
                actor=author,
                submission=self._fresh(plan),
                stage_name=stage,
                outcome=outcome,
                rating=rating,
                comment=comment,
            )

        return log_feedback

    def _move(self, plan: SubmissionPlan, stage: str, reason: str, *, by_client=False):
        def move() -> None:
            actor = self._hm(plan) if by_client else self._account_manager(plan.client)
            recruiting_services.submission_move(
                actor=actor, submission=self._fresh(plan), to_stage=stage, reason=reason
            )

        return move

    def _lose(self, plan: SubmissionPlan, lost_reason: str):
        note = self.rng.choice(LOST_NOTES[lost_reason])

        def lose() -> None:
            recruiting_services.submission_move(
                actor=self._account_manager(plan.client),
                submission=self._fresh(plan),
                to_stage=Stage.LOST,
                reason=note,
                lost_reason=lost_reason,
            )

        return lose

    def _set_deadline(self, plan: SubmissionPlan, deadline: datetime):
        def set_deadline() -> None:
            recruiting_services.submission_set_competing_deadline(
                actor=self._account_manager(plan.client),
                submission=self._fresh(plan),
                deadline=deadline,
            )

        return set_deadline
