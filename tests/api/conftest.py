"""Fixtures for the REST API tests: keys acting as the standing cast, and clients using them."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ADMIN_ROLES, Membership
from integrations.services import api_key_create
from lib.tenancy import organization_context


def issue_key(membership: Membership, *, scopes=None, name="ATS") -> str:
    """A key acting as `membership`, issued by an admin of its organization: by default
    read and write, and for an owner or admin the admin scope too (the security log)."""
    if scopes is None:
        scopes = ("read", "write", "admin") if membership.role in ADMIN_ROLES else ("read", "write")
    with organization_context(membership.organization_id):
        admin = membership
        if membership.role not in ADMIN_ROLES:
            from tests.factories import MembershipFactory

            admin = Membership.objects.filter(role__in=ADMIN_ROLES).first() or (
                MembershipFactory(organization=membership.organization, role="admin")
            )
        _, key = api_key_create(actor=admin, name=name, scopes=list(scopes), acting_as=membership)
    return key


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def api_for():
    """api_for(membership, scopes=...) → an APIClient sending a key that acts as them."""

    def build(membership: Membership, *, scopes=None) -> APIClient:
        return key_client(issue_key(membership, scopes=scopes))

    return build


@pytest.fixture
def api(api_for, recruiter) -> APIClient:
    """A read-write key acting as the organization's recruiter."""
    return api_for(recruiter)


@pytest.fixture
def world(organization, client_company, recruiter, hiring_manager, settings, tmp_path):
    """One of everything for the cast's client and for another client (tests/api/world.py)."""
    from tests.api.world import build_world

    settings.MEDIA_ROOT = tmp_path / "media"  # the world's candidate export is a file

    return build_world(
        organization=organization,
        client_company=client_company,
        recruiter=recruiter,
        hiring_manager=hiring_manager,
    )
