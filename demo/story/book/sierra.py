"""Sierra Robotics: picking arms for grocery warehouses, in Oakland."""

from datetime import time

from demo.story.specs import ClientSpec, Person, RoleSpec
from recruiting.models import Priority, WorkArrangement

CLIENT = ClientSpec(
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
)

ROLES = [
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
]
