"""Reads for intake: meetings, the versions of each role's agreement and what changed
between two of them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from accounts.models import Membership, MembershipRole
from accounts.permissions import client_scope
from intake.models import (
    AgreementAcknowledgement,
    AgreementComment,
    AgreementStatus,
    ExpectationAgreement,
    IntakeAttendance,
    Party,
    StageOwner,
)
from lib.pagination import CappedCount, capped_count, keyset_page

# The client's side each of its users acknowledges an agreement for.
PARTY_OF_ROLE = {
    MembershipRole.HIRING_MANAGER: Party.HIRING_MANAGER,
    MembershipRole.HR: Party.HR,
}


def _with_discussion(queryset: QuerySet[ExpectationAgreement]) -> QuerySet[ExpectationAgreement]:
    """Who proposed each version, who acknowledged and commented on it and, for a
    version out of an intake meeting, who attended: a fixed number of queries."""
    return queryset.select_related("proposed_by__user", "intake_meeting").prefetch_related(
        Prefetch(
            "acknowledgements",
            queryset=AgreementAcknowledgement.objects.select_related("membership__user"),
        ),
        Prefetch("comments", queryset=AgreementComment.objects.select_related("author__user")),
        Prefetch(
            "intake_meeting__attendance",
            queryset=IntakeAttendance.objects.select_related("contact"),
        ),
    )


def agreement_versions(*, role) -> QuerySet[ExpectationAgreement]:
    """Every version of the role's agreement, newest first, with its discussion."""
    return _with_discussion(ExpectationAgreement.objects.filter(role=role)).order_by("-version")


AGREEMENT_VERSIONS_PER_PAGE = 5


def agreement_versions_page(*, role, after: str | None = None, before: str | None = None):
    """A page of the role's versions, newest first, with their discussion: one query for
    the versions and one per relation of their discussion, however many there are."""
    return keyset_page(
        agreement_versions(role=role),
        ordering=("-version", "-id"),
        size=AGREEMENT_VERSIONS_PER_PAGE,
        after=after,
        before=before,
    )


def agreement_list(*, membership) -> QuerySet[ExpectationAgreement]:
    """Every version of every agreement the member may see (a client user: their
    client's roles'), with its role, client and discussion; unordered, for the API."""
    queryset = ExpectationAgreement.objects.select_related("role__client")
    scope = client_scope(membership)
    if scope is not None:
        queryset = queryset.filter(role__client_id=scope)
    return _with_discussion(queryset)


def latest_proposal(*, role) -> ExpectationAgreement | None:
    return (
        ExpectationAgreement.objects.filter(role=role, status=AgreementStatus.PROPOSED)
        .order_by("-version")
        .first()
    )


def agreement_latest(*, role) -> ExpectationAgreement | None:
    """The newest version whatever its status: the one a revision starts from.

    It is always the proposal under discussion or the agreement in force, since
    proposing supersedes older proposals and agreeing supersedes the older agreement.
    """
    return ExpectationAgreement.objects.filter(role=role).order_by("-version").first()


def latest_agreements_by_role(*, role_ids: list[int]) -> dict[int, ExpectationAgreement]:
    """The newest version of each role's agreement, in one query (for lists of roles)."""
    if not role_ids:
        return {}
    # DISTINCT ON keeps the first row per role of the (role, -version) order; the
    # (organization, role, -version) index serves it.
    rows = (
        ExpectationAgreement.objects.filter(role_id__in=role_ids)
        .order_by("role_id", "-version")
        .distinct("role_id")
        .only("id", "public_id", "role_id", "version", "status")
    )
    return {agreement.role_id: agreement for agreement in rows}


def agreement_versions_numbered(*, role, versions: list[int]) -> dict[int, ExpectationAgreement]:
    """Those of the role's versions numbered `versions` that exist, with who proposed
    them, by number: one query, for a comparison of two."""
    rows = ExpectationAgreement.objects.filter(role=role, version__in=versions).select_related(
        "proposed_by__user"
    )
    return {agreement.version: agreement for agreement in rows}


def agreement_before(*, agreement: ExpectationAgreement) -> ExpectationAgreement | None:
    """The version of the same role just before this one, None for its first."""
    return (
        ExpectationAgreement.objects.filter(
            role_id=agreement.role_id, version__lt=agreement.version
        )
        .order_by("-version")
        .first()
    )


def agreement_get(*, membership, public_id) -> ExpectationAgreement:
    """One version, or ExpectationAgreement.DoesNotExist when the member may not see its role."""
    queryset = ExpectationAgreement.objects.select_related("role__client")
    scope = client_scope(membership)
    if scope is not None:
        queryset = queryset.filter(role__client_id=scope)
    return queryset.get(public_id=public_id)


# --- Proposals waiting for the client ---------------------------------------------------

AWAITING_SHOWN = 5
AWAITING_CAP = 99


@dataclass(frozen=True)
class AwaitingAcknowledgement:
    """How many proposals wait for a member's acknowledgement (capped), and the first."""

    count: CappedCount
    first: list[ExpectationAgreement]


def agreements_awaiting_acknowledgement(
    *, membership: Membership, shown: int = AWAITING_SHOWN
) -> AwaitingAcknowledgement | None:
    """The proposals of the member's client that their side (hiring manager or HR) has
    not acknowledged yet: how many, up to AWAITING_CAP, and the `shown` waiting longest
    with their role. None for a member who acknowledges nothing (the agency). Two
    queries, served by the index of proposals (`agreement_proposed_idx`)."""
    party = PARTY_OF_ROLE.get(membership.role)
    if party is None:
        return None
    waiting = ExpectationAgreement.objects.filter(
        ~Exists(AgreementAcknowledgement.objects.filter(agreement=OuterRef("pk"), party=party)),
        status=AgreementStatus.PROPOSED,
        role__client_id=membership.client_id,
    )
    first = list(waiting.select_related("role").order_by("created_at", "id")[:shown])
    return AwaitingAcknowledgement(count=capped_count(waiting, cap=AWAITING_CAP), first=first)


# --- What changed between two versions ------------------------------------------------
# The diff page and the API's `…/diff/` read this one comparison. It compares terms, not
# text: a single term changes from one value to another; a list (must-haves, the
# interview stages, the glossary) gains and loses entries, an entry it keeps may change
# (a stage's owner, a term's meaning), and the entries both keep may change order.

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class TermChange:
    """One difference. `term` is the agreement's field; `item` names the entry of a list
    term that changed (a must-have, a stage, a glossary term), empty for a single term
    and for a list's order. `old` and `new` are JSON values (None where there is none),
    `old_display` and `new_display` what a person reads."""

    term: str
    label: str
    change: str
    item: str
    old: Any
    new: Any
    old_display: str
    new_display: str

    @property
    def heading(self) -> str:
        """What a row of the comparison is headed: the term, and the entry it is about
        when the values do not show it ("Stage: Technical interview")."""
        if self.item and self.item not in (self.old_display, self.new_display):
            return f"{self.label}: {self.item}"
        return self.label


@dataclass(frozen=True)
class SectionChanges:
    key: str
    title: str
    changes: list[TermChange]


@dataclass(frozen=True)
class AgreementDiff:
    """What it takes to go from `old` to `new`, section by section (every section, an
    empty one when nothing in it changed). Without `old` (a role's first version),
    every term of `new` is added."""

    old: ExpectationAgreement | None
    new: ExpectationAgreement
    sections: list[SectionChanges]

    @property
    def count(self) -> int:
        return sum(len(section.changes) for section in self.sections)

    @property
    def versions(self) -> list[ExpectationAgreement]:
        return [agreement for agreement in (self.old, self.new) if agreement is not None]


def _plural(count: int, one: str) -> str:
    return f"{count} {one if count == 1 else one + 's'}"


def _hours(value: int) -> str:
    return _plural(value, "business hour")


def _choice(name: str) -> Callable[[Any], str]:
    labels = dict(ExpectationAgreement._meta.get_field(name).flatchoices)
    return lambda value: str(labels.get(value, value))


# The sections in page order: (key, title, its single terms as (field, label, how a
# value reads)). The lists of the stages and vocabulary sections are compared on their own.
SINGLE_TERMS: list[tuple[str, str, list[tuple[str, str, Callable[[Any], str]]]]] = [
    (
        "targets",
        "Delivery targets and check-ins",
        [
            ("submissions_per_week", "Candidates a week", str),
            ("shortlist_size", "Shortlist size", lambda value: _plural(value, "candidate")),
            ("checkin_cadence", "Check-in cadence", _choice("checkin_cadence")),
            ("checkin_weekday", "Check-in day", _choice("checkin_weekday")),
            ("checkin_time", "Check-in time", str),
        ],
    ),
    (
        "slas",
        "Response times the client commits to",
        [
            ("hm_review_sla_hours", "Skills review (hiring manager)", _hours),
            ("hr_approval_sla_hours", "Culture-fit approval (HR)", _hours),
            ("interview_feedback_sla_hours", "Interview feedback", _hours),
            ("offer_decision_sla_hours", "Offer decision", _hours),
            (
                "culture_notes_need_hr_approval",
                "Culture-fit notes need HR's approval",
                lambda value: "Yes" if value else "No",
            ),
        ],
    ),
    ("stages", "Interview stages", []),
    ("vocabulary", "Shared vocabulary", []),
    (
        "market",
        "Market reality",
        [
            ("talent_scarcity", "Talent", _choice("talent_scarcity")),
            ("salary_position", "Salary band", _choice("salary_position")),
            ("expected_days_to_fill", "Expected time to fill", lambda value: _plural(value, "day")),
            ("market_notes", "Notes", str),
        ],
    ),
]
# Lists of text: (section key, field, what one entry is called, what the list is called).
TEXT_LISTS = [
    ("vocabulary", "must_haves", "Must-have", "Must-haves"),
    ("vocabulary", "nice_to_haves", "Nice-to-have", "Nice-to-haves"),
    ("vocabulary", "deal_breakers", "Deal-breaker", "Deal-breakers"),
    ("vocabulary", "culture_traits", "Culture trait", "Culture traits"),
]
DIFF_TERMS = frozenset(
    [name for _, _, terms in SINGLE_TERMS for name, _, _ in terms]
    + [name for _, name, _, _ in TEXT_LISTS]
    + ["interview_stages", "glossary"]
)


def _json(value: Any) -> Any:
    """A term's value as the API writes it: a time as "HH:MM"."""
    return value.strftime("%H:%M") if isinstance(value, time) else value


def _single_change(name: str, label: str, read: Callable[[Any], str], old, new):
    value = _json(getattr(new, name))
    if old is None:
        return [TermChange(name, label, ADDED, "", None, value, "", read(value))]
    before = _json(getattr(old, name))
    if before == value:
        return []
    return [TermChange(name, label, CHANGED, "", before, value, read(before), read(value))]


def _entries_change(
    term: str,
    labels: tuple[str, str],
    old: dict[str, Any],
    new: dict[str, Any],
    read: Callable[[Any], str],
) -> list[TermChange]:
    """Entries keyed by what names them, in list order: those removed, those added, those
    kept with another value, then the order of the kept ones if it changed. `labels`:
    what one entry is called, and the list."""
    label, list_label = labels
    changes = [
        TermChange(term, label, REMOVED, key, value, None, read(value), "")
        for key, value in old.items()
        if key not in new
    ]
    changes += [
        TermChange(term, label, ADDED, key, None, value, "", read(value))
        for key, value in new.items()
        if key not in old
    ]
    changes += [
        TermChange(term, label, CHANGED, key, old[key], value, read(old[key]), read(value))
        for key, value in new.items()
        if key in old and old[key] != value
    ]
    kept_before = [key for key in old if key in new]
    kept_after = [key for key in new if key in old]
    if kept_before != kept_after:
        changes.append(
            TermChange(
                term,
                f"{list_label}: order",
                CHANGED,
                "",
                kept_before,
                kept_after,
                " → ".join(kept_before),
                " → ".join(kept_after),
            )
        )
    return changes


def _stage(stage: dict) -> str:
    owner = dict(StageOwner.choices).get(stage["owner"], stage["owner"])
    return f"{owner}, {_plural(stage['expected_days'], 'day')}"


def agreement_diff(*, old: ExpectationAgreement | None, new: ExpectationAgreement) -> AgreementDiff:
    """What changed in the terms from `old` to `new` (any two versions, either order;
    no `old`: everything `new` states)."""
    changes: dict[str, list[TermChange]] = {key: [] for key, _, _ in SINGLE_TERMS}
    for key, _, terms in SINGLE_TERMS:
        for name, label, read in terms:
            changes[key] += _single_change(name, label, read, old, new)
    stages = {
        side: {stage["name"]: stage for stage in (agreement.interview_stages if agreement else [])}
        for side, agreement in (("old", old), ("new", new))
    }
    changes["stages"] += _entries_change(
        "interview_stages", ("Stage", "Interview stages"), stages["old"], stages["new"], _stage
    )
    for key, name, label, list_label in TEXT_LISTS:
        before = getattr(old, name) if old is not None else []
        changes[key] += _entries_change(
            name,
            (label, list_label),
            {entry: entry for entry in before},
            {entry: entry for entry in getattr(new, name)},
            str,
        )
    glossary = {
        side: {
            entry["term"]: entry["meaning"] for entry in (agreement.glossary if agreement else [])
        }
        for side, agreement in (("old", old), ("new", new))
    }
    changes["vocabulary"] += _entries_change(
        "glossary", ("Glossary term", "Glossary"), glossary["old"], glossary["new"], str
    )
    return AgreementDiff(
        old=old,
        new=new,
        sections=[
            SectionChanges(key=key, title=title, changes=changes[key])
            for key, title, _ in SINGLE_TERMS
        ],
    )
