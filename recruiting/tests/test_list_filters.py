"""The sortable, filterable lists: roles by status, client and priority; candidates by
tag and source; submissions by stage and client, longest in their stage first. What
each filter and sort shows, that a value a list does not offer is its default or a
message next to its field (never an error page), that each stays within what the
member may see, and that a page costs the same queries however many rows match."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from recruiting import selectors
from recruiting.models import Priority, RoleStatus, Stage
from tests.factories import CandidateFactory, ClientFactory, RoleFactory, SubmissionFactory


def _listed(response) -> list[str]:
    """The name each row of the list links to, in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def _aria_sort(response) -> dict[str, str]:
    """Each sortable header's label and its aria-sort."""
    return dict(
        (label, sort)
        for sort, label in re.findall(
            r'<th scope="col" aria-sort="(\w+)"[^>]*><a href="[^"]*">([^<]+)<',
            response.content.decode(),
        )
    )


# --- Roles ------------------------------------------------------------------------------


@pytest.fixture
def roles(organization, other_organization, client_company):
    """Roles of two clients in several statuses and priorities, opened in this order,
    and another agency's."""
    zephyr = ClientFactory(organization=organization, name="Zephyr Foods")
    for title, client, status, priority in [
        ("Archivist", client_company, RoleStatus.FILLED, Priority.HIGH),
        ("Data engineer", client_company, RoleStatus.OPEN, Priority.HIGH),
        ("Chef", zephyr, RoleStatus.OPEN, Priority.URGENT),
        ("Backend engineer", client_company, RoleStatus.OPEN, Priority.NORMAL),
    ]:
        RoleFactory(
            organization=organization,
            client=client,
            title=title,
            status=status,
            priority=priority,
        )
    RoleFactory(organization=other_organization, title="Outsider engineer")
    return zephyr


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Open roles, by client and title, unless asked otherwise.
        ({}, ["Backend engineer", "Data engineer", "Chef"]),
        ({"status": "all"}, ["Archivist", "Backend engineer", "Data engineer", "Chef"]),
        ({"status": "filled"}, ["Archivist"]),
        ({"priority": "high"}, ["Data engineer"]),
        ({"status": "all", "priority": "high"}, ["Archivist", "Data engineer"]),
        ({"sort": "title"}, ["Backend engineer", "Chef", "Data engineer"]),
        ({"sort": "-title"}, ["Data engineer", "Chef", "Backend engineer"]),
        ({"sort": "-client"}, ["Chef", "Data engineer", "Backend engineer"]),
        ({"sort": "-opened"}, ["Backend engineer", "Chef", "Data engineer"]),
        ({"sort": "opened"}, ["Data engineer", "Chef", "Backend engineer"]),
        # A status or sort the list does not offer is its default.
        ({"status": "deleted"}, ["Backend engineer", "Data engineer", "Chef"]),
        ({"sort": "salary"}, ["Backend engineer", "Data engineer", "Chef"]),
        ({"sort": "title;DROP TABLE"}, ["Backend engineer", "Data engineer", "Chef"]),
    ],
)
def test_the_role_list_filters_and_sorts(client_for, recruiter, roles, params, expected):
    response = client_for(recruiter).get("/roles/", params)
    assert response.status_code == 200
    assert _listed(response) == expected


def test_the_role_list_filters_by_client_name(client_for, recruiter, roles):
    response = client_for(recruiter).get("/roles/", {"client": "zephyr"})
    assert _listed(response) == ["Chef"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"priority": "whenever"}, "Select a valid choice"),
        ({"client": "x" * 161}, "at most 160 characters"),
    ],
)
def test_a_filter_value_the_role_list_does_not_take_is_named_next_to_its_field(
    client_for, recruiter, roles, params, message
):
    response = client_for(recruiter).get("/roles/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _listed(response) == ["Backend engineer", "Data engineer", "Chef"]


def test_the_sorted_column_says_so_to_screen_readers(client_for, recruiter, roles):
    response = client_for(recruiter).get("/roles/", {"sort": "-title"})
    assert _aria_sort(response) == {"Role": "descending", "Client": "none", "Opened": "none"}


@pytest.mark.parametrize("member", ["hiring_manager", "hr"])
def test_a_client_user_lists_and_filters_only_their_clients_roles(
    request, client_for, roles, member
):
    client = client_for(request.getfixturevalue(member))
    assert _listed(client.get("/roles/", {"status": "all", "sort": "title"})) == [
        "Archivist",
        "Backend engineer",
        "Data engineer",
    ]
    # No client to choose: the filter is not theirs to use.
    response = client.get("/roles/", {"client": "zephyr"})
    assert _listed(response) == ["Backend engineer", "Data engineer"]


def test_another_agency_lists_none_of_these_roles(client_for, outsider, roles):
    assert _listed(client_for(outsider).get("/roles/", {"status": "all"})) == ["Outsider engineer"]


def test_the_role_list_queries_the_same_however_many_roles_and_sorts(
    client_for, recruiter, organization, roles, django_assert_max_num_queries
):
    client = client_for(recruiter)
    # Session, user, membership, organizations and the unread count; the count, the
    # page and the page's agreements.
    with django_assert_max_num_queries(10):
        client.get("/roles/", {"sort": "-opened", "priority": "high"})
    for number in range(30):
        RoleFactory(organization=organization, title=f"Role {number}", priority=Priority.HIGH)
    with django_assert_max_num_queries(10):
        response = client.get("/roles/", {"sort": "-opened", "priority": "high"})
    assert len(_listed(response)) == selectors.ROLES_PER_PAGE


# --- Candidates -------------------------------------------------------------------------


@pytest.fixture
def people(organization, other_organization):
    for full_name, tags, source in [
        ("Grace Hopper", ["cobol", "navy"], "Referral"),
        ("Ada Lovelace", ["math"], "LinkedIn"),
        ("Alan Turing", ["math", "crypto"], "LinkedIn"),
        ("Edsger Dijkstra", [], "Event"),
    ]:
        CandidateFactory(organization=organization, full_name=full_name, tags=tags, source=source)
    CandidateFactory(
        organization=other_organization, full_name="Outsider Math", tags=["math"], source="LinkedIn"
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Ada Lovelace", "Alan Turing", "Edsger Dijkstra", "Grace Hopper"]),
        ({"tag": "math"}, ["Ada Lovelace", "Alan Turing"]),
        ({"tag": "crypto", "sort": "-name"}, ["Alan Turing"]),
        ({"source": "LinkedIn", "sort": "-name"}, ["Alan Turing", "Ada Lovelace"]),
        ({"source": "LinkedIn", "tag": "crypto"}, ["Alan Turing"]),
        ({"tag": "math", "q": "ada"}, ["Ada Lovelace"]),
        ({"tag": "nothing"}, []),
        ({"sort": "-added"}, ["Edsger Dijkstra", "Alan Turing", "Ada Lovelace", "Grace Hopper"]),
        ({"sort": "added"}, ["Grace Hopper", "Ada Lovelace", "Alan Turing", "Edsger Dijkstra"]),
        ({"sort": "email"}, ["Ada Lovelace", "Alan Turing", "Edsger Dijkstra", "Grace Hopper"]),
    ],
)
def test_the_candidate_list_filters_by_tag_and_source_and_sorts(
    client_for, recruiter, people, params, expected
):
    response = client_for(recruiter).get("/candidates/", params)
    assert response.status_code == 200
    assert _listed(response) == expected


def test_a_common_tag_is_filtered_along_the_list_as_a_rare_one_through_its_index(
    client_for, recruiter, people, monkeypatch
):
    monkeypatch.setattr(selectors, "SEARCH_MATCHES", 1)
    response = client_for(recruiter).get("/candidates/", {"tag": "math", "sort": "-name"})
    assert _listed(response) == ["Alan Turing", "Ada Lovelace"]


def test_a_tag_too_long_is_named_next_to_its_field(client_for, recruiter, people):
    response = client_for(recruiter).get("/candidates/", {"tag": "x" * 41})
    assert response.status_code == 400
    assert "at most 40 characters" in response.content.decode()


def test_the_filters_keep_the_search_and_the_search_keeps_the_filters(
    client_for, recruiter, people
):
    body = (
        client_for(recruiter)
        .get("/candidates/", {"q": "a", "tag": "math", "sort": "-added"})
        .content.decode()
    )
    assert '<input type="hidden" name="q" value="a">' in body
    assert '<input type="hidden" name="tag" value="math">' in body
    assert '<input type="hidden" name="sort" value="-added">' in body


def test_the_candidate_list_queries_the_same_however_many_match_a_tag(
    client_for, recruiter, organization, people, django_assert_max_num_queries
):
    client = client_for(recruiter)
    # Session, user, membership, organizations and the unread count; the tagged, the
    # count and the page.
    with django_assert_max_num_queries(9):
        client.get("/candidates/", {"tag": "math", "sort": "-added"})
    for number in range(30):
        CandidateFactory(organization=organization, full_name=f"Math {number}", tags=["math"])
    with django_assert_max_num_queries(9):
        response = client.get("/candidates/", {"tag": "math", "sort": "-added"})
    assert len(_listed(response)) == selectors.CANDIDATES_PER_PAGE


# --- Submissions ------------------------------------------------------------------------


@pytest.fixture
def pipeline(organization, other_organization, client_company):
    """Submissions to two clients, each in its stage for a number of days."""
    ours = RoleFactory(organization=organization, client=client_company, title="Engineer")
    theirs = RoleFactory(organization=organization, title="Chef")
    now = timezone.now()
    for name, role, stage, days in [
        ("Ada Lovelace", ours, Stage.HM_REVIEW, 2),
        ("Alan Turing", ours, Stage.INTERVIEWING, 9),
        ("Grace Hopper", theirs, Stage.SUBMITTED, 5),
        ("Edsger Dijkstra", ours, Stage.HIRED, 30),
    ]:
        SubmissionFactory(
            organization=organization,
            role=role,
            candidate=CandidateFactory(organization=organization, full_name=name),
            stage=stage,
            stage_changed_at=now - timedelta(days=days),
        )
    SubmissionFactory(
        organization=other_organization,
        candidate=CandidateFactory(organization=other_organization, full_name="Outsider"),
    )
    return theirs.client


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Open submissions, the longest in their stage first.
        ({}, ["Alan Turing", "Grace Hopper", "Ada Lovelace"]),
        ({"sort": "-waiting"}, ["Ada Lovelace", "Grace Hopper", "Alan Turing"]),
        (
            {"stage": "all"},
            ["Edsger Dijkstra", "Alan Turing", "Grace Hopper", "Ada Lovelace"],
        ),
        ({"stage": "hired"}, ["Edsger Dijkstra"]),
        ({"stage": "hm_review"}, ["Ada Lovelace"]),
        (
            {"stage": "all", "sort": "-submitted"},
            ["Edsger Dijkstra", "Grace Hopper", "Alan Turing", "Ada Lovelace"],
        ),
        ({"stage": "limbo"}, ["Alan Turing", "Grace Hopper", "Ada Lovelace"]),
        ({"sort": "fastest"}, ["Alan Turing", "Grace Hopper", "Ada Lovelace"]),
    ],
)
def test_the_submission_list_filters_by_stage_and_sorts_by_waiting_time(
    client_for, recruiter, pipeline, params, expected
):
    response = client_for(recruiter).get("/submissions/", params)
    assert response.status_code == 200
    assert _listed(response) == expected


def test_the_submission_list_filters_by_client(client_for, recruiter, pipeline):
    response = client_for(recruiter).get("/submissions/", {"client": pipeline.name})
    assert _listed(response) == ["Grace Hopper"]


@pytest.mark.parametrize("member", ["hiring_manager", "hr"])
def test_a_client_user_lists_only_their_clients_submissions(request, client_for, pipeline, member):
    response = client_for(request.getfixturevalue(member)).get("/submissions/", {"stage": "all"})
    assert _listed(response) == ["Edsger Dijkstra", "Alan Turing", "Ada Lovelace"]


def test_another_agency_lists_none_of_these_submissions(client_for, outsider, pipeline):
    response = client_for(outsider).get("/submissions/", {"stage": "all"})
    assert _listed(response) == ["Outsider"]


def test_the_submission_list_pages_in_its_sort_and_queries_the_same(
    client_for, recruiter, organization, pipeline, django_assert_max_num_queries
):
    role = RoleFactory(organization=organization)
    now = timezone.now()
    for number in range(30):
        SubmissionFactory(
            organization=organization,
            role=role,
            candidate=CandidateFactory(organization=organization, full_name=f"Wait {number:02d}"),
            stage=Stage.SUBMITTED,
            stage_changed_at=now - timedelta(days=100 - number),
        )
    client = client_for(recruiter)
    # Session, user, membership, organizations and the unread count; the count and
    # the page.
    with django_assert_max_num_queries(9):
        first = client.get("/submissions/")
    assert _listed(first)[:2] == ["Wait 00", "Wait 01"]
    after = re.search(r'href="\?after=([^"&]+)"', first.content.decode()).group(1)
    second = client.get("/submissions/", {"after": after})
    assert _listed(second) == [
        "Wait 25",
        "Wait 26",
        "Wait 27",
        "Wait 28",
        "Wait 29",
        "Alan Turing",
        "Grace Hopper",
        "Ada Lovelace",
    ]
