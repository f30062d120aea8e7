"""The members list: who a caller may see, at a cost that does not grow with them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def add_client_members(organization, count: int) -> None:
    for _ in range(count):
        client = ClientFactory(organization=organization)
        MembershipFactory(organization=organization, role="hiring_manager", client=client)


def test_the_members_list_costs_the_same_queries_whatever_its_length(api, organization):
    add_client_members(organization, 2)
    api.get("/api/v1/me/")  # the key's first use is recorded; the lists below are alike
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/members/").status_code == 200
    add_client_members(organization, 8)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/members/").json()["results"]) >= 10
    assert len(many) == len(few)


def test_a_client_user_lists_the_agency_and_their_own_clients_people(
    api_for, organization, owner, recruiter, hiring_manager, hr
):
    add_client_members(organization, 1)  # another client's hiring manager
    listed = api_for(hr).get("/api/v1/members/").json()["results"]
    assert {member["id"] for member in listed} == {
        str(m.public_id) for m in (owner, recruiter, hiring_manager, hr)
    }
