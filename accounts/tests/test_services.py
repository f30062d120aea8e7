"""Services refuse objects of another organization even when handed them directly."""

import pytest

from accounts import services
from accounts.models import MembershipRole
from lib.exceptions import PermissionDenied
from lib.tenancy import organization_context
from tests.factories import InvitationFactory


def test_an_admin_cannot_change_the_role_of_another_organizations_member(owner, outsider):
    with organization_context(owner.organization_id), pytest.raises(PermissionDenied):
        services.membership_change_role(
            actor=owner, membership=outsider, role=MembershipRole.RECRUITER
        )


def test_an_admin_cannot_remove_another_organizations_member(owner, outsider):
    with organization_context(owner.organization_id), pytest.raises(PermissionDenied):
        services.membership_remove(actor=owner, membership=outsider)


def test_an_admin_cannot_revoke_another_organizations_invitation(owner, other_organization):
    invitation = InvitationFactory(organization=other_organization)
    with organization_context(owner.organization_id), pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=owner, invitation=invitation)


@pytest.mark.parametrize(
    "role", [MembershipRole.RECRUITER, MembershipRole.HIRING_MANAGER, MembershipRole.HR]
)
def test_only_admins_invite(organization, role):
    from tests.factories import MembershipFactory

    actor = MembershipFactory(organization=organization, role=role)
    with organization_context(organization.id), pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=actor, email="x@example.test", role=MembershipRole.RECRUITER
        )
