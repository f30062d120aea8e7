"""The recruiting resources: clients, contacts, roles, candidates, submissions and the
client's answers to them (skills reviews, culture approvals, interview feedback).

Reads go through `recruiting.selectors` (what the member may see), writes through
`recruiting.services` with the member as actor, exactly as the pages do; the
services decide what is allowed and the problem handler turns their refusals into
400 (invalid), 403 (role may not) and 409 (the current state does not allow it).
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.permissions import Action, can
from lib.api.pagination import CursorPagination
from lib.api.upsert import ExternalIdUpsertMixin, upsert_schema
from lib.api.views import RowsListModelMixin, TenantViewSetMixin
from recruiting import selectors, services
from recruiting.api import filters
from recruiting.api.serializers import (
    CandidateCreateInput,
    CandidateInput,
    CandidateSerializer,
    ClientCreateInput,
    ClientInput,
    ClientSerializer,
    ClientUpdateInput,
    CompetingOfferDeadlineInput,
    ConsentRecordInput,
    ConsentRecordPage,
    ConsentRecordSerializer,
    ContactCreateInput,
    ContactInput,
    ContactSerializer,
    ContactUpdateInput,
    CultureApprovalInput,
    CultureApprovalSerializer,
    CultureNotesInput,
    InfoAnswerInput,
    InterviewFeedbackInput,
    InterviewFeedbackSerializer,
    RoleCreateInput,
    RoleInput,
    RoleSerializer,
    RoleStatusInput,
    RoleUpdateInput,
    SkillsReviewInput,
    SkillsReviewSerializer,
    StageMoveInput,
    SubmissionCreateInput,
    SubmissionInput,
    SubmissionSerializer,
)


class RoleMayAct(BasePermission):
    """The permission matrix, checked before the input as the pages check it before
    their forms: a client user gets 403 for a write whatever its body.

    `view.matrix_actions` maps a viewset action to the `Action` it needs. Writes on
    an object are checked once the object is found (`has_object_permission`), so
    an object the member cannot see stays a 404. The services check again: they
    are the authority, this only answers earlier.
    """

    def has_permission(self, request, view) -> bool:
        return view.detail or self._allowed(request, view)

    def has_object_permission(self, request, view, obj) -> bool:
        return self._allowed(request, view)

    def _allowed(self, request, view) -> bool:
        needed = view.matrix_actions.get(view.action)
        if needed is None or can(request.membership, needed):
            return True
        self.message = (
            f"As {request.membership.get_role_display().lower()} you cannot {needed.value}."
        )
        return False


class ConsentPagination(CursorPagination):
    ordering = ("-effective_at", "-id")


class RecruitingViewSet(
    TenantViewSetMixin, RowsListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, RoleMayAct]
    ordering_fields = ["created_at", "updated_at"]
    matrix_actions: dict[str, Action] = {}

    def body(self, serializer_class, *, partial: bool = False) -> dict:
        """The request body checked against `serializer_class`: its validated data, or 400."""
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def stored(self, instance, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The object as a GET returns it, read again through the member's selector."""
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(instance).data, status=status_code)


def _unchanged(instance, data: dict, field: str, message: str) -> None:
    """An upsert may not move an object to another parent (a role to another client)."""
    if field in data and data.pop(field) != getattr(instance, field):
        raise ValidationError({field: message})


# The business rules each write answers with 400 (`refusals`, in the schema's 400 of the
# operation and in docs/api.md); malformed fields are a 400 everywhere and not listed.
EXTERNAL_REFERENCE_RULE = (
    "`external_id` is given without `external_source`, or another object of this kind "
    "already has that reference."
)
UPSERT_REFERENCE_RULE = "The path's `external_source` or `external_id` is blank or too long."
CLIENT_RULES = [
    "`name` is blank, or another client already has it.",
    "`timezone` is not an IANA timezone name.",
    "`business_day_end` is not after `business_day_start`, or `workdays` is empty.",
    "`owner` is not an agency member of the organization.",
]
CONTACT_RULES = [
    "`client` is not a client the caller can see.",
    "`email` is that of another contact of the same client.",
]
ROLE_RULES = [
    "`client` is not a client the caller can see.",
    "`hiring_manager` or `hr_contact` is not a contact of that kind at the role's client.",
    "`owner` is not an agency member of the organization.",
    "`salary_max` is below `salary_min`.",
]
CANDIDATE_RULES = ["`email` is that of another candidate."]
CONSENT_RULES = ["`effective_at` is in the future."]
SUBMISSION_RULES = [
    "`role` or `candidate` is not one the caller can see.",
    "The candidate has no current consent to be represented (`consent_to_represent`): "
    "none was recorded, or they withdrew it. The message is on `candidate`.",
    "The candidate was already submitted for the role.",
    "`pitch` is blank.",
    "`competing_offer_deadline` is already past.",
    "A `skills_summary` item names a must-have the role's agreement does not list.",
]
SUBMISSION_ANSWER_RULE = "`submission` is not one the caller can see."
STAYS_WITH = "An update names another `{parent}`: a {noun} stays with its {parent}."


# --- Clients and contacts -------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List clients"),
    retrieve=extend_schema(summary="Get a client"),
    create=extend_schema(
        summary="Create a client", request=ClientCreateInput, responses={201: ClientSerializer}
    ),
    partial_update=extend_schema(
        summary="Update a client", request=ClientUpdateInput, responses=ClientSerializer
    ),
    upsert=upsert_schema(request=ClientInput, response=ClientSerializer, noun="client"),
)
@extend_schema(tags=["clients"])
class ClientViewSet(ExternalIdUpsertMixin, RecruitingViewSet):
    """The agency's clients; hiring managers and HR see only their own."""

    refusals = {
        "create": [*CLIENT_RULES, EXTERNAL_REFERENCE_RULE],
        "partial_update": [
            *CLIENT_RULES,
            "`escalation_contact` is not a contact of this client.",
            EXTERNAL_REFERENCE_RULE,
        ],
        "upsert": [*CLIENT_RULES, UPSERT_REFERENCE_RULE],
    }

    serializer_class = ClientSerializer
    filterset_class = filters.ClientFilter
    ordering_fields = ["created_at", "updated_at", "name"]
    upsert_serializer_class = ClientInput
    matrix_actions = dict.fromkeys(
        ["create", "partial_update", "upsert"], Action.EDIT_CLIENTS_AND_ROLES
    )

    def scoped_queryset(self, membership):
        return selectors.client_queryset(membership=membership)

    def create(self, request):
        client = services.client_create(actor=request.membership, **self.body(ClientCreateInput))
        return self.stored(client, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        client = self.get_object()
        data = self.body(ClientUpdateInput, partial=True)
        return self.stored(self._update(client, data))

    def upsert_create(self, data, *, external_source, external_id):
        return services.client_create(
            actor=self.request.membership,
            **data,
            external_source=external_source,
            external_id=external_id,
        )

    def upsert_update(self, instance, data):
        return self._update(instance, data)

    def _update(self, client, data):
        data.setdefault("escalation_contact", client.escalation_contact)
        return services.client_update(actor=self.request.membership, client=client, **data)


@extend_schema_view(
    list=extend_schema(summary="List contacts"),
    retrieve=extend_schema(summary="Get a contact"),
    create=extend_schema(
        summary="Add a contact to a client",
        request=ContactCreateInput,
        responses={201: ContactSerializer},
    ),
    partial_update=extend_schema(
        summary="Update a contact", request=ContactUpdateInput, responses=ContactSerializer
    ),
    upsert=upsert_schema(request=ContactInput, response=ContactSerializer, noun="contact"),
)
@extend_schema(tags=["contacts"])
class ContactViewSet(ExternalIdUpsertMixin, RecruitingViewSet):
    """People at the clients: hiring managers, HR and others."""

    refusals = {
        "create": [*CONTACT_RULES, EXTERNAL_REFERENCE_RULE],
        "partial_update": [*CONTACT_RULES[1:], EXTERNAL_REFERENCE_RULE],
        "upsert": [
            *CONTACT_RULES,
            STAYS_WITH.format(parent="client", noun="contact"),
            UPSERT_REFERENCE_RULE,
        ],
    }

    serializer_class = ContactSerializer
    filterset_class = filters.ContactFilter
    ordering_fields = ["created_at", "updated_at", "full_name"]
    upsert_serializer_class = ContactInput
    matrix_actions = dict.fromkeys(
        ["create", "partial_update", "upsert"], Action.EDIT_CLIENTS_AND_ROLES
    )

    def scoped_queryset(self, membership):
        return selectors.contact_queryset(membership=membership)

    def create(self, request):
        contact = services.contact_create(actor=request.membership, **self.body(ContactCreateInput))
        return self.stored(contact, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        contact = self.get_object()
        data = self.body(ContactUpdateInput, partial=True)
        return self.stored(
            services.contact_update(actor=request.membership, contact=contact, **data)
        )

    def upsert_create(self, data, *, external_source, external_id):
        return services.contact_create(
            actor=self.request.membership,
            **data,
            external_source=external_source,
            external_id=external_id,
        )

    def upsert_update(self, instance, data):
        _unchanged(instance, data, "client", "A contact stays with its client.")
        return services.contact_update(actor=self.request.membership, contact=instance, **data)


# --- Roles ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List roles (job orders)"),
    retrieve=extend_schema(summary="Get a role"),
    create=extend_schema(
        summary="Open a role", request=RoleCreateInput, responses={201: RoleSerializer}
    ),
    partial_update=extend_schema(
        summary="Update a role", request=RoleUpdateInput, responses=RoleSerializer
    ),
    upsert=upsert_schema(request=RoleInput, response=RoleSerializer, noun="role"),
    change_status=extend_schema(
        summary="Change a role's status",
        description="Open, on hold, filled or cancelled; a move the table does not allow is 409.",
        request=RoleStatusInput,
        responses=RoleSerializer,
    ),
)
@extend_schema(tags=["roles"])
class RoleViewSet(ExternalIdUpsertMixin, RecruitingViewSet):
    """Job orders: what each client wants filled."""

    refusals = {
        "create": [*ROLE_RULES, EXTERNAL_REFERENCE_RULE],
        "partial_update": [*ROLE_RULES[1:], EXTERNAL_REFERENCE_RULE],
        "upsert": [
            *ROLE_RULES,
            STAYS_WITH.format(parent="client", noun="role"),
            UPSERT_REFERENCE_RULE,
        ],
    }

    serializer_class = RoleSerializer
    filterset_class = filters.RoleFilter
    ordering_fields = ["created_at", "updated_at", "title"]
    upsert_serializer_class = RoleInput
    matrix_actions = dict.fromkeys(
        ["create", "partial_update", "upsert", "change_status"], Action.EDIT_CLIENTS_AND_ROLES
    )

    def scoped_queryset(self, membership):
        return selectors.role_queryset(membership=membership)

    def create(self, request):
        role = services.role_create(actor=request.membership, **self.body(RoleCreateInput))
        return self.stored(role, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        role = self.get_object()
        return self.stored(self._update(role, self.body(RoleUpdateInput, partial=True)))

    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, public_id):
        role = self.get_object()
        data = self.body(RoleStatusInput)
        return self.stored(
            services.role_change_status(actor=request.membership, role=role, status=data["status"])
        )

    def upsert_create(self, data, *, external_source, external_id):
        return services.role_create(
            actor=self.request.membership,
            **data,
            external_source=external_source,
            external_id=external_id,
        )

    def upsert_update(self, instance, data):
        _unchanged(instance, data, "client", "A role stays with its client.")
        return self._update(instance, data)

    def _update(self, role, data):
        # `role_update` sets both contacts: keep the stored ones unless given.
        data.setdefault("hiring_manager", role.hiring_manager)
        data.setdefault("hr_contact", role.hr_contact)
        return services.role_update(actor=self.request.membership, role=role, **data)


# --- Candidates -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List candidates"),
    retrieve=extend_schema(summary="Get a candidate"),
    create=extend_schema(
        summary="Add a candidate",
        request=CandidateCreateInput,
        responses={201: CandidateSerializer},
    ),
    partial_update=extend_schema(
        summary="Update a candidate", request=CandidateCreateInput, responses=CandidateSerializer
    ),
    upsert=upsert_schema(request=CandidateInput, response=CandidateSerializer, noun="candidate"),
    consents=extend_schema(
        summary="List a candidate's consent records",
        parameters=[
            OpenApiParameter(
                "cursor", str, description="The `next` or `previous` link's position."
            ),
            OpenApiParameter(
                "limit",
                int,
                description="Items per page: 1 or more; above 200, 200 are served.",
            ),
        ],
        description=(
            "Every decision of the candidate about each purpose (`represent`: to be put "
            "forward to clients; `store`: to be kept in the agency's database), newest "
            "first: the latest of a purpose is its current state, also on the candidate "
            "(`consent_to_represent`, `consent_to_store`). Agency members only."
        ),
        responses=ConsentRecordPage,
    ),
)
@extend_schema(tags=["candidates"])
class CandidateViewSet(ExternalIdUpsertMixin, RecruitingViewSet):
    """The agency's candidates. Hiring managers and HR see those submitted to their
    client, never the recruiter-internal notes."""

    refusals = {
        "create": [*CANDIDATE_RULES, EXTERNAL_REFERENCE_RULE],
        "partial_update": [*CANDIDATE_RULES, EXTERNAL_REFERENCE_RULE],
        "upsert": [*CANDIDATE_RULES, UPSERT_REFERENCE_RULE],
        "consent_create": CONSENT_RULES,
    }

    serializer_class = CandidateSerializer
    filterset_class = filters.CandidateFilter
    ordering_fields = ["created_at", "updated_at", "full_name"]
    upsert_serializer_class = CandidateInput
    matrix_actions = dict.fromkeys(
        ["create", "partial_update", "upsert", "consents", "consent_create"],
        Action.EDIT_CANDIDATES,
    )

    def scoped_queryset(self, membership):
        return selectors.candidate_queryset(membership=membership)

    def create(self, request):
        candidate = services.candidate_create(
            actor=request.membership, **self.body(CandidateCreateInput)
        )
        return self.stored(candidate, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        candidate = self.get_object()
        data = self.body(CandidateCreateInput, partial=True)
        return self.stored(
            services.candidate_update(actor=request.membership, candidate=candidate, **data)
        )

    def upsert_create(self, data, *, external_source, external_id):
        return services.candidate_create(
            actor=self.request.membership,
            **data,
            external_source=external_source,
            external_id=external_id,
        )

    def upsert_update(self, instance, data):
        return services.candidate_update(actor=self.request.membership, candidate=instance, **data)

    @action(
        detail=True,
        methods=["get"],
        pagination_class=ConsentPagination,
        filter_backends=[],
    )
    def consents(self, request, public_id):
        candidate = self.get_object()
        page = self.paginate_queryset(selectors.candidate_consent_records(candidate=candidate))
        return self.get_paginated_response(ConsentRecordSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a candidate's consent or its withdrawal",
        description=(
            "What the candidate told the agency by email, on a call or in person, for one "
            "purpose. It becomes the current state of that purpose unless a later record "
            "exists. A candidate whose consent to be represented is withdrawn cannot be "
            "submitted, and their open submissions can be closed but not moved on. "
            "Agency members only."
        ),
        request=ConsentRecordInput,
        responses={201: ConsentRecordSerializer},
    )
    @consents.mapping.post
    def consent_create(self, request, public_id):
        candidate = self.get_object()
        record = services.consent_record(
            actor=request.membership, candidate=candidate, **self.body(ConsentRecordInput)
        )
        record = selectors.candidate_consent_records(candidate=candidate).get(pk=record.pk)
        return Response(ConsentRecordSerializer(record).data, status=status.HTTP_201_CREATED)


# --- Submissions ----------------------------------------------------------------------


def _submission_action(summary: str, description: str, request):
    return extend_schema(
        summary=summary, description=description, request=request, responses=SubmissionSerializer
    )


@extend_schema_view(
    list=extend_schema(summary="List submissions"),
    retrieve=extend_schema(summary="Get a submission"),
    create=extend_schema(
        summary="Submit a candidate for a role",
        description=(
            "Culture-fit notes go to HR first when the role's agreement says so; otherwise "
            "the submission goes straight to the hiring manager's review."
        ),
        request=SubmissionCreateInput,
        responses={201: SubmissionSerializer},
    ),
    upsert=upsert_schema(request=SubmissionInput, response=SubmissionSerializer, noun="submission"),
    move=_submission_action(
        "Move a submission to another stage",
        "submitted → hm_review → interviewing → offer → hired, or rejected, withdrawn, "
        "lost. A move the pipeline does not allow from the current stage is 409; a move "
        "the caller's role may not make is 403. Interviews are reached through the hiring "
        "manager's skills review (`POST /skills-reviews/`).",
        StageMoveInput,
    ),
    culture_notes=_submission_action(
        "Revise the culture-fit notes",
        "After HR asked for changes: the revised notes go back to HR for approval.",
        CultureNotesInput,
    ),
    answer_info_request=_submission_action(
        "Answer the hiring manager's request for information",
        "The hiring manager's review clock restarts.",
        InfoAnswerInput,
    ),
    competing_offer_deadline=_submission_action(
        "Set or clear the competing-offer deadline",
        "Open response clocks fall due no later than the deadline.",
        CompetingOfferDeadlineInput,
    ),
)
@extend_schema(tags=["submissions"])
class SubmissionViewSet(ExternalIdUpsertMixin, RecruitingViewSet):
    """Candidates put forward for roles, and their way through the pipeline."""

    refusals = {
        "create": [*SUBMISSION_RULES, EXTERNAL_REFERENCE_RULE],
        "upsert": [
            *SUBMISSION_RULES,
            STAYS_WITH.format(parent="role", noun="submission"),
            STAYS_WITH.format(parent="candidate", noun="submission"),
            "An update changes `culture_fit_notes`: they change through "
            "`POST /submissions/{id}/culture-notes/` once HR asks for changes.",
            UPSERT_REFERENCE_RULE,
        ],
        "move": [
            "`lost_reason` is missing when the move is to `lost`.",
            "`reason` is blank when the move is to `rejected` or `withdrawn`.",
        ],
        "culture_notes": ["`culture_fit_notes` is blank."],
        "answer_info_request": ["`answer` is blank."],
        "competing_offer_deadline": ["`competing_offer_deadline` is already past."],
    }

    serializer_class = SubmissionSerializer
    filterset_class = filters.SubmissionFilter
    ordering_fields = ["created_at", "updated_at", "stage_changed_at"]
    upsert_serializer_class = SubmissionInput
    matrix_actions = {
        "create": Action.CREATE_SUBMISSION,
        "upsert": Action.CREATE_SUBMISSION,
        # Who may make which move depends on the stage: `submission_move` decides.
        "move": Action.VIEW_SUBMISSIONS,
        "culture_notes": Action.CREATE_SUBMISSION,
        "answer_info_request": Action.CREATE_SUBMISSION,
        "competing_offer_deadline": Action.CREATE_SUBMISSION,
    }

    def scoped_queryset(self, membership):
        return selectors.submission_queryset(membership=membership)

    def create(self, request):
        submission = services.submission_create(
            actor=request.membership, **self.body(SubmissionCreateInput)
        )
        return self.stored(submission, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def move(self, request, public_id):
        submission = self.get_object()
        data = self.body(StageMoveInput)
        services.submission_move(
            actor=request.membership,
            submission=submission,
            to_stage=data["stage"],
            reason=data["reason"],
            lost_reason=data["lost_reason"],
        )
        return self.stored(submission)

    @action(detail=True, methods=["post"], url_path="culture-notes", url_name="culture-notes")
    def culture_notes(self, request, public_id):
        submission = self.get_object()
        services.submission_revise_culture_notes(
            actor=request.membership,
            submission=submission,
            culture_fit_notes=self.body(CultureNotesInput)["culture_fit_notes"],
        )
        return self.stored(submission)

    @action(
        detail=True,
        methods=["post"],
        url_path="answer-info-request",
        url_name="answer-info-request",
    )
    def answer_info_request(self, request, public_id):
        submission = self.get_object()
        services.submission_answer_info_request(
            actor=request.membership,
            submission=submission,
            answer=self.body(InfoAnswerInput)["answer"],
        )
        return self.stored(submission)

    @action(
        detail=True,
        methods=["post"],
        url_path="competing-offer-deadline",
        url_name="competing-offer-deadline",
    )
    def competing_offer_deadline(self, request, public_id):
        submission = self.get_object()
        services.submission_set_competing_deadline(
            actor=request.membership,
            submission=submission,
            deadline=self.body(CompetingOfferDeadlineInput)["competing_offer_deadline"],
        )
        return self.stored(submission)

    def upsert_create(self, data, *, external_source, external_id):
        return services.submission_create(
            actor=self.request.membership,
            **data,
            external_source=external_source,
            external_id=external_id,
        )

    def upsert_update(self, submission, data):
        """Pitch, skills summary and competing-offer deadline follow the ATS; the stage
        moves only through `move`, the culture-fit notes only through HR."""
        actor = self.request.membership
        _unchanged(submission, data, "role", "A submission stays with its role.")
        _unchanged(submission, data, "candidate", "A submission stays with its candidate.")
        notes = data.get("culture_fit_notes")
        if notes is not None and notes.strip() != submission.culture_fit_notes:
            raise ValidationError(
                {
                    "culture_fit_notes": "Culture-fit notes change through "
                    "POST /api/v1/submissions/{id}/culture-notes/ once HR asks for changes."
                }
            )
        if (
            "competing_offer_deadline" in data
            and data["competing_offer_deadline"] != submission.competing_offer_deadline
        ):
            services.submission_set_competing_deadline(
                actor=actor, submission=submission, deadline=data["competing_offer_deadline"]
            )
        return services.submission_update(
            actor=actor,
            submission=submission,
            pitch=data["pitch"],
            skills_summary=data.get("skills_summary"),
        )


# --- The client's answers -------------------------------------------------------------


class AnswerViewSet(RecruitingViewSet):
    """A client's answer on a submission: written once, by the service that acts on it
    (`submit`); the list is filterable by submission."""

    input_class: type

    def create(self, request):
        answer = self.submit(self.body(self.input_class))
        return self.stored(answer, status_code=status.HTTP_201_CREATED)

    def submit(self, data: dict):
        raise NotImplementedError


@extend_schema_view(
    list=extend_schema(summary="List skills reviews"),
    retrieve=extend_schema(summary="Get a skills review"),
    create=extend_schema(
        summary="Review a candidate's skills (hiring managers)",
        description=(
            "Advance moves the submission to interviews, reject closes it, need info asks "
            "the recruiter (`POST /submissions/{id}/answer-info-request/`). 409 unless the "
            "submission is in hiring manager review."
        ),
        request=SkillsReviewInput,
        responses={201: SkillsReviewSerializer},
    ),
)
@extend_schema(tags=["skills reviews"])
class SkillsReviewViewSet(AnswerViewSet):
    serializer_class = SkillsReviewSerializer
    filterset_class = filters.SkillsReviewFilter
    input_class = SkillsReviewInput
    matrix_actions = {"create": Action.REVIEW_SKILLS}
    refusals = {
        "create": [
            SUBMISSION_ANSWER_RULE,
            "`comment` is blank when the decision is `reject` or `need_info`.",
            "A rating names a must-have the role's agreement does not list, or is not a "
            "whole number from 1 to 5.",
        ]
    }

    def scoped_queryset(self, membership):
        return selectors.skills_review_queryset(membership=membership)

    def submit(self, data):
        return services.skills_review_submit(actor=self.request.membership, **data)


@extend_schema_view(
    list=extend_schema(summary="List culture-fit approvals"),
    retrieve=extend_schema(summary="Get a culture-fit approval"),
    create=extend_schema(
        summary="Approve culture-fit notes or request changes (HR)",
        description=(
            "Approval releases a submission waiting for it to the hiring manager's review. "
            "409 unless the notes await approval."
        ),
        request=CultureApprovalInput,
        responses={201: CultureApprovalSerializer},
    ),
)
@extend_schema(tags=["culture approvals"])
class CultureApprovalViewSet(AnswerViewSet):
    serializer_class = CultureApprovalSerializer
    filterset_class = filters.CultureApprovalFilter
    input_class = CultureApprovalInput
    matrix_actions = {"create": Action.APPROVE_CULTURE_NOTES}
    refusals = {
        "create": [
            SUBMISSION_ANSWER_RULE,
            "`comment` is blank when the decision is `request_changes`.",
        ]
    }

    def scoped_queryset(self, membership):
        return selectors.culture_approval_queryset(membership=membership)

    def submit(self, data):
        return services.culture_approval_submit(actor=self.request.membership, **data)


@extend_schema_view(
    list=extend_schema(summary="List interview feedback"),
    retrieve=extend_schema(summary="Get interview feedback"),
    create=extend_schema(
        summary="Log interview feedback",
        description=(
            "Reject closes the submission; advance opens the next stage's feedback clock, "
            "or the offer decision's after the last stage. 409 unless interviewing."
        ),
        request=InterviewFeedbackInput,
        responses={201: InterviewFeedbackSerializer},
    ),
)
@extend_schema(tags=["interview feedback"])
class InterviewFeedbackViewSet(AnswerViewSet):
    serializer_class = InterviewFeedbackSerializer
    filterset_class = filters.InterviewFeedbackFilter
    input_class = InterviewFeedbackInput
    matrix_actions = {"create": Action.LOG_PIPELINE_EVENTS}
    refusals = {
        "create": [
            SUBMISSION_ANSWER_RULE,
            "`rating` is not a whole number from 1 to 5.",
            "`stage_name` is blank, or not one of the interview stages the role's agreement lists.",
            "`comment` is blank when the outcome is `reject`.",
        ]
    }

    def scoped_queryset(self, membership):
        return selectors.interview_feedback_queryset(membership=membership)

    def submit(self, data):
        return services.interview_feedback_submit(actor=self.request.membership, **data)
