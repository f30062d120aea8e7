"""Settings → Security log: owners' and admins' page and its CSV download."""

import csv
import io

import pytest
import time_machine

from accounts.audit import record_security_event
from accounts.models import SecurityEventKind

K = SecurityEventKind
PAGE = "/settings/security-log/"
CSV = "/settings/security-log/export.csv"

pytestmark = pytest.mark.django_db


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_read_their_organizations_log_only(
    request, role, client_for, organization, other_organization, recruiter
):
    member = request.getfixturevalue(role)
    record_security_event(organization, K.API_KEY_CREATED, actor=recruiter, target="Ours (abc…)")
    record_security_event(other_organization, K.API_KEY_CREATED, target="Theirs (def…)")

    response = client_for(member).get(PAGE)

    assert response.status_code == 200
    assert b"Ours (abc" in response.content
    assert b"Theirs" not in response.content
    rows = _csv_rows(client_for(member).get(CSV))
    assert [row["target"] for row in rows] == ["Ours (abc…)"]
    assert rows[0]["actor"] == recruiter.user.email


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "hr"])
def test_other_members_are_refused_the_page_and_the_download(request, role, client_for):
    member = request.getfixturevalue(role)
    client = client_for(member)
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


def test_the_filters_choose_the_rows_of_the_page_and_of_the_download(
    client_for, owner, recruiter, organization
):
    with time_machine.travel("2026-11-02 10:00Z", tick=False):
        record_security_event(organization, K.SIGNED_IN, actor=recruiter, target="old")
    with time_machine.travel("2026-11-20 10:00Z", tick=False):
        record_security_event(organization, K.SIGNED_IN, actor=recruiter, target="recent")
        record_security_event(organization, K.SIGNED_IN, actor=owner, target="owner's")
        record_security_event(organization, K.INVITATION_SENT, actor=recruiter, target="invite")
    query = {
        "kind": K.SIGNED_IN,
        "actor": recruiter.user.email.upper(),
        "since": "2026-11-10",
        "until": "2026-11-30",
    }
    client = client_for(owner)

    page = client.get(PAGE, query)
    rows = _csv_rows(client.get(CSV, query))

    assert page.status_code == 200
    assert [event.target for event in page.context["events"]] == ["recent"]
    assert [row["target"] for row in rows] == ["recent"]
    assert "kind=auth.signed_in" in page.context["export_query"]


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "nope"},
        {"since": "yesterday"},
        {"since": "2026-11-10", "until": "2026-11-01"},
        {"until": "9999-12-31"},
        {"actor": "not an email"},
    ],
)
def test_bad_filters_are_a_400_with_the_fields_errors(client_for, owner, query):
    client = client_for(owner)
    response = client.get(PAGE, query)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert client.get(CSV, query).status_code == 400


def test_pages_cost_the_same_number_of_queries_whatever_the_log_length(
    client_for, owner, organization, django_assert_max_num_queries
):
    for n in range(120):
        record_security_event(organization, K.SIGNED_IN, actor=owner, target=f"event {n}")
    client = client_for(owner)
    client.get(PAGE)  # the session and the member's first reads, outside the count

    with django_assert_max_num_queries(8):
        first = client.get(PAGE)
    with django_assert_max_num_queries(8):
        second = client.get(PAGE + first.context["nav"].next_url)

    shown = [event.target for event in first.context["events"] + second.context["events"]]
    assert shown == [f"event {n}" for n in range(119, 19, -1)]


def test_the_download_streams_every_row_in_chunks_and_quotes_formulas(
    client_for, owner, organization, monkeypatch
):
    from accounts import views

    monkeypatch.setattr(views, "SECURITY_LOG_EXPORT_CHUNK", 7)
    for n in range(20):
        record_security_event(organization, K.WEBHOOK_CHANGED, target=f"=HYPERLINK({n})")

    rows = _csv_rows(client_for(owner).get(CSV))

    assert len(rows) == 20
    assert rows[0]["target"] == "'=HYPERLINK(19)"
    assert [int(row["sequence"]) for row in rows] == list(range(20, 0, -1))


def test_the_settings_tabs_link_to_the_security_log(client_for, owner):
    response = client_for(owner).get("/settings/organization/")
    assert b'href="/settings/security-log/"' in response.content


def test_an_event_is_shown_by_its_kinds_name_and_its_key(client_for, owner, organization):
    record_security_event(organization, K.API_KEY_REFUSED, api_key_prefix="3f9a01")
    response = client_for(owner).get(PAGE)
    assert b"API key refused (revoked, expired or not allowed from there)" in response.content
    assert "API key 3f9a01…" in response.content.decode()
