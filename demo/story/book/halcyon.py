"""Halcyon Health, whose hiring manager and HR are the demo's own logins."""

from datetime import time

from demo.story.agency import HM_EMAIL, HR_EMAIL
from demo.story.specs import ClientSpec, Person, RoleSpec
from recruiting.models import Priority, WorkArrangement

CLIENT = ClientSpec(
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
)

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
]
