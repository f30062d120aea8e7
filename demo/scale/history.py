"""What happened before each submission's current stage: the client's answers that
moved it on (skills reviews, culture-fit approvals, interview feedback) and the
timeline that references all of it, within each organization's activity budget."""

from activity.models import Activity
from demo.scale.roles import INTERVIEW_STAGES, MUST_HAVES
from demo.scale.sql import ORG, Step, insert_select, sql_values
from engagements.models import ClockKind
from recruiting.models import CultureApproval, InterviewFeedback, SkillsReview

# The stage each final stage was reached from, and the steps before that: the
# timeline's intermediate entries, as (stage, step, verb, from, to, fraction of the
# way from creation to the last stage change).
STAGE_LABELS = {
    "submitted": "Submitted",
    "hm_review": "Hiring manager review",
    "interviewing": "Interviewing",
    "offer": "Offer",
    "hired": "Hired",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "lost": "Lost",
}
PREVIOUS_STAGE = {
    "hm_review": "submitted",
    "interviewing": "hm_review",
    "offer": "interviewing",
    "hired": "offer",
    "rejected": "hm_review",
    "withdrawn": "hm_review",
    "lost": "interviewing",
}
TO_REVIEW = ("submission.stage_changed", "submitted", "hm_review")
REVIEWED = ("review.completed", "hm_review", "")
TO_INTERVIEWS = ("submission.stage_changed", "hm_review", "interviewing")
FEEDBACK = ("interview.feedback_logged", "interviewing", "")
TO_OFFER = ("submission.stage_changed", "interviewing", "offer")
INTERMEDIATE_STEPS = {
    "interviewing": [TO_REVIEW, REVIEWED],
    "offer": [TO_REVIEW, REVIEWED, TO_INTERVIEWS, FEEDBACK],
    "hired": [TO_REVIEW, REVIEWED, TO_INTERVIEWS, FEEDBACK, TO_OFFER],
    "rejected": [TO_REVIEW, REVIEWED],
    "withdrawn": [TO_REVIEW],
    "lost": [TO_REVIEW, REVIEWED, TO_INTERVIEWS],
}


def _stage_info() -> str:
    rows = [
        (stage, label, PREVIOUS_STAGE.get(stage, ""), STAGE_LABELS.get(PREVIOUS_STAGE.get(stage)))
        for stage, label in STAGE_LABELS.items()
    ]
    return (
        f"(VALUES {sql_values([(s, label, p, pl or '') for s, label, p, pl in rows])}) "
        "AS info (stage, label, previous, previous_label)"
    )


def _intermediate_steps() -> str:
    rows = []
    for stage, steps in INTERMEDIATE_STEPS.items():
        for number, (verb, from_stage, to_stage) in enumerate(steps, start=1):
            label = f"{STAGE_LABELS[from_stage]} → {STAGE_LABELS[to_stage]}" if to_stage else ""
            rows.append(
                (stage, number, verb, from_stage, to_stage, label, number / (len(steps) + 1))
            )
    return (
        f"(VALUES {sql_values(rows)}) AS step (stage, number, verb, from_stage, to_stage, label, "
        "fraction)"
    )


def _clock_kind_label(kind_sql: str) -> str:
    """SQL for the clock kind's label in lower case, as the nudge's timeline entry says it."""
    branches = " ".join(
        f"WHEN '{kind}' THEN '{label.lower()}'" for kind, label in ClockKind.choices
    )
    return f"CASE {kind_sql} {branches} END"


def _interview_stages() -> list[tuple]:
    return [(number, name, owner) for number, (name, owner) in enumerate(INTERVIEW_STAGES)]


FINAL_OR_CREATED = "CASE WHEN step.last THEN s.stage_changed_at ELSE s.created_at END"
BETWEEN = "s.created_at + step.fraction * (s.stage_changed_at - s.created_at)"


def steps() -> list[Step]:
    """The client's answers, then the timeline."""
    org = ORG
    return [
        # The client's answers that moved the closed stages on, when the timeline says.
        Step(
            "skills reviews",
            insert_select(
                SkillsReview,
                {
                    "created_at": BETWEEN,
                    "updated_at": BETWEEN,
                    "submission_id": "s.id",
                    "reviewer_id": "m.hm_id",
                    "decision": "CASE WHEN s.stage = 'rejected' THEN 'reject' ELSE 'advance' END",
                    "ratings": "jsonb_build_object("
                    + ", ".join(
                        f"""'{must_have}', CASE WHEN s.stage = 'rejected'
                            THEN 1 + (s.id + {number}) %% 2 ELSE 3 + (s.id + {number}) %% 3 END"""
                        for number, must_have in enumerate(MUST_HAVES)
                    )
                    + ")",
                    "comment": """CASE WHEN s.stage = 'rejected' THEN s.closing_note
                        ELSE 'Solid on the must-haves; let us meet.' END""",
                    "organization_id": org,
                },
                f"""FROM recruiting_submission s
                    JOIN {_intermediate_steps()}
                        ON step.stage = s.stage AND step.verb = '{REVIEWED[0]}'
                    LEFT JOIN seed_client_member m ON m.client_id = s.client_id
                    WHERE s.organization_id = %(org)s""",
            ),
            "skills reviews",
        ),
        # HR approved the notes of every submission whose culture status says so, which
        # released it to the hiring manager; every sixth first went back for changes.
        Step(
            "culture approvals",
            insert_select(
                CultureApproval,
                {
                    "created_at": "a.at",
                    "updated_at": "a.at",
                    "submission_id": "s.id",
                    "reviewer_id": "m.hr_id",
                    "decision": "d.decision",
                    "comment": "d.comment",
                    "reviewed_notes": """CASE d.decision WHEN 'approve' THEN s.culture_fit_notes
                        ELSE 'Good culture fit.' END""",
                    "organization_id": org,
                },
                f"""FROM recruiting_submission s
                    LEFT JOIN {_intermediate_steps()} ON step.stage = s.stage
                        AND step.to_stage = '{TO_REVIEW[2]}'
                    LEFT JOIN seed_client_member m ON m.client_id = s.client_id
                    JOIN (VALUES ('approve', '', 1.0),
                                 ('request_changes', 'Say how they work with others.', 0.5))
                        AS d (decision, comment, share)
                        ON d.decision = 'approve' OR s.id %% 6 = 0
                    CROSS JOIN LATERAL (SELECT s.created_at + d.share
                        * coalesce(step.fraction, 1) * (s.stage_changed_at - s.created_at) AS at)
                        AS a
                    WHERE s.organization_id = %(org)s AND s.culture_status = 'approved'""",
            ),
            "culture approvals",
        ),
        # Both interviews of the agreement for the submissions that reached an offer.
        Step(
            "interview feedback",
            insert_select(
                InterviewFeedback,
                {
                    "created_at": "f.at",
                    "updated_at": "f.at",
                    "submission_id": "s.id",
                    "author_id": "CASE i.owner WHEN 'hr' THEN m.hr_id ELSE m.hm_id END",
                    "stage_name": "i.stage_name",
                    "outcome": "'advance'",
                    "rating": "3 + (s.id + i.number) %% 3",
                    "comment": "''",
                    "organization_id": org,
                },
                f"""FROM recruiting_submission s
                    JOIN {_intermediate_steps()}
                        ON step.stage = s.stage AND step.verb = '{FEEDBACK[0]}'
                    LEFT JOIN seed_client_member m ON m.client_id = s.client_id
                    CROSS JOIN (VALUES {sql_values(_interview_stages())})
                        AS i (number, stage_name, owner)
                    CROSS JOIN LATERAL (SELECT s.created_at + (step.fraction + i.number::float8
                        / {len(INTERVIEW_STAGES)} * step.fraction / step.number)
                        * (s.stage_changed_at - s.created_at) AS at) AS f
                    WHERE s.organization_id = %(org)s""",
            ),
            "interview feedback",
        ),
        Step(
            "timeline",
            insert_select(
                Activity,
                {
                    "created_at": "e.at",
                    "updated_at": "e.at",
                    "public_id": "gen_random_uuid()",
                    "actor_id": "e.actor_id",
                    "verb": "e.verb",
                    "client_id": "e.client_id",
                    "role_id": "e.role_id",
                    "candidate_id": "e.candidate_id",
                    "summary": "e.summary",
                    "payload": "e.payload",
                    "internal": "e.internal",
                    "organization_id": org,
                },
                """FROM (
                    SELECT c.created_at AS at, owner.id AS actor_id, 'client.created' AS verb,
                        c.id AS client_id, NULL::bigint AS role_id, NULL::bigint AS candidate_id,
                        'Client ' || c.name || ' added' AS summary, '{}'::jsonb AS payload,
                        false AS internal
                    FROM seed_client c
                    CROSS JOIN (SELECT id FROM accounts_membership
                                WHERE organization_id = %(org)s AND role = 'owner') AS owner
                    UNION ALL
                    SELECT r.created_at, r.owner_id, 'role.created', r.client_id, r.id, NULL,
                        'Role ' || r.title || ' opened for ' || c.name, '{}', false
                    FROM seed_role r JOIN seed_client c ON c.id = r.client_id
                    UNION ALL
                    SELECT r.created_at + interval '3 days', r.owner_id, 'agreement.agreed',
                        r.client_id, r.id, NULL,
                        'Agreement v1 for ' || r.title || ' is agreed and in force',
                        '{"version": 1}', false
                    FROM seed_role r
                    UNION ALL
                    SELECT c.created_at, recruiter.id, 'candidate.created', NULL, NULL, c.id,
                        'Candidate ' || c.full_name || ' added', '{}', true
                    FROM seed_candidate c
                    JOIN seed_recruiter recruiter ON recruiter.n = c.n %% %(recruiters)s
                ) AS e""",
            ),
            "activities",
        ),
        # Every submission's creation and its latest stage change…
        Step(
            "timeline",
            insert_select(
                Activity,
                {
                    "created_at": FINAL_OR_CREATED,
                    "updated_at": FINAL_OR_CREATED,
                    "public_id": "gen_random_uuid()",
                    "actor_id": """CASE WHEN step.last AND s.stage IN ('interviewing', 'rejected')
                        THEN coalesce(m.hm_id, s.submitted_by_id) ELSE s.submitted_by_id END""",
                    "verb": """CASE WHEN step.last THEN 'submission.stage_changed'
                        ELSE 'submission.created' END""",
                    "client_id": "s.client_id",
                    "role_id": "s.role_id",
                    "candidate_id": "s.candidate_id",
                    "submission_id": "s.id",
                    "summary": """CASE WHEN step.last
                        THEN c.full_name || ': ' || info.previous_label || ' → ' || info.label
                        ELSE c.full_name || ' submitted for ' || r.title END""",
                    "payload": """CASE WHEN step.last THEN jsonb_build_object('from',
                        info.previous, 'to', s.stage, 'reason', s.closing_note, 'lost_reason',
                        s.lost_reason) ELSE '{}' END""",
                    "internal": "false",
                    "organization_id": org,
                },
                f"""FROM recruiting_submission s
                    JOIN seed_role r ON r.id = s.role_id
                    JOIN seed_candidate c ON c.id = s.candidate_id
                    LEFT JOIN seed_client_member m ON m.client_id = s.client_id
                    JOIN {_stage_info()} ON info.stage = s.stage
                    CROSS JOIN (VALUES (false), (true)) AS step (last)
                    WHERE s.organization_id = %(org)s
                      AND (NOT step.last OR s.stage <> 'submitted')""",
            ),
            "activities",
        ),
        # … every nudge delivered, the newest first, within the activity budget…
        Step(
            "timeline",
            insert_select(
                Activity,
                {
                    "created_at": "n.delivered_at",
                    "updated_at": "n.delivered_at",
                    "public_id": "gen_random_uuid()",
                    "actor_id": "NULL",
                    "verb": "'nudge.sent'",
                    "client_id": "c.client_id",
                    "role_id": "c.role_id",
                    "candidate_id": "s.candidate_id",
                    "submission_id": "s.id",
                    "summary": f"""'Level ' || n.level || ' nudge sent: '
                        || {_clock_kind_label("c.kind")} || ' for ' || candidate.full_name""",
                    "payload": "jsonb_build_object('level', n.level, 'clock', c.kind)",
                    "internal": "false",
                    "organization_id": org,
                },
                """FROM engagements_nudge n
                   JOIN engagements_responseclock c ON c.id = n.clock_id
                   JOIN recruiting_submission s ON s.id = c.submission_id
                   JOIN seed_candidate candidate ON candidate.id = s.candidate_id
                   WHERE n.organization_id = %(org)s
                   ORDER BY n.delivered_at DESC, n.id
                   LIMIT greatest(0, %(activities)s - (SELECT count(*) FROM engagements_activity
                                                        WHERE organization_id = %(org)s))""",
            ),
            "activities",
        ),
        # … then the steps in between, oldest submissions first, up to the activity budget.
        Step(
            "timeline",
            insert_select(
                Activity,
                {
                    "created_at": BETWEEN,
                    "updated_at": BETWEEN,
                    "public_id": "gen_random_uuid()",
                    "actor_id": """CASE WHEN step.verb = 'submission.stage_changed'
                        AND step.to_stage <> 'interviewing' THEN s.submitted_by_id
                        ELSE coalesce(m.hm_id, s.submitted_by_id) END""",
                    "verb": "step.verb",
                    "client_id": "s.client_id",
                    "role_id": "s.role_id",
                    "candidate_id": "s.candidate_id",
                    "submission_id": "s.id",
                    "summary": """CASE step.verb
                        WHEN 'review.completed' THEN 'Skills review of ' || c.full_name || ': '
                            || CASE WHEN s.stage = 'rejected' THEN 'reject' ELSE 'advance' END
                        WHEN 'interview.feedback_logged'
                            THEN 'Technical interview feedback on ' || c.full_name
                        ELSE c.full_name || ': ' || step.label END""",
                    "payload": """CASE step.verb
                        WHEN 'submission.stage_changed' THEN jsonb_build_object('from',
                            step.from_stage, 'to', step.to_stage, 'reason', '', 'lost_reason', '')
                        WHEN 'review.completed' THEN jsonb_build_object('decision',
                            CASE WHEN s.stage = 'rejected' THEN 'reject' ELSE 'advance' END)
                        ELSE jsonb_build_object('outcome', 'advance') END""",
                    "internal": "false",
                    "organization_id": org,
                },
                f"""FROM recruiting_submission s
                    JOIN {_intermediate_steps()} ON step.stage = s.stage
                    JOIN seed_candidate c ON c.id = s.candidate_id
                    LEFT JOIN seed_client_member m ON m.client_id = s.client_id
                    WHERE s.organization_id = %(org)s
                    ORDER BY s.id, step.number
                    LIMIT greatest(0, %(activities)s - (SELECT count(*) FROM engagements_activity
                                                         WHERE organization_id = %(org)s))""",  # noqa: S608
            ),
            "activities",
        ),
    ]
