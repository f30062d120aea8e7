"""Doing the same thing to several objects at once, one at a time.

A bulk action on a page (approve several notes, withdraw several submissions,
resend several invitations) calls the one service of the single action for each
object it was given, each call in its own transaction: one refusal never undoes
the others, and every object gets its own result. What was done and what was
refused, and why, is then said in one message each (`report`).

A request names at most `MAX_BULK_ITEMS` objects (`PublicIdsField`): the work of
one request, and the message that lists it, stay bounded.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from lib.exceptions import ApplicationError
from lib.forms import error_message

MAX_BULK_ITEMS = 100
T = TypeVar("T")
# An object asked for that the member cannot see: gone, or never theirs.
NOT_FOUND = "Not found: it was removed, or it is not yours to change."


class PublicIdsField(forms.Field):
    """The public ids of the objects ticked on a page, at least one and at most
    `max_items`, each once, in the order given."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Choose at least one.",
        "invalid": "That selection is not one this page offered.",
        "too_many": "Choose at most %(max)s at a time (you chose %(count)s).",
    }

    def __init__(self, *, max_items: int = MAX_BULK_ITEMS, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_items = max_items

    def to_python(self, value) -> list[uuid.UUID]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        chosen = []
        for text in value:
            try:
                public_id = uuid.UUID(str(text))
            except ValueError as error:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from error
            if public_id not in chosen:
                chosen.append(public_id)
        return chosen

    def validate(self, value: list[uuid.UUID]) -> None:
        super().validate(value)
        if len(value) > self.max_items:
            raise ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"max": self.max_items, "count": len(value)},
            )


@dataclass
class BulkOutcome:
    """What a bulk action did: the labels of the objects done, and of those refused
    grouped by the refusal's message (the same reason is said once)."""

    done: list[str] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, reason: str, label: str) -> None:
        self.refused.setdefault(reason, []).append(label)


def bulk_apply(
    objects: Iterable[T],
    *,
    act: Callable[[T], object],
    label: Callable[[T], str] = str,
    missing: int = 0,
) -> BulkOutcome:
    """Call `act` on each object (a service call, which opens its own transaction),
    recording it done, or refused with the service's message. `missing` counts the
    ids asked for that matched no object the member may see."""
    outcome = BulkOutcome()
    for obj in objects:
        try:
            act(obj)
        except (ApplicationError, ValidationError) as error:
            outcome.refuse(error_message(error), label(obj))
        else:
            outcome.done.append(label(obj))
    if missing:
        outcome.refuse(NOT_FOUND, f"{missing} of those chosen")
    return outcome


def report(request: HttpRequest, outcome: BulkOutcome, *, done: str, not_done: str) -> None:
    """One message for what was done ("Approved 3: A, B, C.") and one for what was
    refused, each reason followed by whom it concerns ("Not approved 2: These notes
    are not awaiting approval (D, E).")."""
    if outcome.done:
        messages.success(request, f"{done} {len(outcome.done)}: {', '.join(outcome.done)}.")
    if outcome.refused:
        count = sum(len(labels) for labels in outcome.refused.values())
        reasons = " ".join(
            f"{reason.rstrip('.')} ({', '.join(labels)})."
            for reason, labels in outcome.refused.items()
        )
        messages.error(request, f"{not_done} {count}: {reasons}")
