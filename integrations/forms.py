"""Forms of the integrations settings pages: API keys and webhook endpoints."""

from django import forms

from activity.events import WEBHOOK_EVENT_TYPES
from integrations.models import ApiKeyScope
from lib.forms import ObjectChoiceField


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

    def __init__(self, *args, members, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acting_as"].label_from = lambda member: (
            f"{member.user.get_full_name()} · {member.get_role_display()}"
        )
        self.fields["acting_as"].set_objects(members)
        self.fields["acting_as"].initial = str(actor.public_id)


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
