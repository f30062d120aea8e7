"""People and tenants: users, organizations (agencies), memberships and invitations."""

import hashlib
import uuid
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import connection, models, transaction
from django.utils import timezone

from lib.models import PublicIdMixin, TenantModel, TimeStampedModel
from lib.tenancy import current_user_id

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One login for a person, whichever agencies they work with."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class MfaPolicy(models.TextChoices):
    """Who must use two-factor authentication in an organization (accounts.security)."""

    OFF = "off", "Not required"
    STAFF = "staff", "Required for the agency's people (owners, admins, recruiters)"
    EVERYONE = "everyone", "Required for every member, hiring managers and HR included"


class IdleTimeout(models.IntegerChoices):
    """After how many minutes without a request a session of the organization ends."""

    OFF = 0, "Never"
    QUARTER_HOUR = 15, "15 minutes"
    HOUR = 60, "1 hour"
    WORKING_DAY = 480, "8 hours"
    DAY = 1440, "24 hours"


class Organization(TimeStampedModel):
    """One recruiting agency: the tenant.

    Its primary key is a UUID generated in Python, so a new organization's id is
    known before the row exists; the creating transaction sets it as the tenant
    context and the row-level security insert check (`id` = active organization)
    passes without any bypass.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    # Validated against the tz database by forms and services rather than by
    # `choices`, so that a tzdata update does not produce a migration.
    timezone = models.CharField(max_length=64, default="UTC")
    # Security policies, set on Settings → Security (accounts.security).
    mfa_policy = models.CharField(max_length=10, choices=MfaPolicy.choices, default=MfaPolicy.OFF)
    idle_timeout_minutes = models.PositiveIntegerField(
        choices=IdleTimeout.choices, default=IdleTimeout.OFF
    )

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    RECRUITER = "recruiter", "Recruiter"
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    HR = "hr", "HR"


ADMIN_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.ADMIN})
CLIENT_ROLES = frozenset({MembershipRole.HIRING_MANAGER, MembershipRole.HR})


class OwnMembershipManager(models.Manager):
    """The signed-in user's memberships across organizations, read before any is active.

    Row-level security lets these rows through by their `user_id` clause; this
    manager is the one place that relies on it.
    """

    def get_queryset(self) -> models.QuerySet:
        user_id = current_user_id()
        queryset = super().get_queryset()
        return queryset.none() if user_id is None else queryset.filter(user_id=user_id)


class Membership(TenantModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    # Hiring managers and HR are bound to one client of the agency and see only
    # its data; without a client they see nothing (the selectors filter on it).
    client = models.ForeignKey(
        "recruiting.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )

    # When the user last chose this organization; a new session starts there.
    last_active_at = models.DateTimeField(null=True, blank=True)

    own = OwnMembershipManager()

    class Meta:
        # Managers declared here would otherwise outrank the inherited tenant one.
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_one_per_user_and_org"
            ),
        ]
        indexes = [
            # The organization switcher and the tenant middleware list a user's memberships.
            models.Index(fields=["user", "organization"], name="membership_user_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_client_user(self) -> bool:
        return self.role in CLIENT_ROLES


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


INVITATION_TOKEN_SETTING = "rapport.invitation_token_hash"  # noqa: S105 - a setting name


class InvitationTokenLookup(models.Manager):
    """Finds an invitation by its link's token before any organization is active.

    Row-level security lets a row through when its `token_hash` equals the
    transaction's `rapport.invitation_token_hash` setting: knowing the secret
    token reveals that one invitation and nothing else.
    """

    def get_by_token(self, token: str) -> "Invitation | None":
        token_hash = hash_token(token)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config(%s, %s, true)", [INVITATION_TOKEN_SETTING, token_hash]
            )
            return (
                self.get_queryset()
                .select_related("invited_by")
                .filter(token_hash=token_hash)
                .first()
            )


class Invitation(TenantModel):
    """A single-use, expiring invitation to join an organization with a role."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    client = models.ForeignKey(
        "recruiting.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    # The token is derived from this nonce and SECRET_KEY (accounts.services), so
    # it is never stored nor passed through the broker; its hash finds the row.
    token_nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set once the mail backend took the invitation; the sweeper resends unsent ones.
    email_sent_at = models.DateTimeField(null=True, blank=True)

    by_token = InvitationTokenLookup()

    class Meta:
        default_manager_name = "objects"
        indexes = [
            # Members page: the organization's pending invitations, newest first.
            models.Index(fields=["organization", "-created_at"], name="invitation_org_created_idx"),
            models.Index(fields=["organization", "email"], name="invitation_org_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


# --- The security log (docs/operations.md#the-security-log) ----------------------------


class SecurityEventKind(models.TextChoices):
    """Every kind of security event, declared once; recording another kind fails."""

    SIGNED_IN = "auth.signed_in", "Signed in"
    SIGN_IN_FAILED = "auth.sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "auth.signed_out", "Signed out"
    MFA_ENABLED = "mfa.enabled", "Two-factor authentication enabled"
    MFA_DISABLED = "mfa.disabled", "Two-factor authentication disabled"
    PASSWORD_CHANGED = "password.changed", "Password changed"
    PASSWORD_RESET = "password.reset", "Password reset"
    EMAIL_CHANGED = "email.changed", "Email address changed"
    INVITATION_SENT = "invitation.sent", "Invitation sent"
    INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted"
    INVITATION_REVOKED = "invitation.revoked", "Invitation withdrawn"
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", "Member's role changed"
    MEMBERSHIP_REMOVED = "membership.removed", "Member removed"
    API_KEY_CREATED = "api_key.created", "API key created"
    API_KEY_REVOKED = "api_key.revoked", "API key revoked"
    API_KEY_REFUSED = (
        "api_key.refused",
        "API key refused (revoked, expired or not allowed from there)",
    )
    WEBHOOK_CREATED = "webhook.created", "Webhook endpoint created"
    WEBHOOK_CHANGED = "webhook.changed", "Webhook endpoint changed"
    WEBHOOK_DELETED = "webhook.deleted", "Webhook endpoint deleted"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", "Webhook secret rotated"
    CANDIDATE_EXPORTED = "candidate.exported", "Candidate's data exported"
    CANDIDATE_ERASED = "candidate.erased", "Candidate erased"
    CONSENT_RECORDED = "consent.recorded", "Consent recorded"
    CONSENT_WITHDRAWN = "consent.withdrawn", "Consent withdrawn"
    RETENTION_APPLIED = "retention.applied", "Retention policy applied"
    SECURITY_POLICY_CHANGED = "security_policy.changed", "Security policy changed"
    SESSIONS_REVOKED = "sessions.revoked", "Sessions revoked"


SECURITY_EVENT_USER_AGENT_LENGTH = 300
SECURITY_EVENT_TARGET_LENGTH = 200
SECURITY_EVENT_IP_LENGTH = 64


class SecurityEvent(PublicIdMixin, TenantModel):
    """One entry of an organization's security log: who did what to access, and from where.

    Separate from the business timeline (`activity.Activity`). Rows are only ever
    added: a trigger refuses UPDATE and DELETE and the application role has neither
    privilege (`lib.row_level_security.MakeAppendOnly`). Each row carries the hash of
    the organization's previous one (`prev_hash`) and its own over both
    (`accounts.audit.event_hash`), numbered without gaps by `sequence`, so that a change
    made behind the database's back is found by `manage.py verify_audit_log`.

    The actor is kept as it was (their id and email), not as a foreign key: deleting a
    user must neither fail on nor rewrite the log.
    """

    # Rows are never changed: one time, when it happened.
    created_at = None
    updated_at = None
    # An organization with a security log is not deleted by a cascade through it.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    sequence = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=40, choices=SecurityEventKind.choices)
    actor = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    actor_api_key_prefix = models.CharField(max_length=16, blank=True)
    target = models.CharField(max_length=SECURITY_EVENT_TARGET_LENGTH, blank=True)
    # Text, not `inet`: kept exactly as hashed (an IPv6 scope, IPv4-mapped notation).
    ip_address = models.CharField(max_length=SECURITY_EVENT_IP_LENGTH, blank=True)
    user_agent = models.CharField(max_length=SECURITY_EVENT_USER_AGENT_LENGTH, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        default_manager_name = "objects"
        constraints = [
            # One row per position of the chain: a fork cannot even be written.
            models.UniqueConstraint(
                fields=["organization", "sequence"], name="securityevent_one_per_sequence"
            ),
        ]
        indexes = [
            # The settings page and the API, newest first, and their time filters.
            models.Index(
                fields=["organization", "-occurred_at", "-id"], name="securityevent_org_time_idx"
            ),
            models.Index(
                fields=["organization", "kind", "-occurred_at"], name="securityevent_org_kind_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"
