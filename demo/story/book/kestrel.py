"""Kestrel Energy: flexible capacity on European power markets, in Berlin."""

from datetime import time

from demo.story.specs import ClientSpec, Person, RoleSpec
from recruiting.models import Priority, WorkArrangement

CLIENT = ClientSpec(
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
)

ROLES = [
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
]
