"""Reads for people and tenants."""

from collections.abc import Iterator
from datetime import datetime
from uuid import UUID

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import (
    CLIENT_ROLES,
    Invitation,
    Membership,
    Organization,
    SecurityEvent,
    User,
)
from lib.pagination import KeysetPage, keyset_page
from lib.tenancy import organization_context


def memberships_for_user(*, user: User) -> list[Membership]:
    """The user's memberships in every organization, for the switcher (user context needed)."""
    return list(
        Membership.own.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def active_membership(
    *, memberships: list[Membership], organization_id: UUID | str | None
) -> Membership | None:
    """The membership to act with, of the user's `memberships_for_user`: the session's
    organization, else the one used last."""
    for membership in memberships:
        if organization_id is not None and str(membership.organization_id) == str(organization_id):
            return membership
    if not memberships:
        return None
    return max(memberships, key=lambda m: m.last_active_at or m.created_at)


def member_list(*, organization_id: UUID) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization_id=organization_id)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def member_list_with_mfa(*, organization_id: UUID) -> QuerySet[Membership]:
    """The members, each with `has_mfa`: whether their user has an authenticator (in the
    same query)."""
    return member_list(organization_id=organization_id).annotate(
        has_mfa=Exists(Authenticator.objects.filter(user_id=OuterRef("user_id")))
    )


def user_session_list(*, user: User) -> list[UserSession]:
    """The user's sessions that are still signed in, the last seen first. Rows of sessions
    that ended (expired, signed out) are dropped on the way, as allauth's own list does."""
    return sorted(
        UserSession.objects.purge_and_list(user), key=lambda s: s.last_seen_at, reverse=True
    )


def pending_invitation_list(*, organization_id: UUID) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            organization_id=organization_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by", "client")
        .order_by("-created_at")
    )


def invitations_chosen(*, organization_id: UUID, public_ids: list[UUID]) -> list[Invitation]:
    """The organization's invitations among `public_ids` (those ticked for a bulk
    action), in the order given; ids of none are left out. One query."""
    found = {
        invitation.public_id: invitation
        for invitation in Invitation.objects.filter(
            organization_id=organization_id, public_id__in=public_ids
        )
    }
    return [found[public_id] for public_id in public_ids if public_id in found]


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation behind a link, with its organization loaded in that organization's context."""
    invitation = Invitation.by_token.get_by_token(token)
    if invitation is not None:
        with organization_context(invitation.organization_id):
            invitation.organization  # noqa: B018 - loads and caches the related row
    return invitation


def user_exists(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def all_organization_ids() -> list[str]:
    """Every organization's id, for periodic work that loops over organizations and
    enters each one's context. The one cross-organization read such work needs, through
    the SECURITY DEFINER function `rapport_organization_ids()` (identifiers only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM rapport_organization_ids() AS id")
        return [str(row[0]) for row in cursor.fetchall()]


def member_list_visible(*, membership: Membership) -> QuerySet[Membership]:
    """The members someone may list: everyone for the agency; for a client user the
    agency's people and the members of their own client, never other clients' people."""
    members = member_list(organization_id=membership.organization_id).select_related("client")
    if membership.role in CLIENT_ROLES:
        members = members.filter(~Q(role__in=CLIENT_ROLES) | Q(client_id=membership.client_id))
    return members


def organization_slug(*, organization_id) -> str:
    """An organization's slug, read in its own context."""
    with organization_context(organization_id):
        return Organization.objects.values_list("slug", flat=True).get(id=organization_id)


def organization_by_slug(*, slug: str) -> Organization | None:
    """For operators' commands, which name an organization by slug: each organization is
    read in its own context, so row-level security needs no wider path for this."""
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            organization = Organization.objects.filter(id=organization_id, slug=slug).first()
        if organization is not None:
            return organization
    return None


def client_choices() -> QuerySet:
    """The organization's clients by name, for the membership and invitation pickers:
    only what a picker shows and a membership needs, as every client is listed.

    Reached through the membership's own `client` relation, so the accounts layer
    needs no import of the recruiting app that owns clients.
    """
    client_model = Membership._meta.get_field("client").related_model
    return client_model.objects.only("id", "organization_id", "public_id", "name").order_by("name")


# --- The security log --------------------------------------------------------------------

SECURITY_LOG_PER_PAGE = 50
SECURITY_LOG_ORDERING = ("-occurred_at", "-id")


def security_event_list(
    *,
    kind: str | None = None,
    actor_email: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[SecurityEvent]:
    """The active organization's security log, filtered; unordered. Owners' and
    admins' reading (the views check the role)."""
    queryset = SecurityEvent.objects.all()
    if kind:
        queryset = queryset.filter(kind=kind)
    if actor_email:
        queryset = queryset.filter(actor_email=actor_email.strip().lower())
    if since is not None:
        queryset = queryset.filter(occurred_at__gte=since)
    if until is not None:
        queryset = queryset.filter(occurred_at__lt=until)
    return queryset


def security_log_page(
    *, after: str | None = None, before: str | None = None, **filters
) -> KeysetPage:
    """A page of the filtered log, newest first: one query, on the index of the
    organization's events by time."""
    return keyset_page(
        security_event_list(**filters),
        ordering=SECURITY_LOG_ORDERING,
        size=SECURITY_LOG_PER_PAGE,
        after=after,
        before=before,
    )


def security_event_batches(*, size: int, **filters) -> Iterator[list[SecurityEvent]]:
    """The whole filtered log, newest first, in keyset pages of `size` rows: one query
    each, whatever the log's length (the CSV download)."""
    after = None
    while True:
        page = keyset_page(
            security_event_list(**filters), ordering=SECURITY_LOG_ORDERING, size=size, after=after
        )
        if page.items:
            yield page.items
        if not page.has_next:
            return
        after = page.next_cursor
