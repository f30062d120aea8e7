"""Property: the client scorecards sorted by any column, a page of them, are the page
of every client's full figures in that order.

The page is picked from each client's sums over the client-week and client-day copies
of the rollups, reading only what the column needs; the full figures are each client's
own summary, read from the detailed rows day by day. Hypothesis draws rollup rows for a
few clients (some with the same name) on days around now, their targets, a window, a
column, a direction and a page; the rows are written by the rebuild's path, which fills
every copy from the same sums. Another organization's clients and rows are there too,
and never show.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.tenancy import organization_context
from metrics import selectors
from metrics.facts import FULL_CREDIT
from metrics.models import (
    ROLLUPS,
    ClockRollup,
    DurationRollup,
    FeedbackRollup,
    Measure,
    RoleRollup,
    SubmissionRollup,
    TargetPeriod,
)
from metrics.rollups import Delta, merged, rollup_replace
from metrics.selectors import MetricsFilter, Window
from metrics.tests.history import at
from tests.factories import (
    ClientFactory,
    MembershipFactory,
    OrganizationFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday
TODAY = NOW.date()
NAMES = ["Acme", "Acme", "Globex", "Initech", "Umbrella", "Stark"]

# Each client's figures as its own summary says them, by column.
FULL = {
    "client": None,  # by name
    "compliance": lambda kpis: kpis.sla.compliance_pct,
    "feedback": lambda kpis: kpis.time_to_feedback.business_hours.median,
    "overdue": lambda kpis: kpis.sla.overdue_now,
    "responsiveness": lambda kpis: kpis.responsiveness.score,
    "delivered": lambda kpis: kpis.delivery.delivered_pct,
    "check_ins": lambda kpis: kpis.check_ins.on_cadence_pct,
}

counts = st.integers(min_value=0, max_value=4)
fact = st.tuples(
    st.integers(min_value=0, max_value=len(NAMES) - 1),  # which client
    st.integers(min_value=-24, max_value=4),  # day, from today
    st.sampled_from(["clock", "feedback", "submission", "checkin"]),
    counts,
    counts,
    counts,
    st.integers(min_value=0, max_value=20),  # a histogram bucket
)
window = st.tuples(
    st.integers(min_value=-26, max_value=0),  # start, from today
    st.integers(min_value=1, max_value=30),  # days
)


def _deltas(fact_, client, role) -> list[Delta]:
    _, offset, kind, a, b, c, bucket = fact_
    day = TODAY + timedelta(days=offset)
    if kind == "clock":
        key = (client.pk, role.pk, None, "hiring_manager", day)
        counters = {"open": a, "on_time": b, "late": c, "late_credit": c * FULL_CREDIT // 3}
        return [Delta(ClockRollup, key, counters)]
    if kind == "feedback":
        answered = a + 1
        return [
            Delta(
                FeedbackRollup,
                (client.pk, role.pk, None, day),
                {"answered": answered, "business_seconds": 3600 * bucket * answered},
            ),
            Delta(
                DurationRollup,
                (client.pk, role.pk, None, day, Measure.FEEDBACK_BUSINESS, bucket),
                {"n": answered},
            ),
        ]
    if kind == "submission":
        return [Delta(SubmissionRollup, (client.pk, role.pk, day), {"submitted": a})]
    return [Delta(RoleRollup, (client.pk, role.pk, day), {"checkins": a})]


def _agency(facts, targets):
    """An organization with a client per name (and a role each), its rollups made of
    `facts` and a target for the clients `targets` says."""
    organization = OrganizationFactory()
    with organization_context(organization.id):
        clients = [ClientFactory(organization=organization, name=name) for name in NAMES]
        roles = [RoleFactory(organization=organization, client=client) for client in clients]
        deltas = [
            delta for fact_ in facts for delta in _deltas(fact_, clients[fact_[0]], roles[fact_[0]])
        ]
        sums = merged(deltas)
        for model in ROLLUPS:
            rollup_replace(organization_id=organization.id, model=model, sums=sums)
        TargetPeriod.objects.bulk_create(
            TargetPeriod(
                organization=organization,
                client=clients[index],
                role=roles[index],
                starts_on=date(2026, 10, 5) + timedelta(weeks=weeks),
                submissions_per_week=per_week,
                checkin_cadence="weekly",
            )
            for index, weeks, per_week in targets
        )
    return organization, clients


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    facts=st.lists(fact, max_size=40),
    others=st.lists(fact, max_size=10),
    targets=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(NAMES) - 1),
            st.integers(min_value=0, max_value=8),
            st.integers(min_value=1, max_value=3),
        ),
        max_size=4,
        unique_by=lambda target: target[0],
    ),
    window_=window,
    sort=st.sampled_from(list(selectors.SCORECARD_SORTS)),
    descending=st.booleans(),
    page=st.integers(min_value=1, max_value=3),
    page_size=st.integers(min_value=1, max_value=4),
)
def test_a_sorted_page_of_scorecards_is_that_page_of_every_clients_full_figures(
    db, facts, others, targets, window_, sort, descending, page, page_size
):
    organization, clients = _agency(facts, targets)
    _agency(others, [])  # another organization's clients, of the same names
    recruiter = MembershipFactory(organization=organization, role="recruiter")
    start, days = window_
    window = Window(TODAY + timedelta(days=start), TODAY + timedelta(days=start + days))
    with at(NOW), organization_context(organization.id):
        found = selectors.metrics_client_scorecards(
            membership=recruiter,
            window=window,
            sort=sort,
            descending=descending,
            page=page,
            page_size=page_size,
        )
        full = {
            client.pk: selectors.metrics_summary(
                membership=recruiter, window=window, filters=MetricsFilter(client_id=client.pk)
            ).current
            for client in clients
        }

    by_name = sorted(clients, key=lambda client: (client.name, client.pk))
    if sort == "client":
        expected = by_name[::-1] if descending else by_name
    else:
        figure = FULL[sort]
        with_figure = [client for client in by_name if figure(full[client.pk]) is not None]
        without = [client for client in by_name if figure(full[client.pk]) is None]
        expected = (
            sorted(with_figure, key=lambda client: figure(full[client.pk]), reverse=descending)
            + without
        )
    expected = expected[(page - 1) * page_size : page * page_size]
    assert found.count == len(clients)
    assert [card.client_id for card in found.items] == [client.public_id for client in expected]
    for card, client in zip(found.items, expected, strict=True):
        kpis = full[client.pk]
        assert card.client_side.sla == kpis.sla
        assert card.client_side.time_to_feedback == kpis.time_to_feedback
        assert card.client_side.responsiveness == kpis.responsiveness
        assert card.agency_side.delivery == kpis.delivery
        assert card.agency_side.check_ins == kpis.check_ins
        assert card.agency_side.time_to_submit == kpis.time_to_submit
