"""Forms for submissions and the client's answers to them.

They shape input only; the services decide what is allowed. Forms shown
several times on one page (a review form per card of the queue) get unique
element ids from `auto_id`, while their field names stay what the view reads.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from lib.bulk import PublicIdsField
from lib.text import EVIDENCE_MAX_LENGTH, TEXT_MAX_LENGTH
from recruiting.models import (
    CultureDecision,
    InterviewOutcome,
    LostReason,
    ReviewDecision,
    Stage,
)

RATING_CHOICES = [(score, str(score)) for score in range(1, 6)]
# Decisions start on an empty choice: a form left as it loaded must not decide anything.
CHOOSE = ("", "Choose…")
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class ClientDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read and shown in the client's timezone, not the server's.

    The browser sends a wall-clock reading with no offset; the deadline a
    recruiter types is the candidate's, agreed in the client's local time.
    """

    input_formats = [DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S"]

    def __init__(self, *, zone: str, **kwargs) -> None:
        self.zone = ZoneInfo(zone)
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        # Django makes a naive reading aware in the current timezone; make that the client's.
        with timezone.override(self.zone):
            return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value, self.zone).strftime(DATETIME_LOCAL_FORMAT)
        return value


def _deadline_field(zone: str) -> ClientDateTimeField:
    return ClientDateTimeField(
        zone=zone,
        required=False,
        label="Competing-offer deadline",
        help_text=f"When the candidate must answer another offer, in the client's time ({zone}).",
    )


class SubmissionForm(forms.Form):
    """A candidate put forward for a role, with one evidence box per agreed must-have."""

    # Validated by looking the one posted candidate up in the queryset. Never rendered
    # as a select, which would list every candidate of the agency: the page offers a
    # search and a page of its matches as radio buttons (`submission_candidates.html`).
    candidate = forms.ModelChoiceField(
        queryset=None,
        to_field_name="public_id",
        widget=forms.HiddenInput,
        help_text=(
            "Only candidates who agreed to be represented and are not yet submitted "
            "for this role are listed."
        ),
        error_messages={
            "invalid_choice": (
                "Choose a candidate from the list: they must have agreed to be "
                "represented and not be submitted for this role already."
            )
        },
    )
    pitch = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why this person, for this role, now.",
    )
    culture_fit_notes = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Culture-fit notes",
    )

    def __init__(
        self,
        *args,
        candidates: QuerySet,
        must_haves: list[str],
        zone: str,
        notes_need_hr: bool,
        culture_traits: list[str] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.must_haves = must_haves
        self.fields["candidate"].queryset = candidates
        for index, must_have in enumerate(must_haves):
            self.fields[f"evidence_{index}"] = forms.CharField(
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                label=must_have,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["competing_offer_deadline"] = _deadline_field(zone)
        # The help text sits between the label and the box: the traits to write
        # against are read before writing, not after.
        hints = []
        if culture_traits:
            hints.append(f"Agreed culture traits: {', '.join(culture_traits)}.")
        if notes_need_hr:
            hints.append("HR approves these notes before the hiring manager sees them.")
        self.fields["culture_fit_notes"].help_text = " ".join(hints)

    def evidence_fields(self) -> list[forms.BoundField]:
        return [self[f"evidence_{index}"] for index in range(len(self.must_haves))]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "candidate": data["candidate"],
            "pitch": data["pitch"],
            "skills_summary": [
                {"must_have": must_have, "evidence": data.get(f"evidence_{index}", "")}
                for index, must_have in enumerate(self.must_haves)
            ],
            "culture_fit_notes": data["culture_fit_notes"],
            "competing_offer_deadline": data["competing_offer_deadline"],
        }


class StageMoveForm(forms.Form):
    """A stage move. The target starts empty (never on "Rejected" by accident), and
    the lost reason is asked only of those who may choose "Lost" (the agency)."""

    to_stage = forms.ChoiceField(label="Move to")
    lost_reason = forms.ChoiceField(
        required=False,
        label="Why was the candidate lost?",
        choices=[("", "Only when moving to “Lost”"), *LostReason.choices],
    )
    reason = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to reject or withdraw; the timeline keeps it.",
    )

    def __init__(self, *args, targets: list[str], ask_lost_reason: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_targets(targets)
        if not ask_lost_reason:
            del self.fields["lost_reason"]

    def set_targets(self, targets: list[str]) -> None:
        self.fields["to_stage"].choices = [
            CHOOSE,
            *((stage, Stage(stage).label) for stage in targets),
        ]


class BulkStageMoveForm(StageMoveForm):
    """The same move for the submissions ticked in a role's list; any stage may be
    asked for, the service judges each submission."""

    submissions = PublicIdsField(error_messages={"required": "Tick the submissions to move."})

    def __init__(self, *args, ask_lost_reason: bool = True, **kwargs) -> None:
        super().__init__(
            *args, targets=list(Stage.values), ask_lost_reason=ask_lost_reason, **kwargs
        )


class CultureNotesForm(forms.Form):
    culture_fit_notes = forms.CharField(
        label="Revised culture-fit notes",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer to the hiring manager",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DeadlineForm(forms.Form):
    def __init__(self, *args, zone: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competing_offer_deadline"] = _deadline_field(zone)
        self.fields["competing_offer_deadline"].help_text += " Leave empty to clear it."


class SkillsReviewForm(forms.Form):
    """The hiring manager's decision, with an optional 1–5 rating per must-have.

    Ratings are named by position (`rating_0`, …): must-haves are free text.
    """

    decision = forms.ChoiceField(choices=ReviewDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to reject or ask for more information.",
    )

    def __init__(self, *args, must_haves: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.must_haves = must_haves
        for index, must_have in enumerate(must_haves):
            self.fields[f"rating_{index}"] = forms.TypedChoiceField(
                required=False,
                coerce=int,
                empty_value=None,
                label=must_have,
                choices=[("", "Not rated"), *RATING_CHOICES],
            )
        # Ratings first, then the decision they lead to.
        self.order_fields([f"rating_{index}" for index in range(len(must_haves))])

    def rating_fields(self) -> list[forms.BoundField]:
        return [self[f"rating_{index}"] for index in range(len(self.must_haves))]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "decision": data["decision"],
            "comment": data["comment"],
            "ratings": {
                must_have: data[f"rating_{index}"]
                for index, must_have in enumerate(self.must_haves)
                if data.get(f"rating_{index}") is not None
            },
        }


class CultureApprovalForm(forms.Form):
    decision = forms.ChoiceField(choices=CultureDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to request changes: say what should change.",
    )


class BulkCultureApprovalForm(CultureApprovalForm):
    """One decision for the sets of notes ticked in HR's queue, given on each in turn."""

    submissions = PublicIdsField(error_messages={"required": "Tick the notes to decide on."})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, auto_id="id_bulk_%s", **kwargs)


class InterviewFeedbackForm(forms.Form):
    outcome = forms.ChoiceField(choices=[CHOOSE, *InterviewOutcome.choices])
    rating = forms.TypedChoiceField(
        choices=[CHOOSE, *RATING_CHOICES], coerce=int, empty_value=None, label="Rating (1–5)"
    )
    comment = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the candidate does not go further.",
    )

    def __init__(self, *args, stage_names: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if stage_names:
            field = forms.ChoiceField(choices=[(name, name) for name in stage_names])
        else:
            field = forms.CharField(max_length=80)
        field.label = "Interview stage"
        self.fields["stage_name"] = field
        self.order_fields(["stage_name"])
