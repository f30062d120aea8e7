"""A small in-process event bus: a lower layer says what happened, a higher one acts.

Layers import downwards only, so when a change low in the stack must cause work
above it (a submission that moved opens a response clock, an accepted invitation
links a client's contact to the new login), the low layer publishes a named event
and the higher layer subscribes a handler from its AppConfig.ready(). Handlers run
synchronously in the publisher's transaction: what they write commits or rolls back
with the change; anything that leaves the process they schedule on commit.

Every name is declared once before use, so a typo fails loudly instead of going
unheard. The timeline's events are declared in activity/events.py.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Handler = Callable[..., None]

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


def publish(name: str, **data: Any) -> None:
    """Call the handlers of `name` in the order they subscribed."""
    require_declared(name)
    for handler in _handlers.get(name, ()):
        handler(**data)
