"""Forms of the integrations settings pages: API keys and webhook endpoints."""

import re
import zoneinfo
from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from activity.events import WEBHOOK_EVENT_TYPES
from integrations.models import ApiKeyScope
from lib.forms import ObjectChoiceField

NEVER = "never"
ON_A_DATE = "date"
EXPIRY_CHOICES = [
    (NEVER, "Never (until revoked)"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
    (ON_A_DATE, "On a date"),
]
NETWORKS_MAX_LENGTH = 2000


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="Name it after the integration, e.g. “Greenhouse sync”."
    )
    scopes = forms.MultipleChoiceField(
        choices=ApiKeyScope.choices,
        initial=[ApiKeyScope.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Write lets the integration create and change data as well as read it. Admin "
            "lets it read the security log (for a SIEM), and only that."
        ),
    )
    acting_as = ObjectChoiceField(
        label="Acts as",
        empty_label=None,
        help_text=(
            "The key can do what this member can. A hiring manager's key sees only their client."
        ),
    )

    expiry = forms.ChoiceField(
        label="Expires",
        choices=EXPIRY_CHOICES,
        required=False,
        initial=NEVER,
        help_text="After this the key is refused; an admin can create another.",
    )
    expires_on = forms.DateField(
        label="Expiry date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=(
            "With “On a date”: the key stops working as that day begins, in the "
            "organization's time zone."
        ),
    )
    allowed_networks = forms.CharField(
        label="Allowed addresses",
        required=False,
        max_length=NETWORKS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Optional: the addresses or networks the integration calls from, one a line "
            "(203.0.113.7, 203.0.113.0/24, 2001:db8::/32), at most 20. Requests from "
            "anywhere else are refused. Empty: any address."
        ),
    )

    def __init__(self, *args, members, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(actor.organization.timezone)
        self.fields["acting_as"].label_from = lambda member: (
            f"{member.user.get_full_name()} · {member.get_role_display()}"
        )
        self.fields["acting_as"].set_objects(members)
        self.fields["acting_as"].initial = str(actor.public_id)

    def clean_allowed_networks(self) -> list[str]:
        """One entry a line (commas and spaces also separate); the service checks each."""
        text = self.cleaned_data["allowed_networks"]
        return [entry for entry in re.split(r"[\s,]+", text) if entry]

    def clean(self) -> dict:
        """`expiry` and `expires_on` become the service's `expires_at` (None: never)."""
        cleaned = super().clean()
        expiry = cleaned.pop("expiry", "") or NEVER
        expires_on = cleaned.pop("expires_on", None)
        expires_at = None
        if expiry == ON_A_DATE:
            if expires_on is None:
                self.add_error("expires_on", "Choose the date the key stops working.")
            else:
                expires_at = datetime.combine(expires_on, time.min, tzinfo=self.zone)
                if expires_at <= timezone.now():
                    self.add_error("expires_on", "Choose a date after today.")
        elif expiry != NEVER:
            expires_at = timezone.now() + timedelta(days=int(expiry))
        cleaned["expires_at"] = expires_at
        return cleaned


class WebhookEndpointForm(forms.Form):
    """Shape only: the service checks that the URL is http(s) on a public address."""

    url = forms.URLField(
        label="URL",
        max_length=2000,
        assume_scheme="https",
        help_text="Rapport POSTs each event here as JSON. It must be reachable on the internet.",
    )
    description = forms.CharField(
        required=False, max_length=200, help_text="For you: what receives these events."
    )
    event_types = forms.MultipleChoiceField(
        label="Events",
        choices=[(verb, f"{verb}: {about}") for verb, about in WEBHOOK_EVENT_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    enabled = forms.BooleanField(
        required=False, initial=True, help_text="Disabled endpoints receive nothing."
    )
