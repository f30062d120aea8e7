"""The permission matrix of the product (docs/design.md#23-permission-matrix), in one table.

Services call `require(membership, Action.X)`; pages and templates call `can`.
Object-level rules (a hiring manager sees only their client) are in
`client_scope` and the selectors that use it.
"""

from enum import StrEnum

from accounts.models import Membership, MembershipRole
from lib.exceptions import PermissionDenied

OWNER, ADMIN, RECRUITER = MembershipRole.OWNER, MembershipRole.ADMIN, MembershipRole.RECRUITER
HIRING_MANAGER, HR = MembershipRole.HIRING_MANAGER, MembershipRole.HR

AGENCY = frozenset({OWNER, ADMIN, RECRUITER})
EVERYONE = frozenset(MembershipRole)


class Action(StrEnum):
    MANAGE_ORGANIZATION = "manage members, API keys, webhooks and nudge policy"
    EDIT_CLIENTS_AND_ROLES = "create or edit clients, contacts and roles"
    EDIT_AGREEMENT = "draft or edit intake agreements"
    COMMENT_AGREEMENT = "comment on an agreement"
    ACKNOWLEDGE_AGREEMENT = "acknowledge an agreement"
    EDIT_CANDIDATES = "create or edit candidates"
    READ_INTERNAL_NOTES = "read recruiter-internal notes"
    CREATE_SUBMISSION = "submit candidates"
    VIEW_SUBMISSIONS = "view submissions"
    REVIEW_SKILLS = "review a candidate's skills"
    APPROVE_CULTURE_NOTES = "approve culture-fit notes"
    LOG_PIPELINE_EVENTS = "log interview feedback, offers and hires"
    VIEW_METRICS = "view the metrics dashboard"
    EXPORT_CANDIDATE_DATA = "export everything held about a candidate"


MATRIX: dict[Action, frozenset[str]] = {
    Action.MANAGE_ORGANIZATION: frozenset({OWNER, ADMIN}),
    Action.EDIT_CLIENTS_AND_ROLES: AGENCY,
    Action.EDIT_AGREEMENT: AGENCY,
    Action.COMMENT_AGREEMENT: EVERYONE,
    Action.ACKNOWLEDGE_AGREEMENT: frozenset({HIRING_MANAGER, HR}),
    Action.EDIT_CANDIDATES: AGENCY,
    Action.READ_INTERNAL_NOTES: AGENCY,
    Action.CREATE_SUBMISSION: AGENCY,
    Action.VIEW_SUBMISSIONS: EVERYONE,
    Action.REVIEW_SKILLS: frozenset({HIRING_MANAGER}),
    Action.APPROVE_CULTURE_NOTES: frozenset({HR}),
    Action.LOG_PIPELINE_EVENTS: EVERYONE,
    Action.VIEW_METRICS: EVERYONE,
    Action.EXPORT_CANDIDATE_DATA: AGENCY,
}


def can(membership: Membership | None, action: Action) -> bool:
    return membership is not None and membership.role in MATRIX[action]


def require(membership: Membership, action: Action) -> None:
    if not can(membership, action):
        raise PermissionDenied(
            f"As {membership.get_role_display().lower()} you cannot {action.value}."
        )


def client_scope(membership: Membership) -> int | None:
    """The one client a hiring manager or HR user is confined to; None for the agency.

    A client user whose membership has no client yet is confined to client id 0,
    which matches nothing: safe by default.
    """
    if membership.role in AGENCY:
        return None
    return membership.client_id or 0


def require_client_access(membership: Membership, client_id: int) -> None:
    scope = client_scope(membership)
    if scope is not None and scope != client_id:
        raise PermissionDenied("That belongs to another client.")
