"""One check for every service: objects of another organization are refused."""

import pytest

from lib.exceptions import OtherOrganization, PermissionDenied
from lib.tenancy import require_same_organization
from tests.factories import ClientFactory


def test_objects_of_the_actors_organization_and_none_pass(organization, owner):
    require_same_organization(owner, ClientFactory(organization=organization), None)


def test_an_object_of_another_organization_is_refused_as_a_permission_error(
    owner, other_organization
):
    theirs = ClientFactory(organization=other_organization)
    with pytest.raises(OtherOrganization, match="another organization") as refused:
        require_same_organization(owner, None, theirs)
    assert isinstance(refused.value, PermissionDenied)  # pages show it, the API answers 403
