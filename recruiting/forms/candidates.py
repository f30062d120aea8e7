"""Forms for the candidate pages. They shape input; the services own the rules
(unique email, résumé type and size)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from lib.text import TEXT_MAX_LENGTH
from recruiting.models import (
    CONSENT_NOTE_MAX_LENGTH,
    RECRUITER_CONSENT_METHODS,
    Candidate,
    ConsentPurpose,
)


class CandidateForm(forms.Form):
    full_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    phone = forms.CharField(max_length=40, required=False)
    location = forms.CharField(max_length=120, required=False)
    current_title = forms.CharField(max_length=120, required=False)
    current_company = forms.CharField(max_length=120, required=False)
    links = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One address a line: LinkedIn, GitHub, portfolio.",
    )
    source = forms.CharField(max_length=60, required=False, help_text="Where we found them.")
    tags = forms.CharField(
        required=False, max_length=TEXT_MAX_LENGTH, help_text="Separated by commas."
    )
    internal_notes = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Recruiters only: never shown to the client.",
    )
    resume = forms.FileField(
        required=False,
        label="Résumé",
        help_text="PDF or Word document.",
        # A plain input: the services keep a résumé until another replaces it.
        widget=forms.FileInput(attrs={"accept": ".pdf,.doc,.docx"}),
    )

    @classmethod
    def initial_for(cls, candidate: Candidate) -> dict:
        return {
            "full_name": candidate.full_name,
            "email": candidate.email,
            "phone": candidate.phone,
            "location": candidate.location,
            "current_title": candidate.current_title,
            "current_company": candidate.current_company,
            "links": "\n".join(candidate.links),
            "source": candidate.source,
            "tags": ", ".join(candidate.tags),
            "internal_notes": candidate.internal_notes,
        }

    def clean_links(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except ValidationError as error:
                raise ValidationError(f"“{link}” is not a web address.") from error
        return links

    def clean_tags(self) -> list[str]:
        tags = [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]
        if any(len(tag) > 40 for tag in tags):
            raise ValidationError("Keep each tag under 40 characters.")
        return tags

    def service_arguments(self) -> dict:
        """The cleaned data as the candidate services take it."""
        data = dict(self.cleaned_data)
        data["resume"] = data.pop("resume") or None
        return data


class CandidateSearchForm(forms.Form):
    """A search of candidates: the candidate list's, and the submission form's picker."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        error_messages={"max_length": "Search with at most %(limit_value)d characters."},
    )

    def query(self) -> str:
        """The text to search for; none when the search was refused."""
        return self.cleaned_data["q"] if self.is_valid() else ""


class RoleSearchForm(forms.Form):
    """A search of the open roles to submit a candidate to, by title or client."""

    role_q = forms.CharField(
        required=False,
        max_length=100,
        label="Find a role",
        error_messages={"max_length": "Search with at most %(limit_value)d characters."},
    )

    def query(self) -> str:
        """The text to search for; none when the search was refused."""
        return self.cleaned_data["role_q"] if self.is_valid() else ""


GIVEN, WITHDRAWN = "given", "withdrawn"
DECISIONS = [(GIVEN, "Given"), (WITHDRAWN, "Withdrawn")]


class ConsentRecordForm(forms.Form):
    """A recruiter records what the candidate told them (recruiting.services.consent_record)."""

    purpose = forms.ChoiceField(
        choices=ConsentPurpose.choices, label="Consent", widget=forms.RadioSelect
    )
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect, initial=GIVEN)
    method = forms.ChoiceField(
        choices=[(method.value, method.label) for method in RECRUITER_CONSENT_METHODS],
        label="How",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False,
        max_length=CONSENT_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where it is written down: the email's date and subject, the call.",
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "purpose": data["purpose"],
            "granted": data["decision"] == GIVEN,
            "method": data["method"],
            "note": data["note"],
        }


class ConsentAnswerForm(forms.Form):
    """The candidate's own answer, one per purpose, on the page their link opens."""

    def __init__(self, *args, candidate: Candidate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for purpose in ConsentPurpose:
            # Ticked as they stand when given; a withdrawal or no answer yet is asked again.
            given = getattr(candidate, f"consent_to_{purpose.value}")
            self.fields[purpose.value] = forms.ChoiceField(
                label=purpose.label,
                choices=[(GIVEN, "Yes, I agree"), (WITHDRAWN, "No")],
                widget=forms.RadioSelect,
                initial=GIVEN if given else None,
                error_messages={"required": "Answer yes or no."},
            )

    def answers(self) -> dict[str, bool]:
        return {
            purpose.value: self.cleaned_data[purpose.value] == GIVEN for purpose in ConsentPurpose
        }
