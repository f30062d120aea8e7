"""`GET /api/v1/agreements/{id}/diff/`: what changed between two versions of a role's
agreement, and who may ask."""

import pytest
from django.urls import reverse

from intake.models import AgreementStatus
from tests.factories import AgreementFactory, ClientFactory, RoleFactory


def diff_url(agreement) -> str:
    return reverse("api:agreement-diff", kwargs={"public_id": agreement.public_id})


@pytest.fixture
def role(organization, client_company):
    return RoleFactory(organization=organization, client=client_company)


@pytest.fixture
def first(organization, role):
    return AgreementFactory(
        organization=organization, role=role, version=1, status=AgreementStatus.SUPERSEDED
    )


@pytest.fixture
def second(organization, role, first):
    return AgreementFactory(
        organization=organization,
        role=role,
        version=2,
        status=AgreementStatus.PROPOSED,
        must_haves=["Python", "Go"],
        offer_decision_sla_hours=24,
    )


def test_by_default_a_version_is_compared_with_the_one_before(api, first, second):
    response = api.get(diff_url(second))

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == {"id": str(second.public_id), "version": 2, "status": "proposed"}
    assert body["against"] == {"id": str(first.public_id), "version": 1, "status": "superseded"}
    assert body["count"] == 3
    sections = {section["key"]: section["changes"] for section in body["sections"]}
    assert list(sections) == ["targets", "slas", "stages", "vocabulary", "market"]
    assert sections["slas"] == [
        {
            "term": "offer_decision_sla_hours",
            "label": "Offer decision",
            "change": "changed",
            "item": "",
            "old": 48,
            "new": 24,
            "old_display": "48 business hours",
            "new_display": "24 business hours",
        }
    ]
    assert [(c["change"], c["item"]) for c in sections["vocabulary"]] == [
        ("removed", "PostgreSQL"),
        ("added", "Go"),
    ]


def test_against_names_any_other_version_of_the_role(api, first, second):
    response = api.get(diff_url(first), {"against": str(second.public_id)})

    assert response.status_code == 200
    body = response.json()
    assert (body["version"]["version"], body["against"]["version"]) == (1, 2)
    slas = next(s for s in body["sections"] if s["key"] == "slas")["changes"]
    assert [(c["old"], c["new"]) for c in slas] == [(24, 48)]


def test_a_first_version_states_every_term_as_added(api, first):
    body = api.get(diff_url(first)).json()

    assert body["against"] is None
    changes = [change for section in body["sections"] for change in section["changes"]]
    assert {change["change"] for change in changes} == {"added"}
    assert all(change["old"] is None for change in changes)


@pytest.mark.parametrize(
    "against",
    # Not a UUID, empty, and a UUID no version has.
    ["not-a-uuid", "", "00000000-0000-4000-8000-000000000000"],
)
def test_a_bad_against_is_a_400_naming_the_field(api, second, against):
    response = api.get(diff_url(second), {"against": against})

    assert response.status_code == 400
    assert "against" in response.json()["errors"]


def test_a_version_of_another_role_or_the_same_version_is_a_400(api, organization, second):
    other = AgreementFactory(organization=organization, version=1)

    elsewhere = api.get(diff_url(second), {"against": str(other.public_id)})
    itself = api.get(diff_url(second), {"against": str(second.public_id)})

    assert elsewhere.status_code == 400
    assert elsewhere.json()["errors"]["against"] == ["Not a version of this agreement's role."]
    assert itself.status_code == 400
    assert itself.json()["errors"]["against"] == ["Choose another version than this one."]


def test_another_organizations_key_gets_404(api_for, outsider, first, second):
    theirs = api_for(outsider)

    assert theirs.get(diff_url(second)).status_code == 404
    assert theirs.get(diff_url(second), {"against": str(first.public_id)}).status_code == 404


def test_another_organizations_version_is_no_such_version(api, api_for, other_organization, second):
    foreign = AgreementFactory(organization=other_organization, version=1)

    response = api.get(diff_url(second), {"against": str(foreign.public_id)})

    assert response.status_code == 400
    assert response.json()["errors"]["against"] == ["No such agreement version."]


@pytest.mark.parametrize("member", ["hiring_manager", "hr"])
def test_hm_and_hr_compare_their_clients_versions_only(
    request, api_for, organization, first, second, member
):
    client = api_for(request.getfixturevalue(member))
    other_role = RoleFactory(
        organization=organization, client=ClientFactory(organization=organization)
    )
    theirs = AgreementFactory(organization=organization, role=other_role, version=1)
    AgreementFactory(organization=organization, role=other_role, version=2)

    assert client.get(diff_url(second)).status_code == 200
    assert client.get(diff_url(theirs)).status_code == 404


# The key and its member, the version with its acknowledgements and comments (three,
# as the resource reads it), the version compared with.
DIFF_QUERIES = 5


def test_the_diff_costs_the_same_queries_however_much_changed(
    api, organization, role, first, second, django_assert_max_num_queries
):
    api.get(diff_url(second))  # the key records its use once a minute: not counted below
    with django_assert_max_num_queries(DIFF_QUERIES) as small:
        api.get(diff_url(second), {"against": str(first.public_id)})
    third = AgreementFactory(
        organization=organization,
        role=role,
        version=3,
        must_haves=[f"Skill {n}" for n in range(40)],
        glossary=[{"term": f"t{n}", "meaning": "m"} for n in range(30)],
    )
    with django_assert_max_num_queries(DIFF_QUERIES) as large:
        response = api.get(diff_url(third), {"against": str(first.public_id)})

    assert response.json()["count"] > 60
    assert len(large.captured_queries) == len(small.captured_queries)
