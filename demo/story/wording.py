"""What the people in the story write: culture notes, reviews, feedback and reasons,
drawn from at random by `submissions.py`."""

from recruiting.models import LostReason

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
