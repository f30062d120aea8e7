"""Candidate pages: the agency's list, form and profile; the client's limited view;
the résumé, streamed only to those allowed to see the candidate."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lib.tenancy import organization_context
from recruiting import selectors
from recruiting.models import Candidate
from tests.factories import (
    CandidateFactory,
    ClientFactory,
    ConsentRecordFactory,
    MembershipFactory,
    RoleFactory,
    SubmissionFactory,
)

SECRET_NOTE = "Recruiter-only: salary expectation 140k, flexible"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def candidate(organization):
    return CandidateFactory(
        organization=organization,
        full_name="Grace Hopper",
        email="grace@navy.test",
        internal_notes=SECRET_NOTE,
    )


@pytest.fixture
def submitted(candidate, client_company):
    """The candidate, put forward to the cast's client."""
    role = RoleFactory(organization=candidate.organization, client=client_company)
    SubmissionFactory(organization=candidate.organization, role=role, candidate=candidate)
    return candidate


def _form(**overrides):
    data = {
        "full_name": "Ada Lovelace",
        "email": "ada@engine.test",
        "phone": "+44 20 7946 0000",
        "location": "London",
        "current_title": "Analyst",
        "current_company": "Analytical Engines",
        "links": "https://github.com/ada\nhttps://ada.example/portfolio",
        "source": "Referral",
        "tags": "python, math , ",
        "internal_notes": "Wants remote.",
    }
    data.update(overrides)
    return data


def _pdf(name="cv.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _candidates(organization):
    with organization_context(organization.id):
        return list(Candidate.objects.order_by("full_name"))


def _with_resume(client_for, recruiter, candidate):
    response = client_for(recruiter).post(
        f"/candidates/{candidate.public_id}/edit/",
        {**_form(full_name=candidate.full_name, email=candidate.email), "resume": _pdf()},
    )
    assert response.status_code == 302


# --- Who may open what ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/candidates/", "/candidates/new/"])
def test_client_users_get_403_on_the_agency_candidate_pages(client_for, hiring_manager, hr, url):
    assert client_for(hiring_manager).get(url).status_code == 403
    assert client_for(hr).get(url).status_code == 403


def test_client_users_get_403_on_editing_even_a_candidate_they_can_see(
    client_for, hiring_manager, submitted
):
    response = client_for(hiring_manager).post(f"/candidates/{submitted.public_id}/edit/", _form())
    assert response.status_code == 403
    assert _candidates(submitted.organization)[0].full_name == "Grace Hopper"


@pytest.mark.parametrize("suffix", ["", "edit/", "resume/"])
def test_the_outsider_gets_404_on_every_candidate_url(client_for, outsider, candidate, suffix):
    response = client_for(outsider).get(f"/candidates/{candidate.public_id}/{suffix}")
    assert response.status_code == 404


def test_the_outsider_cannot_edit_our_candidate(client_for, outsider, candidate):
    response = client_for(outsider).post(f"/candidates/{candidate.public_id}/edit/", _form())
    assert response.status_code == 404
    assert _candidates(candidate.organization)[0].full_name == "Grace Hopper"


def test_the_outsiders_list_does_not_show_our_candidates(client_for, outsider, candidate):
    response = client_for(outsider).get("/candidates/")
    assert response.status_code == 200
    assert b"Grace Hopper" not in response.content


# --- List, search, pagination ---------------------------------------------------------


def test_recruiter_searches_candidates(client_for, organization, recruiter, candidate):
    CandidateFactory(organization=organization, full_name="Linus Torvalds", tags=["kernel"])

    by_name = client_for(recruiter).get("/candidates/", {"q": "hopper"}).content.decode()
    by_tag = client_for(recruiter).get("/candidates/", {"q": "kernel"}).content.decode()

    assert "Grace Hopper" in by_name
    assert "Linus Torvalds" not in by_name
    assert "Linus Torvalds" in by_tag
    assert "Grace Hopper" not in by_tag
    # Tags are a wrapping list in their cell, never cut off.
    assert '<ul class="tag-list"><li><span class="badge badge--muted">kernel</span></li></ul>' in (
        by_tag
    )


def _rows(content: str) -> list[str]:
    """The candidates the list shows, in order."""
    return re.findall(r'<th scope="row"><a href="/candidates/[^"]+/">([^<]+)</a>', content)


def _link(content: str, rel: str) -> str:
    return "/candidates/" + html.unescape(re.search(rf'rel="{rel}" href="([^"]+)"', content)[1])


def test_the_list_shows_25_at_a_time_by_name_and_pages_both_ways(
    client_for, organization, recruiter
):
    for number in reversed(range(30)):
        CandidateFactory(organization=organization, full_name=f"Person {number:02d}")
    client = client_for(recruiter)

    first = client.get("/candidates/").content.decode()
    second = client.get(_link(first, "next")).content.decode()
    back = client.get(_link(second, "prev")).content.decode()

    assert _rows(first) == [f"Person {number:02d}" for number in range(25)]
    assert _rows(second) == [f"Person {number:02d}" for number in range(25, 30)]
    assert _rows(back) == _rows(first)
    assert 'rel="next"' not in second
    assert "30 candidates" in second


def test_a_search_pages_within_its_matches(client_for, organization, recruiter, candidate):
    for number in range(30):
        CandidateFactory(organization=organization, full_name=f"Person {number:02d}")
    client = client_for(recruiter)

    first = client.get("/candidates/", {"q": "person 1"}).content.decode()

    assert _rows(first) == [f"Person {number:02d}" for number in range(10, 20)]
    assert 'rel="next"' not in first


def test_the_count_stops_at_its_cap(client_for, organization, recruiter, monkeypatch):
    monkeypatch.setattr(selectors, "CANDIDATE_COUNT_CAP", 26)
    for number in range(30):
        CandidateFactory(organization=organization, full_name=f"Person {number:02d}")

    content = client_for(recruiter).get("/candidates/").content.decode()

    assert "26+ candidates" in content


def test_a_search_matches_any_case_and_part_of_the_email_title_or_company(
    client_for, organization, recruiter, candidate
):
    CandidateFactory(
        organization=organization, full_name="Ada", current_company="Analytical Engines"
    )
    CandidateFactory(organization=organization, full_name="Edsger", current_title="Professor")

    def found(query):
        return _rows(client_for(recruiter).get("/candidates/", {"q": query}).content.decode())

    assert found("NAVY.T") == ["Grace Hopper"]
    assert found("alytic") == ["Ada"]
    assert found("fesso") == ["Edsger"]
    assert found("100%_") == []


def test_an_overlong_search_is_a_400_with_its_limit(client_for, recruiter, candidate):
    response = client_for(recruiter).get("/candidates/", {"q": "x" * 101})

    assert response.status_code == 400
    assert "Search with at most 100 characters." in response.content.decode()


# The list: 1 session, 2 user, 3 memberships (tenant middleware), 4 the page with each
# row's submission count, 5 how many match (up to the cap), 6 the unread notifications
# count, 7 the organization switcher.
LIST_QUERIES = 7


@pytest.mark.parametrize("count", [2, 60])
@pytest.mark.parametrize("query", ["", "person"])
def test_the_list_runs_a_constant_number_of_queries(
    client_for, organization, recruiter, django_assert_max_num_queries, count, query
):
    for number in range(count):
        person = CandidateFactory(organization=organization, full_name=f"Person {number:02d}")
        SubmissionFactory(organization=organization, candidate=person)
    client = client_for(recruiter)
    second = (
        _link(client.get("/candidates/", {"q": query}).content.decode(), "next")
        if count > 25
        else "/candidates/"
    )

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(second)

    assert len(_rows(response.content.decode())) <= selectors.CANDIDATES_PER_PAGE


# --- Create and edit ------------------------------------------------------------------


def test_recruiter_adds_a_candidate(client_for, organization, recruiter):
    response = client_for(recruiter).post("/candidates/new/", _form())

    (candidate,) = _candidates(organization)
    assert response.status_code == 302
    assert response["Location"] == f"/candidates/{candidate.public_id}/"
    assert candidate.tags == ["python", "math"]
    assert candidate.links == ["https://github.com/ada", "https://ada.example/portfolio"]
    assert candidate.internal_notes == "Wants remote."
    # Consent is recorded on the candidate's page, with how it was given.
    assert not candidate.consent_to_represent


def test_the_form_uploads_files(client_for, recruiter):
    content = client_for(recruiter).get("/candidates/new/").content.decode()
    assert 'enctype="multipart/form-data"' in content


def test_a_duplicate_email_is_a_field_error(client_for, organization, recruiter, candidate):
    response = client_for(recruiter).post("/candidates/new/", _form(email="GRACE@navy.test"))

    assert response.status_code == 400
    assert "A candidate with this email already exists." in response.content.decode()
    assert len(_candidates(organization)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("links", "javascript:alert(1)", "is not a web address"),
    ],
)
def test_bad_input_is_refused_with_field_messages(
    client_for, organization, recruiter, field, value, message
):
    response = client_for(recruiter).post("/candidates/new/", _form(**{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _candidates(organization) == []


def test_recruiter_edits_a_candidate(client_for, recruiter, candidate):
    response = client_for(recruiter).post(
        f"/candidates/{candidate.public_id}/edit/",
        _form(full_name="Grace Brewster Hopper", email="grace@navy.test"),
    )

    (saved,) = _candidates(candidate.organization)
    assert response.status_code == 302
    assert saved.full_name == "Grace Brewster Hopper"
    # The edit form does not touch consent, which is recorded with how it was given.
    assert saved.consent_to_represent


def test_an_edit_with_bad_input_changes_nothing(client_for, organization, recruiter, candidate):
    CandidateFactory(organization=organization, email="taken@mail.test")

    response = client_for(recruiter).post(
        f"/candidates/{candidate.public_id}/edit/",
        _form(full_name="Someone Else", email="taken@mail.test"),
    )

    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    with organization_context(organization.id):
        candidate.refresh_from_db()
    assert (candidate.full_name, candidate.email) == ("Grace Hopper", "grace@navy.test")


# --- The profile ----------------------------------------------------------------------


def test_recruiter_sees_everything_including_internal_notes(client_for, recruiter, submitted):
    content = client_for(recruiter).get(f"/candidates/{submitted.public_id}/").content.decode()
    assert "Grace Hopper" in content
    assert SECRET_NOTE in content
    assert "/edit/" in content


def test_a_client_user_sees_a_candidate_submitted_to_them_without_internal_notes(
    client_for, hiring_manager, hr, submitted
):
    for member in (hiring_manager, hr):
        response = client_for(member).get(f"/candidates/{submitted.public_id}/")
        content = response.content.decode()
        assert response.status_code == 200
        assert "Grace Hopper" in content
        assert SECRET_NOTE not in content
        assert "Internal notes" not in content
        assert f"/candidates/{submitted.public_id}/edit/" not in content


def test_a_client_user_gets_404_for_a_candidate_not_submitted_to_them(
    client_for, organization, hiring_manager, candidate
):
    assert client_for(hiring_manager).get(f"/candidates/{candidate.public_id}/").status_code == 404
    other_client = ClientFactory(organization=organization)
    other_hr = MembershipFactory(organization=organization, role="hr", client=other_client)
    assert client_for(other_hr).get(f"/candidates/{candidate.public_id}/").status_code == 404


def test_the_submissions_table_links_to_each_submission(client_for, recruiter, submitted):
    with organization_context(submitted.organization_id):
        submission = submitted.submissions.select_related("role").get()

    content = client_for(recruiter).get(f"/candidates/{submitted.public_id}/").content.decode()

    table = content[content.index('id="submissions-heading"') :]
    assert f'href="/submissions/{submission.public_id}/"' in table
    assert f'href="/roles/{submission.role.public_id}/"' not in table


def test_recruiter_submits_the_candidate_to_an_open_role_from_their_page(
    client_for, organization, recruiter, submitted
):
    with organization_context(organization.id):
        taken = submitted.submissions.get().role
    open_role = RoleFactory(organization=organization, title="Compiler engineer")
    closed = RoleFactory(organization=organization, title="Closed position", status="filled")
    client = client_for(recruiter)

    content = client.get(f"/candidates/{submitted.public_id}/").content.decode()
    response = client.get(
        f"/candidates/{submitted.public_id}/", {"submit_to": str(open_role.public_id)}
    )

    form = content[content.index('id="submit-to-role"') :]
    assert (
        f'name="submit_to" value="{open_role.public_id}" required> <span>Compiler engineer' in form
    )
    assert str(closed.public_id) not in form
    assert f'value="{taken.public_id}"' not in form
    assert response.status_code == 302
    assert response["Location"] == (
        f"/roles/{open_role.public_id}/submit/?candidate={submitted.public_id}"
    )
    chosen = client.get(response["Location"]).content.decode()
    assert f'value="{submitted.public_id}" checked>' in chosen


def _offered_roles(content: str) -> list[str]:
    return re.findall(r'name="submit_to" value="[^"]+" required> <span>([^<]+?) <span', content)


def test_the_candidate_page_offers_a_bounded_search_of_the_open_roles(
    client_for, organization, recruiter, candidate
):
    for number in range(selectors.ROLE_CHOICES + 3):
        RoleFactory(organization=organization, title=f"Role {number:02d}")
    RoleFactory(
        organization=organization,
        title="Compiler engineer",
        client=ClientFactory(organization=organization, name="Zeta Systems"),
    )
    client = client_for(recruiter)
    url = f"/candidates/{candidate.public_id}/"

    everything = client.get(url).content.decode()
    by_title = client.get(url, {"role_q": "COMPILER"}).content.decode()
    by_client = client.get(url, {"role_q": "zeta"}).content.decode()
    nothing = client.get(url, {"role_q": "Astronaut"}).content.decode()
    too_long = client.get(url, {"role_q": "x" * 101})

    assert len(_offered_roles(everything)) == selectors.ROLE_CHOICES
    assert f"The first {selectors.ROLE_CHOICES} open roles" in everything
    assert "<select" not in everything
    assert _offered_roles(by_title) == ["Compiler engineer"]
    assert _offered_roles(by_client) == ["Compiler engineer"]
    assert "No open role matches “Astronaut”." in nothing
    assert too_long.status_code == 400


def test_submitting_to_no_role_or_an_unknown_one_goes_nowhere(
    client_for, organization, outsider, recruiter, candidate
):
    their_role = RoleFactory(organization=outsider.organization)
    client = client_for(recruiter)
    url = f"/candidates/{candidate.public_id}/"

    empty = client.get(url, {"submit_to": ""}, follow=True)
    theirs = client.get(url, {"submit_to": str(their_role.public_id)})
    garbage = client.get(url, {"submit_to": "not-a-role"})

    assert "Choose the role to submit the candidate to." in empty.content.decode()
    assert (theirs.status_code, garbage.status_code) == (404, 404)


def test_a_candidate_without_consent_cannot_be_submitted_from_their_page(
    client_for, organization, recruiter
):
    reluctant = CandidateFactory(organization=organization, consent_to_represent=False)
    RoleFactory(organization=organization)

    content = client_for(recruiter).get(f"/candidates/{reluctant.public_id}/").content.decode()

    assert 'id="submit-to-role"' not in content
    assert "Record the candidate's consent" in content


def test_client_users_get_no_submit_action(client_for, hiring_manager, submitted):
    url = f"/candidates/{submitted.public_id}/"
    client = client_for(hiring_manager)
    RoleFactory(organization=submitted.organization, client=hiring_manager.client)

    content = client.get(url).content.decode()
    response = client.get(url, {"submit_to": "anything"})

    assert "Submit to a role" not in content
    assert response.status_code == 200


# --- The résumé -----------------------------------------------------------------------


def test_a_pdf_resume_is_stored_and_downloaded_as_an_attachment(client_for, recruiter, candidate):
    _with_resume(client_for, recruiter, candidate)

    response = client_for(recruiter).get(f"/candidates/{candidate.public_id}/resume/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'


def test_a_resume_can_be_uploaded_with_a_new_candidate(client_for, organization, recruiter):
    response = client_for(recruiter).post("/candidates/new/", {**_form(), "resume": _pdf()})

    (candidate,) = _candidates(organization)
    assert response.status_code == 302
    assert candidate.resume_name == "cv.pdf"
    assert candidate.resume.name.endswith(".pdf")


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("setup.exe", b"MZ\x90\x00binary", "application/octet-stream"),
        SimpleUploadedFile("cv.pdf", b"MZ\x90\x00pretending", "application/pdf"),
    ],
    ids=["exe", "fake-pdf"],
)
def test_a_file_that_is_not_a_resume_is_refused(client_for, organization, recruiter, upload):
    response = client_for(recruiter).post("/candidates/new/", {**_form(), "resume": upload})

    assert response.status_code == 400
    assert "Upload the résumé as a PDF or Word document." in response.content.decode()
    assert _candidates(organization) == []


def test_a_resume_that_is_too_large_is_refused(client_for, settings, recruiter, candidate):
    settings.RESUME_MAX_BYTES = 16

    response = client_for(recruiter).post(
        f"/candidates/{candidate.public_id}/edit/",
        {**_form(full_name="Grace Hopper", email="grace@navy.test"), "resume": _pdf()},
    )

    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    (saved,) = _candidates(candidate.organization)
    assert not saved.resume


def test_the_hiring_manager_of_the_candidates_client_can_download_the_resume(
    client_for, recruiter, hiring_manager, submitted
):
    _with_resume(client_for, recruiter, submitted)

    response = client_for(hiring_manager).get(f"/candidates/{submitted.public_id}/resume/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_others_get_404_for_the_resume(client_for, organization, recruiter, outsider, submitted):
    _with_resume(client_for, recruiter, submitted)
    other_hm = MembershipFactory(
        organization=organization,
        role="hiring_manager",
        client=ClientFactory(organization=organization),
    )

    for member in (other_hm, outsider):
        response = client_for(member).get(f"/candidates/{submitted.public_id}/resume/")
        assert response.status_code == 404


def test_no_resume_on_file_is_a_404(client_for, recruiter, candidate):
    assert (
        client_for(recruiter).get(f"/candidates/{candidate.public_id}/resume/").status_code == 404
    )


# --- Bounded: a page of submissions, a search of the open roles to pick from -----------


def test_a_search_never_finds_another_organizations_role(
    client_for, recruiter, candidate, other_organization
):
    RoleFactory(organization=other_organization, title="Their difference engineer")
    content = client_for(recruiter).get(
        f"/candidates/{candidate.public_id}/", {"role_q": "difference"}
    )
    assert "Their difference engineer" not in content.content.decode()


def test_a_search_too_long_is_refused_with_a_message(client_for, recruiter, candidate):
    response = client_for(recruiter).get(
        f"/candidates/{candidate.public_id}/", {"role_q": "x" * 101}
    )
    assert response.status_code == 400
    assert b"at most 100 characters" in response.content


def test_the_submissions_are_shown_a_page_at_a_time(client_for, organization, recruiter, candidate):
    from recruiting.views.candidates import SUBMISSIONS_PER_PAGE

    for _ in range(SUBMISSIONS_PER_PAGE + 3):
        SubmissionFactory(organization=organization, candidate=candidate)
    browser = client_for(recruiter)
    url = f"/candidates/{candidate.public_id}/"

    first = browser.get(url)
    second = browser.get(url, {"page": 2})

    assert len(first.context["submissions"]) == SUBMISSIONS_PER_PAGE
    assert first.content.count(b'href="/submissions/') == SUBMISSIONS_PER_PAGE
    assert b'rel="next" href="?page=2#submissions-heading"' in first.content
    assert len(second.context["submissions"]) == 3


@pytest.mark.parametrize("reader", ["recruiter", "hiring_manager"])
def test_the_candidate_page_costs_the_same_queries_whatever_the_numbers_of_roles_and_submissions(
    request,
    client_for,
    organization,
    client_company,
    submitted,
    reader,
    django_assert_max_num_queries,
):
    browser = client_for(request.getfixturevalue(reader))
    url = f"/candidates/{submitted.public_id}/"
    # Session, user, memberships with their organizations; the candidate; the count and
    # the page of their submissions (with roles and clients); the open roles to pick
    # from and a page of the consent history (the agency only); the layout's unread
    # notifications.
    with django_assert_max_num_queries(9):
        assert browser.get(url).status_code == 200
    for _ in range(30):
        role = RoleFactory(organization=organization, client=client_company)
        SubmissionFactory(organization=organization, role=role, candidate=submitted)
        SubmissionFactory(organization=organization, role=role)
        ConsentRecordFactory(organization=organization, candidate=submitted)
    with django_assert_max_num_queries(9):
        assert browser.get(url).status_code == 200
