"""Reads for the recruiting pages. Every function takes the member first and confines
hiring managers and HR to their client (`accounts.permissions.client_scope`)."""

from collections import OrderedDict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import Membership, MembershipRole
from accounts.permissions import AGENCY, client_scope
from recruiting.models import (
    OPEN_STAGES,
    Candidate,
    Client,
    Contact,
    CultureApproval,
    CultureStatus,
    InterviewFeedback,
    Role,
    RoleStatus,
    SkillsReview,
    Stage,
    Submission,
)

PIPELINE_ORDER = [
    Stage.SUBMITTED,
    Stage.HM_REVIEW,
    Stage.INTERVIEWING,
    Stage.OFFER,
    Stage.HIRED,
    Stage.REJECTED,
    Stage.WITHDRAWN,
    Stage.LOST,
]


def _scoped(queryset: QuerySet, membership: Membership, field: str = "client_id") -> QuerySet:
    scope = client_scope(membership)
    return queryset if scope is None else queryset.filter(**{field: scope})


# --- Clients ----------------------------------------------------------------------


def client_list(*, membership: Membership) -> list[Client]:
    """Clients with their counts of open roles and open submissions, in one query."""
    return list(
        _scoped(Client.objects.all(), membership, "id")
        .select_related("owner__user")
        .annotate(
            open_roles=Count("roles", filter=Q(roles__status=RoleStatus.OPEN), distinct=True),
            active_submissions=Count(
                "submissions", filter=Q(submissions__stage__in=OPEN_STAGES), distinct=True
            ),
        )
        .order_by("name")
    )


def client_get(*, membership: Membership, public_id) -> Client:
    """The client, or Client.DoesNotExist when it is not visible to the member."""
    return (
        _scoped(Client.objects.all(), membership, "id")
        .select_related("owner__user", "escalation_contact")
        .get(public_id=public_id)
    )


def client_contacts(*, client: Client) -> list[Contact]:
    return list(client.contacts.select_related("user").order_by("kind", "full_name"))


def client_roles(*, client: Client) -> list[Role]:
    return list(
        Role.objects.filter(client=client)
        .select_related("agreement", "hiring_manager", "hr_contact")
        .annotate(
            active_submissions=Count("submissions", filter=Q(submissions__stage__in=OPEN_STAGES))
        )
        .order_by("status", "-created_at")
    )


# --- Roles --------------------------------------------------------------------------


def role_list(*, membership: Membership, status: str | None = RoleStatus.OPEN) -> list[Role]:
    queryset = _scoped(Role.objects.all(), membership).select_related("client", "agreement")
    if status:
        queryset = queryset.filter(status=status)
    return list(
        queryset.annotate(
            active_submissions=Count("submissions", filter=Q(submissions__stage__in=OPEN_STAGES))
        ).order_by("client__name", "title")
    )


def role_get(*, membership: Membership, public_id) -> Role:
    return (
        _scoped(Role.objects.all(), membership)
        .select_related("client", "agreement", "hiring_manager", "hr_contact", "owner__user")
        .get(public_id=public_id)
    )


def role_pipeline(*, role: Role) -> "OrderedDict[str, list[Submission]]":
    """The role's submissions grouped by stage in pipeline order (empty stages included)."""
    pipeline: OrderedDict[str, list[Submission]] = OrderedDict(
        (stage, []) for stage in PIPELINE_ORDER
    )
    for submission in (
        Submission.objects.filter(role=role)
        .select_related("candidate")
        .order_by("stage_changed_at")
    ):
        pipeline[submission.stage].append(submission)
    return pipeline


# --- Candidates -----------------------------------------------------------------------


def candidate_list(*, membership: Membership, query: str = "") -> QuerySet[Candidate]:
    """Candidates matching a search on name, email, title, company or tag (agency only)."""
    queryset = Candidate.objects.all()
    query = query.strip()
    if query:
        queryset = queryset.filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(current_title__icontains=query)
            | Q(current_company__icontains=query)
            | Q(tags__contains=[query])
        )
    return queryset.annotate(submission_count=Count("submissions")).order_by("full_name")


def candidate_get(*, membership: Membership, public_id) -> Candidate:
    """A candidate; client users only see candidates submitted to their client."""
    queryset = Candidate.objects.all()
    scope = client_scope(membership)
    if scope is not None:
        queryset = queryset.filter(submissions__client_id=scope).distinct()
    return queryset.get(public_id=public_id)


def candidate_submissions(*, membership: Membership, candidate: Candidate) -> QuerySet[Submission]:
    """The candidate's submissions the member may see, newest first (the page shows a
    page of them, from the (organization, candidate) index)."""
    return (
        _scoped(Submission.objects.filter(candidate=candidate), membership)
        .select_related("role__client")
        .order_by("-created_at", "-id")
    )


def candidate_submit_roles(
    *, membership: Membership, candidate: Candidate, query: str = "", limit: int
) -> list[Role]:
    """Up to `limit` open roles the candidate is not yet submitted to, newest first, with
    their clients; with `query`, those whose title or client's name contains it.

    Newest first from the (organization, status, created_at) index, each role checked
    against the (organization, role, candidate) unique index: the cost is that of the
    few roles read, however many roles are open and however many submissions each has.
    """
    roles = (
        _scoped(Role.objects.filter(status=RoleStatus.OPEN), membership)
        .exclude(Exists(Submission.objects.filter(role=OuterRef("pk"), candidate=candidate)))
        .select_related("client")
    )
    query = query.strip()
    if query:
        roles = roles.filter(Q(title__icontains=query) | Q(client__name__icontains=query))
    return list(roles.order_by("-created_at", "-id")[:limit])


# --- Submissions -----------------------------------------------------------------------


def submission_get(*, membership: Membership, public_id) -> Submission:
    return (
        _scoped(Submission.objects.all(), membership)
        .select_related("role__agreement", "role__client", "candidate", "submitted_by__user")
        .prefetch_related(
            Prefetch("skills_reviews", queryset=_reviews("skills_reviews")),
            Prefetch("culture_approvals", queryset=_reviews("culture_approvals")),
            Prefetch("interview_feedback", queryset=_reviews("interview_feedback")),
        )
        .get(public_id=public_id)
    )


def _reviews(relation: str) -> QuerySet:
    model = Submission._meta.get_field(relation).related_model
    person = "author__user" if relation == "interview_feedback" else "reviewer__user"
    return model.objects.select_related(person).order_by("-created_at")


def changes_requested(*, membership: Membership) -> list[Submission]:
    """Submissions whose culture-fit notes HR sent back: the recruiter's to revise."""
    return list(
        _scoped(
            Submission.objects.filter(
                culture_status=CultureStatus.CHANGES_REQUESTED, stage__in=OPEN_STAGES
            ),
            membership,
        )
        .select_related("role", "candidate")
        .order_by("updated_at")
    )


# --- QuerySets for the API's lists and lookups --------------------------------------
# Each is what the member may see, with what its serializer reads joined in, so a
# page of any size costs the same queries; the API paginates and filters them.


def client_queryset(*, membership: Membership) -> QuerySet[Client]:
    return _scoped(Client.objects.all(), membership, "id").select_related(
        "owner", "escalation_contact"
    )


def contact_queryset(*, membership: Membership) -> QuerySet[Contact]:
    return _scoped(Contact.objects.all(), membership).select_related("client")


def role_queryset(*, membership: Membership) -> QuerySet[Role]:
    return _scoped(Role.objects.all(), membership).select_related(
        "client", "hiring_manager", "hr_contact", "owner", "agreement"
    )


def candidate_queryset(*, membership: Membership) -> QuerySet[Candidate]:
    """Every candidate for the agency; for client users, those submitted to their client
    (as `candidate_get`), through EXISTS rather than a join so no row repeats."""
    queryset = Candidate.objects.all()
    scope = client_scope(membership)
    if scope is not None:
        queryset = queryset.filter(
            Exists(Submission.objects.filter(candidate=OuterRef("pk"), client_id=scope))
        )
    return queryset


def submission_queryset(*, membership: Membership) -> QuerySet[Submission]:
    """The API's submission list. The related rows are prefetched for the page, not
    joined: PostgreSQL cannot see through the joined tables' row-level security
    conditions, underestimates a filtered list and joins every match before sorting
    (docs/performance.md)."""
    return _scoped(Submission.objects.all(), membership).prefetch_related(
        "role", "candidate", "client", "submitted_by"
    )


def skills_review_queryset(*, membership: Membership) -> QuerySet[SkillsReview]:
    return _scoped(SkillsReview.objects.all(), membership, "submission__client_id").select_related(
        "submission", "reviewer"
    )


def culture_approval_queryset(*, membership: Membership) -> QuerySet[CultureApproval]:
    return _scoped(
        CultureApproval.objects.all(), membership, "submission__client_id"
    ).select_related("submission", "reviewer")


def interview_feedback_queryset(*, membership: Membership) -> QuerySet[InterviewFeedback]:
    return _scoped(
        InterviewFeedback.objects.all(), membership, "submission__client_id"
    ).select_related("submission", "author")


def relationship_owner_choices(*, membership: Membership) -> QuerySet[Membership]:
    """Who may own a client relationship or a role: the agency's own people."""
    return Membership.objects.filter(role__in=AGENCY)


def culture_notes_visible(*, membership: Membership, culture_status: str) -> bool:
    """Hiring managers read the recruiter's culture-fit notes only once HR let them
    through (or none needed HR); everyone else who sees the submission reads them."""
    return membership.role != MembershipRole.HIRING_MANAGER or culture_status in {
        CultureStatus.APPROVED,
        CultureStatus.NOT_REQUIRED,
    }
