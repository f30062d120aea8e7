"""The three ways to erase a candidate: the page (with the typed confirmation), the API
and the operator's command; who may, and that another organization never can."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from lib.tenancy import organization_context
from privacy.models import CandidateErasure, ErasureVia
from recruiting import services
from recruiting.models import Candidate
from tests.api.conftest import issue_key, key_client
from tests.factories import CandidateFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

NAME = "Grace Brewster Hopper"
EMAIL = "grace.hopper@navy.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def candidate(organization, client_company, recruiter):
    candidate = CandidateFactory(
        organization=organization, full_name=NAME, email=EMAIL, phone="+1 202 555 0143"
    )
    SubmissionFactory(organization=organization, candidate=candidate, role__client=client_company)
    with organization_context(organization.id):
        services.candidate_update(
            actor=recruiter, candidate=candidate, resume=SimpleUploadedFile("cv.pdf", PDF)
        )
    return candidate


def stored(candidate) -> Candidate:
    with organization_context(candidate.organization_id):
        return Candidate.objects.get(pk=candidate.pk)


def erasures(organization) -> list[CandidateErasure]:
    with organization_context(organization.id):
        return list(CandidateErasure.objects.all())


def erase_url(candidate) -> str:
    return f"/candidates/{candidate.public_id}/erase/"


# --- The page -------------------------------------------------------------------------


@pytest.mark.parametrize("cast", ["owner", "admin", "recruiter"])
def test_the_agency_erases_a_candidate_by_typing_their_name(
    request, client_for, candidate, cast, django_capture_on_commit_callbacks
):
    browser = client_for(request.getfixturevalue(cast))
    page = browser.get(f"/candidates/{candidate.public_id}/").content.decode()
    assert f'href="{erase_url(candidate)}"' in page
    assert "Type the candidate" in browser.get(erase_url(candidate)).content.decode()
    resume = stored(candidate).resume
    assert resume.storage.exists(resume.name)

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(erase_url(candidate), {"confirm_name": f"  {NAME.lower()} "})

    assert response.status_code == 302
    assert response.url == f"/candidates/{candidate.public_id}/"
    erased = stored(candidate)
    assert erased.full_name.startswith("Erased candidate ")
    assert EMAIL not in erased.email
    assert not resume.storage.exists(resume.name)
    (record,) = erasures(candidate.organization)
    assert record.via == ErasureVia.PAGE
    assert record.erased_by_id == request.getfixturevalue(cast).pk
    assert record.resume_deleted is True
    shown = browser.get(response.url).content.decode()
    assert NAME not in shown
    assert "The candidate&#x27;s personal data was erased." in shown


@pytest.mark.parametrize("typed", ["Grace Hopper", "", "Erased candidate"])
def test_a_wrong_name_is_a_form_error_and_nothing_is_erased(
    client_for, recruiter, candidate, typed
):
    response = client_for(recruiter).post(erase_url(candidate), {"confirm_name": typed})

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["confirm_name"]
    assert stored(candidate).full_name == NAME
    assert erasures(candidate.organization) == []


def test_a_second_erasure_is_refused_on_the_form(client_for, recruiter, candidate):
    browser = client_for(recruiter)
    browser.post(erase_url(candidate), {"confirm_name": NAME})
    label = stored(candidate).full_name

    response = browser.post(erase_url(candidate), {"confirm_name": label})

    assert response.status_code == 400
    assert "erased already" in response.content.decode()
    assert len(erasures(candidate.organization)) == 1


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_cannot_erase_even_a_candidate_they_see(request, client_for, candidate, cast):
    browser = client_for(request.getfixturevalue(cast))
    page = browser.get(f"/candidates/{candidate.public_id}/")
    assert page.status_code == 200
    assert erase_url(candidate) not in page.content.decode()

    assert browser.get(erase_url(candidate)).status_code == 403
    assert browser.post(erase_url(candidate), {"confirm_name": NAME}).status_code == 403
    assert stored(candidate).full_name == NAME


def test_another_organizations_owner_gets_404(client_for, outsider, candidate):
    response = client_for(outsider).post(erase_url(candidate), {"confirm_name": NAME})

    assert response.status_code == 404
    assert stored(candidate).full_name == NAME
    assert erasures(candidate.organization) == []


# --- The API --------------------------------------------------------------------------


def api_url(candidate) -> str:
    return f"/api/v1/candidates/{candidate.public_id}/erase/"


def test_a_recruiters_key_erases_a_candidate(recruiter, candidate):
    api = key_client(issue_key(recruiter))

    response = api.post(api_url(candidate))

    assert response.status_code == 200
    assert response.json()["candidate"] == str(candidate.public_id)
    assert stored(candidate).full_name.startswith("Erased candidate ")
    (record,) = erasures(candidate.organization)
    assert (record.via, record.erased_by_id) == (ErasureVia.API, recruiter.pk)
    again = api.post(api_url(candidate))
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"


def test_a_read_only_key_cannot_erase(recruiter, candidate):
    api = key_client(issue_key(recruiter, scopes=("read",)))

    assert api.post(api_url(candidate)).status_code == 403
    assert stored(candidate).full_name == NAME


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_keys_get_403(request, candidate, cast):
    api = key_client(issue_key(request.getfixturevalue(cast)))

    assert api.post(api_url(candidate)).status_code == 403
    assert stored(candidate).full_name == NAME


def test_another_organizations_key_gets_404(outsider, candidate):
    api = key_client(issue_key(outsider))

    response = api.post(api_url(candidate))

    assert response.status_code == 404
    assert stored(candidate).full_name == NAME


def test_an_unknown_candidate_is_a_404(recruiter):
    api = key_client(issue_key(recruiter))

    assert (
        api.post("/api/v1/candidates/00000000-0000-4000-8000-000000000000/erase/").status_code
        == 404
    )


# --- The command ----------------------------------------------------------------------


def test_the_command_erases_a_candidate_of_the_named_organization(organization, candidate, capsys):
    call_command("erase_candidate", "--organization", organization.slug, str(candidate.public_id))

    assert f"Erased candidate {candidate.public_id}" in capsys.readouterr().out
    assert stored(candidate).full_name.startswith("Erased candidate ")
    (record,) = erasures(organization)
    assert (record.via, record.erased_by_id) == (ErasureVia.COMMAND, None)


def test_the_command_cannot_reach_another_organizations_candidate(
    other_organization, organization, candidate
):
    with pytest.raises(CommandError, match="No candidate"):
        call_command(
            "erase_candidate", "--organization", other_organization.slug, str(candidate.public_id)
        )

    assert stored(candidate).full_name == NAME
    assert erasures(organization) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--organization", "no-such-agency", "00000000-0000-4000-8000-000000000000"], "slug"),
        (["--organization", "{slug}", "not-a-uuid"], "No candidate"),
    ],
)
def test_the_command_explains_what_it_could_not_find(organization, arguments, message):
    arguments = [argument.format(slug=organization.slug) for argument in arguments]

    with pytest.raises(CommandError, match=message):
        call_command("erase_candidate", *arguments)
