from django import forms

from privacy.models import CANDIDATE_MONTHS_MAX, DELIVERY_DAYS_MAX, IDEMPOTENCY_HOURS_MAX

NAME_MISMATCH = "Type the candidate's full name exactly as shown to confirm."


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


class CandidateEraseForm(forms.Form):
    """The typed confirmation: the candidate's full name, as the page shows it."""

    confirm_name = forms.CharField(
        label="Type the candidate's full name to confirm", max_length=150, strip=True
    )

    def __init__(self, *args, candidate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidate = candidate

    def clean_confirm_name(self) -> str:
        typed = self.cleaned_data["confirm_name"]
        if _normalised(typed) != _normalised(self.candidate.full_name):
            raise forms.ValidationError(NAME_MISMATCH)
        return typed


class RetentionPolicyForm(forms.Form):
    candidates_after_months = forms.IntegerField(
        label="Anonymise candidates with no activity for (months)",
        required=False,
        min_value=1,
        max_value=CANDIDATE_MONTHS_MAX,
        help_text="Leave empty to keep candidates however long they are inactive.",
    )
    webhook_deliveries_after_days = forms.IntegerField(
        label="Delete webhook deliveries and their attempts after (days)",
        min_value=1,
        max_value=DELIVERY_DAYS_MAX,
    )
    idempotency_after_hours = forms.IntegerField(
        label="Delete stored API answers (idempotency keys) after (hours)",
        min_value=1,
        max_value=IDEMPOTENCY_HOURS_MAX,
        help_text=f"At most {IDEMPOTENCY_HOURS_MAX}: the API answers retries for a day.",
    )

    @classmethod
    def initial_for(cls, policy) -> dict:
        return {name: getattr(policy, name) for name in cls.base_fields}
