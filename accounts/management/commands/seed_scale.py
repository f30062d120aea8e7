"""`python manage.py seed_scale`: the scale data set of the budgets, for the benchmarks
(docs/design.md#10-budgets, docs/performance.md).

Twenty organizations. The largest has 300 clients, 3,000 roles, 50,000
candidates, 150,000 submissions and 400,000 activities; each next one is
`RATIO` of the one before (a long tail of small agencies). Every organization
gets its owner, recruiters, hiring-manager and HR logins for every fifth
client, contacts, one agreed agreement per role with both acknowledgements,
submissions in a realistic stage mix, one open response clock per open
submission, the client's answers that moved the others on (skills reviews,
culture-fit approvals, interview feedback), the nudges the overdue clocks have
had, and a timeline that references all of it. The largest also has a webhook
endpoint that received every event it subscribed to.

The rows are generated inside PostgreSQL (INSERT … SELECT generate_series),
one transaction per organization, through Django's connection: as the
application role, inside the organization's context. Row-level security checks
every row, and the constraints, foreign keys and triggers apply as they do to
the application. Only emptying the database (`--reset`) and the final VACUUM
ANALYZE need the owner role.

Open clocks are nudged as the default ladder says: level 1 from their due time,
level 2 a day later. A nudge scan running against this database would go on
from there (level 3 for the clocks two days overdue, to addresses under
.example).
"""

import json
import math
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from accounts.models import ApiKeyScope, Membership, MembershipRole, Organization, User
from accounts.selectors import all_organization_ids
from accounts.services import api_key_create
from activity.models import Activity
from engagements.models import (
    ClockKind,
    Nudge,
    ResponseClock,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    default_ladder,
)
from engagements.services.webhooks import webhook_secret_generate
from intake.models import AgreementAcknowledgement, ExpectationAgreement
from lib.db_roles import owner_connection
from lib.tenancy import organization_context
from recruiting.models import (
    Candidate,
    Client,
    Contact,
    CultureApproval,
    InterviewFeedback,
    Role,
    SkillsReview,
    Submission,
)

ORGANIZATIONS = 20
RATIO = 0.7  # each organization's size relative to the previous one
HISTORY = timedelta(days=540)  # how long ago the agencies started

# The largest organization (docs/design.md#10-budgets).
LARGEST = {
    "clients": 300,
    "roles": 3_000,
    "candidates": 50_000,
    "submissions": 150_000,
    "activities": 400_000,
}
CLIENTS_PER_RECRUITER = 10
LOGIN_EVERY = 5  # every fifth client has a hiring-manager and an HR login

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

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Amara",
    "Ana",
    "Ben",
    "Carla",
    "Chen",
    "Dara",
    "Diego",
    "Elena",
    "Emil",
    "Fatima",
    "Femi",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jana",
    "Jonas",
    "Kai",
    "Kofi",
    "Lara",
    "Leo",
    "Lina",
    "Marco",
    "Maya",
    "Nia",
    "Noah",
    "Omar",
    "Priya",
    "Rafael",
    "Rosa",
    "Sami",
    "Sara",
    "Tariq",
    "Uma",
    "Vera",
    "Wen",
    "Yusuf",
]
LAST_NAMES = [
    "Abara",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Meyer",
    "Nakamura",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Zimmermann",
]
COMPANY_WORDS = [
    "Acme",
    "Brightline",
    "Cobalt",
    "Delta",
    "Evergreen",
    "Fathom",
    "Granite",
    "Harbor",
    "Ion",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Northwind",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Summit",
    "Tandem",
]
COMPANY_KINDS = [
    "Robotics",
    "Health",
    "Logistics",
    "Energy",
    "Analytics",
    "Foods",
    "Capital",
    "Labs",
    "Media",
    "Systems",
    "Bank",
    "Software",
    "Retail",
    "Mobility",
    "Insurance",
]
JOB_TITLES = [
    "Backend Engineer",
    "Frontend Engineer",
    "Data Scientist",
    "Product Manager",
    "DevOps Engineer",
    "Account Executive",
    "UX Designer",
    "Financial Analyst",
    "Sales Manager",
    "QA Engineer",
    "Customer Success Manager",
    "Security Engineer",
]
SENIORITY = ["Junior", "", "Senior", "Staff", "Lead"]


def _pick(words: list[str], index_sql: str) -> str:
    """SQL for words[index % len(words)] (the words need no quoting)."""
    literal = ", ".join(f"'{word}'" for word in words)
    return f"(ARRAY[{literal}])[1 + ({index_sql}) %% {len(words)}]"


def _person(index_sql: str) -> str:
    return (
        f"{_pick(FIRST_NAMES, index_sql)} || ' ' || "
        f"{_pick(LAST_NAMES, f'({index_sql}) / {len(FIRST_NAMES)}')}"
    )


def _stage_case() -> str:
    branches = " ".join(f"WHEN pick < {share} THEN '{stage}'" for stage, share in STAGE_MIX)
    return f"CASE {branches} END"


OPEN_STAGES_SQL = "('submitted', 'hm_review', 'interviewing', 'offer')"
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
MUST_HAVES = ["Five years in the field", "Fluent English"]
# The agreement's interview process: (stage, who owes the feedback).
INTERVIEW_STAGES = [("Technical interview", "hiring_manager"), ("Culture interview", "hr")]
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
# The largest organization's one webhook endpoint: an ATS following the pipeline.
WEBHOOK_EVENTS = [
    "submission.stage_changed",
    "review.completed",
    "interview.feedback_logged",
    "nudge.sent",
]


def _values(rows: list[tuple]) -> str:
    def literal(value) -> str:
        return str(value) if isinstance(value, int | float) else f"'{value}'"

    return ", ".join("(" + ", ".join(literal(value) for value in row) + ")" for row in rows)


def _stage_info() -> str:
    rows = [
        (stage, label, PREVIOUS_STAGE.get(stage, ""), STAGE_LABELS.get(PREVIOUS_STAGE.get(stage)))
        for stage, label in STAGE_LABELS.items()
    ]
    return (
        f"(VALUES {_values([(s, label, p, pl or '') for s, label, p, pl in rows])}) "
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
        f"(VALUES {_values(rows)}) AS step (stage, number, verb, from_stage, to_stage, label, "
        "fraction)"
    )


@dataclass
class Step:
    """One statement of an organization's load; `counts` names what its rows are.
    A `largest_only` step runs for the largest organization alone."""

    label: str
    sql: str
    counts: str | None = None
    largest_only: bool = False


def _insert(model, values: dict[str, str], source: str = "") -> str:
    """INSERT INTO the model's table … SELECT the given column expressions FROM source.

    A required column the statement does not name gets its model default as a
    parameter (`default_<column>`), so that a field added to a model later keeps
    the seed working; a required column with no default stops it loudly.
    """
    names = list(values)
    expressions = list(values.values())
    for field_ in model._meta.concrete_fields:
        if field_.column in values or isinstance(field_, AutoFieldMixin):
            continue
        if field_.db_default is not models.NOT_PROVIDED or field_.null:
            continue
        if not (field_.has_default() or isinstance(field_, models.CharField | models.TextField)):
            raise CommandError(
                f"seed_scale does not fill {model.__name__}.{field_.name}: give it a value."
            )
        names.append(field_.column)
        expressions.append(f"%(default_{model._meta.db_table}_{field_.column})s")
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    select = ", ".join(expressions)
    return f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {select} {source}"


def _defaults() -> dict[str, object]:
    """The parameters `_insert` refers to: every field's model default, ready for the driver."""
    params = {}
    for model in (
        Organization,
        User,
        Membership,
        Client,
        Contact,
        Role,
        ExpectationAgreement,
        AgreementAcknowledgement,
        Candidate,
        Submission,
        ResponseClock,
        Nudge,
        SkillsReview,
        CultureApproval,
        InterviewFeedback,
        Activity,
        WebhookEndpoint,
        WebhookDelivery,
        WebhookAttempt,
    ):
        for field_ in model._meta.concrete_fields:
            if field_.has_default():
                value = field_.get_db_prep_save(field_.get_default(), connection)
            elif isinstance(field_, models.CharField | models.TextField):
                value = ""
            else:
                continue
            params[f"default_{model._meta.db_table}_{field_.column}"] = value
    return params


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


def _steps() -> list[Step]:
    """The statements that load one organization, in order.

    The SQL is put together from this module's constants only (S608); every value
    that varies is a parameter.
    """
    org = "%(org)s"
    created = "%(founded)s"
    return [
        Step(
            "organization",
            _insert(
                Organization,
                {
                    "id": org,
                    "created_at": created,
                    "updated_at": created,
                    "name": "%(name)s",
                    "slug": "%(slug)s",
                    "timezone": "'Europe/London'",
                },
            ),
            "organizations",
        ),
        Step(
            "users",
            _insert(
                User,
                {
                    # Unusable, like set_unusable_password(): these people never sign in.
                    "password": "'!' || md5(random()::text)",
                    "is_superuser": "false",
                    "email": "person.email",
                    "full_name": "person.full_name",
                    "is_active": "true",
                    "is_staff": "false",
                    "date_joined": created,
                },
                f"""FROM (
                    SELECT 'owner@' || %(domain)s AS email, {_person("%(number)s")} AS full_name
                    UNION ALL
                    SELECT 'recruiter' || n || '@' || %(domain)s, {_person("n * 7")}
                    FROM generate_series(1, %(recruiters)s) AS n
                    UNION ALL
                    SELECT kind || n || '@' || %(domain)s, {_person("n * 13 + length(kind)")}
                    FROM generate_series(0, %(clients)s - 1, {LOGIN_EVERY}) AS n
                    CROSS JOIN (VALUES ('hm'), ('hr')) AS login (kind)
                ) AS person""",  # noqa: S608
            ),
            "users",
        ),
        Step(
            "agency members",
            _insert(
                Membership,
                {
                    "created_at": created,
                    "updated_at": created,
                    "organization_id": org,
                    "public_id": "gen_random_uuid()",
                    "user_id": "u.id",
                    "role": "person.role",
                },
                f"""FROM (
                    SELECT 'owner@' || %(domain)s AS email, '{MembershipRole.OWNER}' AS role
                    UNION ALL
                    SELECT 'recruiter' || n || '@' || %(domain)s, '{MembershipRole.RECRUITER}'
                    FROM generate_series(1, %(recruiters)s) AS n
                ) AS person JOIN accounts_user u ON u.email = person.email""",  # noqa: S608
            ),
            "memberships",
        ),
        Step(
            "recruiters",
            """CREATE TEMP TABLE seed_recruiter ON COMMIT DROP AS
               SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_membership
               WHERE organization_id = %(org)s AND role = 'recruiter'""",
        ),
        Step(
            "clients",
            _insert(
                Client,
                {
                    "created_at": "c.at",
                    "updated_at": "c.at",
                    "public_id": "gen_random_uuid()",
                    "external_source": "CASE WHEN c.n %% 2 = 0 THEN 'greenhouse' ELSE '' END",
                    "external_id": "CASE WHEN c.n %% 2 = 0 THEN 'client-' || c.n ELSE '' END",
                    "name": f"{_pick(COMPANY_WORDS, 'c.n')} || ' ' || "
                    f"{_pick(COMPANY_KINDS, f'c.n / {len(COMPANY_WORDS)}')}",
                    "website": "'https://client' || c.n || '.example'",
                    "timezone": _pick(
                        ["Europe/London", "America/New_York", "Europe/Berlin", "Asia/Singapore"],
                        "c.n",
                    ),
                    "business_day_start": "'09:00'",
                    "business_day_end": "'17:30'",
                    "workdays": "'{0,1,2,3,4}'",
                    "owner_id": "r.id",
                    "notes": "''",
                    "organization_id": org,
                },
                f"""FROM (SELECT n, {created} + (n::float8 / %(clients)s) * interval '180 days'
                              AS at
                          FROM generate_series(0, %(clients)s - 1) AS n) AS c
                    JOIN seed_recruiter r ON r.n = c.n %% %(recruiters)s""",  # noqa: S608
            ),
            "clients",
        ),
        Step(
            "clients",
            """CREATE TEMP TABLE seed_client ON COMMIT DROP AS
               SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, owner_id, name, created_at
               FROM recruiting_client WHERE organization_id = %(org)s""",
        ),
        Step(
            "contacts",
            _insert(
                Contact,
                {
                    "created_at": "c.created_at",
                    "updated_at": "c.created_at",
                    "public_id": "gen_random_uuid()",
                    "external_source": "''",
                    "external_id": "''",
                    "client_id": "c.id",
                    "kind": "k.kind",
                    "full_name": _person("c.n * 2 + k.shift"),
                    "email": "k.prefix || c.n || '@' || %(domain)s",
                    "phone": "''",
                    "job_title": "k.job_title",
                    "user_id": "u.id",
                    "organization_id": org,
                },
                """FROM seed_client c
                   CROSS JOIN (VALUES ('hiring_manager', 'hm', 'Engineering Manager', 0),
                                      ('hr', 'hr', 'People Partner', 1))
                       AS k (kind, prefix, job_title, shift)
                   LEFT JOIN accounts_user u ON u.email = k.prefix || c.n || '@' || %(domain)s""",
            ),
            "contacts",
        ),
        Step(
            "escalation contacts",
            """UPDATE recruiting_client c SET escalation_contact_id = contact.id
               FROM recruiting_contact contact
               WHERE contact.client_id = c.id AND contact.kind = 'hr'
                 AND contact.organization_id = %(org)s AND c.organization_id = %(org)s""",
        ),
        Step(
            "client members",
            _insert(
                Membership,
                {
                    "created_at": "c.created_at",
                    "updated_at": "c.created_at",
                    "organization_id": org,
                    "public_id": "gen_random_uuid()",
                    "user_id": "u.id",
                    "role": "k.role",
                    "client_id": "c.id",
                },
                f"""FROM seed_client c
                    CROSS JOIN (VALUES ('{MembershipRole.HIRING_MANAGER}', 'hm'),
                                       ('{MembershipRole.HR}', 'hr')) AS k (role, prefix)
                    JOIN accounts_user u ON u.email = k.prefix || c.n || '@' || %(domain)s""",
            ),
            "memberships",
        ),
        Step(
            "client members",
            """CREATE TEMP TABLE seed_client_member ON COMMIT DROP AS
               SELECT client_id, max(id) FILTER (WHERE role = 'hiring_manager') AS hm_id,
                   max(id) FILTER (WHERE role = 'hr') AS hr_id
               FROM accounts_membership
               WHERE organization_id = %(org)s AND client_id IS NOT NULL GROUP BY client_id""",
        ),
        Step(
            "roles",
            _insert(
                Role,
                {
                    "created_at": "dated.at",
                    "updated_at": "dated.at",
                    "public_id": "gen_random_uuid()",
                    "external_source": "CASE WHEN r.n %% 2 = 0 THEN 'greenhouse' ELSE '' END",
                    "external_id": "CASE WHEN r.n %% 2 = 0 THEN 'job-' || r.n ELSE '' END",
                    "title": f"ltrim({_pick(SENIORITY, 'r.n / 7')} || ' ' || "
                    f"{_pick(JOB_TITLES, 'r.n')})",
                    "description": "''",
                    "location": _pick(
                        ["London", "Berlin", "New York", "Remote", "Singapore"], "r.n"
                    ),
                    "work_arrangement": _pick(["hybrid", "remote", "onsite"], "r.n / 3"),
                    "openings": "1 + r.n %% 3",
                    "salary_min": "60000 + (r.n %% 10) * 10000",
                    "salary_max": "90000 + (r.n %% 10) * 10000",
                    "salary_currency": "'USD'",
                    "priority": _pick(["normal", "normal", "high", "low", "urgent"], "r.n"),
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
            _insert(
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
                    "talent_scarcity": _pick(["balanced", "scarce", "plentiful"], "r.n"),
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
            _insert(
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
        Step(
            "candidates",
            _insert(
                Candidate,
                {
                    "created_at": "c.at",
                    "updated_at": "c.at",
                    "public_id": "gen_random_uuid()",
                    "external_source": "CASE WHEN c.n %% 2 = 0 THEN 'greenhouse' ELSE '' END",
                    "external_id": "CASE WHEN c.n %% 2 = 0 THEN 'cand-' || c.n ELSE '' END",
                    "full_name": _person("c.n"),
                    "email": "'candidate' || c.n || '@' || %(domain)s",
                    "phone": "''",
                    "location": _pick(
                        ["London", "Berlin", "New York", "Lisbon", "Singapore"], "c.n"
                    ),
                    "current_title": _pick(JOB_TITLES, "c.n / 3"),
                    "current_company": _pick(COMPANY_WORDS, "c.n / 11"),
                    "resume": "''",
                    "resume_name": "''",
                    "links": "'{}'",
                    "source": _pick(["LinkedIn", "Referral", "Job board", "Event"], "c.n"),
                    "tags": f"ARRAY[{_pick(['python', 'sales', 'design', 'data', 'ops'], 'c.n')}]",
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
        # Submission i is candidate i mod N's (i div N)-th: a candidate's submissions go
        # to consecutive roles from a point spread by a prime, so each (role, candidate)
        # pair occurs once as long as a candidate has fewer submissions than there are roles.
        Step(
            "submissions",
            _insert(
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
            _insert(
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
        # The levels the scan claimed and delivered, as `nudges_claim_batch` writes them.
        Step(
            "nudges",
            _insert(
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
                    JOIN (VALUES {_values(NUDGE_LEVELS)})
                        AS l (level, after_days, recipients, channels) ON l.level <= c.nudge_level
                    CROSS JOIN LATERAL (SELECT c.due_at + l.after_days * interval '1 day' AS at)
                        AS claimed
                    CROSS JOIN LATERAL (SELECT claimed.at,
                        least(claimed.at + interval '4 seconds', %(now)s) AS delivered_at) AS n
                    WHERE c.organization_id = %(org)s AND c.closed_at IS NULL""",
            ),
            "nudges",
        ),
        # The client's answers that moved the closed stages on, when the timeline says.
        Step(
            "skills reviews",
            _insert(
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
            _insert(
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
            _insert(
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
                    CROSS JOIN (VALUES {_values(_interview_stages())})
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
            _insert(
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
            _insert(
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
            _insert(
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
            _insert(
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
        # The largest organization's ATS has followed the pipeline from the start: one
        # endpoint, and every event it subscribed to delivered at the first attempt.
        Step(
            "webhooks",
            _insert(
                WebhookEndpoint,
                {
                    "created_at": created,
                    "updated_at": created,
                    "url": "'https://ats.' || %(domain)s || '/webhooks/rapport'",
                    "description": "'ATS pipeline sync'",
                    "event_types": "ARRAY[" + ", ".join(f"'{e}'" for e in WEBHOOK_EVENTS) + "]",
                    "secret": "%(webhook_secret)s",
                    "enabled": "true",
                    "created_by_id": "owner.id",
                    "organization_id": org,
                },
                """FROM accounts_membership owner
                   WHERE owner.organization_id = %(org)s AND owner.role = 'owner'""",
            ),
            "webhook endpoints",
            largest_only=True,
        ),
        # The body `webhook_event_body` writes, but in PostgreSQL's JSON spacing.
        Step(
            "webhooks",
            _insert(
                WebhookDelivery,
                {
                    "created_at": "a.created_at",
                    "updated_at": "d.delivered_at",
                    "endpoint_id": "e.id",
                    "activity_id": "a.id",
                    "event_type": "a.verb",
                    "body": """json_build_object(
                        'type', a.verb,
                        'timestamp', to_char(a.created_at AT TIME ZONE 'UTC',
                                             'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                        'data', json_build_object(
                            'activity', a.public_id, 'summary', a.summary,
                            'internal', a.internal, 'actor', actor.public_id,
                            'client', client.public_id, 'role', role.public_id,
                            'candidate', candidate.public_id,
                            'submission', submission.public_id, 'payload', a.payload))::text""",
                    "status": "'succeeded'",
                    "attempt_count": "1",
                    "enqueued_at": "a.created_at",
                    "manual_attempt": "false",
                    "last_status_code": "200",
                    "delivered_at": "d.delivered_at",
                    "organization_id": org,
                },
                """FROM engagements_webhookendpoint e
                   JOIN engagements_activity a ON a.organization_id = %(org)s
                       AND a.verb = ANY (e.event_types) AND a.created_at >= e.created_at
                   LEFT JOIN accounts_membership actor ON actor.id = a.actor_id
                   LEFT JOIN recruiting_client client ON client.id = a.client_id
                   LEFT JOIN recruiting_role role ON role.id = a.role_id
                   LEFT JOIN recruiting_candidate candidate ON candidate.id = a.candidate_id
                   LEFT JOIN recruiting_submission submission ON submission.id = a.submission_id
                   CROSS JOIN LATERAL (SELECT least(a.created_at + interval '1 second', %(now)s)
                       AS delivered_at) AS d
                   WHERE e.organization_id = %(org)s""",
            ),
            "webhook deliveries",
            largest_only=True,
        ),
        Step(
            "webhooks",
            _insert(
                WebhookAttempt,
                {
                    "created_at": "d.created_at",
                    "updated_at": "d.delivered_at",
                    "delivery_id": "d.id",
                    "number": "1",
                    "manual": "false",
                    "finished_at": "d.delivered_at",
                    "status_code": "200",
                    "succeeded": "true",
                    "duration_ms": "40 + d.id %% 200",
                    "response_excerpt": "''",
                    "error": "''",
                    "organization_id": org,
                },
                "FROM engagements_webhookdelivery d WHERE d.organization_id = %(org)s",
            ),
            "webhook attempts",
            largest_only=True,
        ),
    ]


# --- Sizes -----------------------------------------------------------------------------


@dataclass
class Plan:
    """One organization to seed: its number (1 is the largest) and its sizes."""

    number: int
    organization_id: str
    clients: int
    roles: int
    candidates: int
    submissions: int
    activities: int

    @property
    def slug(self) -> str:
        return f"scale-{self.number}"

    @property
    def recruiters(self) -> int:
        return math.ceil(self.clients / CLIENTS_PER_RECRUITER)


def plans(*, scale: float, organizations: int) -> list[Plan]:
    result = []
    for index in range(organizations):
        factor = scale * RATIO**index
        size = {name: max(1, round(count * factor)) for name, count in LARGEST.items()}
        # Each candidate's submissions go to distinct roles.
        size["roles"] = max(
            size["roles"], size["clients"], math.ceil(size["submissions"] / size["candidates"])
        )
        result.append(Plan(number=index + 1, organization_id=str(uuid.uuid4()), **size))
    return result


# --- Progress --------------------------------------------------------------------------


@dataclass
class Progress:
    """Rows written so far, by kind and in all; a live line when writing to a terminal."""

    stdout: object
    live: bool
    started: float = field(default_factory=time.perf_counter)
    counts: dict[str, int] = field(default_factory=dict)
    doing: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def rate(self) -> float:
        return self.rows / max(time.perf_counter() - self.started, 1e-9)

    def stage(self, plan: Plan, label: str) -> None:
        with self.lock:
            self.doing[plan.number] = label
            self._show()

    def add(self, kind: str, rows: int) -> None:
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + rows
            self._show()

    def done(self, plan: Plan, counts: dict[str, int], seconds: float) -> None:
        with self.lock:
            self.doing.pop(plan.number, None)
            rows = sum(counts.values())
            self._clear()
            self.stdout.write(
                f"  {plan.slug:<9} {counts.get('clients', 0):>4,} clients "
                f"{counts.get('roles', 0):>6,} roles {counts.get('candidates', 0):>7,} candidates "
                f"{counts.get('submissions', 0):>8,} submissions "
                f"{counts.get('clocks', 0):>7,} clocks {counts.get('activities', 0):>8,} "
                f"activities: {rows:>9,} rows in {seconds:5.1f} s "
                f"({rows / max(seconds, 1e-9):,.0f}/s)"
            )
            self._show()

    def _clear(self) -> None:
        if self.live:
            self.stdout.write("\r\033[K", ending="")

    def _show(self) -> None:
        if not self.live:
            return
        elapsed = time.perf_counter() - self.started
        doing = ", ".join(
            f"scale-{number}: {label}" for number, label in sorted(self.doing.items())
        )
        self._clear()
        self.stdout.write(
            f"  {elapsed:5.0f} s  {self.rows:>10,} rows  {self.rate():>7,.0f} rows/s  {doing}"[
                :160
            ],
            ending="",
        )
        self.stdout.flush()


# --- The command -----------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Build the benchmarks' scale data set (docs/design.md#10-budgets: 20 organizations, "
        "the largest with 150,000 submissions) in an empty database, as the application role "
        "under row-level security."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the full sizes (default 1)."
        )
        parser.add_argument(
            "--organizations", type=int, default=ORGANIZATIONS, help="How many (default 20)."
        )
        parser.add_argument(
            "--jobs", type=int, default=2, help="Organizations seeded at once (default 2)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete every organization and every user, with all their data.",
        )
        parser.add_argument(
            "--api-key",
            action="store_true",
            help="Print a read API key for the largest organization, acting as its owner.",
        )

    def handle(self, *args, scale, organizations, jobs, reset, api_key, **options) -> None:
        if scale <= 0 or organizations < 1 or jobs < 1:
            raise CommandError("--scale, --organizations and --jobs must be positive.")
        started = time.perf_counter()
        if reset:
            self._reset()
        existing = all_organization_ids()
        if existing:
            raise CommandError(
                f"The database has {len(existing)} organizations already; seed_scale fills an "
                "empty one. --reset deletes every organization and user first."
            )
        self.plans = plans(scale=scale, organizations=organizations)
        self.stdout.write(
            f"Seeding {organizations} organizations at scale {scale:g} "
            f"({sum(p.submissions for p in self.plans):,} submissions) with {jobs} connections…"
        )
        live = self.stdout.isatty() and options["verbosity"] >= 1
        progress = Progress(stdout=self.stdout, live=live)
        steps, params = _steps(), _defaults()
        now = timezone.now()
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            # Largest first, so that the longest one starts at once.
            for future in [
                pool.submit(self._seed_organization, plan, steps, params, now, progress)
                for plan in self.plans
            ]:
                future.result()
        load_seconds = time.perf_counter() - started
        progress._clear()
        self.stdout.write(f"Loaded {progress.rows:,} rows in {load_seconds:.1f} s; vacuuming…")
        vacuum_started = time.perf_counter()
        with owner_connection() as owner, owner.cursor() as cursor:
            # Fresh statistics for the planner, and a visibility map for index-only scans.
            cursor.execute("VACUUM ANALYZE")
        self.counts = dict(progress.counts)
        self.seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {progress.rows:,} rows in {self.seconds:.1f} s "
                f"({progress.rows / self.seconds:,.0f} rows/s; vacuum "
                f"{time.perf_counter() - vacuum_started:.1f} s): "
                + ", ".join(f"{count:,} {kind}" for kind, count in self.counts.items())
                + "."
            )
        )
        if api_key:
            self._print_api_key(self.plans[0])

    def _seed_organization(self, plan: Plan, steps, defaults, now, progress: Progress) -> None:
        started = time.perf_counter()
        params = {
            **defaults,
            "org": plan.organization_id,
            "number": plan.number,
            "name": f"Scale Agency {plan.number}",
            "slug": plan.slug,
            "domain": f"{plan.slug}.example",
            "now": now,
            "founded": now - HISTORY,
            "clients": plan.clients,
            "roles": plan.roles,
            "candidates": plan.candidates,
            "submissions": plan.submissions,
            "activities": plan.activities,
            "recruiters": plan.recruiters,
            "webhook_secret": webhook_secret_generate(),
        }
        counts: dict[str, int] = {}
        try:
            with (
                organization_context(plan.organization_id),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                # The organization is one transaction: a crash leaves nothing half-built,
                # and nothing needs to be durable before its end. The planner has no
                # statistics of the rows the transaction wrote (the application role may not
                # ANALYZE) and takes each organization for a row or two: a nested loop over
                # tens of thousands of nudges, clocks and submissions did not end in ten
                # minutes. Every join here is of whole sets, which hash joins are for. The
                # cost a plan gets for a nested loop it cannot avoid (a cross join) would
                # set off JIT compilation, a quarter of a second per statement: no JIT.
                cursor.execute(
                    "SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '64MB'; "
                    "SET LOCAL enable_nestloop = off; SET LOCAL jit = off"
                )
                for step in steps:
                    if step.largest_only and plan.number != 1:
                        continue
                    progress.stage(plan, step.label)
                    cursor.execute(step.sql, params)
                    if step.counts:
                        counts[step.counts] = counts.get(step.counts, 0) + cursor.rowcount
                        progress.add(step.counts, cursor.rowcount)
        finally:
            connection.close()  # this thread's own connection
        progress.done(plan, counts, time.perf_counter() - started)

    def _reset(self) -> None:
        with owner_connection() as owner, owner.cursor() as cursor:
            # TRUNCATE is the owner's (the application role may not); CASCADE empties
            # every table that refers to an organization or a user.
            cursor.execute("TRUNCATE accounts_organization, accounts_user CASCADE")
        self.stdout.write("Deleted every organization and user.")

    def _print_api_key(self, plan: Plan) -> None:
        with organization_context(plan.organization_id):
            owner = Membership.objects.get(role=MembershipRole.OWNER)
            _, key = api_key_create(actor=owner, name="seed_scale", scopes=[ApiKeyScope.READ])
        self.stderr.write(f"Read API key for {plan.slug}, acting as its owner (shown once):")
        self.stdout.write(key)
