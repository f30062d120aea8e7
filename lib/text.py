"""Free text: how long it may be, and when it says nothing.

Every field people write into has a maximum length in characters, declared once on
the model (`lib.models.BoundedTextField`, or a `CharField`'s own `max_length`) and
read by the forms and the API serializers; docs/limits.md lists them. Text is
counted as written, so a limit is the same in a browser, in the API and in the
database.
"""

import unicodedata

from django.core.exceptions import ValidationError

# Notes, comments, pitches, answers and reasons: a long e-mail's worth, far more
# than anyone types into a box, far less than a pasted document.
TEXT_MAX_LENGTH = 10_000
# A role's description, often pasted whole from the job advertisement.
DESCRIPTION_MAX_LENGTH = 20_000
# The evidence for one must-have in a submission.
EVIDENCE_MAX_LENGTH = 2_000

# Characters that show nothing: spaces and line breaks of every kind, control
# characters, and format characters such as the zero-width space and joiners.
_INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing: empty, or only invisible characters."""
    return all(unicodedata.category(character) in _INVISIBLE for character in text)


def too_long_message(length: int, limit: int) -> str:
    return f"Keep this to {limit:,} characters; it has {length:,}."


def require_max_length(field: str, text: str, limit: int = TEXT_MAX_LENGTH) -> str:
    """`text`, or a field error when it is longer than `limit` characters."""
    if len(text) > limit:
        raise ValidationError({field: too_long_message(len(text), limit)})
    return text
