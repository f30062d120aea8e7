"""The models moved into this app without a row being copied.

A database migrated only as far as the old layout (API keys and idempotency records
in accounts, webhooks in engagements), with rows in every moved table, is migrated
to the new one: every row is still there, read through the new models, and the
tables keep their row-level security (enabled and forced), policies, indexes and the
webhook sweep's function.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from activity.services import activity_record
from integrations.models import (
    ApiKey,
    IdempotencyRecord,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from lib.db_roles import application_credentials, application_role_grant, owner_connection
from lib.tenancy import organization_context
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Unapplying the integrations app's first migration unapplies what depends on it too
# (the state-only removals in accounts and engagements): the old layout.
OLD_LAYOUT = [("integrations", None)]
# The old models, as the state of these migrations describes them.
OLD_STATE = [("accounts", "0005_api"), ("engagements", "0012_activity_moves_to_its_own_app")]
MOVED = {
    ApiKey: ("accounts", "ApiKey"),
    IdempotencyRecord: ("accounts", "IdempotencyRecord"),
    WebhookEndpoint: ("engagements", "WebhookEndpoint"),
    WebhookDelivery: ("engagements", "WebhookDelivery"),
    WebhookAttempt: ("engagements", "WebhookAttempt"),
}
TENANT_POLICIES = {"tenant_read", "tenant_insert", "tenant_update", "tenant_delete"}


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)  # a fresh one reads what is applied now
    executor.migrate(targets(executor) if callable(targets) else targets)
    # Tables dropped and made again on the way (those of apps whose migrations depend
    # on the moved ones, such as the metrics rollups) get the application role's
    # grants back, as `manage.py migrate` gives them.
    role, password = application_credentials()
    application_role_grant(connection, role=role, password=password)


def _latest(executor: MigrationExecutor):
    return executor.loader.graph.leaf_nodes()


def _rows_in_old_layout(old_apps, organization, owner, activity) -> dict[str, list[int]]:
    """One or two rows in each moved table, written through the old apps' models."""
    model = lambda label: old_apps.get_model(*label)  # noqa: E731
    org = {"organization_id": organization.pk}
    api_keys = [
        model(MOVED[ApiKey]).objects.create(
            **org,
            name=f"Sync {n}",
            prefix=f"prefix{n:06d}",
            key_hash="0" * 64,
            scopes=["read"],
            membership_id=owner.pk,
        )
        for n in range(2)
    ]
    record = model(MOVED[IdempotencyRecord]).objects.create(
        **org,
        key="retry-1",
        request_fingerprint="f" * 64,
        response_status=201,
        response_content_type="application/json",
        response_body="{}",
    )
    endpoint = model(MOVED[WebhookEndpoint]).objects.create(
        **org, url="https://93.184.215.14/hook", event_types=["client.created"], secret="whsec_x"
    )
    delivery = model(MOVED[WebhookDelivery]).objects.create(
        **org,
        endpoint=endpoint,
        activity_id=activity.pk,
        event_type="client.created",
        body="{}",
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )
    attempts = [
        model(MOVED[WebhookAttempt]).objects.create(**org, delivery=delivery, number=n)
        for n in (1, 2)
    ]
    return {
        "accounts_apikey": [key.pk for key in api_keys],
        "accounts_idempotencyrecord": [record.pk],
        "engagements_webhookendpoint": [endpoint.pk],
        "engagements_webhookdelivery": [delivery.pk],
        "engagements_webhookattempt": [attempt.pk for attempt in attempts],
    }


def _security(table: str) -> tuple[bool, bool, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass",
            [table],
        )
        enabled, forced = cursor.fetchone()
        cursor.execute("SELECT policyname FROM pg_policies WHERE tablename = %s", [table])
        return enabled, forced, {row[0] for row in cursor.fetchall()}


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {row[0] for row in cursor.fetchall()}


def test_the_move_keeps_every_row_and_the_row_level_security_of_the_old_tables(organization):
    owner = MembershipFactory(organization=organization, role="owner")
    with organization_context(organization.id):
        activity = activity_record(actor=owner, verb="client.created", summary="A client")
    indexes_before = {model._meta.db_table: _indexes(model._meta.db_table) for model in MOVED}

    with owner_connection():
        try:
            _migrate(OLD_LAYOUT)
            applied = MigrationRecorder(connection).applied_migrations()
            assert ("integrations", "0001_initial") not in applied
            assert ("accounts", "0006_api_keys_move_to_integrations") not in applied
            old_apps = MigrationExecutor(connection).loader.project_state(OLD_STATE).apps
            with organization_context(organization.id):
                written = _rows_in_old_layout(old_apps, organization, owner, activity)
        finally:
            _migrate(_latest)  # whatever happened, the next test finds the schema it expects

    with organization_context(organization.id):
        for model in MOVED:
            table = model._meta.db_table
            assert sorted(model.objects.values_list("pk", flat=True)) == written[table], table
        assert ApiKey.objects.get(prefix="prefix000001").membership == owner
        assert WebhookDelivery.objects.get().attempts.count() == 2
        assert IdempotencyRecord.objects.get().response_status == 201
    for model in MOVED:
        table = model._meta.db_table
        enabled, forced, policies = _security(table)
        assert (enabled, forced) == (True, True), table
        assert policies >= TENANT_POLICIES, table
        assert _indexes(table) == indexes_before[table], table
    assert "owner_sweep_webhook_deliveries" in _security("engagements_webhookdelivery")[2]
    with connection.cursor() as cursor:
        # Without a context the application role sees none of these rows...
        cursor.execute("SELECT count(*) FROM accounts_apikey")
        assert cursor.fetchone() == (0,)
        # ...and the sweep still has its narrow path to the due deliveries' ids.
        cursor.execute(
            "SELECT delivery_id FROM rapport_due_webhook_deliveries(%s, %s, 10)",
            [timezone.now() + timedelta(hours=1), timezone.now()],
        )
        assert cursor.fetchall() == [(written["engagements_webhookdelivery"][0],)]
