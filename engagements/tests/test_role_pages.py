"""Role pages: list, create, the role's page (and its query budget), edit, status."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from activity.selectors import TIMELINE_PER_PAGE
from activity.services import activity_record
from engagements.models import ClockKind
from engagements.selectors import ROLE_CLOCKS_PER_PAGE
from engagements.services import clock_open
from lib.tenancy import organization_context
from recruiting.models import Role, RoleStatus, Stage
from recruiting.selectors import ROLES_PER_PAGE
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    ClientFactory,
    ContactFactory,
    RoleFactory,
    SubmissionFactory,
)


@pytest.fixture
def role(organization, client_company, hm_contact, hr_contact, recruiter):
    return RoleFactory(
        organization=organization,
        client=client_company,
        title="Staff backend engineer",
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
        owner=recruiter,
    )


@pytest.fixture
def other_client(organization):
    return ClientFactory(organization=organization, name="Globex Logistics")


@pytest.fixture
def other_role(organization, other_client):
    return RoleFactory(organization=organization, client=other_client, title="Forklift lead")


def _agree(role, **fields):
    agreement = AgreementFactory(organization=role.organization, role=role, version=1, **fields)
    with organization_context(role.organization_id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    return agreement


def _role(role) -> Role:
    with organization_context(role.organization_id):
        return Role.objects.get(pk=role.pk)


def _role_data(**overrides) -> dict:
    return {
        "title": "Data engineer",
        "description": "Pipelines.",
        "location": "Berlin",
        "work_arrangement": "remote",
        "openings": "2",
        "salary_min": "70000",
        "salary_max": "90000",
        "salary_currency": "eur",
        "priority": "high",
        "hiring_manager": "",
        "hr_contact": "",
    } | overrides


# --- Role list ---------------------------------------------------------------------


def test_role_list_shows_open_roles_by_default_and_filters_by_status(
    client_for, organization, recruiter, role, other_role
):
    filled = RoleFactory(organization=organization, title="Filled position", status="filled")
    client = client_for(recruiter)
    content = client.get("/roles/").content.decode()
    assert role.title in content
    assert other_role.title in content
    assert filled.title not in content
    content = client.get("/roles/?status=filled").content.decode()
    assert filled.title in content
    assert role.title not in content
    content = client.get("/roles/?status=all").content.decode()
    assert filled.title in content
    assert role.title in content
    # An unknown filter falls back to the default rather than failing.
    assert filled.title not in client.get("/roles/?status=bogus").content.decode()


def test_role_list_shows_where_each_agreement_stands(client_for, organization, recruiter, role):
    _agree(role)
    AgreementFactory(organization=organization, role=role, version=2, status="proposed")
    content = client_for(recruiter).get("/roles/").content.decode()
    assert "Agreed v1" in content
    assert "Proposed v2" in content


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_list_only_their_clients_roles(client_for, request, role, other_role, cast):
    content = client_for(request.getfixturevalue(cast)).get("/roles/?status=all").content.decode()
    assert role.title in content
    assert other_role.title not in content


def _role_rows(content: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/roles/[^"]+/">([^<]+)</a>', content)


def _link(content: str, rel: str) -> str:
    return "/roles/" + html.unescape(re.search(rf'rel="{rel}" href="([^"]+)"', content)[1])


def test_role_list_shows_25_roles_a_page_by_client_and_title_keeping_the_filter(
    client_for, organization, recruiter, client_company, other_client
):
    for number in range(20):
        RoleFactory(organization=organization, client=other_client, title=f"Role {number:02d}")
        RoleFactory(organization=organization, client=client_company, title=f"Role {number:02d}")
    RoleFactory(organization=organization, client=client_company, title="Closed", status="filled")
    client = client_for(recruiter)

    first = client.get("/roles/", {"status": "open"}).content.decode()
    second = client.get(_link(first, "next")).content.decode()

    titles = [f"Role {number:02d}" for number in range(20)]
    # Acme Robotics first, then Globex Logistics, each by title.
    assert _role_rows(first) == titles + titles[:5]
    assert _role_rows(second) == titles[5:]
    assert "status=open" in _link(first, "next")
    assert "40 roles" in first
    assert _role_rows(client.get(_link(second, "prev")).content.decode()) == _role_rows(first)


# The list: 1 session, 2 user, 3 membership (tenant middleware), 4 the count of roles,
# 5 the page of roles with their clients, agreements and counts of open submissions,
# 6 the page's latest agreements, 7 the unread notifications count, 8 the switcher.
ROLE_LIST_QUERIES = 8


@pytest.mark.parametrize("count", [2, 40])
def test_role_list_runs_a_constant_number_of_queries(
    client_for, organization, recruiter, django_assert_max_num_queries, count
):
    for _ in range(count):
        role = RoleFactory(organization=organization)
        AgreementFactory(organization=organization, role=role)
        SubmissionFactory(organization=organization, role=role)
    client = client_for(recruiter)
    url = _link(client.get("/roles/").content.decode(), "next") if count > 25 else "/roles/"

    with django_assert_max_num_queries(ROLE_LIST_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert len(_role_rows(response.content.decode())) <= ROLES_PER_PAGE


def test_role_list_counts_each_roles_open_submissions(client_for, organization, recruiter, role):
    SubmissionFactory(organization=organization, role=role)
    SubmissionFactory(organization=organization, role=role, stage="hired")

    content = client_for(recruiter).get("/roles/").content.decode()

    assert re.search(r'<td class="numeric">1</td>\s*</tr>', content)


# --- Role create -------------------------------------------------------------------


def test_agency_opens_a_role_with_its_hiring_manager_and_hr(
    client_for, organization, recruiter, client_company, hm_contact, hr_contact
):
    response = client_for(recruiter).post(
        f"/clients/{client_company.public_id}/roles/new/",
        _role_data(hiring_manager=str(hm_contact.public_id), hr_contact=str(hr_contact.public_id)),
    )
    with organization_context(organization.id):
        role = Role.objects.get(title="Data engineer")
    assert response.status_code == 302
    assert response["Location"] == f"/roles/{role.public_id}/"
    assert role.client_id == client_company.pk
    assert (role.hiring_manager_id, role.hr_contact_id) == (hm_contact.pk, hr_contact.pk)
    assert (role.salary_min, role.salary_max, role.salary_currency) == (70000, 90000, "EUR")
    assert (role.openings, role.priority, role.work_arrangement) == (2, "high", "remote")
    assert role.owner_id == recruiter.pk
    assert role.status == RoleStatus.OPEN


def test_the_role_form_offers_only_the_clients_contacts_of_the_right_kind(
    client_for, organization, recruiter, client_company, hm_contact, hr_contact, other_client
):
    stranger = ContactFactory(
        organization=organization, client=other_client, full_name="Gus Globex"
    )
    content = (
        client_for(recruiter)
        .get(f"/clients/{client_company.public_id}/roles/new/")
        .content.decode()
    )
    assert "Hana Meyer" in content
    assert "Harriet Rowe" in content
    assert stranger.full_name not in content


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"openings": "0"}, "greater than or equal to 1"),
        ({"salary_min": "100000"}, "The top of the band is below its bottom."),
        ({"salary_currency": "euro"}, "Use a three-letter code"),
        ({"priority": "whenever"}, "Select a valid choice."),
        ({"work_arrangement": "moon"}, "Select a valid choice."),
    ],
)
def test_bad_role_input_is_refused_and_nothing_is_created(
    client_for, organization, recruiter, client_company, overrides, message
):
    response = client_for(recruiter).post(
        f"/clients/{client_company.public_id}/roles/new/", _role_data(**overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    with organization_context(organization.id):
        assert not Role.objects.exists()


def test_a_contact_of_the_wrong_kind_or_client_is_refused(
    client_for, organization, recruiter, client_company, hr_contact, other_client
):
    stranger = ContactFactory(organization=organization, client=other_client, kind="hiring_manager")
    url = f"/clients/{client_company.public_id}/roles/new/"
    client = client_for(recruiter)
    for data in (
        _role_data(hiring_manager=str(hr_contact.public_id)),
        _role_data(hiring_manager=str(stranger.public_id)),
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Select a valid choice." in response.content.decode()
    with organization_context(organization.id):
        assert not Role.objects.exists()


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_cannot_open_roles(client_for, request, organization, client_company, cast):
    client = client_for(request.getfixturevalue(cast))
    url = f"/clients/{client_company.public_id}/roles/new/"
    assert client.get(url).status_code == 403
    assert client.post(url, _role_data()).status_code == 403
    with organization_context(organization.id):
        assert not Role.objects.exists()


# --- Role detail -------------------------------------------------------------------


def test_role_page_shows_pipeline_agreement_clocks_and_actions(
    client_for, organization, recruiter, role
):
    _agree(
        role,
        must_haves=["Go", "Kubernetes"],
        nice_to_haves=["Rust"],
        deal_breakers=["No on-call"],
        glossary=[{"term": "senior", "meaning": "owns a service end to end"}],
        talent_scarcity="very_scarce",
    )
    waiting = SubmissionFactory(
        organization=organization,
        role=role,
        stage=Stage.HM_REVIEW,
        candidate=CandidateFactory(organization=organization, full_name="Ada Lovelace"),
    )
    interviewing = SubmissionFactory(
        organization=organization,
        role=role,
        stage=Stage.INTERVIEWING,
        candidate=CandidateFactory(organization=organization, full_name="Alan Turing"),
    )
    with organization_context(organization.id):
        clock_open(
            submission=waiting,
            kind=ClockKind.HM_REVIEW,
            sla_hours=8,
            opened_at=timezone.now() - timedelta(days=10),
        )
        activity_record(actor=recruiter, verb="role.updated", role=role, summary="Budget raised")
    content = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()
    assert f'href="/submissions/{waiting.public_id}/">Ada Lovelace</a>' in content
    assert f'href="/submissions/{interviewing.public_id}/">Alan Turing</a>' in content
    assert "Hiring manager review" in content
    for term in ("Kubernetes", "Rust", "No on-call", "owns a service end to end", "Very scarce"):
        assert term in content
    assert "Technical interview" in content
    assert "16 business hours" in content
    assert "Agreed v1" in content
    assert "Overdue" in content
    assert "Budget raised" in content
    assert f"/roles/{role.public_id}/intake/" in content
    assert f"/roles/{role.public_id}/agreement/" in content
    assert f"/roles/{role.public_id}/submit/" in content
    assert "Put on hold" in content
    assert "Mark filled" in content
    assert "Cancel role" in content
    assert "Reopen" not in content


def test_role_page_words_hr_clocks_salary_and_the_pipeline_for_people(
    client_for, organization, recruiter, role
):
    _agree(role)
    with organization_context(organization.id):
        Role.objects.filter(pk=role.pk).update(
            salary_min=70000, salary_max=90000, salary_currency="EUR"
        )
    pending = SubmissionFactory(
        organization=organization,
        role=role,
        stage=Stage.SUBMITTED,
        competing_offer_deadline=timezone.now() + timedelta(days=3),
        candidate=CandidateFactory(organization=organization, full_name="Ada Lovelace"),
    )
    with organization_context(organization.id):
        clock_open(submission=pending, kind=ClockKind.HR_APPROVAL, sla_hours=8)

    content = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()

    assert "culture-fit approval from HR," in content
    assert "the hr" not in content
    assert "70,000–90,000 EUR" in content
    # Every stage is a column of the wrapping board, an empty one saying so (and hiding
    # the words once a card is dropped in); the board never scrolls sideways.
    assert content.count('<section class="board__column"') == 8
    assert content.count("Nobody in this stage.") == 8
    assert 'class="board" tabindex' not in content
    assert '<span class="badge badge--warning">Competing offer</span>' in content


def test_a_new_role_leads_with_the_intake_meeting(client_for, organization, recruiter, role):
    content = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()

    header = content[: content.index('id="pipeline-heading"')]
    intake = f'<a class="button button--primary" href="/roles/{role.public_id}/intake/">'
    assert f"{intake}Record the intake meeting</a>" in header
    submit = f'<a class="button" href="/roles/{role.public_id}/submit/">Submit a candidate</a>'
    assert submit in header
    assert "No candidate submitted yet." in content
    assert "board__column" not in content


def test_a_role_with_an_agreement_leads_with_submitting(client_for, recruiter, role):
    _agree(role)

    content = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()

    header = content[: content.index('id="pipeline-heading"')]
    assert f'<a class="button button--primary" href="/roles/{role.public_id}/submit/">' in header
    assert "Record the intake meeting" not in header
    assert "Record intake meeting" in header


def test_role_page_shows_the_latest_proposal_before_anything_is_agreed(
    client_for, organization, recruiter, role
):
    AgreementFactory(
        organization=organization, role=role, version=1, status="superseded", must_haves=["Old"]
    )
    AgreementFactory(
        organization=organization, role=role, version=2, status="proposed", must_haves=["Fresh"]
    )
    content = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()
    assert "Proposed v2" in content
    assert "Fresh" in content
    assert "Old" not in content


def test_role_page_mentions_a_pending_revision_of_the_agreement_in_force(
    client_for, organization, recruiter, role
):
    _agree(role, must_haves=["In force"])
    AgreementFactory(
        organization=organization, role=role, version=2, status="proposed", must_haves=["Revised"]
    )
    content = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()
    assert "In force" in content
    assert "Revision v2 proposed" in content


def test_a_closed_role_offers_no_submission_and_can_be_reopened(
    client_for, organization, recruiter, role
):
    with organization_context(organization.id):
        Role.objects.filter(pk=role.pk).update(status=RoleStatus.FILLED)
    content = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()
    assert f"/roles/{role.public_id}/submit/" not in content
    assert "Reopen" in content
    assert "Put on hold" not in content


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_see_their_role_without_agency_actions_or_internal_notes(
    client_for, request, organization, recruiter, role, cast
):
    SubmissionFactory(
        organization=organization,
        role=role,
        candidate=CandidateFactory(
            organization=organization, full_name="Ada Lovelace", internal_notes="Lowball her"
        ),
    )
    with organization_context(organization.id):
        activity_record(
            actor=recruiter,
            verb="role.updated",
            role=role,
            summary="Client is tough",
            internal=True,
        )
        activity_record(actor=recruiter, verb="role.updated", role=role, summary="Shared update")
    response = client_for(request.getfixturevalue(cast)).get(f"/roles/{role.public_id}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace" in content
    assert "Lowball her" not in content
    assert "Shared update" in content
    assert "Client is tough" not in content
    for agency_only in ("/submit/", "/intake/", "/edit/", "/status/"):
        assert agency_only not in content
    assert f"/roles/{role.public_id}/agreement/" in content


def test_role_detail_query_count_stays_constant(
    client_for, organization, recruiter, role, django_assert_max_num_queries
):
    """The role page's queries do not grow with its submissions, clocks or activities.

    Expected queries:
      1. the session, 2. the user, 3. the user's memberships (tenant middleware);
      4. the role with its client, agreement in force, HM and HR contacts, owner;
      5. the latest proposal;
      6. the pipeline's counts by stage;
      7. the pipeline's first submissions of each stage with their candidates;
      8. a page of the open clocks with their submissions and candidates;
      9. a page of the timeline with the actors;
      10. the organization switcher's memberships (base.html);
      11. the unread notifications count (base.html).
    """
    budget = ROLE_DETAIL_QUERIES
    _agree(role)
    AgreementFactory(organization=organization, role=role, version=2, status="proposed")
    client = client_for(recruiter)
    url = f"/roles/{role.public_id}/"

    submissions = [SubmissionFactory(organization=organization, role=role) for _ in range(2)]
    with organization_context(organization.id):
        clock_open(submission=submissions[0], kind=ClockKind.HM_REVIEW, sla_hours=8)
        activity_record(actor=recruiter, verb="role.updated", role=role, summary="Small")
    with django_assert_max_num_queries(budget) as small:
        assert client.get(url).status_code == 200

    stages = list(Stage)
    submissions += [
        SubmissionFactory(organization=organization, role=role, stage=stages[i % len(stages)])
        for i in range(28)
    ]
    with organization_context(organization.id):
        for submission in submissions[1:20]:
            clock_open(
                submission=submission,
                kind=ClockKind.HM_REVIEW,
                sla_hours=8,
                opened_at=timezone.now() - timedelta(days=3),
            )
        for i in range(39):
            activity_record(actor=recruiter, verb="role.updated", role=role, summary=f"Entry {i}")
    with django_assert_max_num_queries(budget) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="board-card"') == 30
    assert response.content.decode().count('class="timeline__item"') == TIMELINE_PER_PAGE
    assert len(large.captured_queries) == len(small.captured_queries)


ROLE_DETAIL_QUERIES = 11


def _cards(content: str) -> list[str]:
    return re.findall(
        r'class="board-card"[^>]*>\s*<a class="board-card__name" href="[^"]+">([^<]+)</a>', content
    )


def _role_link(role, content: str, label: str) -> str:
    """The address of the link whose accessible name or text is `label`."""
    found = re.search(rf'<a class="button"[^>]*href="([^"]+)"[^>]*>{re.escape(label)}</a>', content)
    return f"/roles/{role.public_id}/" + html.unescape(found[1])


def test_each_stage_shows_ten_longest_waiting_first_and_pages_on_its_own(
    client_for, organization, recruiter, role
):
    for number in range(25):
        SubmissionFactory(
            organization=organization,
            role=role,
            stage=Stage.HM_REVIEW,
            stage_changed_at=timezone.now() - timedelta(hours=100 - number),
            candidate=CandidateFactory(
                organization=organization, full_name=f"Waiting {number:02d}"
            ),
        )
    SubmissionFactory(
        organization=organization,
        role=role,
        stage=Stage.OFFER,
        candidate=CandidateFactory(organization=organization, full_name="Offered"),
    )
    client = client_for(recruiter)
    url = f"/roles/{role.public_id}/"

    first = client.get(url).content.decode()
    second = client.get(_role_link(role, first, "Show more")).content.decode()
    third = client.get(_role_link(role, second, "Show more")).content.decode()
    back = client.get(_role_link(role, second, "Earlier")).content.decode()

    names = [f"Waiting {number:02d}" for number in range(25)]
    assert _cards(first) == [*names[:10], "Offered"]
    assert (
        '<h3 id="stage-hm_review">Hiring manager review '
        '<span class="badge badge--muted" id="board-count-hm_review">25</span>' in first
    )
    assert "#stage-hm_review" in _role_link(role, first, "Show more")
    assert _cards(second) == [*names[10:20], "Offered"]
    assert _cards(third) == [*names[20:], "Offered"]
    assert _cards(back) == _cards(first)


def test_the_timeline_shows_twenty_entries_a_page(client_for, organization, recruiter, role):
    with organization_context(organization.id):
        for number in range(25):
            with time_machine.travel(timezone.now() - timedelta(minutes=100 - number)):
                activity_record(
                    actor=recruiter, verb="role.updated", role=role, summary=f"Entry {number:02d}"
                )
    client = client_for(recruiter)

    first = client.get(f"/roles/{role.public_id}/").content.decode()
    older = client.get(_role_link(role, first, "Older")).content.decode()

    assert first.count('class="timeline__item"') == TIMELINE_PER_PAGE
    assert "Entry 24" in first
    assert "Entry 04" not in first
    assert older.count('class="timeline__item"') == 5
    assert "Entry 04" in older
    assert "#timeline-heading" in _role_link(role, first, "Older")


def test_the_open_clocks_show_ten_soonest_due_a_page(client_for, organization, recruiter, role):
    with organization_context(organization.id):
        for number in range(12):
            submission = SubmissionFactory(
                organization=organization,
                role=role,
                stage=Stage.HM_REVIEW,
                candidate=CandidateFactory(
                    organization=organization, full_name=f"Due {number:02d}"
                ),
            )
            clock_open(submission=submission, kind=ClockKind.HM_REVIEW, sla_hours=8 + number)
    client = client_for(recruiter)

    first = client.get(f"/roles/{role.public_id}/").content.decode()
    later = client.get(_role_link(role, first, "Later")).content.decode()

    clocks = first[first.index('<ul class="role-clocks">') :]
    assert clocks.count("<li>") == ROLE_CLOCKS_PER_PAGE
    assert "Due 00</a>:" in clocks
    assert "Due 11</a>:" not in clocks
    assert "Due 11</a>:" in later


def test_a_paged_stage_costs_one_query_more(
    client_for, organization, recruiter, role, django_assert_max_num_queries
):
    for _ in range(12):
        SubmissionFactory(organization=organization, role=role, stage=Stage.SUBMITTED)
    client = client_for(recruiter)
    more = _role_link(role, client.get(f"/roles/{role.public_id}/").content.decode(), "Show more")

    with django_assert_max_num_queries(ROLE_DETAIL_QUERIES + 1):
        response = client.get(more)

    assert len(_cards(response.content.decode())) == 2


def test_cursors_that_are_not_positions_show_the_first_pages(client_for, recruiter, role):
    response = client_for(recruiter).get(
        f"/roles/{role.public_id}/",
        {"stage": "offer", "after": "garbage", "clocks_after": "x", "timeline_before": "W10"},
    )
    assert response.status_code == 200


# --- Role edit and status ----------------------------------------------------------


def test_agency_edits_a_role(client_for, recruiter, role, hm_contact):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/edit/",
        _role_data(title="Principal engineer", hiring_manager=str(hm_contact.public_id)),
    )
    assert response.status_code == 302
    stored = _role(role)
    assert stored.title == "Principal engineer"
    assert stored.hiring_manager_id == hm_contact.pk
    assert stored.hr_contact_id is None


def test_the_role_edit_form_is_prefilled(client_for, recruiter, role, hm_contact):
    content = client_for(recruiter).get(f"/roles/{role.public_id}/edit/").content.decode()
    assert 'value="Staff backend engineer"' in content
    assert f'<option value="{hm_contact.public_id}" selected>' in content


def test_a_bad_role_edit_changes_nothing(client_for, recruiter, role):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/edit/", _role_data(title="New title", salary_max="10")
    )
    assert response.status_code == 400
    assert "The top of the band is below its bottom." in response.content.decode()
    assert "Edit Staff backend engineer" in response.content.decode()
    assert _role(role).title == "Staff backend engineer"


def test_agency_changes_a_roles_status(client_for, recruiter, role):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/status/", {"status": "on_hold"}, follow=True
    )
    assert "is now on hold" in response.content.decode()
    assert _role(role).status == RoleStatus.ON_HOLD


def test_only_cancelling_a_role_asks_for_confirmation_first(client_for, recruiter, role):
    page = client_for(recruiter).get(f"/roles/{role.public_id}/").content.decode()
    forms = re.findall(r'<form[^>]*/status/"[^>]*>.*?</form>', page, flags=re.DOTALL)
    asks = {
        re.search(r'name="status" value="(\w+)"', form)[1]: "data-confirm" in form for form in forms
    }
    assert asks == {"on_hold": False, "filled": False, "cancelled": True}


@pytest.mark.parametrize(
    ("status", "message"),
    [("open", "cannot become"), ("archived", "Choose a status from the list.")],
)
def test_a_refused_status_change_gives_a_message(client_for, recruiter, role, status, message):
    response = client_for(recruiter).post(
        f"/roles/{role.public_id}/status/", {"status": status}, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _role(role).status == RoleStatus.OPEN


def test_status_changes_are_post_only(client_for, recruiter, role):
    assert client_for(recruiter).get(f"/roles/{role.public_id}/status/").status_code == 405


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_cannot_edit_roles_or_change_their_status(client_for, request, role, cast):
    client = client_for(request.getfixturevalue(cast))
    assert client.get(f"/roles/{role.public_id}/edit/").status_code == 403
    assert client.post(f"/roles/{role.public_id}/edit/", _role_data()).status_code == 403
    assert client.post(f"/roles/{role.public_id}/status/", {"status": "filled"}).status_code == 403
    stored = _role(role)
    assert (stored.title, stored.status) == ("Staff backend engineer", RoleStatus.OPEN)


# --- Isolation ---------------------------------------------------------------------


def _role_urls(role) -> list[tuple[str, str]]:
    return [
        ("get", f"/roles/{role.public_id}/"),
        ("get", f"/roles/{role.public_id}/edit/"),
        ("post", f"/roles/{role.public_id}/edit/"),
        ("post", f"/roles/{role.public_id}/status/"),
        ("get", f"/clients/{role.client.public_id}/roles/new/"),
        ("post", f"/clients/{role.client.public_id}/roles/new/"),
    ]


def test_another_organization_gets_404_for_every_role_url(client_for, outsider, role):
    client = client_for(outsider)
    for method, url in _role_urls(role):
        assert getattr(client, method)(url, {"status": "filled"}).status_code == 404, url
    assert role.title.encode() not in client.get("/roles/?status=all").content
    assert _role(role).status == RoleStatus.OPEN


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_get_404_for_another_clients_roles(client_for, request, other_role, cast):
    client = client_for(request.getfixturevalue(cast))
    for method, url in _role_urls(other_role):
        assert getattr(client, method)(url, {"status": "filled"}).status_code == 404, url
