"""The outbox engine on a table of its own: two workers on two real connections claim
each item once, whichever way they claim; an item whose worker died between claim
and send is sent once by the stale sweep; a broker outage leaves rows for the sweep."""

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from celery import current_app, shared_task
from celery.exceptions import NotRegistered
from django.apps.registry import Apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from psycopg2 import sql

from lib import outbox
from lib.db_roles import owner_connection
from lib.tasks import enqueue

pytestmark = pytest.mark.django_db(transaction=True)

# Registered in a registry of its own, so no other test (nor a flush) knows the table.
outbox_test_apps = Apps(["lib"])
LEASE = timedelta(minutes=5)
ITEMS = 60
ORGANIZATION = uuid.uuid4()
ONCE = "lib_test_outbox_item_once"


class Item(models.Model):
    """An outbox row: claimed by a lease, sent once, stamped when enqueued."""

    organization_id = models.UUIDField()
    key = models.CharField(max_length=40)
    status = models.CharField(max_length=10, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True)
    enqueued_at = models.DateTimeField(null=True)
    sent_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "lib"
        apps = outbox_test_apps
        db_table = "lib_test_outbox_item"
        constraints = [models.UniqueConstraint(fields=["key"], name=ONCE)]

    def __str__(self) -> str:
        return self.key


ITEMS_OUTBOX = outbox.Outbox(
    model=Item,
    task="lib.tests.test_outbox.process_item",
    # Not sent, not leased to a live worker, not just handed to the broker.
    stale_claims_sql=(
        "SELECT id, organization_id FROM lib_test_outbox_item "
        "WHERE status <> 'sent' AND coalesce(lease_until, '-infinity') <= %s "
        "AND (enqueued_at IS NULL OR enqueued_at <= %s) ORDER BY id"
    ),
)
sent: list[int] = []


def claim_attempt(item_id: int) -> bool:
    """Claim the item for one attempt (the attempt is counted in the same update)."""
    now = timezone.now()
    item = Item.objects.get(pk=item_id)
    if item.status == "sent" or (item.lease_until is not None and item.lease_until > now):
        return False
    return outbox.claim(
        Item.objects,
        pk=item_id,
        expect={"status": item.status, "attempts": item.attempts},
        status="claimed",
        attempts=item.attempts + 1,
        lease_until=now + LEASE,
    )


@shared_task(name="lib.tests.test_outbox.process_item")
def process_item(organization_id: str, item_id: int) -> None:
    """A worker: claim and record in one transaction, send after it commits, finish."""
    with transaction.atomic():
        if not claim_attempt(item_id):
            return
    sent.append(item_id)
    Item.objects.filter(pk=item_id).update(status="sent", sent_at=timezone.now())


@pytest.fixture
def items_table():
    """The table, made by the owner role and granted to the application role."""
    with owner_connection() as owner:
        with owner.schema_editor() as editor:
            editor.create_model(Item)
        with owner.cursor() as cursor:
            role = sql.Identifier(settings.DATABASE_APP_ROLE["USER"])
            for grant in (
                "GRANT SELECT, INSERT, UPDATE, DELETE ON lib_test_outbox_item TO {}",
                "GRANT USAGE ON SEQUENCE lib_test_outbox_item_id_seq TO {}",
            ):
                cursor.cursor.execute(sql.SQL(grant).format(role))
    sent.clear()
    yield
    with owner_connection() as owner, owner.schema_editor() as editor:
        editor.delete_model(Item)


@pytest.fixture
def eager_tasks():
    """Tasks run where they are enqueued (Celery's own setting, put back afterwards)."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


def _pending_items(count: int = ITEMS) -> list[int]:
    return [
        Item.objects.create(organization_id=ORGANIZATION, key=f"item-{n}").pk for n in range(count)
    ]


def _race(work: Callable[[], list]) -> tuple[list, list]:
    """Run `work` in two threads, each on its own database connection, started together."""
    start = threading.Barrier(2)
    results: list[list] = [[], []]
    errors: list[BaseException] = []

    def worker(slot: int) -> None:
        try:
            start.wait()
            results[slot] = work()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results[0], results[1]


@pytest.mark.usefixtures("items_table")
def test_two_workers_claiming_the_same_items_by_conditional_update_get_each_once():
    ids = _pending_items()

    def claim_all() -> list[int]:
        mine = []
        for item_id in ids:
            with transaction.atomic():
                if claim_attempt(item_id):
                    mine.append(item_id)
        return mine

    first, second = _race(claim_all)

    assert set(first).isdisjoint(second)
    assert sorted(first + second) == ids
    assert set(Item.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.usefixtures("items_table")
def test_two_workers_inserting_the_same_claims_get_only_the_rows_each_inserted():
    keys = [f"level-{n}" for n in range(ITEMS)]

    def insert_all() -> list[str]:
        mine = []
        for key in keys:  # one statement per key, so the two interleave
            inserted = outbox.insert_claims(
                Item,
                [{"organization_id": ORGANIZATION, "key": key}],
                constraint=ONCE,
                returning=("key",),
            )
            mine += [row[0] for row in inserted]
        return mine

    first, second = _race(insert_all)

    assert set(first).isdisjoint(second)
    assert sorted(first + second) == sorted(keys)
    assert Item.objects.count() == ITEMS


@pytest.mark.usefixtures("items_table")
def test_insert_claims_fills_defaults_and_returns_only_new_rows_of_a_batch():
    before = timezone.now()
    (existing,) = outbox.insert_claims(
        Item,
        [{"organization_id": ORGANIZATION, "key": "a"}],
        constraint=ONCE,
    )
    inserted = outbox.insert_claims(
        Item,
        [{"organization_id": ORGANIZATION, "key": key} for key in ("a", "b", "c")],
        constraint=ONCE,
        returning=("id", "key"),
    )

    assert [key for _, key in inserted] == ["b", "c"]
    assert existing[0] not in [pk for pk, _ in inserted]
    b = Item.objects.get(key="b")
    assert (b.status, b.attempts) == ("pending", 0)
    assert b.created_at >= before


@pytest.mark.usefixtures("items_table")
def test_a_worker_dying_between_claim_and_send_leaves_the_item_to_the_stale_sweep(eager_tasks):
    (item_id,) = _pending_items(1)
    with transaction.atomic():
        assert claim_attempt(item_id)  # attempt 1 is recorded; the worker dies before sending

    now = timezone.now()
    assert ITEMS_OUTBOX.requeue_stale(now, now) == 0  # its lease still runs
    with time_machine.travel(now + LEASE + timedelta(seconds=1)):
        moment = timezone.now()
        assert ITEMS_OUTBOX.requeue_stale(moment, moment) == 1
        assert ITEMS_OUTBOX.requeue_stale(moment, moment) == 0

    assert sent == [item_id]
    item = Item.objects.get()
    assert (item.status, item.attempts) == ("sent", 2)
    assert item.enqueued_at is not None


@pytest.mark.usefixtures("items_table", "celery_queue")
def test_rows_the_broker_did_not_take_stay_unstamped_until_the_sweep_publishes_them(
    broker_down,
):
    ids = _pending_items(2)

    assert ITEMS_OUTBOX.enqueue(organization_id=ORGANIZATION, ids=ids) == []
    assert set(Item.objects.values_list("enqueued_at", flat=True)) == {None}

    broker_down()  # the broker is back
    now = timezone.now()
    assert ITEMS_OUTBOX.requeue_stale(now, now) == 2
    assert None not in set(Item.objects.values_list("enqueued_at", flat=True))
    assert ITEMS_OUTBOX.requeue_stale(now, now) == 0  # enqueued after `now`: not stale


def test_a_task_named_wrongly_is_an_error_not_a_broker_outage():
    with pytest.raises(NotRegistered):
        enqueue("lib.tests.test_outbox.no_such_task")


def test_retry_delay_follows_the_schedule_then_gives_up():
    schedule = [0, 5, 300]
    assert [outbox.retry_delay(n, schedule) for n in range(4)] == [
        timedelta(0),
        timedelta(seconds=5),
        timedelta(seconds=300),
        None,
    ]
