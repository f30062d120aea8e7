"""Requests of different organizations share one persistent connection safely."""

import pytest
from django.db import connection
from django.test import Client

from tests.factories import InvitationFactory, MembershipFactory


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _visible_memberships() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_membership")
        return cursor.fetchone()[0]


def _client(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.mark.django_db(transaction=True)
def test_interleaved_requests_see_only_their_own_rows_on_one_connection(
    organization, other_organization, settings
):
    settings.DATABASES["default"]["CONN_MAX_AGE"] = None  # keep the connection across requests
    connection.settings_dict["CONN_MAX_AGE"] = None
    a_owner = MembershipFactory(organization=organization, role="owner")
    b_owner = MembershipFactory(organization=other_organization, role="owner")
    a_guest = InvitationFactory(organization=organization, email="guest-of-a@example.test")
    b_guest = InvitationFactory(organization=other_organization, email="guest-of-b@example.test")
    clients = {"a": _client(a_owner), "b": _client(b_owner), "anonymous": Client()}
    pid = _backend_pid()

    for turn in ["a", "b", "anonymous", "b", "a", "anonymous", "a"]:
        response = clients[turn].get("/settings/members/")
        body = response.content.decode()
        if turn == "a":
            assert a_guest.email in body
            assert b_guest.email not in body
        elif turn == "b":
            assert b_guest.email in body
            assert a_guest.email not in body
        else:
            assert response.status_code == 302  # to the login page
        # Nothing of that request's context is left on the connection.
        assert _visible_memberships() == 0
        assert _backend_pid() == pid
