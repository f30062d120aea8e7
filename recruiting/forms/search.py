"""The header's search: what is typed, and which kind of results to list."""

from django import forms

from recruiting.search import KINDS, MAX_LENGTH


class GlobalSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_LENGTH,
        label="Search",
        error_messages={"max_length": "Search with at most %(limit_value)d characters."},
    )
    kind = forms.ChoiceField(required=False, choices=list(KINDS.items()))

    def query(self) -> str:
        """The text to search for; none when it was refused (too long)."""
        self.is_valid()
        return "" if "q" in self.errors else self.cleaned_data.get("q", "")

    def kind_shown(self) -> str | None:
        """The kind asked for; None (the first kind with results) for anything else."""
        self.is_valid()
        return None if "kind" in self.errors else self.cleaned_data.get("kind") or None
