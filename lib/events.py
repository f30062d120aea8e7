"""A small in-process event bus: a lower layer says what happened, a higher one acts.

Layers import downwards only, so when a change low in the stack must cause work
above it (a submission that moved opens a response clock, an accepted invitation
links a client's contact to the new login), the low layer publishes a named event
and the higher layer subscribes a handler from its AppConfig.ready(). Handlers run
synchronously in the publisher's transaction: what they write commits or rolls back
with the change; anything that leaves the process they schedule on commit.

Every name is declared once before use, so a typo fails loudly instead of going
unheard. The timeline's events are declared in activity/events.py.

A handler that writes the same tables on every event (the metrics rollups) may gather
its writes in the open `batch` and send them once, as the batch ends: a service wraps
its transaction block in one, so its events cost one write instead of one each.

A caller that brings a layer's derived data up to date in one go afterwards may run a
block with that layer's handlers `deferred`: seed_demo replays months of history, then
rebuilds the metrics once from the rows instead of keeping them event by event.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

Handler = Callable[..., None]
Gathered = Any

_declared: dict[str, str] = {}
_handlers: dict[str, list[Handler]] = defaultdict(list)


class UndeclaredEventType(LookupError):
    """An event name nobody declared: declare it where its publisher lives."""


def declare(name: str, description: str) -> None:
    _declared[name] = description


def require_declared(name: str) -> None:
    if name not in _declared:
        raise UndeclaredEventType(f"Declare the event type {name!r} before using it.")


def subscribe(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler(**data) for each of these events."""
    for name in names:
        require_declared(name)

    def register(handler: Handler) -> Handler:
        for name in names:
            _handlers[name].append(handler)
        return handler

    return register


_deferred: ContextVar[frozenset[str]] = ContextVar("events_deferred", default=frozenset())


def publish(name: str, **data: Any) -> None:
    """Call the handlers of `name` in the order they subscribed, but those of a
    `deferred` app."""
    require_declared(name)
    deferred = _deferred.get()
    for handler in _handlers.get(name, ()):
        if not deferred or handler.__module__.partition(".")[0] not in deferred:
            handler(**data)


@contextmanager
def deferred(*apps: str) -> Iterator[None]:
    """Skip the handlers of these apps (by their top package) while the block runs.

    Only for a caller that then does their work another way, in one go: what the
    handlers would have written is missing until it does. seed_demo defers the metrics
    and rebuilds them from the rows at the end (`metrics_rebuild` finds what the
    handlers keep: its tests hold the two to each other)."""
    token = _deferred.set(_deferred.get() | frozenset(apps))
    try:
        yield
    finally:
        _deferred.reset(token)


@dataclass
class _Batch:
    savepoints: list[str]
    # key → (what its handlers gathered, how to write it)
    gathered: dict[str, tuple[Gathered, Callable[[Gathered], None]]] = field(default_factory=dict)


_batch: ContextVar[_Batch | None] = ContextVar("events_batch", default=None)


def _savepoints() -> list[str]:
    # The savepoints of the open atomic blocks (Django's record of them holds None for
    # a block without one).
    return [sid for sid in connection.savepoint_ids if sid is not None]


@contextmanager
def batch() -> Iterator[None]:
    """Write what the handlers gathered (`batched`) once, as the block ends without an
    error, inside its transaction: entered inside a transaction block, just before its
    end. A batch inside another joins it; outside a transaction it gathers nothing."""
    if _batch.get() is not None or not connection.in_atomic_block:
        yield
        return
    current = _Batch(savepoints=_savepoints())
    token = _batch.set(current)
    try:
        yield
        # A block that swallowed an error is rolled back: nothing to write.
        if not connection.needs_rollback:
            for gathered, write in current.gathered.values():
                write(gathered)
    finally:
        _batch.reset(token)


def batched(
    key: str, *, start: Callable[[], Gathered], write: Callable[[Gathered], None]
) -> Gathered | None:
    """What the open batch gathers under `key` (`start()` the first time), handed to
    `write` as it ends. None when there is no batch, or a savepoint opened since it
    began: what is gathered there must roll back with it, so the caller writes now."""
    current = _batch.get()
    if current is None or _savepoints() != current.savepoints:
        return None
    if key not in current.gathered:
        current.gathered[key] = (start(), write)
    return current.gathered[key][0]
