"""Reads for the recruiting pages. Every function takes the member first and confines
hiring managers and HR to their client (`accounts.permissions.client_scope`)."""

import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Concat, RowNumber, Upper

from accounts.models import Membership, MembershipRole
from accounts.permissions import AGENCY, client_scope
from lib.pagination import (
    CappedCount,
    KeysetPage,
    capped_count,
    keyset_first_page,
    keyset_page,
)
from recruiting.models import (
    OPEN_STAGES,
    Candidate,
    Client,
    ConsentRecord,
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

CLIENTS_PER_PAGE = 25
CLIENT_COUNT_CAP = 1000
ROLES_PER_PAGE = 25
# The candidate page offers this many open roles to submit to at a time.
ROLE_CHOICES = 20
ROLE_COUNT_CAP = 1000
CANDIDATES_PER_PAGE = 25
CHANGES_PER_PAGE = 10
# The candidate list says "1,000+" rather than count every candidate of a big agency.
CANDIDATE_COUNT_CAP = 1000
# A search finds up to this many matches through its index (`candidate_search`),
# from three characters on (pg_trgm's trigrams).
SEARCH_MATCHES = 1000
TRIGRAM = 3
TAG_LENGTH = Candidate._meta.get_field("tags").base_field.max_length
# What a search looks in, as rapport_candidate_search reads it, in capitals.
SEARCH_TEXT = Upper(
    Concat(
        "full_name",
        Value(" "),
        "email",
        Value(" "),
        "current_title",
        Value(" "),
        "current_company",
        output_field=TextField(),
    )
)
# The submission form offers this many matches of its search at a time.
CANDIDATE_CHOICES = 20

# A role's pipeline shows this many submissions of each stage at a time, those longest
# in the stage first.
PIPELINE_STAGE_SIZE = 10
PIPELINE_STAGE_ORDERING = ("stage_changed_at", "id")
# What a pipeline card shows.
PIPELINE_CARD_FIELDS = (
    "public_id",
    "stage",
    # With the stage, what the stage machine asks to say which moves a card offers.
    "culture_status",
    "stage_changed_at",
    "competing_offer_deadline",
    "candidate__full_name",
    "candidate__current_title",
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
# The list view of a role's submissions shows this many rows a page.
ROLE_SUBMISSIONS_PER_PAGE = 25


def _scoped(queryset: QuerySet, membership: Membership, field: str = "client_id") -> QuerySet:
    scope = client_scope(membership)
    return queryset if scope is None else queryset.filter(**{field: scope})


def _with_public_ids(queryset: QuerySet, *relations: str) -> QuerySet:
    """The public id of each related object as `<relation>_public_id` (null when there
    is none), read by a subquery of its primary key."""
    return queryset.annotate(
        **{
            f"{relation}_public_id": _public_id_subquery(queryset.model, relation)
            for relation in relations
        }
    )


@functools.cache
def _public_id_subquery(model: type[Model], relation: str) -> Subquery:
    """The subquery of `relation`'s public id, built once: `annotate` resolves a copy.

    It reads the related row by primary key through the base manager, as related-object
    access does (`lib.models.TenantModel`): the key comes from the row itself, and
    row-level security still guards the read. The tenant manager's organization
    filter would tie the subquery to one request's organization, and building it again
    for every request cost an API page as much as its query (docs/performance.md)."""
    related_model = model._meta.get_field(relation).related_model
    return Subquery(
        related_model._base_manager.filter(pk=OuterRef(f"{relation}_id"))
        .order_by()
        .values("public_id")
    )


# --- Clients ----------------------------------------------------------------------


def client_list(
    *, membership: Membership, after: str | None = None, before: str | None = None
) -> tuple[KeysetPage, CappedCount]:
    """A page of the clients by name, each with its counts of open roles and open
    submissions, and how many clients there are up to a cap. Two queries: the count,
    and the page, whose counts are read from the indexes of each client's roles and
    submissions by status and stage, for the page's clients only (a keyset page, so
    no skipped row is counted either)."""
    clients = (
        _scoped(Client.objects.all(), membership, "id")
        .select_related("owner__user")
        .annotate(
            open_roles=_count(Role.objects.filter(client=OuterRef("pk"), status=RoleStatus.OPEN)),
            active_submissions=_count(
                Submission.objects.filter(client=OuterRef("pk"), stage__in=OPEN_STAGES)
            ),
        )
    )
    page = keyset_page(
        clients, ordering=("name", "id"), size=CLIENTS_PER_PAGE, after=after, before=before
    )
    return page, capped_count(clients, cap=CLIENT_COUNT_CAP)


def _count(rows: QuerySet) -> Subquery:
    """How many `rows` (a queryset with an `OuterRef`) there are, as a scalar subquery
    (a plain COUNT, no GROUP BY): counted for each row the outer query returns."""
    # COUNT(*) names no column, so an index holding the filtered columns answers alone.
    counted = rows.order_by().annotate(count=Func(template="COUNT(*)", output_field=IntegerField()))
    counted = counted.values("count")
    return Subquery(counted, output_field=IntegerField())


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


def roles_visible(*, membership: Membership) -> QuerySet[Role]:
    """The roles the member may see: the role list's, before its filters."""
    return _scoped(Role.objects.all(), membership)


ROLE_ORDERING = ("client__name", "title", "id")


def role_list(
    *,
    roles: QuerySet[Role],
    ordering: tuple[str, ...] = ROLE_ORDERING,
    after: str | None = None,
    before: str | None = None,
) -> tuple[KeysetPage, CappedCount]:
    """A page of `roles` (`roles_visible`, filtered) in `ordering`, each with its number
    of open submissions, and how many roles there are up to a cap. Two queries: the
    count, and the page, each row's submissions counted from the index of a role's
    submissions by stage, for the page's rows only."""
    page = keyset_page(
        roles.select_related("client", "agreement").annotate(
            active_submissions=_count(
                Submission.objects.filter(role=OuterRef("pk"), stage__in=OPEN_STAGES)
            )
        ),
        ordering=ordering,
        size=ROLES_PER_PAGE,
        after=after,
        before=before,
    )
    return page, capped_count(roles, cap=ROLE_COUNT_CAP)


def submittable_roles(
    *, membership: Membership, candidate: Candidate, query: str = ""
) -> tuple[list[Role], bool]:
    """The first `ROLE_CHOICES` open roles, by client and title, the candidate is not
    yet submitted to, whose title or client's name contains `query`, and whether more
    match. One query (an agency has thousands of roles at most: read, not indexed)."""
    submitted = Submission.objects.filter(role=OuterRef("pk"), candidate=candidate)
    roles = _scoped(Role.objects.filter(~Exists(submitted), status=RoleStatus.OPEN), membership)
    query = query.strip()
    if query:
        roles = roles.filter(Q(title__icontains=query) | Q(client__name__icontains=query))
    found = list(
        roles.select_related("client").order_by("client__name", "title", "id")[: ROLE_CHOICES + 1]
    )
    return found[:ROLE_CHOICES], len(found) > ROLE_CHOICES


def role_get(*, membership: Membership, public_id) -> Role:
    return (
        _scoped(Role.objects.all(), membership)
        .select_related("client", "agreement", "hiring_manager", "hr_contact", "owner__user")
        .get(public_id=public_id)
    )


@dataclass(frozen=True)
class PipelineStage:
    """A column of a role's pipeline: how many submissions are in the stage, and a page
    of them, those longest in the stage first."""

    stage: Stage
    count: int
    page: KeysetPage


def role_stage_counts(*, role: Role) -> dict[str, int]:
    """How many of the role's submissions are in each stage (a stage with none is
    absent). One query, on the index of a role's submissions by stage."""
    return dict(
        Submission.objects.filter(role=role)
        .order_by()
        .values("stage")
        .annotate(count=Count("pk"))
        .values_list("stage", "count")
    )


def _pipeline_cards() -> QuerySet[Submission]:
    return Submission.objects.select_related("candidate").only(*PIPELINE_CARD_FIELDS)


def role_pipeline_stage_page(
    *, role: Role, stage: str, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """A page of the role's submissions in `stage`, those longest in it first, after or
    before a cursor (the board's "show more" of one column). One query."""
    return keyset_page(
        _pipeline_cards().filter(role=role, stage=stage),
        ordering=PIPELINE_STAGE_ORDERING,
        size=PIPELINE_STAGE_SIZE,
        after=after,
        before=before,
    )


def role_pipeline(
    *,
    role: Role,
    stage: str | None = None,
    after: str | None = None,
    before: str | None = None,
) -> list[PipelineStage]:
    """The role's pipeline in stage order, empty stages included: each stage's count
    and first page of submissions with their candidates, or for `stage` the page
    after or before a cursor. Two queries whatever the role's size (three when a
    stage is paged): the counts by stage, read from the index of a role's
    submissions by stage, and the first rows of every stage, ranked in one pass
    over the role's submissions before any other table is joined."""
    counts = role_stage_counts(role=role)
    ranked = Submission.objects.filter(role=role).annotate(
        rank=Window(
            RowNumber(),
            partition_by=F("stage"),
            order_by=[F(field).asc() for field in PIPELINE_STAGE_ORDERING],
        )
    )
    first = ranked.filter(rank__lte=PIPELINE_STAGE_SIZE + 1).values("pk")
    first_rows = defaultdict(list)
    for submission in _pipeline_cards().filter(pk__in=first).order_by(*PIPELINE_STAGE_ORDERING):
        first_rows[submission.stage].append(submission)
    columns = []
    for column in PIPELINE_ORDER:
        if column == stage and (after or before):
            page = role_pipeline_stage_page(role=role, stage=column, after=after, before=before)
        else:
            page = keyset_first_page(
                first_rows[column], ordering=PIPELINE_STAGE_ORDERING, size=PIPELINE_STAGE_SIZE
            )
        columns.append(PipelineStage(stage=Stage(column), count=counts.get(column, 0), page=page))
    return columns


def role_submission_page(
    *,
    role: Role,
    stage: str | None = None,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """The list view of the role's submissions (of one stage, or all), those longest in
    their stage first: a page of `ROLE_SUBMISSIONS_PER_PAGE` with their candidates.
    One query, on the index of a role's submissions by stage."""
    submissions = _pipeline_cards().filter(role=role)
    if stage:
        submissions = submissions.filter(stage=stage)
    return keyset_page(
        submissions,
        ordering=PIPELINE_STAGE_ORDERING,
        size=ROLE_SUBMISSIONS_PER_PAGE,
        after=after,
        before=before,
    )


def submissions_chosen(
    *, membership: Membership, public_ids: list[uuid.UUID], role: Role | None = None
) -> list[Submission]:
    """The submissions among `public_ids` (those ticked for a bulk action) that the
    member may see, of `role` if given, with their candidates and roles, in the order
    given; the other ids are left out. One query."""
    submissions = _scoped(Submission.objects.select_related("candidate", "role"), membership)
    if role is not None:
        submissions = submissions.filter(role=role)
    found = {
        submission.public_id: submission
        for submission in submissions.filter(public_id__in=public_ids)
    }
    return [found[public_id] for public_id in public_ids if public_id in found]


# --- Candidates -----------------------------------------------------------------------


def candidate_search(*, query: str) -> list[int] | None:
    """The ids of the active organization's candidates whose name, email, title or
    company contains `query` (in any case), or with `query` as a tag; None when more
    than `SEARCH_MATCHES` match. One query, through `rapport_candidate_search`, which
    reads the trigram and tag indexes that row-level security keeps this role's own
    `LIKE` from using (recruiting/migrations/0007_candidate_search.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rapport_candidate_search(%s, %s)", [query, SEARCH_MATCHES + 1])
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= SEARCH_MATCHES else None


def _matching(
    candidates: QuerySet[Candidate], query: str
) -> tuple[QuerySet[Candidate], CappedCount | None]:
    """The candidates matching a search (`candidate_search`), and how many match in
    all, up to `SEARCH_MATCHES`, when the search says so."""
    query = query.strip()
    if not query:
        return candidates, None
    if len(query) >= TRIGRAM:
        ids = candidate_search(query=query)
        if ids is not None:
            return candidates.filter(pk__in=ids), CappedCount(value=len(ids), cap=SEARCH_MATCHES)
    # Shorter than a trigram, the index cannot narrow the search; more than
    # SEARCH_MATCHES matches, the text is common. Either way the same condition as a
    # filter finds a page's rows soon along the index by name (uncounted when short).
    contains = Q(search_text__contains=Upper(Value(query)))
    if len(query) <= TAG_LENGTH:
        contains |= Q(tags__contains=[query])
    common = CappedCount(value=SEARCH_MATCHES + 1, cap=SEARCH_MATCHES)
    return (
        candidates.alias(search_text=SEARCH_TEXT).filter(contains),
        common if len(query) >= TRIGRAM else None,
    )


CANDIDATE_ORDERING = ("full_name", "id")


def candidate_list(
    *,
    membership: Membership,
    candidates: QuerySet[Candidate] | None = None,
    query: str = "",
    ordering: tuple[str, ...] = CANDIDATE_ORDERING,
    after: str | None = None,
    before: str | None = None,
) -> tuple[KeysetPage, CappedCount | None]:
    """A page of the candidates (`candidates` when filtered) matching a search
    (`candidate_search`) in `ordering`, each with its number of submissions, and how
    many match up to a cap (none for a search too short to count cheaply); agency
    only. Two queries: the search or the count, and the page, read along the index of
    the ordering, the count of each row's submissions evaluated for the page's rows
    only."""
    if candidates is None:
        candidates = Candidate.objects.all()
    candidates, count = _matching(candidates, query)
    if not query.strip():
        count = capped_count(candidates, cap=CANDIDATE_COUNT_CAP)
    page = keyset_page(
        candidates.annotate(
            submission_count=_count(Submission.objects.filter(candidate=OuterRef("pk")))
        ),
        ordering=ordering,
        size=CANDIDATES_PER_PAGE,
        after=after,
        before=before,
    )
    return page, count


def candidates_tagged(candidates: QuerySet[Candidate], *, tag: str) -> QuerySet[Candidate]:
    """Those of `candidates` with the tag. One query: the ids of those tagged, through
    `rapport_candidates_tagged`, which reads the tag index that row-level security keeps
    this role's own `@>` from using; more than SEARCH_MATCHES of them, the tag is common
    and the same condition as a filter finds a page of them soon along the list's index."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rapport_candidates_tagged(%s, %s)", [tag, SEARCH_MATCHES + 1])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= SEARCH_MATCHES:
        return candidates.filter(pk__in=ids)
    return candidates.filter(tags__contains=[tag])


def submittable_candidates(*, role: Role) -> QuerySet[Candidate]:
    """Who may be put forward for the role, as far as a form can tell: consent given
    and not yet submitted for it (the service checks both again)."""
    submitted = Submission.objects.filter(role=role, candidate=OuterRef("pk"))
    return Candidate.objects.filter(~Exists(submitted), consent_to_represent=True)


def submittable_candidate(*, role: Role, public_id: str) -> Candidate | None:
    """The candidate, if they may be submitted for the role (None for anything else,
    an id that is not one among them)."""
    try:
        public_id = uuid.UUID(public_id)
    except ValueError:
        return None
    return submittable_candidates(role=role).filter(public_id=public_id).first()


def submittable_candidate_search(*, role: Role, query: str = "") -> tuple[list[Candidate], bool]:
    """The first `CANDIDATE_CHOICES` candidates by name who may be submitted for the
    role and match the search, and whether more match. Two queries at most: the
    search, and the candidates."""
    candidates, _ = _matching(submittable_candidates(role=role), query)
    found = list(candidates.order_by("full_name", "id")[: CANDIDATE_CHOICES + 1])
    return found[:CANDIDATE_CHOICES], len(found) > CANDIDATE_CHOICES


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


def candidate_consent_records(*, candidate: Candidate) -> QuerySet[ConsentRecord]:
    """The candidate's consent records, newest first, with who recorded them (for the
    agency: the pages and the API check the member's role first)."""
    return (
        ConsentRecord.objects.filter(candidate=candidate)
        .select_related("recorded_by__user")
        .order_by("-effective_at", "-id")
    )


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


SUBMISSIONS_PER_PAGE = 25
SUBMISSION_COUNT_CAP = 1000
SUBMISSION_ORDERING = ("stage_changed_at", "id")


def submissions_visible(*, membership: Membership) -> QuerySet[Submission]:
    """The submissions the member may see: the submission list's, before its filters."""
    return _scoped(Submission.objects.all(), membership)


def submission_list(
    *,
    submissions: QuerySet[Submission],
    ordering: tuple[str, ...] = SUBMISSION_ORDERING,
    after: str | None = None,
    before: str | None = None,
) -> tuple[KeysetPage, CappedCount]:
    """A page of `submissions` (`submissions_visible`, filtered) in `ordering`, those
    longest in their stage first by default, with their candidates, roles and clients,
    and how many there are up to a cap. Two queries: the count and the page."""
    page = keyset_page(
        submissions.select_related("candidate", "role", "client"),
        ordering=ordering,
        size=SUBMISSIONS_PER_PAGE,
        after=after,
        before=before,
    )
    return page, capped_count(submissions, cap=SUBMISSION_COUNT_CAP)


def changes_requested(
    *, membership: Membership, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """A page of the submissions whose culture-fit notes HR sent back, longest waiting
    first: the recruiter's to revise. One query, on the partial index of the
    submissions whose notes wait for changes."""
    return keyset_page(
        _scoped(
            Submission.objects.filter(
                culture_status=CultureStatus.CHANGES_REQUESTED, stage__in=OPEN_STAGES
            ),
            membership,
        ).select_related("role", "candidate"),
        ordering=("updated_at", "id"),
        size=CHANGES_PER_PAGE,
        after=after,
        before=before,
    )


# --- QuerySets for the API's lists and lookups --------------------------------------
# Each is what the member may see, with what its serializer reads joined in, so a
# page of any size costs the same queries; the API paginates and filters them.


def client_queryset(*, membership: Membership) -> QuerySet[Client]:
    return _with_public_ids(
        _scoped(Client.objects.all(), membership, "id"), "owner", "escalation_contact"
    )


def contact_queryset(*, membership: Membership) -> QuerySet[Contact]:
    return _with_public_ids(_scoped(Contact.objects.all(), membership), "client")


def role_queryset(*, membership: Membership) -> QuerySet[Role]:
    return _with_public_ids(
        _scoped(Role.objects.all(), membership),
        "client",
        "hiring_manager",
        "hr_contact",
        "owner",
        "agreement",
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
    """The API's submission list, its role, candidate, client and submitter named by
    public id only (`<relation>_public_id`). Each is read by a subquery of the row, not
    joined: PostgreSQL cannot see through the joined tables' row-level security
    conditions, underestimates a filtered list and joins every match before sorting
    (docs/performance.md); a subquery in the select list runs for the page's rows only,
    and no related object is built."""
    return _with_public_ids(
        _scoped(Submission.objects.all(), membership),
        "role",
        "candidate",
        "client",
        "submitted_by",
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
