"""Events about response clocks, for the layers above engagements.

A clock opens, closes and has its due time moved inside engagements' own services
(the handlers of recruiting's events, the competing-offer deadline); those changes
are not timeline entries, so they are declared here as plain events of the bus
(`lib/events.py`). They are published in the transaction that changes the clock, so
a subscriber's writes (the metrics rollups) commit or roll back with it.

Each handler receives keyword arguments:

* ``clock.opened``: ``clock``, the new `ResponseClock`;
* ``clock.closed``: ``clocks``, the clocks just closed, as saved (``closed_at``,
  ``outcome`` and ``closed_by`` set), all of one submission and one outcome; and
  ``others``, that submission's other clocks, open or closed before;
* ``clock.due_changed``: ``clock`` (its new ``due_at``) and ``previous_due_at``.
"""

from lib import events

CLOCK_OPENED = "clock.opened"
CLOCK_CLOSED = "clock.closed"
CLOCK_DUE_CHANGED = "clock.due_changed"

events.declare(CLOCK_OPENED, "A response clock opened: the client owes an action.")
events.declare(
    CLOCK_CLOSED, "Response clocks closed: answered, or cancelled as the candidate left."
)
events.declare(CLOCK_DUE_CHANGED, "An open clock's due time moved (a competing-offer deadline).")
