"""The candidate search: what it matches, the same through the index and as a filter,
and only ever the active organization's candidates."""

import pytest
from django.db import connection

from lib.tenancy import organization_context
from recruiting import selectors
from recruiting.models import Candidate
from tests.factories import CandidateFactory


@pytest.fixture
def people(organization, other_organization):
    for full_name, email, title, company, tags in [
        ("Grace Hopper", "grace@navy.test", "Rear admiral", "US Navy", ["cobol"]),
        ("Ada Lovelace", "ada@engine.test", "Analyst", "Analytical Engines", ["math"]),
        ("Alan Turing", "alan@bletchley.test", "Cryptanalyst", "GC&CS", ["math", "go"]),
        ("Edsger Dijkstra", "ewd@tue.test", "Professor", "100%_Structured", []),
    ]:
        CandidateFactory(
            organization=organization,
            full_name=full_name,
            email=email,
            current_title=title,
            current_company=company,
            tags=tags,
        )
    CandidateFactory(organization=other_organization, full_name="Grace Outsider", tags=["math"])


def _found(organization, query: str) -> list[str]:
    with organization_context(organization.id):
        candidates, _ = selectors._matching(Candidate.objects.all(), query)
        return sorted(candidates.values_list("full_name", flat=True))


QUERIES = {
    "grace": ["Grace Hopper"],
    "NAVY.TEST": ["Grace Hopper"],
    "analy": ["Ada Lovelace", "Alan Turing"],
    "math": ["Ada Lovelace", "Alan Turing"],
    "go": ["Alan Turing"],  # a tag, and no name, email, title or company holds "go"
    "100%_": ["Edsger Dijkstra"],
    "10_%": [],
    "%": ["Edsger Dijkstra"],
    "nobody": [],
}


@pytest.mark.parametrize(("query", "expected"), QUERIES.items())
def test_the_search_matches_any_part_of_the_text_in_any_case_or_a_whole_tag(
    organization, people, query, expected
):
    assert _found(organization, query) == expected


@pytest.mark.parametrize(("query", "expected"), QUERIES.items())
def test_a_common_text_finds_the_same_as_a_filter(
    organization, people, monkeypatch, query, expected
):
    monkeypatch.setattr(selectors, "SEARCH_MATCHES", 0)

    assert _found(organization, query) == expected


def test_the_search_function_returns_only_the_active_organizations_candidates(
    organization, other_organization, people
):
    with organization_context(other_organization.id):
        theirs = selectors.candidate_search(query="grace")
    with organization_context(organization.id):
        ours = selectors.candidate_search(query="grace")
        mine = list(Candidate.objects.filter(full_name="Grace Hopper").values_list("pk", flat=True))

    assert ours == mine
    assert len(theirs) == 1
    assert theirs != ours


def test_without_an_organization_the_search_function_finds_nothing(db, people):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rapport_candidate_search('grace', 10)")
        assert cursor.fetchall() == []


def test_the_search_says_when_more_than_its_cap_match(organization, people, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_MATCHES", 1)
    with organization_context(organization.id):
        assert selectors.candidate_search(query="math") is None
        assert selectors.candidate_search(query="grace") is not None
