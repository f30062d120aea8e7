"""The agency's book of business: clients, their people, job orders, candidates,
submissions and the client's reviews of them."""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from lib.business_hours import BusinessCalendar
from lib.models import BoundedTextField, ExternalReferenceMixin, PublicIdMixin, TenantModel
from lib.text import DESCRIPTION_MAX_LENGTH

DEFAULT_WORKDAYS = [0, 1, 2, 3, 4]


def default_workdays() -> list[int]:
    return list(DEFAULT_WORKDAYS)


class Client(PublicIdMixin, ExternalReferenceMixin, TenantModel):
    """A company the agency recruits for; its business hours drive every SLA clock."""

    name = models.CharField(max_length=160)
    website = models.URLField(blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    business_day_start = models.TimeField(default=datetime.time(9, 0))
    business_day_end = models.TimeField(default=datetime.time(17, 30))
    workdays = ArrayField(models.PositiveSmallIntegerField(), default=default_workdays)
    owner = models.ForeignKey(
        "accounts.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_clients",
        help_text="The recruiter who owns the relationship.",
    )
    escalation_contact = models.ForeignKey(
        "recruiting.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who hears about it when a review is badly overdue.",
    )
    notes = BoundedTextField(blank=True)
    weekly_report = models.BooleanField(
        default=True,
        help_text="Mail the client's contacts a report of last week every Monday morning.",
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            # Clients list, alphabetical.
            models.Index(fields=["organization", "name"], name="client_org_name_idx"),
        ]
        constraints = [
            ExternalReferenceMixin.external_reference_constraint("client_external_ref_unique"),
            models.CheckConstraint(
                condition=models.Q(business_day_start__lt=models.F("business_day_end")),
                name="client_business_day_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            timezone=self.timezone,
            day_start=self.business_day_start,
            day_end=self.business_day_end,
            workdays=frozenset(self.workdays),
        )


class ContactKind(models.TextChoices):
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    HR = "hr", "HR"
    OTHER = "other", "Other"


class Contact(PublicIdMixin, ExternalReferenceMixin, TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    full_name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person's Rapport login, when they have one in this agency.",
    )

    class Meta:
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["organization", "client", "kind"], name="contact_org_client_idx"),
        ]
        constraints = [
            ExternalReferenceMixin.external_reference_constraint("contact_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_kind_display()})"


class RoleStatus(models.TextChoices):
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    FILLED = "filled", "Filled"
    CANCELLED = "cancelled", "Cancelled"


# Every allowed change of a role's status; anything else is refused.
ROLE_STATUS_MOVES: dict[str, frozenset[str]] = {
    RoleStatus.OPEN: frozenset({RoleStatus.ON_HOLD, RoleStatus.FILLED, RoleStatus.CANCELLED}),
    RoleStatus.ON_HOLD: frozenset({RoleStatus.OPEN, RoleStatus.CANCELLED}),
    RoleStatus.FILLED: frozenset({RoleStatus.OPEN}),
    RoleStatus.CANCELLED: frozenset({RoleStatus.OPEN}),
}


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class WorkArrangement(models.TextChoices):
    ONSITE = "onsite", "On site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class Role(PublicIdMixin, ExternalReferenceMixin, TenantModel):
    """A job order: what the client wants filled, and the agreement it is worked under."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=160)
    description = BoundedTextField(blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    location = models.CharField(max_length=120, blank=True)
    work_arrangement = models.CharField(
        max_length=10, choices=WorkArrangement.choices, default=WorkArrangement.HYBRID
    )
    openings = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, default="USD")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=10, choices=RoleStatus.choices, default=RoleStatus.OPEN)
    hiring_manager = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hr_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        "accounts.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_roles",
    )
    agreement = models.ForeignKey(
        "intake.ExpectationAgreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agreed version in force.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "client", "status"], name="role_org_client_idx"),
            models.Index(
                fields=["organization", "status", "-created_at"], name="role_org_status_idx"
            ),
            # The API's role list, newest first (its cursor pages by created_at).
            models.Index(fields=["organization", "-created_at"], name="role_org_created_idx"),
            # The role list sorted by title (recruiting.filters.RoleListFilter).
            models.Index(fields=["organization", "title", "id"], name="role_org_title_idx"),
        ]
        constraints = [
            ExternalReferenceMixin.external_reference_constraint("role_external_ref_unique"),
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True)
                | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="role_salary_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def resume_upload_path(instance: "Candidate", filename: str) -> str:
    # Named by organization and a random id, never by the uploaded name, which
    # may carry anything; the original name is kept in `resume_name`.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"resumes/{instance.organization_id}/{instance.public_id}.{extension}"


class Candidate(PublicIdMixin, ExternalReferenceMixin, TenantModel):
    full_name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=120, blank=True)
    current_title = models.CharField(max_length=120, blank=True)
    current_company = models.CharField(max_length=120, blank=True)
    # Stored under MEDIA_ROOT, which no URL serves: only `candidate_resume` streams
    # it, to users allowed to see the candidate.
    resume = models.FileField(upload_to=resume_upload_path, blank=True)
    resume_name = models.CharField(max_length=200, blank=True)
    links = ArrayField(models.URLField(), default=list, blank=True)
    source = models.CharField(max_length=60, blank=True, help_text="Where we found them.")
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # The current consent, per purpose: the latest `ConsentRecord` of each, kept here by
    # `recruiting.services.consent_record` so that lists and the submission rule read it
    # without reading the history. `consent_recorded_at` is when the current consent to
    # be represented was given (None while there is none).
    consent_to_represent = models.BooleanField(default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # A database default too: rows written as SQL (the benchmarks) need not name it.
    consent_to_store = models.BooleanField(default=False, db_default=False)
    # When the candidate was last mailed their consent link.
    consent_requested_at = models.DateTimeField(null=True, blank=True)
    internal_notes = BoundedTextField(
        blank=True, help_text="Recruiters only: never shown to client users."
    )

    class Meta:
        ordering = ["full_name"]
        indexes = [
            # The candidate list and the submission form's picker, by name; the id
            # breaks ties for their keyset pages (lib.pagination).
            models.Index(
                fields=["organization", "full_name", "id"], name="candidate_org_name_id_idx"
            ),
            # The search (recruiting.selectors.candidate_search), through the function
            # rapport_candidate_search: an exact tag here, and "contains" on the name,
            # email, title and company through a trigram index that only the
            # migration declares (recruiting/migrations/0007_candidate_search.py).
            GinIndex(fields=["tags"], name="candidate_tags_idx"),
            # The API's candidate list, newest first (its cursor pages by created_at).
            models.Index(fields=["organization", "-created_at"], name="candidate_org_created_idx"),
            # The candidate list of one source, by name (recruiting.filters).
            models.Index(
                fields=["organization", "source", "full_name", "id"],
                name="candidate_org_source_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("email"), name="candidate_email_unique_per_org"
            ),
            ExternalReferenceMixin.external_reference_constraint("candidate_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name


CONSENT_NOTE_MAX_LENGTH = 1_000


class ConsentPurpose(models.TextChoices):
    """What a candidate may agree to, each on its own."""

    REPRESENT = "represent", "To be represented to our clients for roles"
    STORE = "store", "To be kept in our database of candidates"


class ConsentMethod(models.TextChoices):
    """How the agency learnt of the candidate's decision."""

    EMAIL = "email", "Recorded by a recruiter, from an email"
    CALL = "call", "Recorded by a recruiter, from a call"
    IN_PERSON = "in_person", "Recorded by a recruiter, in person"
    LINK = "link", "Given by the candidate, through their consent link"
    # The candidate's flag set through the API (`consent_to_represent`) or before the
    # records existed: how is not known.
    UNSTATED = "unstated", "Recorded by a recruiter"
    MIGRATED = "migrated", "Recorded by a recruiter (migrated)"


# What a recruiter may record by hand; the others come from the link or from the past.
RECRUITER_CONSENT_METHODS = (ConsentMethod.EMAIL, ConsentMethod.CALL, ConsentMethod.IN_PERSON)


class ConsentRecord(PublicIdMixin, TenantModel):
    """One decision of a candidate about one purpose: consent given, or withdrawn.

    Records are only ever added (`recruiting.services.consent_record`); the candidate's
    current state of a purpose is its latest record by `effective_at`, copied onto the
    candidate's `consent_to_*` columns.
    """

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="consent_records"
    )
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(help_text="Consent given; false when it was withdrawn.")
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    effective_at = models.DateTimeField(help_text="When the candidate gave or withdrew it.")
    note = BoundedTextField(blank=True, max_length=CONSENT_NOTE_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        "accounts.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member who recorded it; none when the candidate gave it themselves.",
    )
    # Through the link only: where the candidate's answer came from.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-effective_at", "-id"]
        indexes = [
            # A candidate's history, newest first, and the latest record of a purpose.
            models.Index(
                fields=["organization", "candidate", "purpose", "-effective_at", "-id"],
                name="consent_org_cand_purpose_idx",
            ),
        ]

    def __str__(self) -> str:
        verb = "gave" if self.granted else "withdrew"
        return f"{self.candidate_id} {verb} consent: {self.purpose}"


class Stage(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    HM_REVIEW = "hm_review", "Hiring manager review"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFER = "offer", "Offer"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LOST = "lost", "Lost"


OPEN_STAGES = frozenset({Stage.SUBMITTED, Stage.HM_REVIEW, Stage.INTERVIEWING, Stage.OFFER})


class LostReason(models.TextChoices):
    ACCEPTED_OTHER_OFFER = "accepted_other_offer", "Accepted another offer"
    UNRESPONSIVE_CLIENT = "unresponsive_client", "Client too slow to respond"
    COMPENSATION = "compensation", "Compensation"
    OTHER = "other", "Other"


class CultureStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    PENDING = "pending", "Awaiting HR approval"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"


class Submission(PublicIdMixin, ExternalReferenceMixin, TenantModel):
    """A candidate put forward for a role; its `stage` moves only through
    `recruiting.services.submission_move` (see `STAGE_MOVES` there)."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="submissions")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="submissions")
    # Denormalised from the role: client users' queues filter on it directly.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pitch = BoundedTextField()
    # [{"must_have": "...", "evidence": "..."}], one entry per must-have of the agreement.
    skills_summary = models.JSONField(default=list, blank=True)
    culture_fit_notes = BoundedTextField(blank=True)
    culture_status = models.CharField(
        max_length=20, choices=CultureStatus.choices, default=CultureStatus.NOT_REQUIRED
    )
    competing_offer_deadline = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.SUBMITTED)
    stage_changed_at = models.DateTimeField()
    lost_reason = models.CharField(max_length=30, choices=LostReason.choices, blank=True)
    closing_note = BoundedTextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The API's submission list, newest first (its cursor pages by created_at).
            models.Index(fields=["organization", "-created_at"], name="submission_org_created_idx"),
            # The same list filtered by stage: a rare stage is found without a long scan.
            models.Index(
                fields=["organization", "stage", "-created_at"], name="submission_org_stage_idx"
            ),
            # `updated_since` (an integration's incremental sync) and `ordering=updated_at`.
            models.Index(fields=["organization", "updated_at"], name="submission_org_updated_idx"),
            # Role pipeline: a role's submissions by stage.
            models.Index(fields=["organization", "role", "stage"], name="submission_org_role_idx"),
            # Client users' queues: their client's submissions in a stage.
            models.Index(
                fields=["organization", "client", "stage"], name="submission_org_client_idx"
            ),
            models.Index(fields=["organization", "candidate"], name="submission_org_cand_idx"),
            # The recruiter's home: the notes HR sent back (`changes_requested`), a few
            # among every submission.
            models.Index(
                fields=["organization", "updated_at", "id"],
                condition=models.Q(culture_status="changes_requested"),
                name="submission_changes_idx",
            ),
            # The submission list, those waiting longest in their stage first
            # (recruiting.filters.SubmissionListFilter): the open ones (the oldest
            # changes are mostly closed ones, which a walk of every stage would pass),
            # every stage, one stage, and a client's for hiring managers and HR.
            models.Index(
                fields=["organization", "stage_changed_at", "id"],
                condition=models.Q(stage__in=sorted(OPEN_STAGES)),
                name="submission_open_waiting_idx",
            ),
            models.Index(
                fields=["organization", "stage_changed_at", "id"], name="submission_org_waiting_idx"
            ),
            models.Index(
                fields=["organization", "stage", "stage_changed_at", "id"],
                name="submission_stage_waiting_idx",
            ),
            models.Index(
                fields=["organization", "client", "stage_changed_at", "id"],
                name="submission_client_waiting_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "role", "candidate"], name="submission_once_per_role"
            ),
            ExternalReferenceMixin.external_reference_constraint("submission_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.role}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class ReviewDecision(models.TextChoices):
    ADVANCE = "advance", "Advance to interviews"
    REJECT = "reject", "Reject"
    NEED_INFO = "need_info", "Need more information"


class SkillsReview(PublicIdMixin, TenantModel):
    """The hiring manager's verdict on a candidate's skills."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="skills_reviews"
    )
    reviewer = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    # {"must-have text": 1..5}
    ratings = models.JSONField(default=dict, blank=True)
    comment = BoundedTextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "submission", "-created_at"], name="review_org_sub_idx"
            ),
            # The recruiter's home: the hiring managers' questions
            # (`engagements.selectors.info_requested`), a few among every review.
            models.Index(
                fields=["organization", "submission"],
                condition=models.Q(decision="need_info"),
                name="review_need_info_idx",
            ),
            # The API's list of them, newest first (its cursor pages by created_at).
            models.Index(fields=["organization", "-created_at"], name="review_org_created_idx"),
        ]


class CultureDecision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"


class CultureApproval(PublicIdMixin, TenantModel):
    """HR's verdict on how the recruiter describes the candidate's culture fit."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="culture_approvals"
    )
    reviewer = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=CultureDecision.choices)
    comment = BoundedTextField(blank=True)
    reviewed_notes = BoundedTextField(help_text="The notes as they stood when reviewed.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "submission", "-created_at"], name="culture_org_sub_idx"
            ),
            # The API's list of them, newest first (its cursor pages by created_at).
            models.Index(fields=["organization", "-created_at"], name="culture_org_created_idx"),
        ]


class InterviewOutcome(models.TextChoices):
    ADVANCE = "advance", "Advance"
    HOLD = "hold", "Hold"
    REJECT = "reject", "Reject"


class InterviewFeedback(PublicIdMixin, TenantModel):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="interview_feedback"
    )
    author = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    stage_name = models.CharField(max_length=80)
    outcome = models.CharField(max_length=10, choices=InterviewOutcome.choices)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = BoundedTextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "submission", "-created_at"],
                name="feedback_org_sub_idx",
            ),
            # The API's list of them, newest first (its cursor pages by created_at).
            models.Index(fields=["organization", "-created_at"], name="feedback_org_created_idx"),
        ]
