"""The "log a check-in" page: the recruiter records a check-in held with the client,
which is what keeps the missed check-in reminder quiet."""

from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.permissions import Action
from engagements.services import reminders
from intake.forms import ClientDateTimeField
from lib.exceptions import ApplicationError
from lib.forms import add_service_errors
from lib.text import TEXT_MAX_LENGTH
from recruiting.access import get_role, require_action


class CheckInForm(forms.Form):
    held_at = ClientDateTimeField(label="Held at")
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
        help_text="For the agency: what was discussed, what changes.",
        error_messages={"required": reminders.NOTES_REQUIRED},
    )

    def __init__(self, *args, tz: ZoneInfo, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_at"].tz = tz
        self.fields["held_at"].help_text = f"In the client's time ({tz.key})."


@login_required
@require_http_methods(["GET", "POST"])
def checkin_create(request: HttpRequest, public_id) -> HttpResponse:
    # The role first: another organization's (or client's) role is a 404 before
    # the role check can say anything about it.
    role = get_role(request, public_id)
    actor = require_action(request, Action.EDIT_AGREEMENT)
    tz = ZoneInfo(role.client.timezone)
    form = CheckInForm(
        request.POST or None,
        tz=tz,
        initial={"held_at": timezone.now().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            reminders.checkin_log(actor=actor, role=role, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Check-in logged.")
            return redirect("recruiting:role-detail", public_id=role.public_id)
    context = {
        "role": role,
        "client": role.client,
        "form": form,
        "overview": reminders.checkin_overview(role=role),
    }
    return render(
        request, "engagements/checkin_form.html", context, status=400 if form.errors else 200
    )
