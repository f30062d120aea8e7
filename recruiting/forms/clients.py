"""Forms for clients and their contacts."""

import zoneinfo
from collections.abc import Iterable

from django import forms

from accounts.models import TIMEZONE_CHOICES, Membership
from lib.forms import ObjectChoiceField
from lib.text import TEXT_MAX_LENGTH
from recruiting.models import Client, Contact, ContactKind

WEEKDAY_CHOICES = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def member_label(membership: Membership) -> str:
    return f"{membership.user.get_full_name()} ({membership.get_role_display()})"


class ClientForm(forms.Form):
    name = forms.CharField(max_length=160)
    website = forms.URLField(required=False, assume_scheme="https")
    timezone = forms.ChoiceField(
        choices=TIMEZONE_CHOICES,
        initial="Europe/London",
        help_text="Business hours and every response deadline are counted in this timezone.",
    )
    business_day_start = forms.TimeField(
        initial="09:00", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    business_day_end = forms.TimeField(
        initial="17:30", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    workdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        initial=[0, 1, 2, 3, 4],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one working day."},
    )
    owner = ObjectChoiceField(
        label="Relationship owner",
        label_from=member_label,
        required=False,
        empty_label="Me",
        help_text="The recruiter who owns the relationship; hears about badly overdue reviews.",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=TEXT_MAX_LENGTH
    )
    weekly_report = forms.BooleanField(
        required=False,
        initial=True,
        label="Weekly report",
        help_text="Every Monday at 08:00 in the client's timezone, mail its hiring managers, "
        "HR and escalation contact last week's figures and what is overdue.",
    )

    def __init__(self, *args, owners: Iterable[Membership], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].set_objects(owners)

    def clean_timezone(self) -> str:
        value = self.cleaned_data["timezone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError("Choose a timezone from the list.")
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("business_day_start"), cleaned.get("business_day_end")
        if start and end and start >= end:
            self.add_error("business_day_end", "The business day must end after it starts.")
        return cleaned

    @classmethod
    def initial_for(cls, client: Client) -> dict:
        return {
            "name": client.name,
            "website": client.website,
            "timezone": client.timezone,
            "business_day_start": client.business_day_start,
            "business_day_end": client.business_day_end,
            "workdays": list(client.workdays),
            "owner": client.owner,
            "notes": client.notes,
            "weekly_report": client.weekly_report,
        }


class ClientEditForm(ClientForm):
    escalation_contact = ObjectChoiceField(
        required=False,
        empty_label="Nobody",
        help_text="Who at the client hears about it when a review is badly overdue.",
    )

    def __init__(self, *args, contacts: Iterable[Contact], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].empty_label = None
        self.fields["owner"].required = True
        self.fields["owner"].set_objects(self.fields["owner"].objects.values())
        self.fields["escalation_contact"].set_objects(contacts)

    @classmethod
    def initial_for(cls, client: Client) -> dict:
        return {**super().initial_for(client), "escalation_contact": client.escalation_contact}


class ContactForm(forms.Form):
    full_name = forms.CharField(label="Name", max_length=150)
    kind = forms.ChoiceField(label="Role at the client", choices=ContactKind.choices)
    email = forms.EmailField(
        required=False, help_text="Needed to invite them to review candidates in Rapport."
    )
    phone = forms.CharField(max_length=40, required=False)
    job_title = forms.CharField(max_length=120, required=False)

    @classmethod
    def initial_for(cls, contact: Contact) -> dict:
        return {field: getattr(contact, field) for field in cls.base_fields}
