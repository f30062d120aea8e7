"""The outbox: work that must reach the outside world is a row first and a message second.

A service writes the row (a nudge to send, a webhook delivery) in the transaction that
decides the work. From there every kind of outbox row follows the same contract:

1. **Claim.** A worker owns a piece of work only through a statement that succeeds for
   one caller: a conditional update (`claim`: `UPDATE … WHERE` the row is still as it
   was read; one row or none) or an insert under a unique constraint (`insert_claims`:
   `INSERT … ON CONFLICT ON CONSTRAINT … DO NOTHING`; the rows returned are this
   caller's). Whoever loses does nothing, so a duplicate message is harmless.
2. **Record the attempt** in the claiming transaction, before any I/O, so that a crash
   leaves a row saying what was under way.
3. **Send after commit.** `Outbox.enqueue` hands rows to their Celery task only once
   the claim has committed (call it from `transaction.on_commit`) and stamps
   `enqueued_at` on each row published; a broker failure is logged, not raised, and
   leaves the rest unstamped. The task does the I/O outside the claiming transaction.
4. **Retry with backoff.** `retry_delay` reads the next wait from a schedule; a wait up
   to `COUNTDOWN_LIMIT` is a Celery countdown, a longer one is left to the sweep.
   (A transient failure inside a task may also be retried by Celery's own backoff.)
5. **Requeue stale claims.** `Outbox.requeue_stale` runs the kind's stale-claims query,
   a SECURITY DEFINER function returning `(id, organization_id)` only (the one read
   across organizations), and enqueues each organization's rows again: those never
   published, and those whose worker died after claiming.

What is domain-specific (who receives a nudge, how a webhook is signed, what counts
as success) stays with the rows' app.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db import connection, models
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

from lib.tasks import enqueue
from lib.tenancy import organization_context

# Celery countdowns up to this long; a longer wait is the sweep's. Redis hands an
# unacknowledged message to another worker after its visibility timeout (an hour),
# and a countdown message counts as unacknowledged while it waits.
COUNTDOWN_LIMIT = timedelta(minutes=10)


def claim(rows: models.QuerySet, *, pk: int, expect: Mapping[str, Any], **changes: Any) -> bool:
    """Move row `pk` from the state `expect` describes to `changes`; True for the one
    caller whose update matched.

    Under READ COMMITTED a concurrent claimer's UPDATE waits for the first one's
    commit, reads the row again, finds it no longer as expected and matches nothing.
    """
    return rows.filter(pk=pk, **expect).update(**changes) == 1


def insert_claims(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    constraint: str,
    returning: Sequence[str] = ("id",),
) -> list[tuple]:
    """Insert `rows` (field values of `model`), skipping every row that the unique
    `constraint` says exists already; returns `returning` of the rows inserted, which
    are this caller's claims.

    One statement for the batch, whatever its size. Fields left out take their
    defaults, as in `Model.objects.create`.
    """
    if not rows:
        return []
    objs = [model(**row) for row in rows]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        # A field with only a database default is left to the database.
        and not isinstance(getattr(objs[0], field.attname), DatabaseDefault)
    ]
    params: list[Any] = []
    for obj in objs:
        params += [
            field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields
        ]
    quote = connection.ops.quote_name
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - names from the model
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES {', '.join([row_sql] * len(objs))} "
        f"ON CONFLICT ON CONSTRAINT {quote(constraint)} DO NOTHING "
        f"RETURNING {', '.join(quote(model._meta.get_field(name).column) for name in returning)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def retry_delay(attempts_made: int, schedule: Sequence[float]) -> timedelta | None:
    """The wait before the next attempt (`schedule` in seconds, one per attempt), or None
    when the schedule is spent."""
    if attempts_made >= len(schedule):
        return None
    return timedelta(seconds=schedule[attempts_made])


@dataclass(frozen=True)
class Outbox:
    """One kind of outbox row: its model (a tenant table with `enqueued_at`), the Celery
    task that processes one row, called as `task(organization_id, row_id)`, and the
    query that finds stale claims, returning `(row_id, organization_id)` rows."""

    model: type[models.Model]
    task: str
    stale_claims_sql: str

    def enqueue(
        self,
        *,
        organization_id: UUID | str,
        ids: Sequence[int],
        countdown: timedelta | None = None,
    ) -> list[int]:
        """Publish one message per row and stamp `enqueued_at` on those published.

        Stops at the first broker failure: what was not published keeps its old
        `enqueued_at` (or none), which is what the stale-claims query looks for.
        """
        published = []
        for row_id in ids:
            if not enqueue(self.task, str(organization_id), row_id, countdown=countdown):
                break
            published.append(row_id)
        if published:
            with organization_context(organization_id):
                self.model._default_manager.filter(pk__in=published).update(
                    enqueued_at=timezone.now()
                )
        return published

    def requeue_stale(self, *params: Any) -> int:
        """Enqueue again every row the stale-claims query finds (`params` are its own);
        returns how many it found, published or not."""
        with connection.cursor() as cursor:
            cursor.execute(self.stale_claims_sql, params)
            stale = cursor.fetchall()
        by_organization: dict[str, list[int]] = defaultdict(list)
        for row_id, organization_id in stale:
            by_organization[str(organization_id)].append(row_id)
        for organization_id, ids in by_organization.items():
            self.enqueue(organization_id=organization_id, ids=ids)
        return len(stale)
