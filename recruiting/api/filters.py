"""Filters of the recruiting lists. Related objects are named by public id; `updated_since`
gives an integration what changed since its last sync."""

import django_filters

from lib.api.filters import updated_since_filter
from recruiting.models import (
    Candidate,
    Client,
    Contact,
    ContactKind,
    CultureApproval,
    InterviewFeedback,
    Role,
    RoleStatus,
    SkillsReview,
    Stage,
    Submission,
)


def _by_public_id(relation: str, noun: str) -> django_filters.UUIDFilter:
    return django_filters.UUIDFilter(
        field_name=f"{relation}__public_id", label=f"Only those of this {noun} (its id)."
    )


class ChangedSinceFilter(django_filters.FilterSet):
    updated_since = updated_since_filter()


class ExternalReferenceFilter(ChangedSinceFilter):
    external_source = django_filters.CharFilter(label="Only those from this system.")
    external_id = django_filters.CharFilter(label="Only the one with this id in its system.")


class ClientFilter(ExternalReferenceFilter):
    class Meta:
        model = Client
        fields = ["updated_since", "external_source", "external_id"]


class ContactFilter(ExternalReferenceFilter):
    client = _by_public_id("client", "client")
    kind = django_filters.ChoiceFilter(choices=ContactKind.choices)

    class Meta:
        model = Contact
        fields = ["client", "kind", "updated_since", "external_source", "external_id"]


class RoleFilter(ExternalReferenceFilter):
    client = _by_public_id("client", "client")
    status = django_filters.MultipleChoiceFilter(
        choices=RoleStatus.choices,
        label="Only roles in these statuses (repeat for several).",
        distinct=False,  # as for submissions' stage
    )

    class Meta:
        model = Role
        fields = ["client", "status", "updated_since", "external_source", "external_id"]


class CandidateFilter(ExternalReferenceFilter):
    email = django_filters.CharFilter(
        lookup_expr="iexact", label="Only the candidate with this email (any case)."
    )

    class Meta:
        model = Candidate
        fields = ["email", "updated_since", "external_source", "external_id"]


class SubmissionFilter(ExternalReferenceFilter):
    stage = django_filters.MultipleChoiceFilter(
        choices=Stage.choices,
        label="Only submissions in these stages (repeat for several).",
        # A plain column: no row can repeat, and DISTINCT would defeat the index order.
        distinct=False,
    )
    role = _by_public_id("role", "role")
    client = _by_public_id("client", "client")
    candidate = _by_public_id("candidate", "candidate")

    class Meta:
        model = Submission
        fields = [
            "stage",
            "role",
            "client",
            "candidate",
            "updated_since",
            "external_source",
            "external_id",
        ]


class AnswerFilter(ChangedSinceFilter):
    submission = _by_public_id("submission", "submission")


class SkillsReviewFilter(AnswerFilter):
    class Meta:
        model = SkillsReview
        fields = ["submission", "updated_since"]


class CultureApprovalFilter(AnswerFilter):
    class Meta:
        model = CultureApproval
        fields = ["submission", "updated_since"]


class InterviewFeedbackFilter(AnswerFilter):
    class Meta:
        model = InterviewFeedback
        fields = ["submission", "updated_since"]
