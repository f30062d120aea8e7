"""Reads for intake: meetings and the versions of each role's agreement."""

from django.db.models import Prefetch, QuerySet

from accounts.permissions import client_scope
from intake.models import (
    AgreementAcknowledgement,
    AgreementComment,
    AgreementStatus,
    ExpectationAgreement,
    IntakeAttendance,
)


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


def agreement_get(*, membership, public_id) -> ExpectationAgreement:
    """One version, or ExpectationAgreement.DoesNotExist when the member may not see its role."""
    queryset = ExpectationAgreement.objects.select_related("role__client")
    scope = client_scope(membership)
    if scope is not None:
        queryset = queryset.filter(role__client_id=scope)
    return queryset.get(public_id=public_id)
