"""Shapes of the recruiting resources. Output serializers read the stored object; input
serializers check shape only and hand the services their arguments, which decide
what is allowed. Related objects are named by public id and looked up among those
the member may see."""

import uuid

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.permissions import Action, can
from lib.api.serializers import InputSerializer
from lib.text import DESCRIPTION_MAX_LENGTH, EVIDENCE_MAX_LENGTH, TEXT_MAX_LENGTH
from recruiting import selectors
from recruiting.models import (
    CONSENT_NOTE_MAX_LENGTH,
    RECRUITER_CONSENT_METHODS,
    Candidate,
    Client,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Contact,
    ContactKind,
    CultureApproval,
    CultureDecision,
    CultureStatus,
    InterviewFeedback,
    InterviewOutcome,
    LostReason,
    Priority,
    ReviewDecision,
    Role,
    RoleStatus,
    SkillsReview,
    Stage,
    Submission,
    WorkArrangement,
)

EXTERNAL_REFERENCE = ["external_source", "external_id"]
TIMESTAMPS = ["created_at", "updated_at"]


def _membership(serializer: serializers.Field):
    return serializer.context["request"].membership


def _public_id(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="public_id", read_only=True, **kwargs)


def _annotated_public_id(relation: str, **kwargs) -> serializers.UUIDField:
    """A related object's public id, read from the row's `<relation>_public_id` that the
    selectors annotate (`recruiting.selectors._with_public_ids`): no related object
    is loaded."""
    return serializers.UUIDField(source=f"{relation}_public_id", read_only=True, **kwargs)


@extend_schema_field(OpenApiTypes.UUID)
class VisibleRelatedField(serializers.RelatedField):
    """An object named by its public id, found among those the member may see (`selector`).

    An id the member cannot see is refused exactly as an unknown one ("No such
    role."), so input reveals nothing about other organizations or clients.
    """

    default_error_messages = {"does_not_exist": "No such {noun}."}

    def __init__(self, *, selector, noun: str, **kwargs) -> None:
        self.selector = selector
        self.noun = noun
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(membership=_membership(self))

    def to_internal_value(self, data):
        try:
            return self.get_queryset().get(public_id=uuid.UUID(str(data)))
        except (ValueError, ObjectDoesNotExist):
            self.fail("does_not_exist", noun=self.noun)

    def to_representation(self, value):
        return value.public_id


class ExternalReferenceInput(InputSerializer):
    """`(external_source, external_id)`: the object's identity in the integrator's system,
    unique per organization and kind of object."""

    external_source = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="The system the object comes from, e.g. `greenhouse`.",
    )
    external_id = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="The object's id in that system.",
    )


# --- Clients --------------------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    owner = _annotated_public_id(
        "owner", allow_null=True, help_text="The agency member who owns the relationship."
    )
    escalation_contact = _annotated_public_id(
        "escalation_contact",
        allow_null=True,
        help_text="The contact told about badly overdue reviews.",
    )
    notes = serializers.SerializerMethodField(help_text="Agency only: null for client users.")

    class Meta:
        model = Client
        fields = [
            "id",
            "name",
            "website",
            "timezone",
            "business_day_start",
            "business_day_end",
            "workdays",
            "owner",
            "escalation_contact",
            "notes",
            "weekly_report",
            *EXTERNAL_REFERENCE,
            *TIMESTAMPS,
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_notes(self, client: Client) -> str | None:
        return client.notes if can(_membership(self), Action.READ_INTERNAL_NOTES) else None


class ClientInput(InputSerializer):
    name = serializers.CharField(max_length=160)
    website = serializers.URLField(required=False, allow_blank=True)
    timezone = serializers.CharField(
        max_length=64, help_text="IANA name; business hours and deadlines count in it."
    )
    business_day_start = serializers.TimeField(required=False)
    business_day_end = serializers.TimeField(required=False)
    workdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        help_text="Working days, 0 = Monday … 6 = Sunday.",
    )
    owner = VisibleRelatedField(
        selector=selectors.relationship_owner_choices,
        noun="agency member",
        required=False,
        help_text="An agency member; the caller by default.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    weekly_report = serializers.BooleanField(
        required=False,
        help_text="Mail the client's contacts last week's report each Monday; true by default.",
    )


class ClientCreateInput(ExternalReferenceInput, ClientInput):
    pass


class ClientUpdateInput(ClientCreateInput):
    escalation_contact = VisibleRelatedField(
        selector=selectors.contact_queryset,
        noun="contact",
        required=False,
        allow_null=True,
        help_text="A contact of this client.",
    )


# --- Contacts -------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    client = _annotated_public_id("client")

    class Meta:
        model = Contact
        fields = [
            "id",
            "client",
            "kind",
            "full_name",
            "email",
            "phone",
            "job_title",
            *EXTERNAL_REFERENCE,
            *TIMESTAMPS,
        ]


class ContactFieldsInput(InputSerializer):
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=120, required=False, allow_blank=True)


class ContactInput(ContactFieldsInput):
    client = VisibleRelatedField(selector=selectors.client_queryset, noun="client")


class ContactCreateInput(ExternalReferenceInput, ContactInput):
    pass


class ContactUpdateInput(ExternalReferenceInput, ContactFieldsInput):
    """A contact stays with its client."""


# --- Roles ----------------------------------------------------------------------------


class RoleSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    client = _annotated_public_id("client")
    hiring_manager = _annotated_public_id(
        "hiring_manager", allow_null=True, help_text="The client's hiring manager contact."
    )
    hr_contact = _annotated_public_id(
        "hr_contact", allow_null=True, help_text="The client's HR contact."
    )
    owner = _annotated_public_id(
        "owner", allow_null=True, help_text="The agency member who works the role."
    )
    agreement = _annotated_public_id(
        "agreement", allow_null=True, help_text="The intake agreement in force."
    )

    class Meta:
        model = Role
        fields = [
            "id",
            "client",
            "title",
            "description",
            "location",
            "work_arrangement",
            "openings",
            "salary_min",
            "salary_max",
            "salary_currency",
            "priority",
            "status",
            "hiring_manager",
            "hr_contact",
            "owner",
            "agreement",
            *EXTERNAL_REFERENCE,
            *TIMESTAMPS,
        ]


class RoleFieldsInput(InputSerializer):
    title = serializers.CharField(max_length=160)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=DESCRIPTION_MAX_LENGTH
    )
    location = serializers.CharField(max_length=120, required=False, allow_blank=True)
    work_arrangement = serializers.ChoiceField(choices=WorkArrangement.choices, required=False)
    openings = serializers.IntegerField(min_value=1, max_value=32767, required=False)
    salary_min = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    salary_max = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    salary_currency = serializers.CharField(min_length=3, max_length=3, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    hiring_manager = VisibleRelatedField(
        selector=selectors.contact_queryset,
        noun="contact",
        required=False,
        allow_null=True,
        help_text="A hiring manager contact of the role's client.",
    )
    hr_contact = VisibleRelatedField(
        selector=selectors.contact_queryset,
        noun="contact",
        required=False,
        allow_null=True,
        help_text="An HR contact of the role's client.",
    )
    owner = VisibleRelatedField(
        selector=selectors.relationship_owner_choices,
        noun="agency member",
        required=False,
        help_text="An agency member; the caller by default.",
    )


class RoleInput(RoleFieldsInput):
    client = VisibleRelatedField(selector=selectors.client_queryset, noun="client")


class RoleCreateInput(ExternalReferenceInput, RoleInput):
    pass


class RoleUpdateInput(ExternalReferenceInput, RoleFieldsInput):
    """A role stays with its client; its status changes through `POST …/status/`."""


class RoleStatusInput(InputSerializer):
    status = serializers.ChoiceField(choices=RoleStatus.choices)


# --- Candidates -----------------------------------------------------------------------


class CandidateSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    has_resume = serializers.SerializerMethodField()
    internal_notes = serializers.SerializerMethodField(
        help_text="Recruiter-internal: null for hiring managers and HR."
    )

    class Meta:
        model = Candidate
        fields = [
            "id",
            "full_name",
            "email",
            "phone",
            "location",
            "current_title",
            "current_company",
            "links",
            "source",
            "tags",
            "consent_to_represent",
            "consent_recorded_at",
            "consent_to_store",
            "has_resume",
            "resume_name",
            "internal_notes",
            *EXTERNAL_REFERENCE,
            *TIMESTAMPS,
        ]

    def get_has_resume(self, candidate: Candidate) -> bool:
        return bool(candidate.resume)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_internal_notes(self, candidate: Candidate) -> str | None:
        if can(_membership(self), Action.READ_INTERNAL_NOTES):
            return candidate.internal_notes
        return None


class CandidateInput(InputSerializer):
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    location = serializers.CharField(max_length=120, required=False, allow_blank=True)
    current_title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    current_company = serializers.CharField(max_length=120, required=False, allow_blank=True)
    links = serializers.ListField(child=serializers.URLField(), required=False)
    source = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="Where we found them."
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    consent_to_represent = serializers.BooleanField(
        required=False,
        help_text="The candidate agreed to be put forward for roles. Setting it adds a "
        "consent record, how not stated (`method` `unstated`); record how with "
        "`POST /candidates/{id}/consents/`.",
    )
    internal_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )


class CandidateCreateInput(ExternalReferenceInput, CandidateInput):
    pass


class ConsentRecordSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices, read_only=True)
    method = serializers.ChoiceField(
        choices=ConsentMethod.choices,
        read_only=True,
        help_text="How the agency learnt of it: `link` when the candidate answered through "
        "their consent link, `migrated` for consent recorded before the records existed.",
    )
    recorded_by = serializers.UUIDField(
        source="recorded_by.public_id",
        read_only=True,
        allow_null=True,
        help_text="The member who recorded it; null when the candidate answered themselves.",
    )

    class Meta:
        model = ConsentRecord
        fields = [
            "id",
            "purpose",
            "granted",
            "method",
            "effective_at",
            "note",
            "recorded_by",
            "ip_address",
            "user_agent",
            "created_at",
        ]
        read_only_fields = fields


class ConsentRecordPage(serializers.Serializer):
    """A page of a candidate's consent records, newest first."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ConsentRecordSerializer(many=True)


class ConsentRecordInput(InputSerializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    granted = serializers.BooleanField(help_text="True when given, false when withdrawn.")
    method = serializers.ChoiceField(
        choices=[(method.value, method.label) for method in RECRUITER_CONSENT_METHODS],
        help_text="How the candidate told the agency.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=CONSENT_NOTE_MAX_LENGTH
    )
    effective_at = serializers.DateTimeField(
        required=False, help_text="When the candidate gave or withdrew it; now by default."
    )


# --- Submissions ----------------------------------------------------------------------


class SkillEvidenceSerializer(serializers.Serializer):
    must_have = serializers.CharField(
        max_length=200, help_text="One of the role's agreed must-haves."
    )
    evidence = serializers.CharField(max_length=EVIDENCE_MAX_LENGTH)


class SubmissionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    role = _annotated_public_id("role")
    candidate = _annotated_public_id("candidate")
    client = _annotated_public_id("client")
    submitted_by = _annotated_public_id(
        "submitted_by",
        allow_null=True,
        help_text="The agency member who submitted the candidate.",
    )
    skills_summary = SkillEvidenceSerializer(many=True, read_only=True)
    culture_fit_notes = serializers.SerializerMethodField(
        help_text="Null for hiring managers until HR approved the notes."
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "role",
            "candidate",
            "client",
            "submitted_by",
            "pitch",
            "skills_summary",
            "culture_fit_notes",
            "culture_status",
            "competing_offer_deadline",
            "stage",
            "stage_changed_at",
            "lost_reason",
            "closing_note",
            *EXTERNAL_REFERENCE,
            *TIMESTAMPS,
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_culture_fit_notes(self, submission: Submission) -> str | None:
        visible = selectors.culture_notes_visible(
            membership=_membership(self), culture_status=submission.culture_status
        )
        return submission.culture_fit_notes if visible else None


class SubmissionInput(InputSerializer):
    role = VisibleRelatedField(selector=selectors.role_queryset, noun="role")
    candidate = VisibleRelatedField(selector=selectors.candidate_queryset, noun="candidate")
    pitch = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, help_text="Why this candidate fits the role."
    )
    skills_summary = SkillEvidenceSerializer(many=True, required=False)
    culture_fit_notes = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Go to HR for approval first when the role's agreement says so.",
    )
    competing_offer_deadline = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the candidate must answer another offer; pulls review deadlines earlier.",
    )


class SubmissionCreateInput(ExternalReferenceInput, SubmissionInput):
    pass


class StageMoveInput(InputSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices, help_text="The stage to move to.")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=TEXT_MAX_LENGTH,
        help_text="Required for `rejected` and `withdrawn`; kept on the timeline.",
    )
    lost_reason = serializers.ChoiceField(
        choices=LostReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for `lost`.",
    )


class CultureNotesInput(InputSerializer):
    culture_fit_notes = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, help_text="The revised notes, for HR to review."
    )


class InfoAnswerInput(InputSerializer):
    answer = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, help_text="The information the hiring manager asked for."
    )


class CompetingOfferDeadlineInput(InputSerializer):
    competing_offer_deadline = serializers.DateTimeField(
        allow_null=True, help_text="The deadline, or null to clear it."
    )


# --- The client's answers -------------------------------------------------------------


class SkillsReviewSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    submission = _public_id()
    reviewer = _public_id(allow_null=True, help_text="The hiring manager (a member).")
    ratings = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Must-have → 1..5."
    )

    class Meta:
        model = SkillsReview
        fields = ["id", "submission", "reviewer", "decision", "ratings", "comment", *TIMESTAMPS]


class SkillsReviewInput(InputSerializer):
    submission = VisibleRelatedField(selector=selectors.submission_queryset, noun="submission")
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    ratings = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=5),
        required=False,
        help_text="A rating from 1 to 5 per must-have of the role's agreement.",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Required to reject or to ask for more information.",
    )


class CultureApprovalSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    submission = _public_id()
    reviewer = _public_id(allow_null=True, help_text="The HR member.")
    reviewed_notes = serializers.SerializerMethodField(
        help_text="The notes as reviewed; null for hiring managers unless approved."
    )

    class Meta:
        model = CultureApproval
        fields = [
            "id",
            "submission",
            "reviewer",
            "decision",
            "comment",
            "reviewed_notes",
            *TIMESTAMPS,
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reviewed_notes(self, approval: CultureApproval) -> str | None:
        # Of the notes HR reviewed, a hiring manager may read the approved ones only.
        approved = approval.decision == CultureDecision.APPROVE
        visible = selectors.culture_notes_visible(
            membership=_membership(self),
            culture_status=CultureStatus.APPROVED if approved else CultureStatus.PENDING,
        )
        return approval.reviewed_notes if visible else None


class CultureApprovalInput(InputSerializer):
    submission = VisibleRelatedField(selector=selectors.submission_queryset, noun="submission")
    decision = serializers.ChoiceField(choices=CultureDecision.choices)
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Required to request changes.",
    )


class InterviewFeedbackSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    submission = _public_id()
    author = _public_id(allow_null=True, help_text="The member who logged it.")

    class Meta:
        model = InterviewFeedback
        fields = [
            "id",
            "submission",
            "author",
            "stage_name",
            "outcome",
            "rating",
            "comment",
            *TIMESTAMPS,
        ]


class InterviewFeedbackInput(InputSerializer):
    submission = VisibleRelatedField(selector=selectors.submission_queryset, noun="submission")
    stage_name = serializers.CharField(
        max_length=80, help_text="One of the agreed interview stages."
    )
    outcome = serializers.ChoiceField(choices=InterviewOutcome.choices)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Required to reject.",
    )
