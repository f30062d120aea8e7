"""The selectors: what each member may see, and a number of queries that does not grow
with the data."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lib.tenancy import organization_context
from metrics import selectors
from metrics.selectors import MetricsFilter, Window
from metrics.tests.history import History, at
from recruiting.models import Client, ContactKind, Stage
from tests.factories import ClientFactory, ContactFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday: "today" is in the windows
WINDOW = Window(date(2026, 11, 2), date(2026, 11, 21))


def _other_client(organization, recruiter):
    """A second client of the agency, with its own hiring manager and HR."""
    client = ClientFactory(organization=organization, name="Globex")
    return {
        "client": client,
        "hiring_manager": MembershipFactory(
            organization=organization, role="hiring_manager", client=client
        ),
        "hr": MembershipFactory(organization=organization, role="hr", client=client),
        "hm_contact": ContactFactory(
            organization=organization, client=client, kind=ContactKind.HIRING_MANAGER
        ),
        "hr_contact": ContactFactory(organization=organization, client=client, kind=ContactKind.HR),
    }


def _busy(history: History, submissions: int) -> None:
    """Submissions answered on time, late and never; a hire, a loss and a check-in."""
    made = [history.submit(MONDAY_10 + timedelta(minutes=n)) for n in range(submissions)]
    for n, submission in enumerate(made):
        if n % 3 == 0:
            history.review(submission, datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
        elif n % 3 == 1:
            history.review(submission, datetime(2026, 11, 4, 12, 0, tzinfo=UTC))
    if submissions > 3:
        history.move(made[0], datetime(2026, 11, 5, 10, 0, tzinfo=UTC), Stage.LOST)
        history.move(made[2], datetime(2026, 11, 6, 10, 0, tzinfo=UTC), Stage.WITHDRAWN)
    history.check_in(datetime(2026, 11, 10, 10, 0, tzinfo=UTC))


def _every_selector(member):
    """Each selector once, as `member`, at NOW."""
    with at(NOW), organization_context(member.organization_id):
        return {
            "summary": selectors.metrics_summary(membership=member, window=WINDOW),
            "clients": selectors.metrics_client_scorecards(membership=member, window=WINDOW),
            "contacts": selectors.metrics_contact_scorecards(membership=member, window=WINDOW),
            "roles": selectors.metrics_roles(membership=member, window=WINDOW),
            "trends": selectors.metrics_trends(membership=member),
            "cost_of_delay": selectors.metrics_cost_of_delay(membership=member, window=WINDOW),
        }


# Queries, each whatever the data: one statement reads every rollup table, today's
# overdue clocks and the targets (selectors._read_all); the scorecards and roles add
# their page and its count, the cost-of-delay list its page.
QUERIES = {
    "summary": 1,
    "clients": 3,
    "clients_by_compliance": 4,  # compliance of every client first, then the page's figures
    "contacts": 3,
    "roles": 3,
    "trends": 1,
    "cost_of_delay": 2,
}


@pytest.mark.parametrize("name", list(QUERIES))
@pytest.mark.parametrize("submissions", [2, 12])
def test_each_selector_makes_a_fixed_number_of_queries(
    name, submissions, history, recruiter, django_assert_max_num_queries
):
    _busy(history, submissions)
    call = {
        "summary": lambda: selectors.metrics_summary(membership=recruiter, window=WINDOW),
        "clients": lambda: selectors.metrics_client_scorecards(membership=recruiter, window=WINDOW),
        "clients_by_compliance": lambda: selectors.metrics_client_scorecards(
            membership=recruiter, window=WINDOW, sort="compliance"
        ),
        "contacts": lambda: selectors.metrics_contact_scorecards(
            membership=recruiter, window=WINDOW
        ),
        "roles": lambda: selectors.metrics_roles(membership=recruiter, window=WINDOW),
        "trends": lambda: selectors.metrics_trends(membership=recruiter),
        "cost_of_delay": lambda: selectors.metrics_cost_of_delay(
            membership=recruiter, window=WINDOW
        ),
    }[name]
    with (
        at(NOW),
        organization_context(recruiter.organization_id),
        django_assert_max_num_queries(QUERIES[name]),
    ):
        call()


def test_a_hiring_manager_sees_only_their_clients_figures(
    history, organization, recruiter, hiring_manager
):
    _busy(history, 6)
    other = History(
        organization=organization,
        recruiter=recruiter,
        agreed_at=MONDAY_10,
        **_other_client(organization, recruiter),
    )
    _busy(other, 9)

    agency, client = _every_selector(recruiter), _every_selector(hiring_manager)
    assert agency["summary"].current.funnel.submitted == 15
    assert client["summary"].current.funnel.submitted == 6
    assert [card.name for card in client["clients"].items] == ["Acme Robotics"]
    assert {card.client_id for card in client["contacts"].items} == {history.role.client.public_id}
    assert [role.role_id for role in client["roles"].items] == [history.role.public_id]
    assert sum(week.kpis.funnel.submitted for week in client["trends"].weeks) == 6
    assert {item.client_id for item in client["cost_of_delay"].items} == {
        history.role.client.public_id
    }
    assert client["cost_of_delay"].count < agency["cost_of_delay"].count


def test_another_organization_sees_nothing(history, outsider):
    _busy(history, 6)
    theirs = _every_selector(outsider)
    assert theirs["summary"].current.funnel.submitted == 0
    assert theirs["summary"].current.sla.counted == 0
    assert theirs["clients"].items == []
    assert theirs["contacts"].items == []
    assert theirs["roles"].items == []
    assert not any(week.kpis.funnel.submitted for week in theirs["trends"].weeks)
    assert (theirs["cost_of_delay"].count, theirs["cost_of_delay"].items) == (0, [])


def test_a_filter_for_another_clients_role_is_refused_to_a_hiring_manager(
    history, organization, recruiter, hiring_manager
):
    other = History(
        organization=organization,
        recruiter=recruiter,
        agreed_at=MONDAY_10,
        **_other_client(organization, recruiter),
    )
    with organization_context(organization.id), pytest.raises(ValidationError):
        selectors.metrics_filter(membership=hiring_manager, role=other.role.public_id)
    with organization_context(organization.id):
        assert selectors.metrics_filter(
            membership=recruiter, role=other.role.public_id
        ) == MetricsFilter(role_id=other.role.pk)


def test_the_cost_of_delay_list_pages_by_cursor(history, recruiter):
    made = [history.submit(MONDAY_10 + timedelta(minutes=n)) for n in range(5)]
    for n, submission in enumerate(made):
        history.move(submission, datetime(2026, 11, 5, 10, n, tzinfo=UTC), Stage.LOST)
    seen = []
    cursor = None
    with at(NOW), organization_context(recruiter.organization_id):
        while True:
            page = selectors.metrics_cost_of_delay(
                membership=recruiter, window=WINDOW, cursor=cursor, page_size=2
            )
            seen += [item.submission_id for item in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
    assert seen == [submission.public_id for submission in reversed(made)]
    assert page.count == 5
    assert page.share_pct == 100.0


def test_the_summary_compares_with_the_window_before(history, recruiter):
    history.submit(datetime(2026, 11, 3, 10, 0, tzinfo=UTC))
    history.submit(datetime(2026, 11, 10, 10, 0, tzinfo=UTC))
    history.submit(datetime(2026, 11, 11, 10, 0, tzinfo=UTC))
    with at(NOW), organization_context(recruiter.organization_id):
        summary = selectors.metrics_summary(
            membership=recruiter, window=Window(date(2026, 11, 9), date(2026, 11, 16))
        )
    assert summary.previous_window == Window(date(2026, 11, 2), date(2026, 11, 9))
    assert (summary.current.funnel.submitted, summary.previous.funnel.submitted) == (2, 1)


def test_organization_wide_figures_from_the_totals_equal_the_detailed_rows(history, recruiter):
    """Unfiltered, the summary, trends and cost of delay read the organization × day
    totals; filtered by the organization's only client, the detailed rollups. Both
    must say the same, to the last figure."""
    _busy(history, 12)
    only_client = MetricsFilter(client_id=history.role.client_id)
    with at(NOW), organization_context(recruiter.organization_id):
        for read in (
            lambda filters: selectors.metrics_summary(
                membership=recruiter, window=WINDOW, filters=filters
            ),
            lambda filters: selectors.metrics_trends(membership=recruiter, filters=filters),
            lambda filters: selectors.metrics_cost_of_delay(
                membership=recruiter, window=WINDOW, filters=filters
            ),
        ):
            with CaptureQueriesContext(connection) as unfiltered:
                organization_wide = read(MetricsFilter())
            assert any("metrics_submissiontotals" in q["sql"] for q in unfiltered.captured_queries)
            assert organization_wide == read(only_client)


# Each column's figure as the scorecard shows it: the order must be theirs.
SHOWN = {
    "client": lambda card: card.name.casefold(),
    "compliance": lambda card: card.client_side.sla.compliance_pct,
    "feedback": lambda card: card.client_side.time_to_feedback.business_hours.median,
    "overdue": lambda card: card.client_side.overdue_now,
    "responsiveness": lambda card: card.client_side.responsiveness.score,
    "delivered": lambda card: card.agency_side.delivery.delivered_pct,
    "check_ins": lambda card: card.agency_side.check_ins.on_cadence_pct,
}


def test_every_sortable_column_has_its_shown_figure():
    assert set(SHOWN) == set(selectors.SCORECARD_SORTS)


@pytest.mark.parametrize("sort", list(selectors.SCORECARD_SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_the_scorecards_sorted_by_a_figure_are_in_the_order_of_their_full_figures(
    sort, descending, history, organization, recruiter
):
    """The page is picked from only the reads its figure needs: the order must be the
    one the complete scorecards give, clients without the figure last either way."""
    _busy(history, 6)
    with organization_context(organization.id):
        globex = _other_client(organization, recruiter)
        ClientFactory(organization=organization, name="Quiet Ltd")
    late = History(
        organization=organization,
        recruiter=recruiter,
        agreed_at=MONDAY_10 - timedelta(hours=2),
        submissions_per_week=1,
        **globex,
    )
    for n in range(2):  # never answered: overdue, none on time
        late.submit(MONDAY_10 + timedelta(hours=n))
    with at(NOW), organization_context(organization.id):
        by_name = selectors.metrics_client_scorecards(membership=recruiter, window=WINDOW)
        page = selectors.metrics_client_scorecards(
            membership=recruiter, window=WINDOW, sort=sort, descending=descending
        )
    figure = SHOWN[sort]
    with_figure = [card for card in by_name.items if figure(card) is not None]
    without = [card for card in by_name.items if figure(card) is None]
    expected = sorted(with_figure, key=figure, reverse=descending) + (
        without[::-1] if descending and sort == "client" else without
    )
    assert [card.name for card in page.items] == [card.name for card in expected]
    assert page.items == expected


@pytest.mark.parametrize(
    "window",
    [
        WINDOW,  # two whole weeks, then days of the week of NOW
        Window(date(2026, 11, 4), date(2026, 11, 19)),  # days, a whole week, days
        Window(date(2026, 11, 3), date(2026, 11, 8)),  # no whole week
        Window(date(2026, 11, 2), date(2026, 11, 30)),  # the week of NOW is not whole yet
    ],
)
def test_a_clients_scorecard_read_by_weeks_equals_its_figures_read_by_days(
    window, history, organization, recruiter
):
    """The client scorecards sum whole weeks from the client-week copies; the summary
    of one client reads the detailed days: both must say the same."""
    _busy(history, 9)
    with organization_context(organization.id):
        globex = _other_client(organization, recruiter)
    other = History(
        organization=organization,
        recruiter=recruiter,
        agreed_at=MONDAY_10 - timedelta(hours=2),
        hm_review_sla_hours=1,
        **globex,
    )
    for n in range(3):
        submission = other.submit(MONDAY_10 + timedelta(days=n))
        if n:
            other.review(submission, MONDAY_10 + timedelta(days=n + 2))
    # Due half an hour after NOW: open, in the week of NOW, not overdue yet.
    other.submit(NOW - timedelta(minutes=30))
    with at(NOW), organization_context(organization.id):
        cards = selectors.metrics_client_scorecards(membership=recruiter, window=window).items
        for card in cards:
            client_id = Client.objects.get(public_id=card.client_id).pk
            kpis = selectors.metrics_summary(
                membership=recruiter, window=window, filters=MetricsFilter(client_id=client_id)
            ).current
            assert card.client_side.sla == kpis.sla
            assert card.client_side.time_to_feedback == kpis.time_to_feedback
            assert card.client_side.responsiveness == kpis.responsiveness
            assert card.agency_side.delivery == kpis.delivery
            assert card.agency_side.check_ins == kpis.check_ins
            assert card.agency_side.time_to_submit == kpis.time_to_submit
    assert {card.name for card in cards} == {"Acme Robotics", "Globex"}
    assert any(card.client_side.sla.counted for card in cards)
