"""Writes for the recruiting domain, split by sub-domain; import from here."""

from recruiting.services.candidates import candidate_create, candidate_update
from recruiting.services.clients import (
    client_create,
    client_update,
    contact_create,
    contact_invite,
    contact_update,
)
from recruiting.services.consent import (
    consent_link_read,
    consent_link_token,
    consent_record,
    consent_record_from_link,
    consent_request_send,
)
from recruiting.services.reviews import (
    culture_approval_submit,
    interview_feedback_submit,
    skills_review_submit,
)
from recruiting.services.roles import role_change_status, role_create, role_update
from recruiting.services.submissions import (
    submission_answer_info_request,
    submission_create,
    submission_move,
    submission_revise_culture_notes,
    submission_set_competing_deadline,
    submission_update,
)

__all__ = [
    "candidate_create",
    "candidate_update",
    "client_create",
    "client_update",
    "consent_link_read",
    "consent_link_token",
    "consent_record",
    "consent_record_from_link",
    "consent_request_send",
    "contact_create",
    "contact_invite",
    "contact_update",
    "culture_approval_submit",
    "interview_feedback_submit",
    "role_change_status",
    "role_create",
    "role_update",
    "skills_review_submit",
    "submission_answer_info_request",
    "submission_create",
    "submission_move",
    "submission_revise_culture_notes",
    "submission_set_competing_deadline",
    "submission_update",
]
