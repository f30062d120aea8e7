"""Writes for people and tenants: organizations, memberships, invitations."""

import base64
import hmac
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.audit import record_security_event
from accounts.models import (
    ADMIN_ROLES,
    CLIENT_ROLES,
    Invitation,
    Membership,
    MembershipRole,
    Organization,
    SecurityEventKind,
    User,
    hash_token,
)
from accounts.selectors import all_organization_ids
from lib import events
from lib.exceptions import ApplicationError, PermissionDenied
from lib.mail import send_mail
from lib.tasks import enqueue
from lib.tenancy import organization_context, require_same_organization

SLUG_ATTEMPTS = 20

INVITATION_ACCEPTED = "invitation.accepted"
events.declare(INVITATION_ACCEPTED, "Someone accepted an invitation and is now a member.")


def _require_admin(membership: Membership) -> None:
    if membership.role not in ADMIN_ROLES:
        raise PermissionDenied("Only the organization's owners and admins can do this.")


# --- Organizations ---------------------------------------------------------------


def organization_create(*, name: str, owner: User, timezone_name: str = "UTC") -> Organization:
    """Create an agency with `owner` as its first member (role owner).

    The slug is unique across all agencies, but row-level security hides the
    others, so a taken slug is found by its unique index: try, and on a
    conflict try the next suffix inside a savepoint.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the agency a name."})
    base_slug = slugify(name)[:50] or "agency"
    for attempt in range(SLUG_ATTEMPTS):
        slug = base_slug if attempt == 0 else f"{base_slug}-{secrets.token_hex(2)}"
        organization = Organization(name=name, slug=slug, timezone=timezone_name)
        try:
            with transaction.atomic(), organization_context(organization.id):
                organization.save(force_insert=True)
                Membership.objects.create(
                    organization=organization, user=owner, role=MembershipRole.OWNER
                )
        except IntegrityError:
            continue
        return organization
    raise ApplicationError("Could not find a free address for this agency; try another name.")


def organization_update(*, membership: Membership, name: str, timezone_name: str) -> Organization:
    _require_admin(membership)
    organization = membership.organization
    organization.name = name.strip()
    organization.timezone = timezone_name
    organization.full_clean(exclude=["slug"])
    organization.save(update_fields=["name", "timezone", "updated_at"])
    return organization


# --- Memberships -----------------------------------------------------------------


def membership_change_role(
    *, actor: Membership, membership: Membership, role: str, client=None
) -> Membership:
    _require_admin(actor)
    require_same_organization(actor, membership)
    if role not in MembershipRole.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    if role == MembershipRole.OWNER and actor.role != MembershipRole.OWNER:
        raise PermissionDenied("Only an owner can make someone an owner.")
    if membership.role == MembershipRole.OWNER and actor.role != MembershipRole.OWNER:
        raise PermissionDenied("Only an owner can change another owner's role.")
    if membership.role == MembershipRole.OWNER and role != MembershipRole.OWNER:
        _require_another_owner(membership)
    if role in CLIENT_ROLES:
        client = client or membership.client
    _validate_client_binding(actor, role, client)
    before = membership.role
    with transaction.atomic():
        membership.role = role
        membership.client = client
        membership.save(update_fields=["role", "client", "updated_at"])
        record_security_event(
            actor.organization_id,
            SecurityEventKind.MEMBERSHIP_ROLE_CHANGED,
            actor=actor,
            target=membership.user.email,
            details={"from": before, "to": role},
        )
    return membership


def membership_remove(*, actor: Membership, membership: Membership) -> None:
    _require_admin(actor)
    require_same_organization(actor, membership)
    if membership.role == MembershipRole.OWNER:
        if actor.role != MembershipRole.OWNER:
            raise PermissionDenied("Only an owner can remove another owner.")
        _require_another_owner(membership)
    with transaction.atomic():
        membership.delete()
        record_security_event(
            actor.organization_id,
            SecurityEventKind.MEMBERSHIP_REMOVED,
            actor=actor,
            target=membership.user.email,
            details={"role": membership.role},
        )


def membership_mark_active(*, membership: Membership) -> None:
    """Remember that the user works in this organization now (the next login starts here)."""
    with organization_context(membership.organization_id):
        Membership.objects.filter(pk=membership.pk).update(last_active_at=timezone.now())


def _require_another_owner(membership: Membership) -> None:
    others = Membership.objects.filter(role=MembershipRole.OWNER).exclude(pk=membership.pk)
    if not others.exists():
        raise ApplicationError("An organization needs at least one owner.")


# --- Invitations ---------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The secret in the invitation link, derived from the row's nonce and SECRET_KEY."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"invitation:{invitation.public_id}:{invitation.token_nonce}".encode(),
        "sha256",
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _validate_client_binding(actor: Membership, role: str, client) -> None:
    """Hiring managers and HR see one client's data: they must be bound to one."""
    if role in CLIENT_ROLES and client is None:
        raise ValidationError({"client": "Choose the client this person works for."})
    if role not in CLIENT_ROLES and client is not None:
        raise ValidationError({"client": "Only hiring managers and HR belong to a client."})
    require_same_organization(actor, client)


def invitation_create(*, actor: Membership, email: str, role: str, client=None) -> Invitation:
    """Invite `email` with `role`; a pending invitation to the same address is replaced."""
    _require_admin(actor)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": "Enter a valid email address."}) from error
    if role not in MembershipRole.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    if role == MembershipRole.OWNER and actor.role != MembershipRole.OWNER:
        raise PermissionDenied("Only an owner can invite another owner.")
    _validate_client_binding(actor, role, client)
    if Membership.objects.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a member."})

    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now, updated_at=now)
        invitation = Invitation(
            organization_id=actor.organization_id,
            email=email,
            role=role,
            client=client,
            invited_by=actor.user,
            token_nonce=secrets.token_hex(32),
            expires_at=now + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
        )
        invitation.token_hash = hash_token(invitation_token(invitation))
        invitation.save(force_insert=True)
        record_security_event(
            actor.organization_id,
            SecurityEventKind.INVITATION_SENT,
            actor=actor,
            target=email,
            details={"role": role},
        )
        transaction.on_commit(lambda: _enqueue_invitation_email(invitation))
    return invitation


def _enqueue_invitation_email(invitation: Invitation) -> bool:
    return enqueue(
        "accounts.tasks.send_invitation_email", str(invitation.organization_id), invitation.pk
    )


def invitation_send_email(*, invitation: Invitation) -> None:
    """Send the invitation link; a revoked, accepted or expired invitation is skipped."""
    if not invitation.is_pending:
        return
    organization = invitation.organization
    context = {
        "invitation": invitation,
        "organization": organization,
        "inviter": invitation.invited_by,
        "accept_url": settings.SITE_URL.rstrip("/")
        + reverse("accounts:invitation-accept", args=[invitation_token(invitation)]),
    }
    send_mail("invitation", context, to=invitation.email)
    Invitation.objects.filter(pk=invitation.pk).update(email_sent_at=timezone.now())


UNSENT_GRACE = timedelta(minutes=2)


def invitations_resend_unsent(*, now=None) -> int:
    """Enqueue again the invitation mails that never went out (broker down at the time).

    Loops over organizations, each in its own context.
    """
    now = now or timezone.now()
    resent = 0
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            unsent = Invitation.objects.filter(
                email_sent_at__isnull=True,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
                created_at__lte=now - UNSENT_GRACE,
            )
            for invitation in unsent:
                resent += _enqueue_invitation_email(invitation)
    return resent


# An invitation mailed this recently is not mailed again: a second click, or a bulk
# resend straight after the first, would only fill the invitee's inbox.
RESEND_INTERVAL = timedelta(minutes=5)


def invitation_resend(*, actor: Membership, invitation: Invitation) -> Invitation:
    """Mail the invitation again with the same link, valid for the full period again
    from now; refused for one accepted or withdrawn, or mailed minutes ago."""
    _require_admin(actor)
    require_same_organization(actor, invitation)
    if invitation.accepted_at is not None:
        raise ApplicationError(f"The invitation to {invitation.email} was already accepted.")
    if invitation.revoked_at is not None:
        raise ApplicationError(f"The invitation to {invitation.email} was withdrawn.")
    now = timezone.now()
    if invitation.email_sent_at is not None and invitation.email_sent_at > now - RESEND_INTERVAL:
        raise ApplicationError(
            f"The invitation to {invitation.email} went out less than "
            f"{RESEND_INTERVAL.seconds // 60} minutes ago."
        )
    with transaction.atomic():
        invitation.expires_at = now + timedelta(days=settings.INVITATION_VALIDITY_DAYS)
        invitation.save(update_fields=["expires_at", "updated_at"])
        record_security_event(
            actor.organization_id,
            SecurityEventKind.INVITATION_SENT,
            actor=actor,
            target=invitation.email,
            details={"role": invitation.role, "resent": True},
        )
        transaction.on_commit(lambda: _enqueue_invitation_email(invitation))
    return invitation


def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    _require_admin(actor)
    require_same_organization(actor, invitation)
    if invitation.accepted_at is not None:
        raise ApplicationError("This invitation was already accepted.")
    if invitation.revoked_at is None:
        with transaction.atomic():
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at", "updated_at"])
            record_security_event(
                actor.organization_id,
                SecurityEventKind.INVITATION_REVOKED,
                actor=actor,
                target=invitation.email,
            )
    return invitation


def _claim_invitation(invitation: Invitation, user: User) -> None:
    """Mark the invitation used; the conditional update makes it single-use under races."""
    if invitation.revoked_at is not None:
        raise ApplicationError("This invitation was withdrawn. Ask for a new one.")
    if invitation.accepted_at is not None:
        raise ApplicationError("This invitation was already used. Sign in instead.")
    if invitation.is_expired:
        raise ApplicationError("This invitation has expired. Ask for a new one.")
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(accepted_at=now, accepted_by=user, updated_at=now)
    if claimed != 1:
        raise ApplicationError("This invitation was already used. Sign in instead.")


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """An existing user joins the inviting organization."""
    if user.email.lower() != invitation.email.lower():
        raise ApplicationError(
            f"This invitation is for {invitation.email}; sign in with that address to accept it."
        )
    with transaction.atomic(), organization_context(invitation.organization_id):
        _claim_invitation(invitation, user)
        if Membership.objects.filter(user=user).exists():
            raise ApplicationError("You are already a member of this organization.")
        membership = Membership.objects.create(
            organization_id=invitation.organization_id,
            user=user,
            role=invitation.role,
            client_id=invitation.client_id,
            last_active_at=timezone.now(),
        )
        record_security_event(
            invitation.organization_id,
            SecurityEventKind.INVITATION_ACCEPTED,
            actor=user,
            target=user.email,
            details={"role": invitation.role},
        )
        # The recruiting app links a client's contact record to this login.
        events.publish(INVITATION_ACCEPTED, membership=membership)
        return membership


def invitation_accept_new_user(
    *, invitation: Invitation, full_name: str, password: str
) -> Membership:
    """Create the invited person's account and membership in one step.

    The address is marked verified: the token could only be read from that mailbox.
    """
    with transaction.atomic():
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ApplicationError("An account already exists for this address. Sign in to accept.")
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return invitation_accept(invitation=invitation, user=user)


def user_get_or_create(
    *, email: str, password: str | None, full_name: str = "", hashed: bool = False
) -> User:
    """An account for `email`, created with a verified address when missing.

    For operators and the demo seed: the address is theirs to vouch for. With
    `hashed`, `password` is already an encoded hash (`make_password`): the demo seed
    hashes its one password once for all its logins, the hasher being slow on purpose.
    """
    email = email.strip().lower()
    validate_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name)
        if hashed:
            user.password = password
        else:
            user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def membership_ensure(*, organization: Organization, user: User, role: str) -> Membership:
    """Idempotent: the user's membership in the organization, with `role`."""
    with organization_context(organization.id):
        membership, _ = Membership.objects.update_or_create(
            organization=organization, user=user, defaults={"role": role}
        )
    return membership
