"""What changed between two versions of an agreement: the comparison (one selector),
its page and who may read it."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake import selectors
from intake.models import AgreementStatus, ExpectationAgreement
from intake.selectors import ADDED, CHANGED, REMOVED, agreement_diff
from intake.services import AGREEMENT_TERMS
from tests.factories import AgreementFactory, ClientFactory, RoleFactory


def _changes(diff) -> list[tuple]:
    return [
        (section.key, change.term, change.change, change.item, change.old, change.new)
        for section in diff.sections
        for change in section.changes
    ]


def _version(**terms) -> ExpectationAgreement:
    """An unsaved version: the comparison reads terms only."""
    return AgreementFactory.build(**terms)


# --- The comparison ----------------------------------------------------------------


def test_every_term_of_an_agreement_is_compared():
    assert set(AGREEMENT_TERMS) == selectors.DIFF_TERMS


def test_a_version_compared_with_the_same_terms_has_no_change():
    diff = agreement_diff(old=_version(), new=_version())

    assert diff.count == 0
    assert [section.key for section in diff.sections] == [
        "targets",
        "slas",
        "stages",
        "vocabulary",
        "market",
    ]


def test_single_terms_read_old_to_new_in_their_own_words():
    old = _version(hm_review_sla_hours=16, checkin_cadence="weekly", submissions_per_week=3)
    new = _version(
        hm_review_sla_hours=24,
        checkin_cadence="fortnightly",
        submissions_per_week=3,
        checkin_time=datetime.time(9, 30),
        culture_notes_need_hr_approval=False,
    )

    diff = agreement_diff(old=old, new=new)

    rows = {
        change.term: (change.change, change.old_display, change.new_display, change.old, change.new)
        for section in diff.sections
        for change in section.changes
    }
    assert rows == {
        "checkin_cadence": (CHANGED, "Weekly", "Every two weeks", "weekly", "fortnightly"),
        "checkin_time": (CHANGED, "10:00", "09:30", "10:00", "09:30"),
        "hm_review_sla_hours": (CHANGED, "16 business hours", "24 business hours", 16, 24),
        "culture_notes_need_hr_approval": (CHANGED, "Yes", "No", True, False),
    }


def test_list_entries_are_added_removed_changed_and_reordered_by_what_names_them():
    old = _version(
        must_haves=["Python", "PostgreSQL"],
        interview_stages=[
            {"name": "Technical interview", "owner": "hiring_manager", "expected_days": 3},
            {"name": "Culture interview", "owner": "hr", "expected_days": 2},
        ],
        glossary=[{"term": "senior", "meaning": "five years"}],
    )
    new = _version(
        must_haves=["Python", "Django"],
        interview_stages=[
            {"name": "Culture interview", "owner": "hr", "expected_days": 2},
            {"name": "Technical interview", "owner": "hr", "expected_days": 4},
            {"name": "Meet the team", "owner": "other", "expected_days": 1},
        ],
        glossary=[
            {"term": "senior", "meaning": "seven years"},
            {"term": "remote", "meaning": "EU"},
        ],
    )

    diff = agreement_diff(old=old, new=new)

    technical = {"name": "Technical interview", "owner": "hiring_manager", "expected_days": 3}
    assert _changes(diff) == [
        (
            "stages",
            "interview_stages",
            ADDED,
            "Meet the team",
            None,
            {"name": "Meet the team", "owner": "other", "expected_days": 1},
        ),
        (
            "stages",
            "interview_stages",
            CHANGED,
            "Technical interview",
            technical,
            {**technical, "owner": "hr", "expected_days": 4},
        ),
        (
            "stages",
            "interview_stages",
            CHANGED,
            "",
            ["Technical interview", "Culture interview"],
            ["Culture interview", "Technical interview"],
        ),
        ("vocabulary", "must_haves", REMOVED, "PostgreSQL", "PostgreSQL", None),
        ("vocabulary", "must_haves", ADDED, "Django", None, "Django"),
        ("vocabulary", "glossary", ADDED, "remote", None, "EU"),
        ("vocabulary", "glossary", CHANGED, "senior", "five years", "seven years"),
    ]
    headings = [change.heading for section in diff.sections for change in section.changes]
    assert headings == [
        "Stage: Meet the team",
        "Stage: Technical interview",
        "Interview stages: order",
        "Must-have",
        "Must-have",
        "Glossary term: remote",
        "Glossary term: senior",
    ]
    stage = diff.sections[2].changes[1]
    assert (stage.old_display, stage.new_display) == ("Hiring manager, 3 days", "HR, 4 days")


def test_without_an_earlier_version_every_term_is_added():
    first = _version(nice_to_haves=[], deal_breakers=[], culture_traits=[], glossary=[])

    diff = agreement_diff(old=None, new=first)

    assert {change.change for section in diff.sections for change in section.changes} == {ADDED}
    assert {change.term for section in diff.sections for change in section.changes} == (
        set(AGREEMENT_TERMS) - {"nice_to_haves", "deal_breakers", "culture_traits", "glossary"}
    )


# Versions drawn from small pools, so that two draws share some entries and not others.
words = st.sampled_from(["Python", "Go", "Rust", "SQL", "Kafka", "AWS"])
stages = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["Screen", "Technical", "Culture", "Team", "Final"]),
            "owner": st.sampled_from(["hiring_manager", "hr", "recruiter", "other"]),
            "expected_days": st.integers(1, 5),
        }
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda stage: stage["name"],
)
glossaries = st.lists(
    st.fixed_dictionaries(
        {"term": st.sampled_from(["senior", "remote", "lead"]), "meaning": st.sampled_from("ab")}
    ),
    max_size=3,
    unique_by=lambda entry: entry["term"],
)
versions = st.builds(
    _version,
    submissions_per_week=st.integers(1, 4),
    hm_review_sla_hours=st.sampled_from([8, 16, 24]),
    checkin_cadence=st.sampled_from(["weekly", "fortnightly", "monthly"]),
    checkin_time=st.sampled_from([datetime.time(9), datetime.time(10, 30)]),
    culture_notes_need_hr_approval=st.booleans(),
    talent_scarcity=st.sampled_from(["plentiful", "scarce"]),
    market_notes=st.sampled_from(["", "Tight market.", "Two rivals.\nBudget firm."]),
    must_haves=st.lists(words, min_size=1, max_size=4, unique=True),
    deal_breakers=st.lists(words, max_size=3, unique=True),
    interview_stages=stages,
    glossary=glossaries,
)


@settings(max_examples=200, deadline=None)
@given(old=versions, new=versions)
def test_any_two_versions_differ_exactly_where_their_terms_do(old, new):
    diff = agreement_diff(old=old, new=new)
    changes = [change for section in diff.sections for change in section.changes]
    changed_terms = {change.term for change in changes}

    # A term is reported exactly when its values differ.
    assert changed_terms == {
        name for name in AGREEMENT_TERMS if getattr(old, name) != getattr(new, name)
    }
    # The entries of a list added and removed are those only one side has.
    for name in ("must_haves", "deal_breakers"):
        assert {c.item for c in changes if c.term == name and c.change == ADDED} == (
            set(getattr(new, name)) - set(getattr(old, name))
        )
        assert {c.item for c in changes if c.term == name and c.change == REMOVED} == (
            set(getattr(old, name)) - set(getattr(new, name))
        )
    # Each change says something happened.
    assert all(change.old != change.new for change in changes)


@settings(max_examples=200, deadline=None)
@given(old=versions, new=versions)
def test_comparing_the_other_way_round_mirrors_every_change(old, new):
    mirror = {ADDED: REMOVED, REMOVED: ADDED, CHANGED: CHANGED}
    forward = _changes(agreement_diff(old=old, new=new))
    backward = _changes(agreement_diff(old=new, new=old))

    assert sorted(
        (key, term, mirror[change], item, after, before)
        for key, term, change, item, before, after in forward
    ) == sorted(backward)


# --- The page ----------------------------------------------------------------------


@pytest.fixture
def role(organization, client_company, hm_contact, hr_contact):
    return RoleFactory(
        organization=organization,
        client=client_company,
        title="Staff backend engineer",
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
    )


@pytest.fixture
def versions_of_role(organization, role):
    """Three versions: v1 superseded, v2 agreed, v3 proposed with a longer review SLA."""
    return [
        AgreementFactory(
            organization=organization, role=role, version=1, status=AgreementStatus.SUPERSEDED
        ),
        AgreementFactory(
            organization=organization,
            role=role,
            version=2,
            status=AgreementStatus.AGREED,
            must_haves=["Python", "PostgreSQL", "Kubernetes"],
        ),
        AgreementFactory(
            organization=organization,
            role=role,
            version=3,
            status=AgreementStatus.PROPOSED,
            must_haves=["Python", "Go"],
            hm_review_sla_hours=24,
        ),
    ]


def _url(role, query: str = "") -> str:
    return f"/roles/{role.public_id}/agreement/changes/{query}"


@pytest.mark.parametrize("reader", ["owner", "recruiter", "hiring_manager", "hr"])
def test_the_agency_and_the_clients_hm_and_hr_read_the_newest_change_by_default(
    client_for, request, role, versions_of_role, reader
):
    response = client_for(request.getfixturevalue(reader)).get(_url(role))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Version 2 → version 3" in content
    assert "<strong>4</strong> changes in the terms" in content
    assert "16 business hours" in content
    assert "24 business hours" in content
    assert "Kubernetes" in content
    assert "PostgreSQL" in content


def test_any_two_versions_can_be_compared_in_either_order(
    client_for, recruiter, role, versions_of_role
):
    content = client_for(recruiter).get(_url(role, "?old=3&new=1")).content.decode()

    assert "Version 3 → version 1" in content
    assert '<td data-label="Version 3">Go</td>' in content
    assert '<td data-label="Version 1">PostgreSQL</td>' in content


def test_the_agreement_history_links_each_version_to_what_it_changed(
    client_for, hiring_manager, role, versions_of_role
):
    content = client_for(hiring_manager).get(f"/roles/{role.public_id}/agreement/").content.decode()

    assert f'href="{_url(role)}?old=2&amp;new=3">What changed from version 2</a>' in content
    assert f'href="{_url(role)}?old=1&amp;new=2">What changed from version 1</a>' in content
    assert "What changed from version 0" not in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?old=abc", "Enter a whole number."),
        ("?old=9", "This role has versions 1 to 3."),
        ("?new=99999999999999999999", "This role has versions 1 to 3."),
        ("?old=0", "Ensure this value is greater than or equal to 1."),
        ("?old=2&new=2", "Choose two different versions."),
        # Refused before the view by the request guard (lib/request_guard.py).
        ("?old=%00", "The query parameter “old” contains a character that cannot be stored"),
    ],
)
def test_bad_versions_are_a_form_error_not_a_500(
    client_for, recruiter, role, versions_of_role, query, message
):
    response = client_for(recruiter).get(_url(role, query))

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_missing_version_is_a_form_error(client_for, organization, recruiter):
    role = RoleFactory(organization=organization)
    AgreementFactory(organization=organization, role=role, version=1)
    AgreementFactory(organization=organization, role=role, version=3)

    response = client_for(recruiter).get(_url(role, "?old=2"))

    assert response.status_code == 400
    assert "Version 2 of this agreement does not exist." in response.content.decode()


def test_with_a_single_version_there_is_nothing_to_compare(
    client_for, organization, hiring_manager, role
):
    AgreementFactory(organization=organization, role=role, version=1, status="proposed")

    response = client_for(hiring_manager).get(_url(role))

    assert response.status_code == 200
    assert "Nothing to compare yet" in response.content.decode()


def test_another_organization_gets_404(client_for, outsider, role, versions_of_role):
    assert client_for(outsider).get(_url(role)).status_code == 404


@pytest.mark.parametrize("reader", ["hiring_manager", "hr"])
def test_hm_and_hr_get_404_for_another_clients_agreement(client_for, request, organization, reader):
    other = RoleFactory(organization=organization, client=ClientFactory(organization=organization))
    AgreementFactory(organization=organization, role=other, version=1)
    AgreementFactory(organization=organization, role=other, version=2, must_haves=["Go"])

    response = client_for(request.getfixturevalue(reader)).get(_url(other))

    assert response.status_code == 404


# The session, its user and their memberships (the switcher), the role, its newest
# version, the two versions compared with who proposed them, the unread notifications.
DIFF_PAGE_QUERIES = 7


def test_the_page_costs_the_same_queries_however_much_changed(
    client_for, organization, recruiter, role, versions_of_role, django_assert_max_num_queries
):
    client = client_for(recruiter)
    with django_assert_max_num_queries(DIFF_PAGE_QUERIES) as small:
        client.get(_url(role, "?old=2&new=3"))
    AgreementFactory(
        organization=organization,
        role=role,
        version=4,
        must_haves=[f"Skill {n}" for n in range(40)],
        glossary=[{"term": f"t{n}", "meaning": "m"} for n in range(30)],
        interview_stages=[
            {"name": f"Stage {n}", "owner": "hr", "expected_days": 2} for n in range(12)
        ],
    )
    with django_assert_max_num_queries(DIFF_PAGE_QUERIES) as large:
        content = client.get(_url(role, "?old=1&new=4")).content.decode()

    assert "Skill 39" in content
    assert len(large.captured_queries) == len(small.captured_queries)
