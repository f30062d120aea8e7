"""The candidates and their submissions in a realistic stage mix, one open response
clock per open submission, and the nudges the overdue clocks have had: a nudge scan run
against the data set goes on from there (level 3 for the clocks two days overdue)."""

import json

from demo.scale.sql import FOUNDED, ORG, Step, insert_select, person_name, pick, sql_values
from demo.scale.words import COMPANY_WORDS, JOB_TITLES
from engagements.models import Nudge, ResponseClock, default_ladder
from recruiting.models import Candidate, ConsentRecord, Submission

# Stage mix of the submissions: (stage, cumulative share). A third are open.
STAGE_MIX = [
    ("submitted", 0.04),
    ("hm_review", 0.22),
    ("interviewing", 0.32),
    ("offer", 0.35),
    ("hired", 0.39),
    ("rejected", 0.81),
    ("withdrawn", 0.91),
    ("lost", 1.0),
]


def _stage_case() -> str:
    branches = " ".join(f"WHEN pick < {share} THEN '{stage}'" for stage, share in STAGE_MIX)
    return f"CASE {branches} END"


OPEN_STAGES_SQL = "('submitted', 'hm_review', 'interviewing', 'offer')"
# The default ladder's levels that a day overdue reaches: level 1 at the due time, level 2
# a day later (the ladder says a business day; a calendar day is close enough here).
NUDGE_LEVELS = [
    (
        level["level"],
        level["after_business_days"],
        json.dumps(level["recipients"]),
        json.dumps(level["channels"]),
    )
    for level in default_ladder()[:2]
]


def _ladder_days(level_sql: str) -> str:
    """SQL for when the default ladder's level `level_sql` falls due after the due time
    (NULL past its last level)."""
    days = ", ".join(str(level["after_business_days"]) for level in default_ladder())
    return f"(ARRAY[{days}])[{level_sql}] * interval '1 day'"


def _nudge_level_reached(due_sql: str) -> str:
    """SQL for the highest level of NUDGE_LEVELS due by now for a clock due at `due_sql`."""
    branches = " ".join(
        f"WHEN {due_sql} + interval '{days} days' <= %(now)s THEN {level}"
        for level, days, _, _ in reversed(NUDGE_LEVELS)
    )
    return f"CASE {branches} ELSE 0 END"


def steps() -> list[Step]:
    """The candidates, the submissions, their open clocks and those clocks' nudges."""
    org, created = ORG, FOUNDED
    return [
        Step(
            "candidates",
            insert_select(
                Candidate,
                {
                    "created_at": "c.at",
                    "updated_at": "c.at",
                    "public_id": "gen_random_uuid()",
                    "external_source": "CASE WHEN c.n %% 2 = 0 THEN 'greenhouse' ELSE '' END",
                    "external_id": "CASE WHEN c.n %% 2 = 0 THEN 'cand-' || c.n ELSE '' END",
                    "full_name": person_name("c.n"),
                    "email": "'candidate' || c.n || '@' || %(domain)s",
                    "phone": "''",
                    "location": pick(
                        ["London", "Berlin", "New York", "Lisbon", "Singapore"], "c.n"
                    ),
                    "current_title": pick(JOB_TITLES, "c.n / 3"),
                    "current_company": pick(COMPANY_WORDS, "c.n / 11"),
                    "resume": "''",
                    "resume_name": "''",
                    "links": "'{}'",
                    "source": pick(["LinkedIn", "Referral", "Job board", "Event"], "c.n"),
                    "tags": f"ARRAY[{pick(['python', 'sales', 'design', 'data', 'ops'], 'c.n')}]",
                    "consent_to_represent": "true",
                    "consent_recorded_at": "c.at",
                    "internal_notes": "''",
                    "organization_id": org,
                },
                f"""FROM (SELECT n, {created} + random() * (%(now)s - interval '1 day' - {created})
                              AS at
                          FROM generate_series(0, %(candidates)s - 1) AS n) AS c""",  # noqa: S608
            ),
            "candidates",
        ),
        Step(
            "candidates",
            """CREATE TEMP TABLE seed_candidate ON COMMIT DROP AS
               SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, full_name, created_at
               FROM recruiting_candidate WHERE organization_id = %(org)s""",
        ),
        # Each candidate's consent to be represented, recorded by a recruiter when they
        # were added (by email, on a call or in person); two in three also agreed to be
        # kept on file.
        Step(
            "consent records",
            insert_select(
                ConsentRecord,
                {
                    "created_at": "c.created_at",
                    "updated_at": "c.created_at",
                    "public_id": "gen_random_uuid()",
                    "candidate_id": "c.id",
                    "purpose": "p.purpose",
                    "granted": "true",
                    "method": "(ARRAY['email', 'call', 'in_person'])[1 + c.n %% 3]",
                    "effective_at": "c.created_at",
                    "note": "''",
                    "recorded_by_id": "r.id",
                    "ip_address": "NULL",
                    "user_agent": "''",
                    "organization_id": org,
                },
                """FROM seed_candidate c
                   JOIN seed_recruiter r ON r.n = c.n %% %(recruiters)s
                   CROSS JOIN (VALUES ('represent'), ('store')) AS p (purpose)
                   WHERE p.purpose = 'represent' OR c.n %% 3 <> 0""",
            ),
            "consent records",
        ),
        Step(
            "candidates",
            """UPDATE recruiting_candidate SET consent_to_store = true
               WHERE organization_id = %(org)s AND id IN (
                   SELECT id FROM seed_candidate WHERE n %% 3 <> 0)""",
        ),
        # Submission i is candidate i mod N's (i div N)-th: a candidate's submissions go
        # to consecutive roles from a point spread by a prime, so each (role, candidate)
        # pair occurs once as long as a candidate has fewer submissions than there are roles.
        Step(
            "submissions",
            insert_select(
                Submission,
                {
                    "created_at": "s.at",
                    "updated_at": "s.changed",
                    "public_id": "gen_random_uuid()",
                    "external_source": "CASE WHEN s.i %% 2 = 0 THEN 'greenhouse' ELSE '' END",
                    "external_id": "CASE WHEN s.i %% 2 = 0 THEN 'app-' || s.i ELSE '' END",
                    "pitch": "'Strong match for ' || s.title || ': shipped similar work.'",
                    "skills_summary": "'[]'::jsonb",
                    "culture_fit_notes": """CASE WHEN s.culture = 'not_required' THEN ''
                        ELSE 'Calm under pressure; prefers small teams.' END""",
                    "culture_status": "s.culture",
                    "stage": "s.stage",
                    "stage_changed_at": "s.changed",
                    "lost_reason": """CASE WHEN s.stage = 'lost'
                        THEN (ARRAY['accepted_other_offer', 'unresponsive_client', 'compensation',
                                    'other'])[1 + s.i %% 4]
                        ELSE '' END""",
                    "closing_note": """CASE s.stage
                        WHEN 'rejected' THEN 'Not enough depth in the must-haves.'
                        WHEN 'withdrawn' THEN 'Accepted a counter-offer.' ELSE '' END""",
                    "candidate_id": "s.candidate_id",
                    "client_id": "s.client_id",
                    "role_id": "s.role_id",
                    "submitted_by_id": "s.owner_id",
                    "organization_id": org,
                },
                f"""FROM (
                    SELECT *, at + b * (%(now)s - at) AS changed
                    FROM (
                        SELECT drawn.*, role.id AS role_id, role.client_id, role.owner_id,
                            role.title, candidate.id AS candidate_id,
                            CASE WHEN drawn.stage = 'submitted' THEN 'pending'
                                 WHEN drawn.notes THEN 'approved' ELSE 'not_required' END
                                AS culture,
                            CASE WHEN drawn.stage IN {OPEN_STAGES_SQL}
                                 THEN greatest(base.at, %(now)s - a * interval '10 days')
                                 ELSE base.at + a * (%(now)s - interval '1 day' - base.at) END
                                AS at
                        FROM (
                            SELECT i, {_stage_case()} AS stage, pick < 0.04 OR random() < 0.7
                                AS notes, random() AS a, random() AS b,
                                i %% %(candidates)s AS candidate_n,
                                (i %% %(candidates)s * 7919 + i / %(candidates)s) %% %(roles)s
                                    AS role_n
                            FROM (SELECT i, random() AS pick
                                  FROM generate_series(0, %(submissions)s - 1) AS i) AS numbered
                        ) AS drawn
                        JOIN seed_candidate candidate ON candidate.n = drawn.candidate_n
                        JOIN seed_role role ON role.n = drawn.role_n
                        CROSS JOIN LATERAL (SELECT greatest(role.created_at, candidate.created_at)
                            AS at) AS base
                    ) AS placed
                ) AS s""",  # noqa: S608
            ),
            "submissions",
        ),
        # What each open stage owes: the culture-fit approval, the skills review, the
        # first interview's feedback, the offer decision. SLA hours are business hours;
        # three calendar hours each is about what a working week makes of them.
        Step(
            "open clocks",
            insert_select(
                ResponseClock,
                {
                    "created_at": "s.stage_changed_at",
                    "updated_at": f"""CASE WHEN n.level = 0 THEN s.stage_changed_at
                        ELSE d.due_at + {_ladder_days("n.level")} END""",
                    "public_id": "gen_random_uuid()",
                    "kind": "k.kind",
                    "owed_by": "k.owed_by",
                    "stage_name": "k.stage_name",
                    "opened_at": "s.stage_changed_at",
                    "sla_hours": "k.sla_hours",
                    "sla_due_at": "d.due_at",
                    "due_at": "d.due_at",
                    "outcome": "''",
                    # The scan has claimed the levels already due (the nudges below).
                    "nudge_level": "n.level",
                    "next_nudge_at": f"d.due_at + {_ladder_days('n.level + 1')}",
                    "client_id": "s.client_id",
                    "role_id": "s.role_id",
                    "submission_id": "s.id",
                    "organization_id": org,
                },
                f"""FROM recruiting_submission s
                   JOIN (VALUES ('submitted', 'hr_approval', 'hr', '', 16),
                                ('hm_review', 'hm_review', 'hiring_manager', '', 16),
                                ('interviewing', 'interview_feedback', 'hiring_manager',
                                 'Technical interview', 24),
                                ('offer', 'offer_decision', 'hiring_manager', '', 48))
                       AS k (stage, kind, owed_by, stage_name, sla_hours) ON k.stage = s.stage
                   CROSS JOIN LATERAL (SELECT s.stage_changed_at
                       + k.sla_hours * interval '3 hours' AS due_at) AS d
                   CROSS JOIN LATERAL (SELECT {_nudge_level_reached("d.due_at")} AS level) AS n
                   WHERE s.organization_id = %(org)s""",
            ),
            "clocks",
        ),
        # The skills review each closed submission had, so that the first-feedback,
        # compliance and cost-of-delay figures have a history: answered on time or
        # late (never after the submission's last move), or, for a fifth of the
        # submissions lost or withdrawn, cancelled by that move while overdue.
        Step(
            "past clocks",
            insert_select(
                ResponseClock,
                {
                    "created_at": "s.created_at",
                    "updated_at": "c.closed_at",
                    "public_id": "gen_random_uuid()",
                    "kind": "'hm_review'",
                    "owed_by": "'hiring_manager'",
                    "contact_id": "r.hiring_manager_id",
                    "stage_name": "''",
                    "opened_at": "s.created_at",
                    "sla_hours": "16",
                    "sla_due_at": "d.due_at",
                    "due_at": "d.due_at",
                    "closed_at": "c.closed_at",
                    "outcome": "c.outcome",
                    "nudge_level": "0",
                    "next_nudge_at": "NULL",
                    "client_id": "s.client_id",
                    "role_id": "s.role_id",
                    "submission_id": "s.id",
                    "organization_id": org,
                },
                f"""FROM recruiting_submission s
                   JOIN recruiting_role r ON r.id = s.role_id
                   CROSS JOIN LATERAL (SELECT s.created_at + interval '48 hours' AS due_at) AS d
                   CROSS JOIN LATERAL (SELECT
                       s.stage IN ('lost', 'withdrawn') AND s.stage_changed_at > d.due_at
                           AND random() < 0.2 AS lost_overdue,
                       s.created_at + random() * interval '80 hours' AS answered_at) AS drawn
                   CROSS JOIN LATERAL (SELECT
                       CASE WHEN drawn.lost_overdue THEN 'cancelled' ELSE 'answered' END
                           AS outcome,
                       CASE WHEN drawn.lost_overdue THEN s.stage_changed_at
                            ELSE least(drawn.answered_at, s.stage_changed_at) END
                           AS closed_at) AS c
                   WHERE s.organization_id = %(org)s AND s.stage NOT IN {OPEN_STAGES_SQL}""",
            ),
            "clocks",
        ),
        # The levels the scan claimed and delivered, as `nudges_claim_batch` writes them.
        Step(
            "nudges",
            insert_select(
                Nudge,
                {
                    "created_at": "n.at",
                    "updated_at": "n.delivered_at",
                    "clock_id": "c.id",
                    "level": "l.level",
                    "status": "'delivered'",
                    "recipients": "l.recipients::jsonb",
                    "channels": "l.channels::jsonb",
                    "enqueued_at": "n.at",
                    "delivered_at": "n.delivered_at",
                    "organization_id": org,
                },
                f"""FROM engagements_responseclock c
                    JOIN (VALUES {sql_values(NUDGE_LEVELS)})
                        AS l (level, after_days, recipients, channels) ON l.level <= c.nudge_level
                    CROSS JOIN LATERAL (SELECT c.due_at + l.after_days * interval '1 day' AS at)
                        AS claimed
                    CROSS JOIN LATERAL (SELECT claimed.at,
                        least(claimed.at + interval '4 seconds', %(now)s) AS delivered_at) AS n
                    WHERE c.organization_id = %(org)s AND c.closed_at IS NULL""",
            ),
            "nudges",
        ),
    ]
