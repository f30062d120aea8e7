"""Isolation between organizations, enforced by the ORM and by PostgreSQL itself."""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from accounts.models import Membership, Organization
from lib.exceptions import TenantContextMissing
from lib.models import TenantManager, TenantModel
from lib.tenancy import organization_context, user_context
from tests.factories import InvitationFactory, MembershipFactory

PROJECT_APPS = {"accounts", "recruiting", "intake", "engagements"}
# Global by nature: a person's login exists once, whichever agencies they join.
GLOBAL_MODELS = {"accounts.User"}


def project_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy
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


@pytest.mark.parametrize("table", tenant_tables())
def test_raw_select_inside_a_context_sees_only_that_organizations_rows(two_agencies, table):
    agency, other = two_agencies  # both have rows in every table
    column = "id" if table == Organization._meta.db_table else "organization_id"
    with organization_context(agency.id), connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT {column} FROM {table}")  # noqa: S608 - table names from the ORM
        seen = {row[0] for row in cursor.fetchall()}
    assert seen <= {agency.id}
    assert other.id not in seen


@pytest.mark.parametrize("table", tenant_tables())
def test_raw_select_without_context_sees_no_rows(two_agencies, table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table names from the ORM
        assert cursor.fetchone() == (0,)


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
