"""Forms for the candidate pages. They shape input; the services own the rules
(unique email, résumé type and size)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from lib.text import TEXT_MAX_LENGTH
from recruiting.models import Candidate


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
    consent_to_represent = forms.BooleanField(
        required=False,
        label="The candidate agreed to be represented by us",
        help_text="Needed before they can be submitted to any role.",
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
            "consent_to_represent": candidate.consent_to_represent,
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
