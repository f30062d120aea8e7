"""The metrics pages: what each member may see, their filters (a bad value is a 400 with
the form's errors, never a 500), the scorecards' order, the CSV exports and a fixed
number of queries per page whatever the data."""

import codecs
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from lib.tenancy import organization_context
from metrics import pages
from metrics.tests.history import at
from metrics.tests.test_selectors import MONDAY_10, _busy
from recruiting.models import Client
from tests.factories import ClientFactory, RoleFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 12, 12, 0, tzinfo=UTC)
# Session, user, membership, the organization switcher and the unread count of the
# navigation, the filter's clients (and the chosen client's roles), then the selectors
# (metrics/tests/test_selectors.py QUERIES).
BUDGET = {
    "metrics:dashboard": 8,
    "metrics:trends": 8,
    "metrics:scorecards": 10,  # sorted by a figure: that figure first, then the page
    "metrics:delays": 9,
}


def _get(client, name, query=None, *args):
    with at(NOW):
        return client.get(reverse(name, args=args), query or {})


@pytest.mark.parametrize("name", list(BUDGET))
@pytest.mark.parametrize("submissions", [2, 12])
def test_each_page_makes_a_fixed_number_of_queries(
    client_company, name, submissions, history, recruiter, client_for, django_assert_max_num_queries
):
    _busy(history, submissions)
    for n in range(submissions):
        ClientFactory(organization=recruiter.organization, name=f"Client {n:02}")
    browser = client_for(recruiter)
    with django_assert_max_num_queries(BUDGET[name]):
        response = _get(browser, name, {"client": str(client_company.public_id)})
    assert response.status_code == 200
    with django_assert_max_num_queries(BUDGET[name]):
        response = _get(browser, name, {"window": "52"})
    assert response.status_code == 200


@pytest.mark.parametrize("submissions", [2, 12])
def test_the_client_scorecard_makes_a_fixed_number_of_queries(
    client_company, submissions, history, recruiter, client_for, django_assert_max_num_queries
):
    _busy(history, submissions)
    browser = client_for(recruiter)
    with django_assert_max_num_queries(11):
        response = _get(browser, "metrics:client-scorecard", None, client_company.public_id)
    assert response.status_code == 200


def test_the_dashboard_shows_the_windows_figures_and_their_trends(history, recruiter, client_for):
    _busy(history, 6)
    browser = client_for(recruiter)
    response = _get(browser, "metrics:dashboard", {"window": "4"})
    assert response.status_code == 200
    for label in ("SLA compliance", "Time to first feedback", "Overdue now", "Losses to delay"):
        assert label in response.content.decode()
    response = _get(browser, "metrics:trends")
    page = response.content.decode()
    assert len(response.context["trend_rows"]) == 52
    assert 'id="trend-data"' in page  # the charts' data, read by static/js/charts.js
    assert "<script>" not in page  # no inline script: the CSP would refuse it


@pytest.mark.parametrize(
    "query",
    [
        {"window": "7"},
        {"window": "custom"},
        {"window": "custom", "from": "2026-11-09", "to": "2026-11-01"},
        {"window": "custom", "from": "2024-01-01", "to": "2026-11-01"},
        {"window": "custom", "from": "yesterday", "to": "2026-11-01"},
        {"client": "not-a-client"},
        {"client": "7d0e3c4e-4b8f-4a4c-9a55-1f2f8e1b2c3d"},
        {"role": "7d0e3c4e-4b8f-4a4c-9a55-1f2f8e1b2c3d"},
    ],
)
@pytest.mark.parametrize(
    "name", ["metrics:dashboard", "metrics:trends", "metrics:scorecards", "metrics:delays"]
)
def test_bad_filters_are_a_form_error(name, query, recruiter, client_for):
    response = _get(client_for(recruiter), name, query)
    assert response.status_code == 400
    assert response.context["read"].form.errors
    assert b"errorlist" in response.content


def test_the_trends_keep_the_window_hidden_for_the_other_tabs(recruiter, client_for):
    response = _get(client_for(recruiter), "metrics:trends", {"window": "12"})
    assert response.status_code == 200
    page = response.content.decode()
    form = response.context["read"].form
    # The trends are the last 52 weeks whatever the window: it is not a field to fill
    # in there, but it is handed on, to the form's next submission and the tabs' links.
    assert [field.name for field in form.visible_fields()] == ["client", "role"]
    assert '<input type="hidden" name="window" value="12"' in page
    assert "Window: UTC days" not in page
    assert f'href="{reverse("metrics:dashboard")}?window=12"' in page
    # A window that is wrong is still said, on the form, rather than dropped silently.
    bad = _get(client_for(recruiter), "metrics:trends", {"window": "7"})
    assert bad.status_code == 400
    assert "Window (from the other tabs)" in bad.content.decode()


def test_roles_can_be_chosen_before_a_client_without_javascript(
    client_company, history, recruiter, client_for
):
    other = RoleFactory(
        organization=recruiter.organization,
        client=ClientFactory(organization=recruiter.organization, name="Beta Foods"),
        title="Buyer",
    )
    browser = client_for(recruiter)
    page = _get(browser, "metrics:dashboard").content.decode()
    # Every role is listed, grouped by client: no script has to fill the select.
    assert '<optgroup label="Acme Robotics">' in page
    assert '<optgroup label="Beta Foods">' in page
    assert f'<option value="{other.public_id}">Buyer</option>' in page

    # A role chosen alone chooses its client, which the links and the form keep.
    response = _get(browser, "metrics:dashboard", {"role": str(other.public_id)})
    assert response.status_code == 200
    read = response.context["read"]
    assert (read.filters.client_id, read.filters.role_id) == (other.client_id, other.pk)
    assert f"client={other.client.public_id}" in read.query
    assert read.form["client"].value() == str(other.client.public_id)

    # The client changed and the role left as it was: the role is let go of, and said so.
    response = _get(
        browser,
        "metrics:dashboard",
        {"client": str(client_company.public_id), "role": str(other.public_id)},
    )
    assert response.status_code == 200
    read = response.context["read"]
    assert (read.filters.client_id, read.filters.role_id) == (client_company.pk, None)
    assert "The role filter was cleared" in response.content.decode()
    assert "role=" not in read.query


def test_too_many_roles_to_list_ask_for_a_client_first(
    client_company, history, recruiter, client_for, monkeypatch
):
    RoleFactory(organization=recruiter.organization, client=client_company, title="Buyer")
    monkeypatch.setattr(pages, "ROLE_CHOICES_MAX", 1)
    browser = client_for(recruiter)
    response = _get(browser, "metrics:dashboard")
    page = response.content.decode()
    assert "<optgroup" not in page
    assert "Choose a client and press Show to list its roles." in page
    # Once the client is chosen, its roles are there; a role alone still finds its client.
    chosen = _get(browser, "metrics:dashboard", {"client": str(client_company.public_id)})
    assert "Buyer" in chosen.content.decode()
    alone = _get(browser, "metrics:dashboard", {"role": str(history.role.public_id)})
    assert alone.status_code == 200
    assert alone.context["read"].filters.role_id == history.role.pk


def test_a_custom_window_counts_its_last_day(history, recruiter, client_for):
    response = _get(
        client_for(recruiter),
        "metrics:dashboard",
        {"window": "custom", "from": "2026-11-02", "to": "2026-11-08"},
    )
    assert response.status_code == 200
    window = response.context["window"]
    assert (window.start.isoformat(), window.end.isoformat()) == ("2026-11-02", "2026-11-09")


def test_the_scorecards_sort_worst_first_and_by_any_column(history, recruiter, client_for):
    _busy(history, 6)  # Acme answered some reviews late: its compliance is below 100
    ClientFactory(organization=recruiter.organization, name="Quiet Ltd")  # no figure
    browser = client_for(recruiter)
    names = lambda response: [card.name for card in response.context["page"].items]  # noqa: E731
    assert names(_get(browser, "metrics:scorecards")) == ["Acme Robotics", "Quiet Ltd"]
    by_name = _get(browser, "metrics:scorecards", {"sort": "client", "dir": "desc"})
    assert names(by_name) == ["Quiet Ltd", "Acme Robotics"]
    # Those without a figure stay last either way; an unknown column is the default.
    assert (
        names(_get(browser, "metrics:scorecards", {"sort": "compliance", "dir": "desc"}))[-1]
        == "Quiet Ltd"
    )
    assert _get(browser, "metrics:scorecards", {"sort": "nope"}).status_code == 200


def test_the_scorecards_are_paginated(recruiter, client_for):
    for n in range(30):
        ClientFactory(organization=recruiter.organization, name=f"Client {n:02}")
    browser = client_for(recruiter)
    first = _get(browser, "metrics:scorecards", {"sort": "client", "dir": "asc"})
    second = _get(browser, "metrics:scorecards", {"sort": "client", "dir": "asc", "page": "2"})
    assert first.context["page"].count == 30
    assert len(first.context["page"].items) == 25
    assert second.context["page"].items[0].name == "Client 25"
    assert _get(browser, "metrics:scorecards", {"page": "x"}).status_code == 200


def test_the_cost_of_delay_list_and_a_foreign_cursor(history, recruiter, client_for):
    _busy(history, 6)
    browser = client_for(recruiter)
    listed = _get(browser, "metrics:delays", {"window": "4"})
    assert listed.status_code == 200
    assert listed.context["losses"].items
    # Why and to whom, in words rather than the codes of the export.
    assert "(answer overdue)" in listed.content.decode()
    assert "late_answer" not in listed.content.decode()
    response = _get(browser, "metrics:delays", {"cursor": "2026-11-02|x"})
    assert response.status_code == 400
    assert b"no longer exists" in response.content


def test_a_percentage_changes_by_points():
    row = {"label": "SLA compliance", "value": 80.0, "previous": 100.0, "unit": "%"}
    html = render_to_string(
        "metrics/side.html",
        {"caption": "Figures", "rows": [{**row, "change": -20.0, "better": "up"}]},
    )
    assert "100.0%" in html
    assert "-20.0 pts (worse)" in html


@pytest.mark.parametrize(
    "name", ["metrics:dashboard", "metrics:trends", "metrics:scorecards", "metrics:delays"]
)
def test_client_users_do_not_get_the_agencys_dashboard(name, hiring_manager, hr, client_for):
    assert _get(client_for(hiring_manager), name).status_code == 403
    assert _get(client_for(hr), name).status_code == 403


def test_another_organization_sees_nothing_of_ours(client_company, history, outsider, client_for):
    _busy(history, 6)
    browser = client_for(outsider)
    page = _get(browser, "metrics:scorecards")
    assert page.status_code == 200
    assert b"Acme Robotics" not in page.content
    their = _get(browser, "metrics:client-scorecard", None, client_company.public_id)
    assert their.status_code == 404
    # Our client's id as a filter is not one of their choices.
    assert (
        _get(browser, "metrics:dashboard", {"client": str(client_company.public_id)}).status_code
        == 400
    )
    export = _get(browser, "metrics:scorecards-csv")
    assert b"Acme Robotics" not in b"".join(export.streaming_content)


def test_hiring_managers_and_hr_see_their_own_clients_scorecard_only(
    client_company, history, organization, hiring_manager, hr, client_for
):
    _busy(history, 6)
    other = ClientFactory(organization=organization, name="Other Co")
    for member in (hiring_manager, hr):
        browser = client_for(member)
        home = browser.get(reverse("home")).content.decode()
        own = reverse("metrics:client-scorecard", args=[client_company.public_id])
        assert own in home
        response = _get(browser, "metrics:client-scorecard", None, client_company.public_id)
        assert response.status_code == 200
        assert b"Hiring managers and HR" in response.content
        assert _get(browser, "metrics:client-scorecard", None, other.public_id).status_code == 404


def test_the_agency_reaches_the_dashboard_first_and_the_scorecard_from_the_client(
    client_company, history, recruiter, client_for
):
    browser = client_for(recruiter)
    home = browser.get(reverse("home")).content.decode()
    assert home.index(reverse("metrics:dashboard")) < home.index(reverse("recruiting:client-list"))
    client_page = browser.get(reverse("recruiting:client-detail", args=[client_company.public_id]))
    assert reverse("metrics:client-scorecard", args=[client_company.public_id]) in (
        client_page.content.decode()
    )


def _csv(response) -> list[list[str]]:
    """The rows as a spreadsheet reads them: UTF-8 announced by its byte order mark (which
    Excel needs), the dialect sniffed, a header row first and every row as wide."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    sample = text[:4096]
    dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")  # a spreadsheet's choices
    assert dialect.delimiter == ","
    assert csv.Sniffer().has_header(sample)
    rows = list(csv.reader(io.StringIO(text), dialect))
    assert len({len(row) for row in rows}) == 1
    return rows


def test_the_exports_stream_the_pages_rows_safe_from_formulas(
    client_company, history, recruiter, client_for
):
    _busy(history, 6)
    with organization_context(recruiter.organization_id):
        Client.objects.filter(pk=client_company.pk).update(name='=HYPERLINK("http://evil")')
    browser = client_for(recruiter)
    rows = _csv(_get(browser, "metrics:scorecards-csv", {"window": "4"}))
    assert rows[0][0] == "client"
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    losses = _csv(_get(browser, "metrics:delays-csv", {"window": "4"}))
    assert losses[0][:2] == ["lost_at", "candidate"]
    assert (
        len(losses) == 1 + _get(browser, "metrics:delays", {"window": "4"}).context["losses"].count
    )
    assert _get(browser, "metrics:delays-csv", {"window": "custom"}).status_code == 400


def test_the_exports_keep_accented_names(client_company, history, recruiter, client_for):
    _busy(history, 3)
    with organization_context(recruiter.organization_id):
        Client.objects.filter(pk=client_company.pk).update(name="Zoë & Søren Café")
    rows = _csv(_get(client_for(recruiter), "metrics:scorecards-csv", {"window": "4"}))
    assert rows[1][0] == "Zoë & Søren Café"


def test_the_exports_keep_the_filters_and_are_the_agencys(
    client_company, history, recruiter, hiring_manager, client_for
):
    ClientFactory(organization=recruiter.organization, name="Other Co")
    rows = _csv(
        _get(
            client_for(recruiter),
            "metrics:scorecards-csv",
            {"client": str(client_company.public_id)},
        )
    )
    assert [row[0] for row in rows[1:]] == ["Acme Robotics"]
    assert _get(client_for(hiring_manager), "metrics:scorecards-csv").status_code == 403


def test_a_window_in_the_past_reads_its_own_days(history, recruiter, client_for):
    _busy(history, 3)
    start = MONDAY_10.date()
    response = _get(
        client_for(recruiter),
        "metrics:dashboard",
        {
            "window": "custom",
            "from": start.isoformat(),
            "to": (start + timedelta(days=6)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["summary"].current.funnel.submitted == 3


@pytest.mark.parametrize("submissions", [2, 12])
def test_a_roles_metrics_make_a_fixed_number_of_queries(
    submissions, history, recruiter, client_for, django_assert_max_num_queries
):
    _busy(history, submissions)
    browser = client_for(recruiter)
    with django_assert_max_num_queries(9):
        response = _get(browser, "metrics:role-metrics", {"window": "4"}, history.role.public_id)
    assert response.status_code == 200
    assert response.context["metrics"].funnel.submitted == submissions
    assert b"Time in each stage" in response.content


def test_a_roles_metrics_are_linked_and_scoped(
    history, organization, recruiter, hiring_manager, outsider, client_for
):
    url = reverse("metrics:role-metrics", args=[history.role.public_id])
    page = client_for(recruiter).get(
        reverse("recruiting:role-detail", args=[history.role.public_id])
    )
    assert url in page.content.decode()
    assert (
        _get(
            client_for(hiring_manager), "metrics:role-metrics", None, history.role.public_id
        ).status_code
        == 200
    )
    assert (
        _get(client_for(outsider), "metrics:role-metrics", None, history.role.public_id).status_code
        == 404
    )
    bad = _get(
        client_for(recruiter), "metrics:role-metrics", {"window": "x"}, history.role.public_id
    )
    assert bad.status_code == 400
