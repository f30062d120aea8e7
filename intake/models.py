"""The intake meeting and the versioned expectation agreement it produces."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lib.models import BoundedTextField, PublicIdMixin, TenantModel


class IntakeMeeting(PublicIdMixin, TenantModel):
    role = models.ForeignKey(
        "recruiting.Role", on_delete=models.CASCADE, related_name="intake_meetings"
    )
    held_at = models.DateTimeField()
    recruiter = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    notes = BoundedTextField(blank=True)

    class Meta:
        ordering = ["-held_at"]
        indexes = [
            models.Index(fields=["organization", "role", "-held_at"], name="intake_org_role_idx"),
        ]


class IntakeAttendance(TenantModel):
    """Who from the client attended (an explicit table so it carries the tenant)."""

    meeting = models.ForeignKey(IntakeMeeting, on_delete=models.CASCADE, related_name="attendance")
    contact = models.ForeignKey("recruiting.Contact", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "meeting", "contact"], name="attendance_once"
            ),
        ]


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    SUPERSEDED = "superseded", "Superseded"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class StageOwner(models.TextChoices):
    """Who runs an interview stage and owes its feedback."""

    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    HR = "hr", "HR"
    RECRUITER = "recruiter", "Recruiter"
    OTHER = "other", "Someone else"


class Scarcity(models.TextChoices):
    PLENTIFUL = "plentiful", "Plentiful"
    BALANCED = "balanced", "Balanced"
    SCARCE = "scarce", "Scarce"
    VERY_SCARCE = "very_scarce", "Very scarce"


class SalaryPosition(models.TextChoices):
    BELOW = "below", "Below market"
    AT = "at", "At market"
    ABOVE = "above", "Above market"


class ExpectationAgreement(PublicIdMixin, TenantModel):
    """One version of what recruiter and client agreed for a role.

    Versions are never edited once proposed: a change is a new version
    (`intake.services.agreement_propose`). A version becomes agreed when the
    hiring manager and HR have both acknowledged it; the role then points at it.
    """

    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.PROPOSED
    )
    intake_meeting = models.ForeignKey(
        IntakeMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements"
    )
    proposed_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)

    # Delivery: what the recruiter commits to.
    submissions_per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    shortlist_size = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    checkin_cadence = models.CharField(
        max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    checkin_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.TUESDAY
    )
    checkin_time = models.TimeField()
    # [{"name": "Technical interview", "owner": "hiring_manager", "expected_days": 3}, ...]
    interview_stages = models.JSONField(default=list)

    # Responsiveness: what the client commits to, in business hours.
    hm_review_sla_hours = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(400)]
    )
    hr_approval_sla_hours = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(400)]
    )
    interview_feedback_sla_hours = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(400)]
    )
    offer_decision_sla_hours = models.PositiveSmallIntegerField(
        default=48, validators=[MinValueValidator(1), MaxValueValidator(400)]
    )
    culture_notes_need_hr_approval = models.BooleanField(default=True)

    # Shared vocabulary.
    must_haves = ArrayField(models.CharField(max_length=200), default=list)
    nice_to_haves = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    deal_breakers = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    culture_traits = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # [{"term": "senior", "meaning": "5+ years shipping production Python"}, ...]
    glossary = models.JSONField(default=list, blank=True)

    # Market reality.
    talent_scarcity = models.CharField(
        max_length=12, choices=Scarcity.choices, default=Scarcity.BALANCED
    )
    salary_position = models.CharField(
        max_length=6, choices=SalaryPosition.choices, default=SalaryPosition.AT
    )
    expected_days_to_fill = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    market_notes = BoundedTextField(blank=True)

    class Meta:
        ordering = ["-version"]
        indexes = [
            models.Index(
                fields=["organization", "role", "-version"], name="agreement_org_role_idx"
            ),
            # The API's agreement list, newest first: a page without sorting them all.
            models.Index(fields=["organization", "-created_at"], name="agreement_org_created_idx"),
            # The proposals waiting for the client's acknowledgement (the HM's and HR's
            # home and digest): the few proposals, not every version ever made.
            models.Index(
                fields=["organization", "created_at"],
                condition=models.Q(status="proposed"),
                name="agreement_proposed_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "role", "version"], name="agreement_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} · v{self.version} ({self.get_status_display()})"


class Party(models.TextChoices):
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    HR = "hr", "HR"


class AgreementAcknowledgement(TenantModel):
    agreement = models.ForeignKey(
        ExpectationAgreement, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = BoundedTextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "agreement", "party"], name="acknowledged_once_per_party"
            ),
        ]


class AgreementComment(TenantModel):
    """Client users comment on a proposal rather than edit it."""

    agreement = models.ForeignKey(
        ExpectationAgreement, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = BoundedTextField()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["organization", "agreement", "created_at"], name="comment_org_agr_idx"
            ),
        ]
