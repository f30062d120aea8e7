"""Forms for notifications and the nudge policy settings."""

from django import forms

from engagements.models import NudgeChannel, NudgeRecipient
from engagements.services.policies import MAX_LEVELS, level_field
from lib.pagination import MAX_CURSOR_LENGTH


class NotificationReadForm(forms.Form):
    """Mark one notification read (`id`), or all of them (no `id`); `open` follows its link."""

    id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    open = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The page to come back to (lib.pagination's cursors).
    after = forms.CharField(required=False, max_length=MAX_CURSOR_LENGTH, widget=forms.HiddenInput)
    before = forms.CharField(required=False, max_length=MAX_CURSOR_LENGTH, widget=forms.HiddenInput)


class NudgePolicyForm(forms.Form):
    """The ladder's levels, one group of fields each: `level_1_after_business_days`,
    `level_1_recipients`, `level_1_channels`, ...

    The form checks types only; the rules (strictly later levels, at least one
    recipient and channel) are the service's, which names the same fields.
    """

    def __init__(self, *args, levels: list[dict] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        by_number = {level["level"]: level for level in levels or []}
        for number in range(1, MAX_LEVELS + 1):
            level = by_number.get(number, {})
            self.fields[level_field(number, "after_business_days")] = forms.DecimalField(
                label="Business days after the due time",
                min_value=0,
                max_value=10,
                max_digits=4,
                decimal_places=2,
                initial=level.get("after_business_days"),
                help_text="0 sends at the due time; 0.5 is half a business day later.",
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
            self.fields[level_field(number, "recipients")] = forms.MultipleChoiceField(
                label="Who receives it",
                choices=NudgeRecipient.choices,
                required=False,
                initial=level.get("recipients", []),
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[level_field(number, "channels")] = forms.MultipleChoiceField(
                label="How",
                choices=NudgeChannel.choices,
                required=False,
                initial=level.get("channels", []),
                widget=forms.CheckboxSelectMultiple,
            )

    @property
    def level_groups(self) -> list[dict]:
        """The bound fields of each level, for the template's fieldsets."""
        return [
            {
                "number": number,
                "fields": [
                    self[level_field(number, name)]
                    for name in ("after_business_days", "recipients", "channels")
                ],
            }
            for number in range(1, MAX_LEVELS + 1)
        ]

    def levels(self) -> list[dict]:
        """The cleaned levels in the shape `nudge_policy_save` takes."""
        names = ("after_business_days", "recipients", "channels")
        return [
            {name: self.cleaned_data[level_field(number, name)] for name in names}
            for number in range(1, MAX_LEVELS + 1)
        ]
