"""Writing the rollups: upserts in the event's transaction, and the rebuild's bulk load.

Both paths take the same `Delta`s, made by the same functions (`metrics.facts`), so
an incremental update and a rebuild can only disagree if an event is missed or
handled twice, which is what the property test looks for.

Inside a service's transaction block (`lib.events.batch`, entered by the services
and by `activity_record`), the deltas of all its events are gathered and written as
the block ends, still inside it: summed by row, rows that sum to nothing left out,
the lock and every table's upsert in one round trip. Outside a batch, or inside a
savepoint opened since the batch began, they are written at once.

Concurrency: a rebuild replaces an organization's rows while events keep coming.
Each write first takes a shared advisory lock on the organization, the rebuild an
exclusive one, both until the end of their transaction. An event that commits before
the rebuild takes its lock is in the raw rows the rebuild reads; one that comes later
waits for the rebuild to commit, then adds to the rebuilt rows. Events of one
organization never wait for each other (the lock is shared), and an organization's
rebuild holds up no other organization. Rows derived with the rollups (a cost of
delay) are inserted under the same lock, in the same round trip. Concurrent writes
touch the same rows (an organization's totals of the day, a client's week): each
write upserts its tables, and its rows in each, in one order, at the end of its
transaction, so two writes queue on those rows rather than deadlock.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, models
from django.utils import timezone

from lib import events
from lib.tenancy import organization_context
from metrics.models import ROLLUPS, Rollup

# The advisory lock's first key: "metrics" in the lock space of this database.
LOCK_CLASS = 7_301


@dataclass(frozen=True)
class Delta:
    """What to add to one row of a rollup: its key (the model's KEY, in order) and the
    amounts by counter."""

    model: type[Rollup]
    key: tuple
    counters: dict[str, int] = field(hash=False)


Sums = dict[type[Rollup], dict[tuple, dict[str, int]]]


def merged(deltas: Iterable[Delta]) -> Sums:
    """The deltas summed by table and key, and each table's sums added to its
    coarser copies (`Rollup.copies`: organization-wide totals, client weeks), so that
    the upsert and the rebuild keep every level alike."""
    sums: Sums = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for delta in deltas:
        row = sums[delta.model][delta.key]
        for name, amount in delta.counters.items():
            row[name] += amount
    # Projected from the summed rows rather than from each delta: a rebuild has many
    # times more deltas than rows.
    for model in [model for model in sums if model.copies()]:
        for copy in model.copies():
            copied = sums[copy]
            for key, counters in sums[model].items():
                row = copied[projected(model, copy, key)]
                for name, amount in counters.items():
                    row[name] += amount
    return sums


def projected(model: type[Rollup], copy: type[Rollup], key: tuple) -> tuple:
    """The key of `copy`'s row that a row of `model` adds to: its columns, the day's
    week (its Monday) for `week`."""
    day = model.KEY.index("day")
    return tuple(
        monday(key[day]) if name == "week" else key[model.KEY.index(name)] for name in copy.KEY
    )


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _columns(model: type[Rollup]) -> list[str]:
    return ["organization_id", *model.KEY, *model.COUNTERS, "created_at", "updated_at"]


def _rows(organization_id, model, keyed: dict[tuple, dict[str, int]], now) -> list[tuple]:
    return [
        (organization_id, *key, *(row.get(name, 0) for name in model.COUNTERS), now, now)
        for key, row in keyed.items()
    ]


def rollup_add(*, organization_id, deltas: Iterable[Delta], rows: Iterable = ()) -> None:
    """Add the deltas to their rows, creating those that do not exist, and insert
    `rows` (unsaved model instances): gathered by the open batch and written as it
    ends, or written now (module docstring)."""
    gathered = events.batched(BATCH, start=Gathered, write=rollup_write)
    if gathered is None:
        _write(organization_id, list(deltas), list(rows))
    else:
        gathered.add(organization_id, deltas, rows)


BATCH = "metrics.rollups"


class Gathered(defaultdict):
    """A batch's deltas and rows to insert, by organization."""

    def __init__(self):
        super().__init__(lambda: ([], []))

    def add(self, organization_id, deltas: Iterable[Delta], rows: Iterable) -> None:
        gathered_deltas, gathered_rows = self[organization_id]
        gathered_deltas.extend(deltas)
        gathered_rows.extend(rows)


def rollup_write(gathered: Gathered) -> None:
    """Write what a batch gathered, each organization's in its own context (row-level
    security checks the rows against it)."""
    for organization_id, (deltas, rows) in gathered.items():
        with organization_context(organization_id):
            _write(organization_id, deltas, rows)


def _write(organization_id, deltas: list[Delta], rows: list) -> None:
    """One round trip: the write function (`write_function_sql`) with every table's
    summed rows, then one INSERT per row."""
    sums = merged(deltas)
    changes = {}
    # Tables, then rows, in one order for every write: two writes that touch the same
    # rows (an organization's totals of the day, above all) lock them in the same order
    # and wait for each other instead of deadlocking. The function upserts its tables
    # in the same order, and each table's rows in the order given.
    for model in sorted(sums, key=lambda model: model._meta.db_table):
        names = (*model.KEY, *model.COUNTERS)
        keyed = [
            dict(zip(names, (*key, *(row.get(name, 0) for name in model.COUNTERS)), strict=True))
            for key, row in sorted(sums[model].items(), key=lambda item: _lock_order(item[0]))
            if any(row.values())
        ]
        if keyed:
            changes[model._meta.db_table] = keyed
    if not (changes or rows):
        return
    statements = [
        (
            f"SELECT {WRITE_FUNCTION}(%s, %s)",
            [str(organization_id), json.dumps(changes, default=date.isoformat)],
        ),
        *(_insert_sql(row) for row in rows),
    ]
    with connection.cursor() as cursor:
        # Not prepared on the server: behind a transaction pooler (PgBouncer), the next
        # transaction may run on another server connection, where a prepared statement
        # does not exist. The function's own plans are cached by each connection.
        cursor.execute(
            "; ".join(sql for sql, _ in statements),
            [value for _, values in statements for value in values],
        )


def _lock_order(key: tuple) -> tuple:
    # Comparable whatever the column: a missing contact (None) sorts first.
    return tuple((value is not None, value) for value in key)


WRITE_FUNCTION = "rapport_rollups_add"


def write_function_sql() -> str:
    """The database function that adds a write's rows to the rollups: the shared lock,
    then one `INSERT … ON CONFLICT … DO UPDATE SET n = t.n + EXCLUDED.n` per table the
    write touches, its rows from `changes` ({table: [{column: value}]}).

    A function because PL/pgSQL keeps the plans of its statements for the connection:
    parsing and planning a dozen upserts, checked against row-level security, cost
    more than running them. The text is made from the models; a migration
    creates it and a test holds the migrated function to this text, so a change to
    a rollup's columns needs a migration that replaces the function."""
    blocks = "".join(
        _function_upsert(model) for model in sorted(ROLLUPS, key=lambda m: m._meta.db_table)
    )
    return (
        f"CREATE OR REPLACE FUNCTION {WRITE_FUNCTION}(organization uuid, changes jsonb)\n"
        "RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n"
        f"    PERFORM pg_advisory_xact_lock_shared({LOCK_CLASS}, hashtext(organization::text));\n"
        f"{blocks}END\n$$"
    )


def _function_upsert(model: type[Rollup]) -> str:
    table = model._meta.db_table
    fields = {field.attname: field for field in model._meta.concrete_fields}
    names = (*model.KEY, *model.COUNTERS)
    record = ", ".join(f"{name} {fields[name].db_type(connection)}" for name in names)
    updates = ", ".join(f"{name} = t.{name} + EXCLUDED.{name}" for name in model.COUNTERS)
    return (
        f"    IF changes ? '{table}' THEN\n"  # noqa: S608 - names from the models
        f"        INSERT INTO {table} AS t (organization_id, {', '.join(names)}, created_at, "
        "updated_at)\n"
        f"        SELECT organization, {', '.join(f'r.{name}' for name in names)}, now(), now()\n"
        f"        FROM jsonb_to_recordset(changes -> '{table}') AS r ({record})\n"
        f"        ON CONFLICT ON CONSTRAINT {model.UNIQUE} DO UPDATE SET {updates}, "
        "updated_at = EXCLUDED.updated_at;\n"
        "    END IF;\n"
    )


def _insert_sql(row: models.Model) -> tuple[str, list]:
    """An unsaved instance's INSERT, its values prepared as Django's save would."""
    fields = [f for f in row._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in fields]
    columns = ", ".join(f.column for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {row._meta.db_table} ({columns}) VALUES ({placeholders})", values  # noqa: S608


def rebuild_lock(*, organization_id) -> None:
    """The rebuild's exclusive lock on the organization's rollups, held to commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_CLASS, str(organization_id)]
        )


def rollup_replace(*, organization_id, model: type[Rollup], sums: Sums) -> int:
    """Replace the organization's rows of `model` with its part of `sums` (the
    rebuild's `merged` deltas). Rows whose counters all sum to zero are left out.
    Returns the rows."""
    keyed = sums.get(model, {})
    keyed = {key: row for key, row in keyed.items() if any(row.values())}
    table = model._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [organization_id])  # noqa: S608
        if not keyed:
            return 0
        columns = _columns(model)
        rows = _rows(organization_id, model, keyed, now)
        # One statement whatever the number of rows: a column array each, unnested.
        # In the order of the key, so that a client's rows (the key's first column)
        # share pages of the table: a client's year reads hundreds of pages instead of
        # thousands.
        field_types = {f.attname: f.db_type(connection) for f in model._meta.concrete_fields}
        arrays = ", ".join(f"%s::{field_types[name].split('(')[0]}[]" for name in columns)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) "  # noqa: S608
            f"AS r ({', '.join(columns)}) ORDER BY {', '.join(model.KEY)}",
            [list(column) for column in zip(*rows, strict=True)],
        )
    return len(keyed)
