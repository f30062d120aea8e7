"""The pages that show the metrics: the agency's dashboard (headline figures and weekly
trends, the client scorecards, the losses at a cost of delay), a client's scorecard, and
the CSV exports of the two lists. Every figure comes from `metrics.selectors`; each page
makes a fixed number of queries whatever the data (metrics/tests/test_pages.py).

Filters come from the query string through `DashboardFilterForm`: a bad value renders
the page with the form's errors and the default window, with status 400.
"""

from dataclasses import dataclass
from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import require_membership
from accounts.models import Membership
from lib.csv_export import streaming_csv_response
from lib.pagination import PageNav, numbered_nav, page_url
from metrics import selectors
from metrics.forms import DEFAULT_WEEKS, DashboardFilterForm, last_day, preset_window
from metrics.selectors import MAX_PAGE_SIZE, MetricsFilter, Window
from metrics.services import reports
from recruiting.access import get_client, get_role
from recruiting.models import Client, Role

SCORECARD_PAGE_SIZE = 25
DELAY_PAGE_SIZE = 25
CONTACT_PAGE_SIZE = 25


# --- Filters -----------------------------------------------------------------------


@dataclass
class Filters:
    form: DashboardFilterForm
    window: Window
    filters: MetricsFilter
    status: int
    query: str  # the valid filters as a query string, for links that keep them
    notice: str = ""  # a filter the page let go of, said on the form
    show_window: bool = True


# Before a client is chosen the role select lists every role, grouped by client, up to
# this many (a page stays small whatever the size of the agency); beyond, a client first.
ROLE_CHOICES_MAX = 100


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _read_filters(
    request: HttpRequest, membership: Membership, *, client=None, role=None, show_window=True
) -> Filters:
    """The window and the filters of the query string. Two queries (three for a role
    chosen without its client): the clients the member may see (none when the page is
    one client's) and the roles of the chosen client, or before a client is chosen every
    role, grouped by client, up to ROLE_CHOICES_MAX. The choices are the rows visible to
    the member, so an id from another organization or another client is simply not a
    valid choice. A role chosen alone chooses its client; a role left over from another
    client (the client was changed, the role not) is let go of, and the form says so."""
    data = request.GET.copy()
    if client is not None:
        clients = [(client.pk, client.public_id, client.name)]
    else:
        visible = Client.objects.order_by("name", "id")
        if membership.is_client_user:
            visible = visible.filter(pk=membership.client_id or 0)
        clients = list(visible.values_list("pk", "public_id", "name"))
    by_public_id = {str(public_id): pk for pk, public_id, _ in clients}
    chosen = client.pk if client is not None else by_public_id.get(data.get("client", ""))
    if chosen is None and membership.is_client_user and clients:
        chosen = clients[0][0]
    wanted = data.get("role", "") if role is None else ""
    if chosen is None and not data.get("client") and wanted and _uuid(wanted):
        # A role picked from the grouped list: its client is the client.
        owner = Role.objects.filter(public_id=wanted).values_list("client_id", flat=True).first()
        public_ids = {pk: str(public_id) for pk, public_id, _ in clients}
        if owner in public_ids:
            chosen = owner
            data["client"] = public_ids[owner]
    roles: list = []  # (public id, title), or (client name, its roles) grouped
    role_pks: dict[str, int] = {}
    roles_need_client = False
    notice = ""
    if role is not None:
        roles = [(role.public_id, role.title)]
        role_pks[str(role.public_id)] = role.pk
    elif chosen is not None:
        for pk, public_id, title in (
            Role.objects.filter(client_id=chosen)
            .order_by("title", "id")
            .values_list("pk", "public_id", "title")
        ):
            roles.append((public_id, title))
            role_pks[str(public_id)] = pk
        if wanted and wanted not in role_pks:
            del data["role"]
            notice = "The role filter was cleared: it is not one of this client's roles."
    else:
        rows = list(
            Role.objects.order_by("title", "id").values_list(
                "pk", "client_id", "public_id", "title"
            )[: ROLE_CHOICES_MAX + 1]
        )
        if len(rows) > ROLE_CHOICES_MAX:
            roles_need_client = True
        else:
            groups: dict[int, list] = {}
            for pk, client_id, public_id, title in rows:
                groups.setdefault(client_id, []).append((public_id, title))
                role_pks[str(public_id)] = pk
            roles = [(name, groups[pk]) for pk, _, name in clients if pk in groups]
    form = DashboardFilterForm(
        data,
        clients=[(public_id, name) for _, public_id, name in clients],
        roles=roles,
        show_client=client is None and not membership.is_client_user,
        show_role=role is None,
        show_window=show_window,
        roles_need_client=roles_need_client,
    )
    if not form.is_valid():
        return Filters(
            form,
            preset_window(int(DEFAULT_WEEKS)),
            MetricsFilter(
                client_id=client.pk if client is not None else None,
                role_id=role.pk if role is not None else None,
            ),
            400,
            "",
            notice,
            show_window,
        )
    cleaned = form.cleaned_data
    filters = MetricsFilter(
        client_id=client.pk if client is not None else by_public_id.get(cleaned.get("client")),
        role_id=role.pk if role is not None else role_pks.get(cleaned.get("role") or ""),
    )
    keep = {"window": cleaned["window"]}
    if cleaned["window"] == "custom":
        keep["from"] = cleaned["range"].start.isoformat()
        keep["to"] = last_day(cleaned["range"]).isoformat()
    for name in ("client", "role"):
        if cleaned.get(name):
            keep[name] = cleaned[name]
    return Filters(form, cleaned["range"], filters, 200, urlencode(keep), notice, show_window)


def _require_agency(request: HttpRequest) -> Membership:
    membership = require_membership(request)
    if membership.is_client_user:
        raise PermissionDenied("The dashboard is the agency's.")
    return membership


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 100_000))
    except ValueError:
        return 1


# --- Headline figures and trends -------------------------------------------------------


def _change(current, previous):
    if current is None or previous is None:
        return None
    return round(current - previous, 1)


def _tiles(summary: selectors.Summary) -> list[dict]:
    """The five headline figures with their change on the previous window; `better`
    says which way is good, so the page can say so in words, not colour only."""
    now, before = summary.current, summary.previous
    return [
        {
            "label": "SLA compliance",
            "value": now.sla.compliance_pct,
            "unit": "%",
            "detail": f"{now.sla.on_time} of {now.sla.counted} answers on time",
            "change": _change(now.sla.compliance_pct, before.sla.compliance_pct),
            "change_unit": " pts",
            "better": "up",
        },
        {
            "label": "Time to first feedback",
            "value": now.time_to_feedback.business_hours.median,
            "unit": " business h",
            "detail": f"median of {now.time_to_feedback.count} submissions",
            "change": _change(
                now.time_to_feedback.business_hours.median,
                before.time_to_feedback.business_hours.median,
            ),
            "change_unit": " h",
            "better": "down",
        },
        {
            "label": "Overdue now",
            "value": now.sla.overdue_now,
            "unit": "",
            "detail": "client answers past their due time",
            "change": None,
            "change_unit": "",
            "better": "down",
        },
        {
            "label": "Delivered vs target",
            "value": now.delivery.delivered_pct,
            "unit": "%",
            "detail": f"{now.delivery.delivered} submissions of {now.delivery.target:g} targeted",
            "change": _change(now.delivery.delivered_pct, before.delivery.delivered_pct),
            "change_unit": " pts",
            "better": "up",
        },
        {
            "label": "Losses to delay",
            "value": now.cost_of_delay.count,
            "unit": "",
            "detail": f"of {now.cost_of_delay.losses} candidates lost or withdrawn",
            "change": _change(now.cost_of_delay.count, before.cost_of_delay.count),
            "change_unit": "",
            "better": "down",
        },
    ]


def _trend_rows(trends: selectors.Trends) -> list[dict]:
    return [
        {
            "week": week.week_start.isoformat(),
            "compliance": week.kpis.sla.compliance_pct,
            "counted": week.kpis.sla.counted,
            "feedback": week.kpis.time_to_feedback.business_hours.median,
            "delivered": week.kpis.delivery.delivered,
            "target": round(week.kpis.delivery.target, 1),
            "delay_losses": week.kpis.cost_of_delay.count,
        }
        for week in trends.weeks
    ]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The headline figures of the window against the window before."""
    membership = _require_agency(request)
    read = _read_filters(request, membership)
    summary = selectors.metrics_summary(
        membership=membership, window=read.window, filters=read.filters
    )
    context = {
        "read": read,
        "window": read.window,
        "last_day": last_day(read.window),
        "tiles": _tiles(summary),
        "previous_last_day": last_day(summary.previous_window),
        "summary": summary,
        "tab": "overview",
    }
    return render(request, "metrics/dashboard.html", context, status=read.status)


@login_required
@require_GET
def trends(request: HttpRequest) -> HttpResponse:
    """The last 52 weeks, week by week, as charts and a table (its own page, so that each
    page keeps to its query budget: the trends are as many queries as the summary). The
    window does not apply to them: the form keeps it hidden, for the other tabs."""
    membership = _require_agency(request)
    read = _read_filters(request, membership, show_window=False)
    weeks = selectors.metrics_trends(membership=membership, filters=read.filters)
    context = {
        "read": read,
        "window": read.window,
        "last_day": last_day(read.window),
        "trend_rows": _trend_rows(weeks),
        "tab": "trends",
    }
    return render(request, "metrics/trends.html", context, status=read.status)


# --- Client scorecards ------------------------------------------------------------------


# Column → (what it sorts by, whether the worst comes first when ascending).
DEFAULT_SORT = "compliance"


def _sort_of(request: HttpRequest) -> tuple[str, str]:
    """The column and direction asked for; anything unknown sorts worst first."""
    column = request.GET.get("sort", DEFAULT_SORT)
    if column not in selectors.SCORECARD_SORTS:
        column = DEFAULT_SORT
    direction = request.GET.get("dir", "")
    if direction not in {"asc", "desc"}:
        direction = selectors.scorecard_worst_first(column)
    return column, direction


def _scorecards(membership, read: Filters, column: str, direction: str, page: int, size: int):
    return selectors.metrics_client_scorecards(
        membership=membership,
        window=read.window,
        filters=read.filters,
        page=page,
        page_size=size,
        sort=column,
        descending=direction == "desc",
    )


@login_required
@require_GET
def scorecards(request: HttpRequest) -> HttpResponse:
    """Every client's two sides, sortable by any column, worst SLA compliance first."""
    membership = _require_agency(request)
    read = _read_filters(request, membership)
    column, direction = _sort_of(request)
    page = _scorecards(
        membership, read, column, direction, _page_number(request), SCORECARD_PAGE_SIZE
    )
    pages = max(1, -(-page.count // page.page_size))
    base = read.query + ("&" if read.query else "")
    headers = [
        {
            "column": name,
            "label": label,
            "sorted": direction if name == column else None,
            "query": base
            + f"sort={name}&dir="
            + (
                ("desc" if direction == "asc" else "asc")
                if name == column
                else selectors.scorecard_worst_first(name)
            ),
        }
        for name, label in (
            ("client", "Client"),
            ("compliance", "SLA compliance"),
            ("feedback", "First feedback (median business h)"),
            ("overdue", "Overdue now"),
            ("responsiveness", "Responsiveness"),
            ("delivered", "Delivered vs target"),
            ("check_ins", "Check-ins on cadence"),
        )
    ]
    sort_query = base + f"sort={column}&dir={direction}"
    context = {
        "read": read,
        "window": read.window,
        "last_day": last_day(read.window),
        "page": page,
        "nav": numbered_nav(
            QueryDict(sort_query),
            number=page.page,
            pages=pages,
            summary=f"Page {page.page} of {pages} ({page.count} client{pluralize(page.count)})",
        ),
        "headers": headers,
        "sort_query": sort_query,
        "tab": "clients",
    }
    return render(request, "metrics/scorecards.html", context, status=read.status)


# --- Cost of delay ------------------------------------------------------------------------


@login_required
@require_GET
def delays(request: HttpRequest) -> HttpResponse:
    """The candidates lost at a cost of delay in the window, most recent first."""
    membership = _require_agency(request)
    read = _read_filters(request, membership)
    cursor = request.GET.get("cursor") or None
    status = read.status
    try:
        losses = selectors.metrics_cost_of_delay(
            membership=membership,
            window=read.window,
            filters=read.filters,
            cursor=cursor,
            page_size=DELAY_PAGE_SIZE,
        )
    except ValidationError:
        # A cursor that is not ours: the first page, and say so.
        read.form.add_error(None, "That page of the list no longer exists; here is the first.")
        status = 400
        losses = selectors.metrics_cost_of_delay(
            membership=membership,
            window=read.window,
            filters=read.filters,
            page_size=DELAY_PAGE_SIZE,
        )
        cursor = None
    context = {
        "read": read,
        "window": read.window,
        "last_day": last_day(read.window),
        "losses": losses,
        "nav": PageNav(
            first_url=f"?{read.query}" if cursor else None,
            next_url=page_url(QueryDict(read.query), cursor=losses.next_cursor)
            if losses.next_cursor
            else None,
        ),
        "tab": "delays",
    }
    return render(request, "metrics/delays.html", context, status=status)


# --- A client's scorecard ------------------------------------------------------------------


@login_required
@require_GET
def client_scorecard(request: HttpRequest, public_id) -> HttpResponse:
    """One client's side next to the agency's, with the change on the previous window,
    and its contacts' scorecards. A hiring manager or HR sees their own client's only
    (another client's is not found)."""
    client = get_client(request, public_id)
    membership = require_membership(request)
    read = _read_filters(request, membership, client=client)
    summary = selectors.metrics_summary(
        membership=membership, window=read.window, filters=read.filters
    )
    contacts = selectors.metrics_contact_scorecards(
        membership=membership,
        window=read.window,
        filters=read.filters,
        page=_page_number(request),
        page_size=CONTACT_PAGE_SIZE,
    )
    now, before = summary.current, summary.previous
    client_side = [
        ("SLA compliance", now.sla.compliance_pct, before.sla.compliance_pct, "%", "up"),
        ("Answers on time", now.sla.on_time, before.sla.on_time, "", "up"),
        ("Answered late", now.sla.answered_late, before.sla.answered_late, "", "down"),
        ("Missed", now.sla.missed, before.sla.missed, "", "down"),
        (
            "First feedback, median business hours",
            now.time_to_feedback.business_hours.median,
            before.time_to_feedback.business_hours.median,
            " h",
            "down",
        ),
        ("Responsiveness score", now.responsiveness.score, before.responsiveness.score, "", "up"),
        ("Overdue now", now.sla.overdue_now, None, "", "down"),
    ]
    agency_side = [
        ("Submissions", now.delivery.delivered, before.delivery.delivered, "", "up"),
        ("Target", round(now.delivery.target, 1), round(before.delivery.target, 1), "", ""),
        (
            "Delivered vs target",
            now.delivery.delivered_pct,
            before.delivery.delivered_pct,
            "%",
            "up",
        ),
        (
            "Check-ins on cadence",
            now.check_ins.on_cadence_pct,
            before.check_ins.on_cadence_pct,
            "%",
            "up",
        ),
        (
            "Days from intake to first submission",
            now.time_to_submit.mean_days,
            before.time_to_submit.mean_days,
            "",
            "down",
        ),
        ("Losses to delay", now.cost_of_delay.count, before.cost_of_delay.count, "", "down"),
    ]

    def rows(figures):
        return [
            {
                "label": label,
                "value": value,
                "previous": previous,
                "unit": unit,
                "change": _change(value, previous),
                "better": better,
            }
            for label, value, previous, unit, better in figures
        ]

    context = {
        "client": client,
        "read": read,
        "window": read.window,
        "last_day": last_day(read.window),
        "previous_last_day": last_day(summary.previous_window),
        "summary": summary,
        "client_side": rows(client_side),
        "agency_side": rows(agency_side),
        "contacts": contacts,
        "nav": numbered_nav(
            QueryDict(read.query),
            number=contacts.page,
            pages=max(1, -(-contacts.count // contacts.page_size)),
        ),
    }
    return render(request, "metrics/client_scorecard.html", context, status=read.status)


@login_required
@require_GET
def weekly_report_preview(request: HttpRequest, public_id) -> HttpResponse:
    """The client's latest weekly report as its contacts get it, for the agency to read
    before Monday (or to see what a client who has it off is missing)."""
    _require_agency(request)
    client = get_client(request, public_id)
    preview = reports.weekly_report_preview(client=client, now=timezone.now())
    window = reports.report_window(preview.week)
    context = {
        "client": client,
        "preview": preview,
        "week_start": window.start,
        "week_end": last_day(window),
    }
    return render(request, "metrics/weekly_report_preview.html", context)


# --- A role's metrics -----------------------------------------------------------------------


@login_required
@require_GET
def role_metrics(request: HttpRequest, public_id) -> HttpResponse:
    """A role's funnel of the window's submissions, time in each stage, delivery against
    its target and time to hire; for whoever may see the role."""
    role = get_role(request, public_id)
    membership = require_membership(request)
    read = _read_filters(request, membership, client=role.client, role=role)
    found = selectors.metrics_roles(
        membership=membership, window=read.window, filters=read.filters, page_size=1
    )
    context = {
        "role": role,
        "read": read,
        "window": read.window,
        "last_day": last_day(read.window),
        "metrics": found.items[0] if found.items else None,
    }
    return render(request, "metrics/role_metrics.html", context, status=read.status)


# --- CSV exports -----------------------------------------------------------------------------


def _bad_filters(request: HttpRequest, read: Filters, template: str, tab: str) -> HttpResponse:
    return render(
        request,
        template,
        {"read": read, "window": read.window, "last_day": last_day(read.window), "tab": tab},
        status=400,
    )


@login_required
@require_GET
def scorecards_csv(request: HttpRequest) -> HttpResponse:
    """Every client's scorecard in the page's order, filters and scope, a page of
    clients at a time as the response streams."""
    membership = _require_agency(request)
    read = _read_filters(request, membership)
    if read.status != 200:
        return _bad_filters(request, read, "metrics/export_error.html", "clients")
    column, direction = _sort_of(request)

    def rows():
        yield [
            "client",
            "sla_compliance_pct",
            "answers_counted",
            "on_time",
            "answered_late",
            "missed",
            "overdue_now",
            "first_feedback_median_business_hours",
            "responsiveness_score",
            "submissions",
            "target",
            "delivered_pct",
            "check_ins_held",
            "check_ins_on_cadence_pct",
        ]
        number = 1
        while True:
            page = _scorecards(membership, read, column, direction, number, MAX_PAGE_SIZE)
            for card in page.items:
                sla = card.client_side.sla
                yield [
                    card.name,
                    sla.compliance_pct,
                    sla.counted,
                    sla.on_time,
                    sla.answered_late,
                    sla.missed,
                    card.client_side.overdue_now,
                    card.client_side.time_to_feedback.business_hours.median,
                    card.client_side.responsiveness.score,
                    card.agency_side.delivery.delivered,
                    round(card.agency_side.delivery.target, 1),
                    card.agency_side.delivery.delivered_pct,
                    card.agency_side.check_ins.held,
                    card.agency_side.check_ins.on_cadence_pct,
                ]
            if number * page.page_size >= page.count:
                return
            number += 1

    window = read.window
    return streaming_csv_response(
        rows(),
        f"client-scorecards-{window.start}-{last_day(window)}.csv",
        membership.organization_id,
    )


@login_required
@require_GET
def delays_csv(request: HttpRequest) -> HttpResponse:
    """Every loss at a cost of delay in the window, most recent first, a page at a time."""
    membership = _require_agency(request)
    read = _read_filters(request, membership)
    if read.status != 200:
        return _bad_filters(request, read, "metrics/export_error.html", "delays")

    def rows():
        yield [
            "lost_at",
            "candidate",
            "role",
            "client",
            "owed_by",
            "contact",
            "stage",
            "reason",
            "business_hours_late",
            "hours_late",
        ]
        cursor = None
        while True:
            page = selectors.metrics_cost_of_delay(
                membership=membership,
                window=read.window,
                filters=read.filters,
                cursor=cursor,
                page_size=MAX_PAGE_SIZE,
            )
            for item in page.items:
                yield [
                    item.lost_at.isoformat(),
                    item.candidate,
                    item.role,
                    item.client,
                    item.owed_by,
                    item.contact,
                    item.stage,
                    item.reason,
                    item.business_hours_late,
                    item.hours_late,
                ]
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    window = read.window
    return streaming_csv_response(
        rows(), f"cost-of-delay-{window.start}-{last_day(window)}.csv", membership.organization_id
    )
