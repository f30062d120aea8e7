import zoneinfo
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.password_validation import validate_password

from accounts.models import (
    TIMEZONE_CHOICES,
    IdleTimeout,
    MembershipRole,
    MfaPolicy,
    SecurityEventKind,
    User,
)
from accounts.services import organization_create
from lib.bulk import PublicIdsField
from lib.forms import LongSelect, ObjectChoiceField

PASSWORD_MAX_LENGTH = 1024


class AgencySignupForm(forms.Form):
    """Extra sign-up fields: signing up starts a new agency with the user as its owner."""

    full_name = forms.CharField(label="Your name", max_length=150)
    agency_name = forms.CharField(label="Agency name", max_length=120)

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
        organization_create(name=self.cleaned_data["agency_name"], owner=user)


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=MembershipRole.choices, initial=MembershipRole.RECRUITER)
    client = ObjectChoiceField(
        required=False,
        widget=LongSelect,
        help_text="Hiring managers and HR see only this client's roles and candidates.",
    )

    def __init__(self, *args, clients: list, **kwargs) -> None:
        """`clients`: the organization's (`client_choices`), which the page lists anyway."""
        super().__init__(*args, **kwargs)
        self.fields["client"].set_objects(clients)


class InvitationResendForm(forms.Form):
    """The pending invitations ticked on the members page, to mail again."""

    invitations = PublicIdsField(error_messages={"required": "Tick the invitations to resend."})


class MembershipRoleForm(forms.Form):
    """A member's role and, for hiring managers and HR, their client. An admin who is
    not an owner is not offered the owner role (the service refuses it anyway)."""

    role = forms.ChoiceField(
        choices=MembershipRole.choices,
        error_messages={"invalid_choice": "Choose a role from the list."},
    )
    client = ObjectChoiceField(
        required=False,
        widget=LongSelect,
        empty_label="No client",
        help_text="Hiring managers and HR see only this client's roles and candidates.",
    )

    def __init__(self, *args, clients: list, offer_owner: bool = True, **kwargs) -> None:
        """`clients`: the organization's (`client_choices`)."""
        super().__init__(*args, **kwargs)
        self.fields["client"].set_objects(clients)
        if not offer_owner:
            self.fields["role"].choices = [
                choice for choice in MembershipRole.choices if choice[0] != MembershipRole.OWNER
            ]


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="Shown to your team and your clients.")
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=TIMEZONE_CHOICES,
        widget=LongSelect,
        help_text=(
            "The agency's daily digests go out in the morning of this time zone. Response "
            "times and nudges follow each client's own business hours, set on the client's page."
        ),
    )

    def clean_timezone(self) -> str:
        value = self.cleaned_data["timezone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError("Choose a timezone from the list.")
        return value


class SecurityPolicyForm(forms.Form):
    """The organization's two-factor policy and idle timeout (accounts.security)."""

    mfa_policy = forms.ChoiceField(
        label="Two-factor authentication",
        choices=MfaPolicy.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a two-factor policy from the list."},
        help_text=(
            "A member it covers who has no authenticator app is walked through setting one "
            "up at their next page, and can open nothing else until it is done."
        ),
    )
    idle_timeout_minutes = forms.TypedChoiceField(
        label="Sign out after inactivity",
        choices=IdleTimeout.choices,
        coerce=int,
        error_messages={"invalid_choice": "Choose a timeout from the list."},
        help_text=(
            "A session with no activity for this long is signed out at its next request "
            "(to within a minute), and its user asked to sign in again."
        ),
    )


class NewUserInvitationForm(forms.Form):
    """An invited person without an account picks their name and password."""

    full_name = forms.CharField(label="Your name", max_length=150)
    # A passphrase may be long, not endless: hashing a megabyte on each try would be work
    # anyone could ask of the server.
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput, max_length=PASSWORD_MAX_LENGTH
    )
    password2 = forms.CharField(
        label="Password (again)", widget=forms.PasswordInput, max_length=PASSWORD_MAX_LENGTH
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            try:
                validate_password(first, user=User(email=self.email))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"


class SecurityLogFilterForm(forms.Form):
    """The security log's filters (a GET form): what, who, and which days."""

    kind = forms.ChoiceField(
        required=False, choices=[("", "Any kind"), *SecurityEventKind.choices], label="Kind"
    )
    actor = forms.EmailField(required=False, max_length=254, label="Actor's email")
    since = forms.DateField(required=False, widget=DateInput, label="From")
    until = forms.DateField(required=False, widget=DateInput, label="To")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        for name, day in (("since", since), ("until", until)):
            if day is not None and not 2000 <= day.year <= 2999:
                self.add_error(name, "Give a day between the years 2000 and 2999.")
                return cleaned
        if since and until and since > until:
            self.add_error("until", "The last day comes on or after the first.")
        return cleaned

    def selector_filters(self, timezone_name: str) -> dict:
        """The cleaned filters as `accounts.selectors.security_event_list` takes them: the
        days from midnight to midnight in the organization's time zone."""
        zone = zoneinfo.ZoneInfo(timezone_name)
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        return {
            "kind": data.get("kind") or None,
            "actor_email": data.get("actor") or None,
            "since": datetime.combine(since, time.min, zone) if since else None,
            "until": datetime.combine(until + timedelta(days=1), time.min, zone) if until else None,
        }
