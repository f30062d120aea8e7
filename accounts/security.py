"""An organization's security policies: two-factor authentication and idle sessions.

Every change of a policy and every end of sessions (by the user, by an admin, by the
idle timeout) goes through this module and is said once, to `record_security_event`:
the one place the security audit log is told.

- **Two-factor authentication.** `Organization.mfa_policy` says who must have an
  authenticator: nobody, the agency's people (owners, admins, recruiters), or every
  member. A member it applies to and who has none is walked through enrolment by
  `accounts.middleware.SecurityPolicyMiddleware` before any other page opens, and may
  not remove their last authenticator (`authenticator_removal_refused`).
- **Sessions.** allauth's user sessions list each sign-in (browser, address, last
  seen); a person ends their own other sessions, an admin all of a member's.
- **Idle timeout.** `Organization.idle_timeout_minutes`: a session of the active
  organization with no request for that long ends at its next request.
"""

import time
from collections.abc import Iterable

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts.audit import record_for_user, record_security_event
from accounts.models import (
    ADMIN_ROLES,
    CLIENT_ROLES,
    IdleTimeout,
    Membership,
    MfaPolicy,
    Organization,
    SecurityEventKind,
    User,
)
from accounts.selectors import memberships_for_user
from lib.exceptions import ApplicationError, PermissionDenied
from lib.tenancy import require_same_organization, user_context

# When the session last saw a request (seconds since the epoch), for the idle timeout.
LAST_SEEN_SESSION_KEY = "security_last_seen"
# The session's "last seen" (and its row in the session list) is written at most this
# often: a write on every request would cost more than it tells.
LAST_SEEN_INTERVAL_SECONDS = 60


# --- The audit log's one door --------------------------------------------------------


def _record(
    kind: str,
    *,
    organization: Organization | None,
    actor: User | None,
    target: str = "",
    details: dict,
) -> None:
    """Write the security log: in the organization concerned, or, for what a person did
    to their own sessions outside any one organization, in each of theirs. `actor` is
    None when the system acted (the idle timeout)."""
    if organization is not None:
        record_security_event(organization, kind, actor=actor, target=target, details=details)
    elif actor is not None:
        record_for_user(actor, kind, target=target, details=details)


# --- Policies --------------------------------------------------------------------------


def security_policy_update(
    *, actor: Membership, mfa_policy: str, idle_timeout_minutes: int
) -> Organization:
    """Set the organization's two-factor policy and idle timeout (owners and admins)."""
    if actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only the organization's owners and admins can do this.")
    if mfa_policy not in MfaPolicy.values:
        raise ValidationError({"mfa_policy": "Choose a two-factor policy from the list."})
    if idle_timeout_minutes not in IdleTimeout.values:
        raise ValidationError({"idle_timeout_minutes": "Choose a timeout from the list."})
    organization = actor.organization
    changes = {
        field: (getattr(organization, field), value)
        for field, value in (
            ("mfa_policy", mfa_policy),
            ("idle_timeout_minutes", idle_timeout_minutes),
        )
        if getattr(organization, field) != value
    }
    if not changes:
        return organization
    for field, (_, value) in changes.items():
        setattr(organization, field, value)
    # The change and its record in the security log commit together, or neither.
    with transaction.atomic():
        organization.save(update_fields=[*changes, "updated_at"])
        for field, (before, after) in changes.items():
            _record(
                SecurityEventKind.SECURITY_POLICY_CHANGED,
                organization=organization,
                actor=actor.user,
                target=field,
                details={"before": str(before), "after": str(after)},
            )
    return organization


def mfa_required(membership: Membership | None) -> bool:
    """Whether the membership's organization requires its user to have an authenticator."""
    if membership is None:
        return False
    policy = membership.organization.mfa_policy
    if policy == MfaPolicy.EVERYONE:
        return True
    return policy == MfaPolicy.STAFF and membership.role not in CLIENT_ROLES


def has_authenticator(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk).exists()


def authenticator_removal_refused(user: User) -> str | None:
    """Why `user` may not remove their last authenticator, or None when they may: an
    organization of theirs requires two-factor authentication of them."""
    with user_context(user.pk):
        memberships = memberships_for_user(user=user)
    for membership in memberships:
        if mfa_required(membership):
            return (
                f"{membership.organization.name} requires two-factor authentication, so "
                "your authenticator app cannot be removed."
            )
    return None


# --- Sessions ------------------------------------------------------------------------


def sessions_end(
    sessions: Iterable[UserSession],
    *,
    actor: User | None,
    organization: Organization | None,
    reason: str,
) -> int:
    """End the sessions (their users are signed out at their next request); how many."""
    sessions = list(sessions)
    for session in sessions:
        session.end()
    if sessions:
        _record(
            SecurityEventKind.SESSIONS_REVOKED,
            organization=organization,
            actor=actor,
            # One query for the people whose sessions ended, however many sessions.
            target=", ".join(
                sorted(
                    User.objects.filter(
                        pk__in={session.user_id for session in sessions}
                    ).values_list("email", flat=True)
                )
            ),
            details={"reason": reason, "count": len(sessions)},
        )
    return len(sessions)


def member_sessions_end(*, actor: Membership, membership: Membership) -> int:
    """An admin signs a member out everywhere. The member's own sessions are theirs to
    end (their Sessions page), so an admin's own row is refused here."""
    if actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only the organization's owners and admins can do this.")
    require_same_organization(actor, membership)
    if membership.user_id == actor.user_id:
        raise ApplicationError("Sign yourself out of other sessions on your own Sessions page.")
    return sessions_end(
        UserSession.objects.filter(user_id=membership.user_id),
        actor=actor.user,
        organization=actor.organization,
        reason="signed out by an admin",
    )


def session_touch(request: HttpRequest) -> None:
    """Note that the session saw a request now: in the session (the idle timeout reads
    it) and in its row of the session list, at most once a minute."""
    now = int(time.time())
    last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
    if last_seen is not None and now - last_seen < LAST_SEEN_INTERVAL_SECONDS:
        return
    request.session[LAST_SEEN_SESSION_KEY] = now
    if request.session.session_key:
        UserSession.objects.create_from_request(request)


def session_is_idle(request: HttpRequest, organization: Organization | None) -> bool:
    """Whether the session saw no request for longer than the organization allows."""
    if organization is None or not organization.idle_timeout_minutes:
        return False
    last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
    if last_seen is None:
        return False
    return time.time() - last_seen > organization.idle_timeout_minutes * 60


def session_end_idle(request: HttpRequest, organization: Organization) -> None:
    """Sign the request's session out for having been idle too long."""
    email = request.user.email
    UserSession.objects.filter(session_key=request.session.session_key).delete()
    logout(request)
    _record(
        SecurityEventKind.SESSIONS_REVOKED,
        organization=organization,
        actor=None,
        target=email,
        details={
            "reason": "idle_timeout",
            "idle_timeout_minutes": organization.idle_timeout_minutes,
        },
    )


def on_user_logged_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    """A new session starts its idle clock at sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_SESSION_KEY] = int(time.time())
