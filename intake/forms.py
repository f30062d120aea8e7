"""The intake form: the meeting, and the terms of the expectation agreement.

The terms form is shared by "record intake meeting" and "propose a revision";
the intake page combines it with the meeting form.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone

from intake.models import (
    Cadence,
    ExpectationAgreement,
    SalaryPosition,
    Scarcity,
    StageOwner,
    Weekday,
)
from lib.exceptions import ApplicationError
from lib.forms import ObjectMultipleChoiceField, add_service_errors
from lib.text import TEXT_MAX_LENGTH
from recruiting.models import Contact

STAGE_ROWS = 5
LIST_TERMS = ("must_haves", "nice_to_haves", "deal_breakers", "culture_traits")
# A meeting recorded a few minutes "in the future" is a clock difference, not a plan.
FUTURE_GRACE = timedelta(minutes=10)


class ClientDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read and shown in the client's timezone, not the server's."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *, tz: ZoneInfo | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.tz = tz or ZoneInfo("UTC")

    def to_python(self, value):
        # Django makes naive input aware in the current timezone and refuses
        # readings that do not exist or are ambiguous at a clock change.
        with timezone.override(self.tz):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(self.tz):
            return super().prepare_value(value)


class LinesField(forms.CharField):
    """One entry per line of a textarea; blank lines are ignored."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *, max_line_length: int = 200, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        super().__init__(**kwargs)
        self.max_line_length = max_line_length

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value) -> list[str]:
        text = super().clean(value)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        too_long = [line for line in lines if len(line) > self.max_line_length]
        if too_long:
            raise ValidationError(
                f"Keep each line under {self.max_line_length} characters: "
                f"“{too_long[0][:40]}…” is longer."
            )
        return lines


class GlossaryField(forms.CharField):
    """`term: meaning`, one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{entry['term']}: {entry['meaning']}" for entry in value)
        return value

    def clean(self, value) -> list[dict]:
        entries, errors = [], []
        for number, line in enumerate(super().clean(value).splitlines(), start=1):
            if not line.strip():
                continue
            term, separator, meaning = line.partition(":")
            term, meaning = term.strip(), meaning.strip()
            if not separator or not term or not meaning:
                errors.append(f"Line {number}: write it as “term: meaning”.")
            elif len(term) > 80 or len(meaning) > 500:
                errors.append(
                    f"Line {number}: keep terms under 80 and meanings under 500 characters."
                )
            else:
                entries.append({"term": term, "meaning": meaning})
        if errors:
            raise ValidationError(errors)
        return entries


class IntakeMeetingForm(forms.Form):
    held_at = ClientDateTimeField(label="Held at")
    attendees = ObjectMultipleChoiceField(
        label="Who attended from the client",
        required=False,
        label_from=lambda c: f"{c.full_name} ({c.get_kind_display()})",
    )
    notes = forms.CharField(
        label="Meeting notes",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args, tz: ZoneInfo, contacts: Iterable[Contact], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_at"].tz = tz
        self.fields["held_at"].help_text = f"In the client's time ({tz.key})."
        self.fields["attendees"].set_objects(contacts)

    def clean_held_at(self) -> datetime:
        held_at = self.cleaned_data["held_at"]
        if held_at > timezone.now() + FUTURE_GRACE:
            raise ValidationError("Record a meeting once it has taken place.")
        return held_at


class AgreementTermsForm(forms.Form):
    """Everything recruiter and client agree on for a role (`intake.services.AGREEMENT_TERMS`)."""

    # Delivery: what the recruiter commits to.
    submissions_per_week = forms.IntegerField(
        label="Candidates per week", min_value=1, max_value=50, initial=3
    )
    shortlist_size = forms.IntegerField(
        label="Shortlist size",
        min_value=1,
        max_value=100,
        initial=5,
        help_text="How many candidates in total before the client decides.",
    )
    checkin_cadence = forms.ChoiceField(
        label="Check-in", choices=Cadence.choices, initial=Cadence.WEEKLY
    )
    checkin_weekday = forms.TypedChoiceField(
        label="On", choices=Weekday.choices, coerce=int, initial=Weekday.TUESDAY
    )
    checkin_time = forms.TimeField(
        label="At",
        initial="10:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Client time.",
    )

    # Responsiveness: what the client commits to.
    hm_review_sla_hours = forms.IntegerField(
        label="Hiring manager's skills review",
        min_value=1,
        max_value=400,
        initial=16,
        help_text="Business hours.",
    )
    hr_approval_sla_hours = forms.IntegerField(
        label="HR's culture-fit approval",
        min_value=1,
        max_value=400,
        initial=8,
        help_text="Business hours.",
    )
    interview_feedback_sla_hours = forms.IntegerField(
        label="Interview feedback",
        min_value=1,
        max_value=400,
        initial=24,
        help_text="Business hours.",
    )
    offer_decision_sla_hours = forms.IntegerField(
        label="Offer decision",
        min_value=1,
        max_value=400,
        initial=48,
        help_text="Business hours.",
    )
    culture_notes_need_hr_approval = forms.BooleanField(
        label="HR approves culture-fit notes before the hiring manager sees them",
        # The label reads as a sentence beside its box, not as a caption ending in ":".
        label_suffix="",
        required=False,
        initial=True,
    )

    # Shared vocabulary.
    must_haves = LinesField(label="Must-haves", help_text="One per line.")
    nice_to_haves = LinesField(label="Nice-to-haves", help_text="One per line.")
    deal_breakers = LinesField(label="Deal-breakers", help_text="One per line.")
    culture_traits = LinesField(label="Culture traits", help_text="One per line.")
    glossary = GlossaryField(
        label="Glossary",
        help_text="One “term: meaning” per line, e.g. “senior: five years shipping Python”.",
    )

    # Market reality.
    talent_scarcity = forms.ChoiceField(choices=Scarcity.choices, initial=Scarcity.BALANCED)
    salary_position = forms.ChoiceField(
        label="Salary band vs. market", choices=SalaryPosition.choices, initial=SalaryPosition.AT
    )
    expected_days_to_fill = forms.IntegerField(
        label="Expected days to fill", min_value=1, max_value=365, initial=45
    )
    market_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=TEXT_MAX_LENGTH
    )

    def __init__(self, *args, stage_rows: int = STAGE_ROWS, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A fixed number of stage rows keeps the form free of JavaScript; blank rows
        # are ignored. An agreement with more stages (from the API) gets enough rows.
        self.stage_row_count = max(stage_rows, STAGE_ROWS)
        for row in range(1, self.stage_row_count + 1):
            self.fields[f"stage_{row}_name"] = forms.CharField(
                label=f"Stage {row}", max_length=80, required=False
            )
            self.fields[f"stage_{row}_owner"] = forms.ChoiceField(
                label=f"Stage {row} owner", choices=StageOwner.choices, initial="hiring_manager"
            )
            self.fields[f"stage_{row}_days"] = forms.IntegerField(
                label=f"Stage {row} expected days", min_value=1, max_value=60, required=False
            )

    @property
    def stage_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"stage_{row}_name"], self[f"stage_{row}_owner"], self[f"stage_{row}_days"])
            for row in range(1, self.stage_row_count + 1)
        ]

    @property
    def term_field_names(self) -> list[str]:
        return [name for name in self.fields if not name.startswith("stage_")]

    def clean(self) -> dict:
        cleaned = super().clean()
        if "must_haves" in cleaned and not cleaned["must_haves"]:
            self.add_error("must_haves", "Agree on at least one must-have.")
        stages, seen = [], set()
        rows = range(1, self.stage_row_count + 1)
        for row in rows:
            name = (cleaned.get(f"stage_{row}_name") or "").strip()
            days = cleaned.get(f"stage_{row}_days")
            if not name:
                if days is not None:
                    self.add_error(f"stage_{row}_name", "Name this stage or clear its days.")
                continue
            if name.casefold() in seen:
                self.add_error(f"stage_{row}_name", f"“{name}” appears twice.")
            elif days is None and f"stage_{row}_days" not in self.errors:
                self.add_error(f"stage_{row}_days", "How many days should this stage take?")
            seen.add(name.casefold())
            stages.append(
                {"name": name, "owner": cleaned.get(f"stage_{row}_owner"), "expected_days": days}
            )
        if not seen and not any(f"stage_{row}_name" in self.errors for row in rows):
            self.add_error("stage_1_name", "Agree on at least one interview stage.")
        cleaned["interview_stages"] = stages
        return cleaned

    def terms(self) -> dict:
        """The cleaned terms, shaped as `intake.services.agreement_propose` takes them."""
        return {
            name: self.cleaned_data[name] for name in (*self.term_field_names, "interview_stages")
        }

    def add_service_errors(self, error: ApplicationError | ValidationError) -> None:
        """The service names the stages `interview_stages`; the form shows them by row 1."""
        if isinstance(error, ValidationError) and "interview_stages" in getattr(
            error, "error_dict", {}
        ):
            error.error_dict["stage_1_name"] = error.error_dict.pop("interview_stages")
        add_service_errors(self, error)

    @classmethod
    def initial_for(cls, agreement: ExpectationAgreement | None) -> dict:
        """The form pre-filled from an existing version (its terms are copied, not linked)."""
        if agreement is None:
            return {}
        initial = {
            name: getattr(agreement, name) for name in cls.base_fields if hasattr(agreement, name)
        }
        for row, stage in enumerate(agreement.interview_stages, start=1):
            initial[f"stage_{row}_name"] = stage.get("name", "")
            initial[f"stage_{row}_owner"] = stage.get("owner", "hiring_manager")
            initial[f"stage_{row}_days"] = stage.get("expected_days")
        return initial


class AgreementCommentForm(forms.Form):
    body = forms.CharField(
        label="Add to the discussion",
        help_text="The recruiter, the hiring manager and HR all read it.",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a comment."},
    )


class AgreementDiffForm(forms.Form):
    """Which two versions of a role's agreement to compare (`?old=2&new=3`): by default
    the newest against the one before it."""

    old = forms.IntegerField(label="Version", min_value=1, required=False)
    new = forms.IntegerField(label="against version", min_value=1, required=False)

    def __init__(self, data, *, newest: int) -> None:
        super().__init__(data)
        self.newest = newest
        for field in self.fields.values():
            field.validators.append(
                MaxValueValidator(newest, message=f"This role has versions 1 to {newest}.")
            )
            field.widget.attrs.update(max=newest, inputmode="numeric")

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        new = cleaned.get("new") or self.newest
        old = cleaned.get("old") or (new - 1 if new > 1 else new + 1)
        if old == new:
            raise ValidationError("Choose two different versions.")
        return {"old": old, "new": new}
