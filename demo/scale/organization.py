"""The organization, its people and its clients: the owner, the recruiters, every
client with two contacts, and hiring-manager and HR logins for every fifth client."""

from accounts.models import Membership, MembershipRole, Organization, User
from demo.scale.sizes import LOGIN_EVERY
from demo.scale.sql import FOUNDED, ORG, Step, insert_select, person_name, pick
from demo.scale.words import COMPANY_KINDS, COMPANY_WORDS
from recruiting.models import Client, Contact


def steps() -> list[Step]:
    """The organization, its users and members, its clients and their contacts."""
    org, created = ORG, FOUNDED
    return [
        Step(
            "organization",
            insert_select(
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
            insert_select(
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
                    SELECT 'owner@' || %(domain)s AS email, {person_name("%(number)s")} AS full_name
                    UNION ALL
                    SELECT 'recruiter' || n || '@' || %(domain)s, {person_name("n * 7")}
                    FROM generate_series(1, %(recruiters)s) AS n
                    UNION ALL
                    SELECT kind || n || '@' || %(domain)s, {person_name("n * 13 + length(kind)")}
                    FROM generate_series(0, %(clients)s - 1, {LOGIN_EVERY}) AS n
                    CROSS JOIN (VALUES ('hm'), ('hr')) AS login (kind)
                ) AS person""",  # noqa: S608
            ),
            "users",
        ),
        Step(
            "agency members",
            insert_select(
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
            insert_select(
                Client,
                {
                    "created_at": "c.at",
                    "updated_at": "c.at",
                    "public_id": "gen_random_uuid()",
                    "external_source": "CASE WHEN c.n %% 2 = 0 THEN 'greenhouse' ELSE '' END",
                    "external_id": "CASE WHEN c.n %% 2 = 0 THEN 'client-' || c.n ELSE '' END",
                    "name": f"{pick(COMPANY_WORDS, 'c.n')} || ' ' || "
                    f"{pick(COMPANY_KINDS, f'c.n / {len(COMPANY_WORDS)}')}",
                    "website": "'https://client' || c.n || '.example'",
                    "timezone": pick(
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
            insert_select(
                Contact,
                {
                    "created_at": "c.created_at",
                    "updated_at": "c.created_at",
                    "public_id": "gen_random_uuid()",
                    "external_source": "''",
                    "external_id": "''",
                    "client_id": "c.id",
                    "kind": "k.kind",
                    "full_name": person_name("c.n * 2 + k.shift"),
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
            insert_select(
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
    ]
