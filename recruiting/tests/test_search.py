"""The search in the header: what it matches, in what order, and only what the member
may see (the agency everything of its own; a hiring manager or HR their client's roles,
contacts and submitted candidates; nobody another organization's)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.tenancy import organization_context
from recruiting import search
from recruiting.models import ContactKind
from tests.factories import (
    CandidateFactory,
    ClientFactory,
    ContactFactory,
    RoleFactory,
    SubmissionFactory,
)


@pytest.fixture
def book(organization, other_organization, client_company, hm_contact, hr_contact):
    """Two clients of the agency, each with a role, a contact and a submitted candidate,
    a candidate submitted nowhere, and another agency with the same names."""
    other_client = ClientFactory(organization=organization, name="Lumen Health")
    ours = RoleFactory(organization=organization, client=client_company, title="Robotics engineer")
    theirs = RoleFactory(organization=organization, client=other_client, title="Robotics lead")
    ContactFactory(
        organization=organization,
        client=other_client,
        kind=ContactKind.OTHER,
        full_name="Rob Lumen",
        email="rob@lumen.test",
    )
    submitted = CandidateFactory(
        organization=organization,
        full_name="Ada Lovelace",
        email="ada.lovelace@engine.test",
        current_title="Analyst",
        current_company="Analytical Engines",
        tags=["math"],
    )
    SubmissionFactory(organization=organization, role=ours, candidate=submitted)
    elsewhere = CandidateFactory(
        organization=organization, full_name="Ada Robotham", current_title="Roboticist"
    )
    SubmissionFactory(organization=organization, role=theirs, candidate=elsewhere)
    CandidateFactory(organization=organization, full_name="Adam Unsubmitted", tags=["robots"])
    outside_client = ClientFactory(organization=other_organization, name="Acme Robotics")
    RoleFactory(organization=other_organization, client=outside_client, title="Robotics engineer")
    CandidateFactory(organization=other_organization, full_name="Ada Outsider")
    ContactFactory(
        organization=other_organization, client=outside_client, full_name="Hana Outsider"
    )


def _names(membership, query: str) -> dict[str, list[str]]:
    with organization_context(membership.organization_id):
        groups = search.search_preview(membership=membership, query=query)
    return {group.kind: [str(_name(item)) for item in group.items] for group in groups}


def _name(item) -> str:
    return getattr(item, "full_name", None) or getattr(item, "title", None) or item.name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The beginnings of words, in any order and case.
        ("ada", {"candidate": ["Ada Lovelace", "Ada Robotham", "Adam Unsubmitted"]}),
        ("lov ADA", {"candidate": ["Ada Lovelace"]}),
        # Any part of a word, from three characters on.
        ("velace", {"candidate": ["Ada Lovelace"]}),
        ("ada.lovelace@engine", {"candidate": ["Ada Lovelace"]}),
        # A whole tag.
        ("math", {"candidate": ["Ada Lovelace"]}),
        (
            "robot",
            {
                "candidate": ["Ada Robotham"],
                "role": ["Robotics engineer", "Robotics lead"],
                "client": ["Acme Robotics"],
            },
        ),
        ("lumen", {"client": ["Lumen Health"], "contact": ["Rob Lumen"]}),
        ("hana@acme", {"contact": ["Hana Meyer"]}),
        ("nobody at all", {}),
    ],
)
def test_the_agency_finds_every_kind_by_the_beginnings_of_words_or_any_part(
    recruiter, book, query, expected
):
    assert _names(recruiter, query) == expected


@pytest.mark.parametrize("member", ["owner", "admin", "recruiter"])
def test_the_agency_finds_all_its_clients_records_and_nothing_of_another_agency(
    request, book, member
):
    membership = request.getfixturevalue(member)
    assert _names(membership, "robot") == {
        "candidate": ["Ada Robotham"],
        "role": ["Robotics engineer", "Robotics lead"],
        "client": ["Acme Robotics"],
    }
    assert _names(membership, "outsider") == {}


@pytest.mark.parametrize("member", ["hiring_manager", "hr"])
def test_a_client_user_finds_only_their_clients_roles_contacts_and_submitted_candidates(
    request, book, member
):
    membership = request.getfixturevalue(member)
    assert _names(membership, "robot") == {
        "role": ["Robotics engineer"],
        "client": ["Acme Robotics"],
    }
    assert _names(membership, "ada") == {"candidate": ["Ada Lovelace"]}
    assert _names(membership, "lumen") == {}
    assert _names(membership, "h") == {}
    assert _names(membership, "ha") == {"contact": ["Hana Meyer", "Harriet Rowe"]}


def test_another_agency_finds_nothing_of_this_one(outsider, book):
    assert _names(outsider, "ada") == {"candidate": ["Ada Outsider"]}
    assert _names(outsider, "lumen") == {}
    assert _names(outsider, "robot") == {
        "role": ["Robotics engineer"],
        "client": ["Acme Robotics"],
    }


def test_the_preview_shows_a_few_of_each_kind_and_says_more_match(organization, recruiter):
    for number in range(search.PREVIEW_SIZE + 2):
        CandidateFactory(organization=organization, full_name=f"Kai Number{number}")
    with organization_context(organization.id):
        (group,) = search.search_preview(membership=recruiter, query="kai")
    assert [item.full_name for item in group.items] == [
        f"Kai Number{number}" for number in range(search.PREVIEW_SIZE)
    ]
    assert group.more


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        max_size=40,
    )
)
def test_any_text_searches_without_error_and_within_the_agency(recruiter, book, query):
    found = _names(recruiter, query)
    assert "Ada Outsider" not in found.get("candidate", [])
    assert "Hana Outsider" not in found.get("contact", [])


# --- The pages -----------------------------------------------------------------------


def test_the_header_preview_lists_links_to_the_matches(client_for, recruiter, book):
    response = client_for(recruiter).get(
        reverse("recruiting:search-preview"), {"q": "robot"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ada Robotham" in body
    assert "Robotics lead" in body
    assert "Acme Robotics" in body
    assert "Candidates: 1; Roles: 2; Clients: 1." in body


def test_the_preview_without_htmx_is_the_results_page(client_for, recruiter, book):
    response = client_for(recruiter).get(reverse("recruiting:search-preview"), {"q": "ada"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('recruiting:search')}?q=ada"


def test_the_preview_queries_the_same_however_many_match(
    client_for, recruiter, organization, book, django_assert_max_num_queries
):
    client = client_for(recruiter)
    # Session, user, membership and organizations, the search, and one query per kind.
    with django_assert_max_num_queries(10):
        client.get(reverse("recruiting:search-preview"), {"q": "robot"}, HTTP_HX_REQUEST="true")
    for number in range(30):
        CandidateFactory(organization=organization, full_name=f"Robin Robot{number}")
        RoleFactory(organization=organization, title=f"Robot wrangler {number}")
    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("recruiting:search-preview"), {"q": "robot"}, HTTP_HX_REQUEST="true"
        )
    body = response.content.decode()
    assert body.count('class="search-result"') == 2 * search.PREVIEW_SIZE + 1
    assert "Candidates: 5 or more; Roles: 5 or more; Clients: 1." in body


def test_the_results_page_lists_one_kind_a_page_at_a_time(
    client_for, recruiter, organization, django_assert_max_num_queries
):
    for number in range(search.RESULTS_PER_PAGE + 3):
        CandidateFactory(organization=organization, full_name=f"Sara Number{number:02d}")
    RoleFactory(organization=organization, title="Sara's assistant")
    client = client_for(recruiter)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("recruiting:search"), {"q": "sara"})
    body = first.content.decode()
    assert body.count('class="search-result"') == search.RESULTS_PER_PAGE
    assert "Sara Number00" in body
    assert "Sara&#x27;s assistant" not in body
    second = client.get(reverse("recruiting:search"), {"q": "sara", "page": "2"})
    assert second.content.decode().count('class="search-result"') == 3
    roles = client.get(reverse("recruiting:search"), {"q": "sara", "kind": "role"})
    assert "Sara&#x27;s assistant" in roles.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "sara", "kind": "payroll"},
        {"q": "sara", "page": "last"},
        {"q": "sara", "page": "-3"},
        {"q": "sara", "page": "99999"},
        {"q": "a & b | !c :* ' ( )"},
        {"q": "'"},
        {"q": "\\"},
        {"q": ""},
        {"q": "s"},
    ],
)
def test_odd_input_gives_a_page_never_an_error(client_for, recruiter, organization, params):
    CandidateFactory(organization=organization, full_name="Sara Lind")
    response = client_for(recruiter).get(reverse("recruiting:search"), params)
    assert response.status_code == 200


def test_past_its_cap_the_results_page_says_more_match_and_lists_the_cap(
    client_for, recruiter, organization, monkeypatch
):
    monkeypatch.setattr(search, "RESULTS_CAP", 3)
    for number in range(5):
        CandidateFactory(organization=organization, full_name=f"Uma Number{number}")
    body = client_for(recruiter).get(reverse("recruiting:search"), {"q": "uma"}).content.decode()
    assert body.count('class="search-result"') == 3
    assert "3+" in body
    assert "More than 3 candidates match" in body


def test_a_search_too_long_is_refused_with_a_message(client_for, recruiter):
    response = client_for(recruiter).get(reverse("recruiting:search"), {"q": "x" * 101})
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()


def test_the_results_page_of_a_client_user_lists_only_their_client(client_for, hr, book):
    body = client_for(hr).get(reverse("recruiting:search"), {"q": "robot", "kind": "role"})
    body = body.content.decode()
    assert "Robotics engineer" in body
    assert "Robotics lead" not in body


def test_another_agencys_member_finds_nothing_of_this_one_on_the_page(client_for, outsider, book):
    body = client_for(outsider).get(reverse("recruiting:search"), {"q": "lovelace"})
    assert "Ada Lovelace" not in body.content.decode()
