"""Forms for roles (job orders)."""

from collections.abc import Iterable

from django import forms
from django.core.validators import RegexValidator

from lib.forms import ObjectChoiceField
from lib.text import DESCRIPTION_MAX_LENGTH
from recruiting.models import Contact, ContactKind, Priority, Role, RoleStatus, WorkArrangement


def _contact_label(contact: Contact) -> str:
    return f"{contact.full_name} — {contact.job_title}" if contact.job_title else contact.full_name


class RoleForm(forms.Form):
    title = forms.CharField(max_length=160)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
    )
    location = forms.CharField(max_length=120, required=False)
    work_arrangement = forms.ChoiceField(
        choices=WorkArrangement.choices, initial=WorkArrangement.HYBRID
    )
    openings = forms.IntegerField(min_value=1, max_value=500, initial=1)
    salary_min = forms.IntegerField(label="Salary from", min_value=0, required=False)
    salary_max = forms.IntegerField(label="Salary to", min_value=0, required=False)
    salary_currency = forms.CharField(
        label="Currency",
        max_length=3,
        initial="USD",
        validators=[RegexValidator(r"^[A-Za-z]{3}$", "Use a three-letter code such as EUR.")],
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 3}),
    )
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    hiring_manager = ObjectChoiceField(
        label="Hiring manager", label_from=_contact_label, required=False, empty_label="Not yet"
    )
    hr_contact = ObjectChoiceField(
        label="HR contact", label_from=_contact_label, required=False, empty_label="Not yet"
    )

    def __init__(self, *args, contacts: Iterable[Contact], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        contacts = list(contacts)
        self.fields["hiring_manager"].set_objects(
            c for c in contacts if c.kind == ContactKind.HIRING_MANAGER
        )
        self.fields["hr_contact"].set_objects(c for c in contacts if c.kind == ContactKind.HR)

    def clean_salary_currency(self) -> str:
        return self.cleaned_data["salary_currency"].upper()

    def clean(self) -> dict:
        cleaned = super().clean()
        low, high = cleaned.get("salary_min"), cleaned.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", "The top of the band is below its bottom.")
        return cleaned

    @classmethod
    def initial_for(cls, role: Role) -> dict:
        return {field: getattr(role, field) for field in cls.base_fields}


class RoleStatusForm(forms.Form):
    status = forms.ChoiceField(choices=RoleStatus.choices)
