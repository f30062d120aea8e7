"""People and tenants: users, organizations (agencies), memberships and invitations."""

import hashlib
import uuid
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import connection, models, transaction
from django.utils import timezone

from lib.models import TenantModel, TimeStampedModel
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
