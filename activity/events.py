"""Domain events: every kind of timeline entry, declared once, and who acts on them.

Each service that changes something records one timeline entry (`activity_record`);
that entry is the event. Higher layers subscribe to the types they care about (the
engagements app opens and closes response clocks, the integrations app queues
webhooks) without the recording layer knowing they exist. Handlers run inside the
recording transaction, so what they write commits or rolls back with the event;
anything that talks to the outside world they schedule with `transaction.on_commit`.

`EVENT_TYPES` is the one list of types: recording an undeclared type fails, the
webhook subscription form and the API schema offer the `webhook` ones, and
docs/api.md lists the same.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lib import events
from lib.events import UndeclaredEventType

__all__ = ["EVENT_TYPES", "WEBHOOK_EVENT_TYPES", "UndeclaredEventType", "publish", "subscribe"]

if TYPE_CHECKING:  # the handlers receive the recorded row; no import at run time
    from activity.models import Activity

Handler = Callable[["Activity"], None]


@dataclass(frozen=True)
class EventType:
    description: str
    # Offered to webhook endpoints; the others are the agency's internal audit trail.
    webhook: bool = True


EVENT_TYPES: dict[str, EventType] = {
    "client.created": EventType("A client was added."),
    "client.updated": EventType("A client's details changed."),
    "contact.created": EventType("A contact was added to a client."),
    "contact.updated": EventType("A contact's details changed."),
    "role.created": EventType("A role (job order) was opened."),
    "role.updated": EventType("A role's details changed."),
    "role.status_changed": EventType("A role was put on hold, reopened, filled or cancelled."),
    "intake.recorded": EventType("An intake meeting was recorded for a role."),
    "agreement.proposed": EventType("An expectation agreement was proposed to the client."),
    "agreement.commented": EventType("Someone commented on an agreement."),
    "agreement.acknowledged": EventType("The hiring manager or HR acknowledged an agreement."),
    "agreement.agreed": EventType("Both client parties acknowledged: the agreement is in force."),
    "candidate.created": EventType("A candidate was added."),
    "candidate.updated": EventType("A candidate's details changed."),
    # Its payload names nobody: the candidate's public id and the ATS's reference only.
    "candidate.erased": EventType("A candidate's personal data was erased."),
    "consent.given": EventType(
        "A candidate gave consent for a purpose (to be represented, to be stored)."
    ),
    "consent.withdrawn": EventType("A candidate withdrew consent for a purpose."),
    "consent.requested": EventType(
        "A candidate was mailed the link to give or withdraw consent.", webhook=False
    ),
    "submission.created": EventType("A candidate was submitted for a role."),
    "submission.updated": EventType("The recruiter revised a submission's pitch or skills."),
    "submission.stage_changed": EventType("A submission moved to another stage."),
    "submission.culture_notes_revised": EventType("The culture-fit notes were revised for HR."),
    "submission.info_provided": EventType("The recruiter answered the hiring manager's question."),
    "submission.competing_deadline_set": EventType(
        "A competing-offer deadline was set or cleared."
    ),
    "review.completed": EventType("The hiring manager reviewed a candidate's skills."),
    "culture_approval.completed": EventType(
        "HR approved the culture-fit notes or asked for changes."
    ),
    "interview.feedback_logged": EventType("Interview feedback was logged."),
    "nudge.sent": EventType("The client was nudged about an overdue action."),
    "checkin.logged": EventType("A check-in with the client was logged."),
    "reminder.missed_checkin": EventType("The recruiter was reminded of a missed check-in."),
    "reminder.behind_target": EventType(
        "The recruiter was reminded that submissions are behind target."
    ),
    # The agency's own settings: on its timeline for the audit, never sent out.
    "nudge_policy.updated": EventType("A client's nudge policy changed.", webhook=False),
    "nudge_policy.removed": EventType(
        "A client's nudge policy was removed (the default applies).", webhook=False
    ),
    "retention_policy.updated": EventType(
        "The organization's data retention policy changed.", webhook=False
    ),
    "webhook_endpoint.created": EventType("A webhook endpoint was added.", webhook=False),
    "webhook_endpoint.updated": EventType("A webhook endpoint changed.", webhook=False),
    "webhook_endpoint.secret_rotated": EventType(
        "A webhook endpoint's secret was rotated.", webhook=False
    ),
    "webhook_endpoint.deleted": EventType("A webhook endpoint was removed.", webhook=False),
}

WEBHOOK_EVENT_TYPES: dict[str, str] = {
    name: event.description for name, event in EVENT_TYPES.items() if event.webhook
}


for _name, _event in EVENT_TYPES.items():
    events.declare(_name, _event.description)


def subscribe(*event_types: str) -> Callable[[Handler], Handler]:
    """Register a handler(activity) for these types, or for every timeline event when
    none is named; called from a higher layer's handlers module (its AppConfig.ready)."""
    return events.subscribe(*(event_types or EVENT_TYPES))


def publish(activity: "Activity") -> None:
    """Run the handlers of the activity's type in the order they subscribed."""
    events.publish(activity.verb, activity=activity)


require_declared = events.require_declared
