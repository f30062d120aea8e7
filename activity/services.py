"""Writes to the timeline: one entry per change, published as a domain event."""

from django.db import transaction

from accounts.models import Membership
from activity.events import publish, require_declared
from activity.models import Activity
from lib import events


def activity_record(
    *,
    actor: Membership | None,
    verb: str,
    summary: str,
    client=None,
    role=None,
    candidate=None,
    submission=None,
    payload: dict | None = None,
    internal: bool = False,
) -> Activity:
    """Append one entry to the timeline and publish it to the subscribed handlers.

    Every service that changes something calls this. The handlers (response clocks,
    webhook deliveries) run in the caller's transaction, without a savepoint, so they
    commit or roll back with the change itself; their batched writes (the metrics
    rollups) go at the end of the caller's batch, or of this call (`lib.events.batch`).
    """
    require_declared(verb)
    if submission is not None:
        role = role or submission.role
        candidate = candidate or submission.candidate
    if role is not None:
        client = client or role.client
    organization_id = next(
        obj.organization_id
        for obj in (submission, role, client, candidate, actor)
        if obj is not None
    )
    with transaction.atomic(savepoint=False), events.batch():
        activity = Activity.objects.create(
            organization_id=organization_id,
            actor=actor,
            verb=verb,
            summary=summary[:300],
            client=client,
            role=role,
            candidate=candidate,
            submission=submission,
            payload=payload or {},
            internal=internal,
        )
        publish(activity)
    return activity
