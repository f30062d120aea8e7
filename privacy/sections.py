"""The candidate export's document: a list of sections, one function each.

Each section is a name, a one-line description and a function of the candidate that
returns what Rapport holds in that part, as JSON values (strings, numbers, lists,
objects; times as ISO 8601 in UTC). `SECTIONS` is the whole list, in the order the
document shows them: adding what another part of Rapport holds about a candidate is
one function and one line here, and a bump of `SCHEMA_VERSION` when the document's
shape changes (docs/privacy.md describes every version).

The functions run in the export's worker, inside the candidate's organization; they
read every row about the candidate, internal notes included: the person asking is
entitled to what the agency holds, whoever may see it inside Rapport.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Membership
from activity.models import Activity
from engagements.models import Notification, Nudge, NudgeDelivery
from integrations.models import WebhookDelivery
from recruiting.models import (
    Candidate,
    ConsentRecord,
    CultureApproval,
    InterviewFeedback,
    SkillsReview,
    Submission,
)

SCHEMA = "rapport.candidate-export"
# 1: the first version; 2 adds `consent_history` (docs/privacy.md#the-export-document).
SCHEMA_VERSION = 2
# Where the résumé file lies inside the ZIP, before its extension.
RESUME_ENTRY = "files/resume"


@dataclass(frozen=True)
class Section:
    name: str
    description: str
    collect: Callable[[Candidate], Any]


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(membership: Membership | None) -> dict | None:
    """Who at the agency or the client did it: their name, login and role."""
    if membership is None:
        return None
    return {
        "name": membership.user.get_full_name(),
        "email": membership.user.email,
        "role": membership.role,
    }


def _submissions(candidate: Candidate) -> QuerySet[Submission]:
    return Submission.objects.filter(candidate=candidate)


def resume_entry_name(candidate: Candidate) -> str | None:
    """The résumé's name inside the ZIP (its stored extension kept), or None without one."""
    if not candidate.resume:
        return None
    extension = candidate.resume.name.rsplit(".", 1)[-1] if "." in candidate.resume.name else "bin"
    return f"{RESUME_ENTRY}.{extension}"


# --- The sections -------------------------------------------------------------------


def profile(candidate: Candidate) -> dict:
    """The candidate's record as the agency keeps it."""
    return {
        "id": str(candidate.public_id),
        "full_name": candidate.full_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "location": candidate.location,
        "current_title": candidate.current_title,
        "current_company": candidate.current_company,
        "links": list(candidate.links),
        "source": candidate.source,
        "tags": list(candidate.tags),
        "consent_to_represent": candidate.consent_to_represent,
        "consent_recorded_at": _time(candidate.consent_recorded_at),
        "internal_notes": candidate.internal_notes,
        "external_source": candidate.external_source,
        "external_id": candidate.external_id,
        "resume": (
            {"file": resume_entry_name(candidate), "original_name": candidate.resume_name}
            if candidate.resume
            else None
        ),
        "created_at": _time(candidate.created_at),
        "updated_at": _time(candidate.updated_at),
    }


def consent_history(candidate: Candidate) -> list[dict]:
    """Each decision the candidate made about what the agency may do with their data,
    oldest first: given or withdrawn, how the agency learnt of it, who recorded it."""
    rows = ConsentRecord.objects.filter(candidate=candidate).select_related("recorded_by__user")
    return [
        {
            "id": str(record.public_id),
            "purpose": record.purpose,
            "granted": record.granted,
            "method": record.method,
            "effective_at": _time(record.effective_at),
            "recorded_by": _person(record.recorded_by),
            "note": record.note,
            "ip_address": record.ip_address,
            "user_agent": record.user_agent,
            "recorded_at": _time(record.created_at),
        }
        for record in rows.order_by("effective_at", "id")
    ]


def submissions(candidate: Candidate) -> list[dict]:
    """Each time the candidate was put forward for a role, as it stands now."""
    rows = _submissions(candidate).select_related("role", "client", "submitted_by__user")
    return [
        {
            "id": str(submission.public_id),
            "role": {"id": str(submission.role.public_id), "title": submission.role.title},
            "client": {"id": str(submission.client.public_id), "name": submission.client.name},
            "submitted_by": _person(submission.submitted_by),
            "pitch": submission.pitch,
            "skills_summary": submission.skills_summary,
            "culture_fit_notes": submission.culture_fit_notes,
            "culture_status": submission.culture_status,
            "competing_offer_deadline": _time(submission.competing_offer_deadline),
            "stage": submission.stage,
            "stage_changed_at": _time(submission.stage_changed_at),
            "lost_reason": submission.lost_reason,
            "closing_note": submission.closing_note,
            "external_source": submission.external_source,
            "external_id": submission.external_id,
            "created_at": _time(submission.created_at),
            "updated_at": _time(submission.updated_at),
        }
        for submission in rows.order_by("created_at", "id")
    ]


def skills_reviews(candidate: Candidate) -> list[dict]:
    """The hiring managers' verdicts on the candidate's skills."""
    rows = SkillsReview.objects.filter(submission__candidate=candidate).select_related(
        "submission", "reviewer__user"
    )
    return [
        {
            "id": str(review.public_id),
            "submission": str(review.submission.public_id),
            "reviewer": _person(review.reviewer),
            "decision": review.decision,
            "ratings": review.ratings,
            "comment": review.comment,
            "created_at": _time(review.created_at),
        }
        for review in rows.order_by("created_at", "id")
    ]


def culture_approvals(candidate: Candidate) -> list[dict]:
    """HR's verdicts on the culture-fit notes, with the notes as they were reviewed."""
    rows = CultureApproval.objects.filter(submission__candidate=candidate).select_related(
        "submission", "reviewer__user"
    )
    return [
        {
            "id": str(approval.public_id),
            "submission": str(approval.submission.public_id),
            "reviewer": _person(approval.reviewer),
            "decision": approval.decision,
            "comment": approval.comment,
            "reviewed_notes": approval.reviewed_notes,
            "created_at": _time(approval.created_at),
        }
        for approval in rows.order_by("created_at", "id")
    ]


def interview_feedback(candidate: Candidate) -> list[dict]:
    """What interviewers said after each interview."""
    rows = InterviewFeedback.objects.filter(submission__candidate=candidate).select_related(
        "submission", "author__user"
    )
    return [
        {
            "id": str(feedback.public_id),
            "submission": str(feedback.submission.public_id),
            "author": _person(feedback.author),
            "stage_name": feedback.stage_name,
            "outcome": feedback.outcome,
            "rating": feedback.rating,
            "comment": feedback.comment,
            "created_at": _time(feedback.created_at),
        }
        for feedback in rows.order_by("created_at", "id")
    ]


def _timeline(candidate: Candidate) -> QuerySet[Activity]:
    return Activity.objects.filter(Q(candidate=candidate) | Q(submission__candidate=candidate))


def notes(candidate: Candidate) -> list[dict]:
    """The free-text notes about the candidate that are not part of a review: the
    recruiters' internal notes, their answers to a hiring manager's questions, and
    the reasons given when a submission moved (a withdrawal, a rejection)."""
    found = []
    if candidate.internal_notes:
        found.append(
            {
                "kind": "internal_notes",
                "submission": None,
                "author": None,
                "text": candidate.internal_notes,
                "written_at": _time(candidate.updated_at),
            }
        )
    entries = (
        _timeline(candidate)
        .filter(verb__in=["submission.info_provided", "submission.stage_changed"])
        .select_related("submission", "actor__user")
        .order_by("created_at", "id")
    )
    for entry in entries:
        text = entry.payload.get("answer") or entry.payload.get("reason")
        if not text:
            continue
        found.append(
            {
                "kind": "answer" if entry.verb == "submission.info_provided" else "stage_reason",
                "submission": str(entry.submission.public_id) if entry.submission else None,
                "author": _person(entry.actor),
                "text": text,
                "written_at": _time(entry.created_at),
            }
        )
    return found


def timeline(candidate: Candidate) -> list[dict]:
    """Every timeline entry about the candidate or one of their submissions."""
    rows = _timeline(candidate).select_related("submission", "actor__user")
    return [
        {
            "id": str(entry.public_id),
            "verb": entry.verb,
            "summary": entry.summary,
            "submission": str(entry.submission.public_id) if entry.submission else None,
            "actor": _person(entry.actor),
            "payload": entry.payload,
            "internal": entry.internal,
            "created_at": _time(entry.created_at),
        }
        for entry in rows.order_by("created_at", "id")
    ]


def _nudges(candidate: Candidate) -> QuerySet[Nudge]:
    return Nudge.objects.filter(clock__submission__candidate=candidate)


def nudges(candidate: Candidate) -> list[dict]:
    """The reminders sent to the client about an answer the candidate waited for."""
    rows = _nudges(candidate).select_related("clock__submission")
    return [
        {
            "id": str(nudge.public_id),
            "submission": str(nudge.clock.submission.public_id),
            "about": nudge.clock.kind,
            "level": nudge.level,
            "status": nudge.status,
            "recipients": nudge.recipients,
            "channels": nudge.channels,
            "created_at": _time(nudge.created_at),
            "delivered_at": _time(nudge.delivered_at),
        }
        for nudge in rows.order_by("created_at", "id")
    ]


def notifications(candidate: Candidate) -> list[dict]:
    """The in-app notifications that named the candidate (those of the nudges)."""
    rows = Notification.objects.filter(nudge__in=_nudges(candidate)).select_related(
        "nudge", "membership__user"
    )
    return [
        {
            "nudge": str(notification.nudge.public_id),
            "recipient": _person(notification.membership),
            "title": notification.title,
            "body": notification.body,
            "created_at": _time(notification.created_at),
            "read_at": _time(notification.read_at),
        }
        for notification in rows.order_by("created_at", "id")
    ]


def mails(candidate: Candidate) -> list[dict]:
    """The mails that named the candidate: each copy of a nudge, to whom and when.
    Rapport keeps no copy of a mail's text (docs/privacy.md#mail)."""
    rows = NudgeDelivery.objects.filter(nudge__in=_nudges(candidate)).select_related("nudge")
    return [
        {
            "kind": "nudge",
            "nudge": str(delivery.nudge.public_id),
            "to": delivery.email,
            "sent_at": _time(delivery.sent_at),
        }
        for delivery in rows.order_by("created_at", "id")
    ]


def webhook_deliveries(candidate: Candidate) -> list[dict]:
    """The events about the candidate sent to the agency's own systems, with the
    exact payload each carried."""
    rows = WebhookDelivery.objects.filter(activity__in=_timeline(candidate)).select_related(
        "endpoint"
    )
    return [
        {
            "id": str(delivery.public_id),
            "endpoint": delivery.endpoint.url,
            "event_type": delivery.event_type,
            "status": delivery.status,
            "payload": json.loads(delivery.body),
            "created_at": _time(delivery.created_at),
            "delivered_at": _time(delivery.delivered_at),
        }
        for delivery in rows.order_by("created_at", "id")
    ]


SECTIONS: list[Section] = [
    Section("profile", "The candidate's record, internal notes included.", profile),
    Section(
        "consent_history", "Each time they gave or withdrew consent, and how.", consent_history
    ),
    Section("submissions", "Each time they were put forward for a role.", submissions),
    Section("skills_reviews", "Hiring managers' reviews of their skills.", skills_reviews),
    Section("culture_approvals", "HR's answers on the culture-fit notes.", culture_approvals),
    Section("interview_feedback", "Feedback after each interview.", interview_feedback),
    Section("notes", "Notes, answers and reasons written about them.", notes),
    Section("timeline", "Every timeline entry about them or their submissions.", timeline),
    Section("nudges", "Reminders to the client about answers they waited for.", nudges),
    Section("notifications", "In-app notifications that named them.", notifications),
    Section("mails", "Mails that named them: to whom and when.", mails),
    Section(
        "webhook_deliveries",
        "Events about them sent to the agency's systems.",
        (webhook_deliveries),
    ),
]


def build_document(candidate: Candidate, *, header: dict) -> dict:
    """The export's JSON document: the schema's name and version, `header` (who asked,
    when), a description of each section, then the sections in order."""
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        **header,
        "section_descriptions": {section.name: section.description for section in SECTIONS},
        "sections": {section.name: section.collect(candidate) for section in SECTIONS},
    }
