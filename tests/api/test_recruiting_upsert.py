"""Upsert by external id: `PUT /api/v1/<resource>/by-external-id/<source>/<id>/`."""

import threading

import psycopg2
import pytest
from django.db import connection

from activity.models import Activity
from lib.api.upsert import LOCK_SQL, external_reference_lock_key
from lib.tenancy import organization_context
from recruiting.models import Candidate, Client, Contact, Role, Submission
from tests.api.conftest import issue_key, key_client
from tests.factories import CandidateFactory, ClientFactory, RoleFactory, SubmissionFactory
from tests.workers import wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(organization, client_company, hm_contact):
    role = RoleFactory(organization=organization, client=client_company)
    return {
        "client": str(client_company.public_id),
        "contact": str(hm_contact.public_id),
        "role": str(role.public_id),
        "candidate": str(CandidateFactory(organization=organization).public_id),
    }


# resource, model, the body of a create, changes for an update, the field that shows it
UPSERTS = [
    (
        "clients",
        Client,
        lambda o: {"name": "Initech", "timezone": "America/Chicago"},
        {"name": "Initech Inc."},
        "name",
    ),
    (
        "contacts",
        Contact,
        lambda o: {"client": o["client"], "kind": "hr", "full_name": "Pat Doe"},
        {"full_name": "Patricia Doe"},
        "full_name",
    ),
    (
        "roles",
        Role,
        lambda o: {"client": o["client"], "title": "SRE", "hiring_manager": o["contact"]},
        {"title": "Senior SRE"},
        "title",
    ),
    (
        "candidates",
        Candidate,
        lambda o: {"full_name": "Ada Lovelace", "email": "ada@mail.test"},
        {"full_name": "Ada King"},
        "full_name",
    ),
    (
        "submissions",
        Submission,
        lambda o: {"role": o["role"], "candidate": o["candidate"], "pitch": "Fits."},
        {"pitch": "Fits very well."},
        "pitch",
    ),
]


@pytest.mark.parametrize(
    ("resource", "model", "body", "changes", "field"), UPSERTS, ids=[row[0] for row in UPSERTS]
)
def test_upsert_creates_then_updates_the_same_object(
    api, organization, objects, resource, model, body, changes, field
):
    url = f"/api/v1/{resource}/by-external-id/greenhouse/ext-7/"
    created = api.put(url, body(objects), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["external_source"] == "greenhouse"
    assert created.json()["external_id"] == "ext-7"

    updated = api.put(url, {**body(objects), **changes}, format="json")
    assert updated.status_code == 200, updated.json()
    assert updated.json()["id"] == created.json()["id"]
    assert updated.json()[field] == changes[field]
    with organization_context(organization.id):
        (stored,) = model.objects.filter(external_source="greenhouse", external_id="ext-7")
    assert getattr(stored, field) == changes[field]
    listed = api.get(f"/api/v1/{resource}/?external_source=greenhouse&external_id=ext-7").json()
    assert [item["id"] for item in listed["results"]] == [created.json()["id"]]


def test_an_update_keeps_the_fields_left_out(api, organization, client_company, hm_contact):
    url = "/api/v1/roles/by-external-id/lever/r-1/"
    body = {"client": str(client_company.public_id), "title": "SRE"}
    api.put(
        url, {**body, "hiring_manager": str(hm_contact.public_id), "openings": 3}, format="json"
    )
    updated = api.put(url, {**body, "priority": "high"}, format="json").json()
    assert updated["hiring_manager"] == str(hm_contact.public_id)
    assert updated["openings"] == 3
    assert updated["priority"] == "high"


def test_an_invalid_upsert_is_a_400_and_stores_nothing(api, organization):
    response = api.put(
        "/api/v1/clients/by-external-id/lever/c-1/",
        {"name": "Initech", "timezone": "Nowhere/Special"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["timezone"]
    too_long = api.put(
        f"/api/v1/clients/by-external-id/lever/{'x' * 121}/",
        {"name": "Initech", "timezone": "UTC"},
        format="json",
    )
    assert too_long.status_code == 400
    assert list(too_long.json()["errors"]) == ["external_id"]
    with organization_context(organization.id):
        assert not Client.objects.filter(name="Initech").exists()


def test_an_external_id_may_contain_slashes(api, organization):
    response = api.put(
        "/api/v1/candidates/by-external-id/bullhorn/people/42/",
        {"full_name": "Ada Lovelace", "email": "ada@mail.test"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["external_id"] == "people/42"


def test_a_submission_upsert_keeps_its_role_stage_and_notes(api, organization, objects):
    url = "/api/v1/submissions/by-external-id/ats/app-1/"
    body = {"role": objects["role"], "candidate": objects["candidate"], "pitch": "Fits."}
    created = api.put(url, {**body, "culture_fit_notes": "Calm."}, format="json").json()

    def activities() -> int:
        with organization_context(organization.id):
            return Activity.objects.filter(submission__public_id=created["id"]).count()

    before = activities()
    again = api.put(url, {**body, "culture_fit_notes": "Calm."}, format="json")
    assert again.status_code == 200
    assert again.json() == created
    assert activities() == before  # pushing the same record again changes nothing

    other_role = str(RoleFactory(organization=organization).public_id)
    moved = api.put(url, {**body, "role": other_role}, format="json")
    assert moved.status_code == 400
    assert moved.json()["errors"] == {"role": ["A submission stays with its role."]}
    rewritten = api.put(url, {**body, "culture_fit_notes": "Loud."}, format="json")
    assert rewritten.status_code == 400
    assert list(rewritten.json()["errors"]) == ["culture_fit_notes"]
    with organization_context(organization.id):
        submission = Submission.objects.get(public_id=created["id"])
    assert (submission.culture_fit_notes, submission.stage) == ("Calm.", created["stage"])


def test_references_are_per_organization(api, api_for, outsider, organization):
    url = "/api/v1/clients/by-external-id/lever/c-1/"
    assert api.put(url, {"name": "Initech", "timezone": "UTC"}, format="json").status_code == 201
    theirs = api_for(outsider).put(url, {"name": "Globex", "timezone": "UTC"}, format="json")
    assert theirs.status_code == 201
    assert (
        theirs.json()["id"]
        != api.get("/api/v1/clients/?external_id=c-1").json()["results"][0]["id"]
    )
    with organization_context(organization.id):
        assert list(Client.objects.values_list("name", flat=True)) == ["Initech"]


# --- Concurrency ------------------------------------------------------------------------


def _run_at_once(requests: list) -> tuple[list[threading.Thread], list, list[BaseException]]:
    """Start each request in its own thread (so its own database connection); the
    threads, and the lists their responses and errors will be in once joined."""
    responses: list = []
    errors: list[BaseException] = []

    def run(request) -> None:
        try:
            responses.append(request())
        except BaseException as error:  # reported by the caller's assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    return threads, responses, errors


def _raw_connection():
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
        password=settings["PASSWORD"],
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_upserts_of_one_reference_create_once_and_update_after(recruiter):
    """Three upserts of a new reference arrive together: all wait on the reference's
    lock (held here, so they are provably concurrent), then run one after the other:
    one creates, two update what it created; none fails on the unique constraint."""
    key = issue_key(recruiter)
    url = "/api/v1/candidates/by-external-id/lever/p-1/"
    names = ["Ada Lovelace", "Ada King", "Augusta Ada"]
    holder = _raw_connection()
    holder.cursor().execute(
        LOCK_SQL,
        [
            external_reference_lock_key(
                Candidate,
                organization_id=recruiter.organization_id,
                external_source="lever",
                external_id="p-1",
            )
        ],
    )
    threads, responses, errors = _run_at_once(
        [
            lambda name=name: key_client(key).put(
                url, {"full_name": name, "email": "ada@mail.test"}, format="json"
            )
            for name in names
        ]
    )
    try:
        watcher = holder.cursor()

        def all_wait_on_the_lock() -> bool:
            # Activity is read once per transaction unless the snapshot is dropped.
            watcher.execute("SELECT pg_stat_clear_snapshot()")
            watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
            )
            return watcher.fetchone()[0] == len(names)

        wait_until(all_wait_on_the_lock, "every upsert to wait on the reference's lock")
        holder.commit()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        holder.close()

    assert errors == []
    assert sorted(response.status_code for response in responses) == [200, 200, 201]
    assert len({response.json()["id"] for response in responses}) == 1
    with organization_context(recruiter.organization_id):
        (candidate,) = Candidate.objects.filter(external_id="p-1")
    assert candidate.full_name in names


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_with_one_reference_store_one_and_refuse_the_rest(recruiter):
    """POSTs take no lock: whichever way they interleave, the others are refused as a
    field error (the check, or the unique constraint behind it), never a 500."""
    key = issue_key(recruiter)
    start = threading.Barrier(4)

    def create(name: str):
        start.wait()
        return key_client(key).post(
            "/api/v1/clients/",
            {"name": name, "timezone": "UTC", "external_source": "lever", "external_id": "c-1"},
            format="json",
        )

    threads, responses, errors = _run_at_once(
        [lambda name=f"Client {n}": create(name) for n in range(4)]
    )
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(response.status_code for response in responses) == [201, 400, 400, 400]
    for refused in (response for response in responses if response.status_code == 400):
        assert list(refused.json()["errors"]) == ["external_id"]
    with organization_context(recruiter.organization_id):
        assert Client.objects.filter(external_id="c-1").count() == 1


def test_an_unknown_reference_in_another_organization_is_not_found_here(
    api, organization, other_organization
):
    ClientFactory(organization=other_organization, external_source="lever", external_id="c-9")
    SubmissionFactory(organization=other_organization, external_source="lever", external_id="s-9")
    assert api.get("/api/v1/clients/?external_id=c-9").json()["results"] == []
    assert api.get("/api/v1/submissions/?external_id=s-9").json()["results"] == []
