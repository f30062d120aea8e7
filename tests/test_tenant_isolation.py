"""Isolation between organizations, enforced by the ORM and by PostgreSQL itself."""

import secrets
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Membership, Organization
from engagements.models import (
    ActionLink,
    CheckIn,
    DigestLog,
    Notification,
    NudgeDelivery,
    NudgePolicy,
    Reminder,
    ReminderKind,
)
from integrations.services import idempotency_record
from lib.exceptions import TenantContextMissing
from lib.models import TenantManager, TenantModel
from lib.tenancy import organization_context, user_context
from metrics.models import (
    ClockRollup,
    DelayLoss,
    DelayReason,
    DurationRollup,
    FeedbackRollup,
    Measure,
    RoleRollup,
    SubmissionRollup,
    TargetPeriod,
    WeeklyReport,
)
from metrics.rollups import Delta, rollup_add
from privacy.models import CandidateErasure, ErasureVia, RetentionPolicy, RetentionRun
from tests.api.conftest import issue_key
from tests.api.world import build_world
from tests.factories import ClientFactory, InvitationFactory, MembershipFactory

# Global by nature: a person's login exists once, whichever agencies they join.
GLOBAL_MODELS = {"accounts.User"}


def _is_project_app(app_config) -> bool:
    """An app whose code lives in this repository (not an installed package), so an
    app added by a restructuring (activity, integrations, ...) is covered unlisted."""
    path = Path(app_config.path).resolve()
    return path.is_relative_to(Path(settings.BASE_DIR).resolve()) and (
        "site-packages" not in path.parts
    )


def project_models():
    return [
        model
        for model in apps.get_models()
        if _is_project_app(model._meta.app_config) and not model._meta.proxy
    ]


def tenant_tables():
    """Every table of the project's models that is not explicitly global."""
    return [
        model._meta.db_table for model in project_models() if model._meta.label not in GLOBAL_MODELS
    ]


@pytest.fixture
def two_agencies(organization, other_organization):
    """Each agency with a member and an invitation."""
    for agency in (organization, other_organization):
        MembershipFactory(organization=agency)
        InvitationFactory(organization=agency)
    return organization, other_organization


@pytest.mark.parametrize("table", tenant_tables())
def test_tenant_table_has_row_level_security_enabled_and_forced(db, table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = %s", [table]
        )
        enabled, forced = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_policies WHERE tablename = %s", [table])
        (policies,) = cursor.fetchone()
    assert enabled, f"{table} has no row-level security"
    assert forced, f"{table} does not force row-level security on its owner"
    assert policies >= 4, f"{table} lacks select/insert/update/delete policies"


@pytest.mark.parametrize(
    "model", [m for m in project_models() if issubclass(m, TenantModel)], ids=str
)
def test_tenant_model_default_manager_is_scoped(model):
    assert isinstance(model._default_manager, TenantManager)


def test_every_project_model_is_tenant_owned_or_declared_global():
    undeclared = [
        model._meta.label
        for model in project_models()
        if not issubclass(model, TenantModel)
        and model is not Organization
        and model._meta.label not in GLOBAL_MODELS
    ]
    assert undeclared == []


def test_orm_query_on_tenant_model_without_context_raises(two_agencies):
    with pytest.raises(TenantContextMissing):
        list(Membership.objects.all())


def test_orm_query_in_context_returns_only_that_organizations_rows(two_agencies):
    agency, _ = two_agencies
    with organization_context(agency.id):
        organizations = set(Membership.objects.values_list("organization_id", flat=True))
    assert organizations == {agency.id}


def test_insert_carrying_another_organizations_id_is_rejected_by_the_database(
    two_agencies, recruiter
):
    agency, other = two_agencies
    with (
        organization_context(agency.id),
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO accounts_membership "
            "(organization_id, user_id, role, public_id, created_at, updated_at) "
            "VALUES (%s, %s, 'owner', gen_random_uuid(), now(), now())",
            [other.id, recruiter.user_id],
        )


def test_update_cannot_move_a_row_into_another_organization(two_agencies, recruiter):
    agency, other = two_agencies
    with (
        organization_context(agency.id),
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE accounts_membership SET organization_id = %s WHERE id = %s",
            [other.id, recruiter.pk],
        )


def test_a_user_reads_their_own_memberships_in_every_organization_without_context(
    organization, other_organization
):
    person = MembershipFactory(organization=organization).user
    MembershipFactory(organization=other_organization, user=person)
    MembershipFactory(organization=other_organization)  # someone else's
    with user_context(person.pk):
        own = list(Membership.own.values_list("organization_id", flat=True))
        names = set(Organization.objects.values_list("name", flat=True))
    assert sorted(own, key=str) == sorted([organization.id, other_organization.id], key=str)
    assert names == {organization.name, other_organization.name}


def test_the_application_connects_as_a_restricted_role(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole "
            "FROM pg_roles WHERE rolname = current_user"
        )
        name, superuser, bypassrls, createdb, createrole = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_tables "
            "WHERE schemaname = 'public' AND tableowner = current_user"
        )
        (owned_tables,) = cursor.fetchone()
    assert name == "rapport_app"
    assert not superuser
    assert not bypassrls
    assert not createdb
    assert not createrole
    assert owned_tables == 0


# --- Every tenant table, filled for two organizations ---------------------------------
# Row-level security is checked on rows: a policy that lets everything through passes
# any test run on an empty table.


def populate_every_tenant_table(organization) -> None:
    """At least one row of `organization` in every tenant table: the API's world (two
    clients' objects, their agreements' intake meetings and discussion, a webhook
    endpoint and its delivery with its attempts) and the rows it lacks."""
    client_company = ClientFactory(organization=organization)
    recruiter = MembershipFactory(organization=organization, role="recruiter")
    manager = MembershipFactory(
        organization=organization, role="hiring_manager", client=client_company
    )
    ours = build_world(
        organization=organization,
        client_company=client_company,
        recruiter=recruiter,
        hiring_manager=manager,
    ).ours
    issue_key(recruiter)  # an API key, issued by an admin of the organization
    InvitationFactory(organization=organization)
    role, nudge = ours["recruiting.Role"], ours["engagements.Nudge"]
    now = timezone.now()
    with organization_context(organization.id):
        idempotency_record(
            key="order-1",
            fingerprint="0" * 64,
            status=201,
            content_type="application/json",
            body="{}",
        )
        NudgePolicy.objects.create(organization=organization)
        NudgeDelivery.objects.create(
            organization=organization,
            nudge=nudge,
            email=manager.user.email,
            membership=manager,
            sent_at=now,
        )
        Notification.objects.create(
            organization=organization, membership=manager, nudge=nudge, title="Review due"
        )
        ActionLink.objects.create(
            organization=organization,
            token_hash=secrets.token_hex(32),
            membership=manager,
            nudge=nudge,
            path="/",
            expires_at=now + timedelta(days=7),
        )
        DigestLog.objects.create(
            organization=organization, membership=recruiter, local_date=now.date()
        )
        CheckIn.objects.create(
            organization=organization, role=role, held_at=now, logged_by=recruiter
        )
        Reminder.objects.create(
            organization=organization,
            kind=ReminderKind.MISSED_CHECKIN,
            role=role,
            period=now.date().isoformat(),
            scheduled_for=now,
        )
        _metrics_rows(organization, ours)
        CandidateErasure.objects.create(
            organization=organization, candidate_public_id=uuid.uuid4(), via=ErasureVia.COMMAND
        )
        RetentionPolicy.objects.create(organization=organization)
        RetentionRun.objects.create(organization=organization, day=now.date())


def _metrics_rows(organization, ours) -> None:
    """A row of each metrics rollup (the world's events filled some already), a cost of
    delay, a target period and a weekly report."""
    clock, submission = ours["engagements.ResponseClock"], ours["recruiting.Submission"]
    values = {
        "client_id": clock.client_id,
        "role_id": clock.role_id,
        "contact_id": clock.contact_id,
        "owed_by": clock.owed_by,
        "day": clock.due_at.date(),
        "measure": Measure.LATENESS,
        "bucket": 0,
    }
    rollup_add(
        organization_id=organization.id,
        deltas=[
            Delta(model, tuple(values[name] for name in model.KEY), {model.COUNTERS[0]: 1})
            for model in (ClockRollup, FeedbackRollup, SubmissionRollup, RoleRollup, DurationRollup)
        ],
    )
    DelayLoss.objects.create(
        organization=organization,
        submission=submission,
        client_id=clock.client_id,
        role_id=clock.role_id,
        clock=clock,
        owed_by=clock.owed_by,
        reason=DelayReason.OVERDUE,
        stage="lost",
        lost_at=clock.due_at,
        day=clock.due_at.date(),
        business_seconds_late=0,
        seconds_late=0,
    )
    TargetPeriod.objects.create(
        organization=organization,
        client_id=clock.client_id,
        role_id=clock.role_id,
        starts_on=clock.due_at.date(),
        submissions_per_week=3,
        checkin_cadence="weekly",
    )
    WeeklyReport.objects.create(
        organization=organization, client_id=clock.client_id, week=clock.due_at.date()
    )


@pytest.fixture
def every_table_filled(organization, other_organization):
    for agency in (organization, other_organization):
        populate_every_tenant_table(agency)
    return organization, other_organization


def _owning_organizations(table: str) -> list:
    """The owning organization of each row the connection may read, raw SQL, no ORM."""
    column = "id" if table == Organization._meta.db_table else "organization_id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - table names from the ORM
        return [row[0] for row in cursor.fetchall()]


def test_each_organization_reads_exactly_its_own_rows_of_every_tenant_table(
    every_table_filled,
):
    problems = []
    for agency in every_table_filled:
        with organization_context(agency.id):
            for table in tenant_tables():
                owners = _owning_organizations(table)
                if not owners:
                    problems.append(
                        f"{table}: no row of {agency.name}; make one in populate_every_tenant_table"
                    )
                elif set(owners) != {agency.id}:
                    problems.append(f"{table}: {agency.name} reads another organization's rows")
    assert problems == []


def test_no_row_of_any_tenant_table_is_readable_without_an_organization_context(
    every_table_filled,
):
    agency, _ = every_table_filled
    with organization_context(agency.id):
        filled = [table for table in tenant_tables() if _owning_organizations(table)]
    assert filled == tenant_tables()  # so an empty answer below is the policies' doing
    readable = [table for table in tenant_tables() if _owning_organizations(table)]
    assert readable == []


# The policies' conditions as PostgreSQL stores them (pg_policies), whitespace aside.
ACTIVE_ORGANIZATION = (
    "(NULLIF(current_setting('rapport.organization_id'::text, true), ''::text))::uuid"
)
ROW_OF_ACTIVE_ORGANIZATION = f"(organization_id = {ACTIVE_ORGANIZATION})"
ACTIVE_USER = "(NULLIF(current_setting('rapport.user_id'::text, true), ''::text))::bigint"
# The narrow reads outside the active organization (`read_also` in lib/row_level_security.py),
# each revealing what one setting names and nothing else.
READ_ALSO = {
    "accounts_membership": f"(user_id = {ACTIVE_USER})",
    "accounts_invitation": (
        "((token_hash)::text = "
        "NULLIF(current_setting('rapport.invitation_token_hash'::text, true), ''::text))"
    ),
    "accounts_apikey": (
        "((prefix)::text = NULLIF(current_setting('rapport.api_key_prefix'::text, true), ''::text))"
    ),
    "engagements_actionlink": (
        "((token_hash)::text = "
        "NULLIF(current_setting('rapport.action_token_hash'::text, true), ''::text))"
    ),
    # The switcher names the organizations the signed-in user belongs to.
    "accounts_organization": (
        "(id IN ( SELECT accounts_membership.organization_id FROM accounts_membership "  # noqa: S608 - expected policy text, not a query
        f"WHERE (accounts_membership.user_id = {ACTIVE_USER})))"
    ),
}
# Policies for the owner role alone, for the SECURITY DEFINER functions that span
# organizations (the nudge scan, the webhook sweep, the organization list, the weekly
# reports' sweep) or read an index row-level security keeps from the application role
# (the candidate search, the search in the header).
OWNER_ONLY_READS = {
    "accounts_organization": "owner_list_organizations",
    "engagements_responseclock": "owner_scan_clocks",
    "engagements_nudge": "owner_scan_nudges",
    "engagements_webhookdelivery": "owner_sweep_webhook_deliveries",
    "metrics_weeklyreport": "owner_scan_weekly_reports",
    "recruiting_candidate": "owner_search_candidates",
    "recruiting_role": "owner_search_roles",
    "recruiting_client": "owner_search_clients",
    "recruiting_contact": "owner_search_contacts",
}


def _expected_tenant_policies(table: str) -> dict:
    if table == Organization._meta.db_table:
        match = f"(id = {ACTIVE_ORGANIZATION})"
    else:
        match = ROW_OF_ACTIVE_ORGANIZATION
    read = f"({match} OR {READ_ALSO[table]})" if table in READ_ALSO else match
    return {
        # name: (command, USING, WITH CHECK)
        "tenant_read": ("SELECT", read, None),
        "tenant_insert": ("INSERT", None, match),
        "tenant_update": ("UPDATE", match, match),
        "tenant_delete": ("DELETE", match, None),
    }


def _squeezed(expression: str | None) -> str | None:
    return None if expression is None else " ".join(expression.split())


@pytest.mark.parametrize("table", tenant_tables())
def test_every_policy_of_a_tenant_table_admits_only_the_active_organizations_rows(db, table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.policyname, p.permissive, p.cmd, p.roles::text[], p.qual, p.with_check, "
            "t.tableowner, pg_has_role(current_user, t.tableowner, 'MEMBER') "
            "FROM pg_policies p JOIN pg_tables t USING (schemaname, tablename) "
            "WHERE p.schemaname = 'public' AND p.tablename = %s",
            [table],
        )
        policies = cursor.fetchall()
    for_everyone, owner_only = {}, {}
    for name, permissive, command, roles, using, check, owner, app_is_owner in policies:
        if roles == [owner] and not app_is_owner:
            owner_only[name] = command
        else:
            for_everyone[name] = (permissive, roles, command, _squeezed(using), _squeezed(check))
    expected = {
        name: ("PERMISSIVE", ["public"], command, using, check)
        for name, (command, using, check) in _expected_tenant_policies(table).items()
    }
    assert for_everyone == expected
    assert owner_only == ({OWNER_ONLY_READS[table]: "SELECT"} if table in OWNER_ONLY_READS else {})
