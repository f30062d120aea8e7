"""The dashboard's filters: a window of the last 4, 12 or 52 weeks or custom days, and
a client and one of its roles. Read from the query string; a bad value is a form error,
never a server error.

The role select works without JavaScript: before a client is chosen it lists the roles
grouped by client (as long as they are few enough to list), and a role chosen that way
chooses its client; once a client is chosen, it lists that client's roles."""

from datetime import UTC, date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lib.forms import LongSelect
from metrics.selectors import MAX_WINDOW_DAYS, Window, metrics_window

PRESETS = {"4": 4, "12": 12, "52": 52}
DEFAULT_WEEKS = "4"


class DashboardFilterForm(forms.Form):
    window = forms.ChoiceField(
        choices=[
            ("4", "Last 4 weeks"),
            ("12", "Last 12 weeks"),
            ("52", "Last 52 weeks"),
            ("custom", "Custom dates"),
        ],
        required=False,
    )
    # `from` is a Python keyword: declared as `start`, renamed in __init__.
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    to = forms.DateField(
        label="To (included)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"A custom window is at most {MAX_WINDOW_DAYS} days.",
    )
    # Every client the member may see: a few hundred at a large agency, so written in
    # one pass rather than a template per option.
    client = forms.ChoiceField(required=False, label="Client", widget=LongSelect)
    role = forms.ChoiceField(required=False, label="Role")

    def __init__(
        self,
        data,
        *,
        clients,
        roles,
        show_client=True,
        show_role=True,
        show_window=True,
        roles_need_client=False,
    ):
        """`roles` is a list of (public id, title), or of (client name, that list) to
        group them by client. `show_window=False` keeps the window in hidden fields (a
        page it does not apply to, such as the trends, still hands it on to the other
        tabs); `roles_need_client` says the roles are too many to list before a client
        is chosen."""
        super().__init__(data)
        self.fields["from"] = self.fields.pop("start")
        # Keep the order on the page: window, from, to, client, role.
        for name in ("to", "client", "role"):
            self.fields[name] = self.fields.pop(name)
        self.fields["client"].choices = [("", "All clients")] + [
            (str(public_id), name) for public_id, name in clients
        ]
        self.fields["role"].choices = [("", "All roles")] + [
            (group, [(str(public_id), title) for public_id, title in items])
            if isinstance(items, list)
            else (str(group), items)
            for group, items in roles
        ]
        if roles_need_client:
            self.fields["role"].help_text = "Choose a client and press Show to list its roles."
        elif show_client and any(isinstance(items, list) for _, items in roles):
            self.fields["role"].help_text = "Choosing a role chooses its client too."
        if not show_window:
            for name in ("window", "from", "to"):
                self.fields[name].widget = forms.HiddenInput()
        if not show_client:
            del self.fields["client"]
        if not show_role:
            del self.fields["role"]

    def clean(self):
        data = super().clean()
        choice = data.get("window") or DEFAULT_WEEKS
        data["window"] = choice
        if choice == "custom":
            start, last = data.get("from"), data.get("to")
            if start is None and "from" not in self.errors:
                self.add_error("from", "Give the first day of the window.")
            if last is None and "to" not in self.errors:
                self.add_error("to", "Give the last day of the window.")
            if start is None or last is None:
                return data
            try:
                data["range"] = metrics_window(start=start, end=last + timedelta(days=1))
            except ValidationError as error:
                # The selector names the API's fields; here `to` is the last day itself.
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        else:
            data["range"] = preset_window(int(choice))
        return data


def preset_window(weeks: int) -> Window:
    """The last `weeks` weeks of UTC days, today included."""
    end = timezone.now().astimezone(UTC).date() + timedelta(days=1)
    return Window(end - timedelta(weeks=weeks), end)


def last_day(window: Window) -> date:
    return window.end - timedelta(days=1)
