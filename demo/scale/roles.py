"""The roles, each with one agreed agreement in force, acknowledged by both parties."""

from demo.scale.sql import ORG, Step, insert_select, pick
from demo.scale.words import JOB_TITLES, SENIORITY
from intake.models import AgreementAcknowledgement, ExpectationAgreement
from recruiting.models import Role

MUST_HAVES = ["Five years in the field", "Fluent English"]
# The agreement's interview process: (stage, who owes the feedback).
INTERVIEW_STAGES = [("Technical interview", "hiring_manager"), ("Culture interview", "hr")]


def steps() -> list[Step]:
    """The roles, their agreements and the acknowledgements."""
    org = ORG
    return [
        Step(
            "roles",
            insert_select(
                Role,
                {
                    "created_at": "dated.at",
                    "updated_at": "dated.at",
                    "public_id": "gen_random_uuid()",
                    "external_source": "CASE WHEN r.n %% 2 = 0 THEN 'greenhouse' ELSE '' END",
                    "external_id": "CASE WHEN r.n %% 2 = 0 THEN 'job-' || r.n ELSE '' END",
                    "title": f"ltrim({pick(SENIORITY, 'r.n / 7')} || ' ' || "
                    f"{pick(JOB_TITLES, 'r.n')})",
                    "description": "''",
                    "location": pick(
                        ["London", "Berlin", "New York", "Remote", "Singapore"], "r.n"
                    ),
                    "work_arrangement": pick(["hybrid", "remote", "onsite"], "r.n / 3"),
                    "openings": "1 + r.n %% 3",
                    "salary_min": "60000 + (r.n %% 10) * 10000",
                    "salary_max": "90000 + (r.n %% 10) * 10000",
                    "salary_currency": "'USD'",
                    "priority": pick(["normal", "normal", "high", "low", "urgent"], "r.n"),
                    "status": """CASE WHEN r.pick < 0.75 THEN 'open' WHEN r.pick < 0.85 THEN
                                 'on_hold' WHEN r.pick < 0.95 THEN 'filled' ELSE 'cancelled' END""",
                    "client_id": "c.id",
                    "hiring_manager_id": "hm.id",
                    "hr_contact_id": "hr.id",
                    "owner_id": "c.owner_id",
                    "organization_id": org,
                },
                """FROM (SELECT n, random() AS pick, random() AS a
                         FROM generate_series(0, %(roles)s - 1) AS n) AS r
                   JOIN seed_client c ON c.n = r.n %% %(clients)s
                   JOIN recruiting_contact hm ON hm.client_id = c.id AND hm.kind = 'hiring_manager'
                   JOIN recruiting_contact hr ON hr.client_id = c.id AND hr.kind = 'hr'
                   CROSS JOIN LATERAL (SELECT c.created_at
                       + r.a * (%(now)s - interval '30 days' - c.created_at) AS at) AS dated""",
            ),
            "roles",
        ),
        Step(
            "roles",
            """CREATE TEMP TABLE seed_role ON COMMIT DROP AS
               SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, client_id, owner_id, title,
                   created_at
               FROM recruiting_role WHERE organization_id = %(org)s""",
        ),
        Step(
            "agreements",
            insert_select(
                ExpectationAgreement,
                {
                    "created_at": "r.created_at + interval '2 days'",
                    "updated_at": "r.created_at + interval '3 days'",
                    "public_id": "gen_random_uuid()",
                    "role_id": "r.id",
                    "version": "1",
                    "status": "'agreed'",
                    "proposed_by_id": "r.owner_id",
                    "agreed_at": "r.created_at + interval '3 days'",
                    "submissions_per_week": "2 + r.n %% 4",
                    "shortlist_size": "5",
                    "checkin_cadence": "'weekly'",
                    "checkin_weekday": "r.n %% 5",
                    "checkin_time": "'10:00'",
                    "interview_stages": """'[{"name": "Technical interview", "owner":
                        "hiring_manager", "expected_days": 3}, {"name": "Culture interview",
                        "owner": "hr", "expected_days": 2}]'::jsonb""",
                    "hm_review_sla_hours": "16",
                    "hr_approval_sla_hours": "16",
                    "interview_feedback_sla_hours": "24",
                    "offer_decision_sla_hours": "48",
                    "culture_notes_need_hr_approval": "true",
                    "must_haves": "ARRAY[" + ", ".join(f"'{m}'" for m in MUST_HAVES) + "]",
                    "nice_to_haves": "ARRAY['Domain experience']",
                    "deal_breakers": "'{}'",
                    "culture_traits": "ARRAY['Owns outcomes']",
                    "glossary": "'[]'::jsonb",
                    "talent_scarcity": pick(["balanced", "scarce", "plentiful"], "r.n"),
                    "salary_position": "'at'",
                    "expected_days_to_fill": "30 + r.n %% 60",
                    "market_notes": "''",
                    "organization_id": org,
                },
                "FROM seed_role r",
            ),
            "agreements",
        ),
        Step(
            "agreements in force",
            """UPDATE recruiting_role r SET agreement_id = a.id
               FROM intake_expectationagreement a
               WHERE a.role_id = r.id AND a.organization_id = %(org)s
                 AND r.organization_id = %(org)s""",
        ),
        Step(
            "acknowledgements",
            insert_select(
                AgreementAcknowledgement,
                {
                    "created_at": "a.agreed_at",
                    "updated_at": "a.agreed_at",
                    "agreement_id": "a.id",
                    "party": "k.party",
                    "membership_id": "CASE k.party WHEN 'hr' THEN m.hr_id ELSE m.hm_id END",
                    "comment": "''",
                    "organization_id": org,
                },
                """FROM intake_expectationagreement a
                   JOIN seed_role r ON r.id = a.role_id
                   LEFT JOIN seed_client_member m ON m.client_id = r.client_id
                   CROSS JOIN (VALUES ('hiring_manager'), ('hr')) AS k (party)
                   WHERE a.organization_id = %(org)s""",
            ),
            "acknowledgements",
        ),
    ]
