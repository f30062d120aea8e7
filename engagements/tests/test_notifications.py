"""In-app notifications: the member's list, marking read, and the header's unread count."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from engagements.models import Notification
from lib.tenancy import organization_context
from tests.factories import MembershipFactory

LIST = "/notifications/"
READ = "/notifications/read/"


def _notify(membership, title, *, url="/roles/", read=False, ago=timedelta(0)):
    """A notification as the nudge delivery writes it (engagements.services.nudges)."""
    with (
        organization_context(membership.organization_id),
        time_machine.travel(timezone.now() - ago, tick=False),
    ):
        return Notification.objects.create(
            organization_id=membership.organization_id,
            membership=membership,
            title=title,
            body=f"Why: {title}",
            url=url,
            read_at=timezone.now() if read else None,
        )


def _read_at(notification):
    with organization_context(notification.organization_id):
        return Notification.objects.get(pk=notification.pk).read_at


@pytest.fixture
def mine(hiring_manager):
    return [
        _notify(hiring_manager, "Grace Hopper is waiting for you", ago=timedelta(hours=2)),
        _notify(hiring_manager, "Ada Lovelace is waiting for you", ago=timedelta(hours=1)),
        _notify(hiring_manager, "An old one", read=True, ago=timedelta(days=2)),
    ]


# --- The list ---------------------------------------------------------------------


def test_the_list_shows_my_notifications_newest_first_unread_highlighted(
    client_for, hiring_manager, mine
):
    response = client_for(hiring_manager).get(LIST)

    content = response.content.decode()
    assert response.status_code == 200
    assert (
        content.index("Ada Lovelace") < content.index("Grace Hopper") < content.index("An old one")
    )
    assert content.count("notification--unread") == 2
    assert content.count('<span class="badge badge--info">New</span>') == 2
    assert '<a href="/roles/">Ada Lovelace is waiting for you</a>' in content
    assert "Why: Grace Hopper is waiting for you" in content
    assert "Mark all as read" in content


def _link(content: str, attribute: str) -> str:
    """The address in the page's `rel="next"` link, its `rel="prev"` one or the next
    link's `hx-get` (not the header's search), as a browser would follow it."""
    found = re.search(rf'{attribute}[^>]*?(?:href|hx-get)="([^"]+)"', content)
    if attribute == "hx-get":
        found = re.search(r'rel="next"[^>]*?hx-get="([^"]+)"', content)
    assert found, f"no {attribute} link"
    return LIST + html.unescape(found.group(1))


def test_the_list_is_paginated_by_thirty(client_for, hiring_manager):
    for number in range(35):
        _notify(hiring_manager, f"Notice number {number:02d}", ago=timedelta(minutes=number))
    client = client_for(hiring_manager)

    first = client.get(LIST).content.decode()
    second = client.get(_link(first, 'rel="next"')).content.decode()
    back = client.get(_link(second, 'rel="prev"')).content.decode()

    assert first.count('class="attention-item notification') == 30
    assert "Notice number 00" in first
    assert "Notice number 29" in first
    assert 'rel="prev"' not in first
    assert second.count('class="attention-item notification') == 5
    assert "Notice number 34" in second
    assert "Notice number 00" not in second
    assert 'rel="next"' not in second
    assert back.count('class="attention-item notification') == 30
    assert "Notice number 00" in back


def test_a_cursor_that_is_not_ours_shows_the_first_page(client_for, hiring_manager, mine):
    for cursor in ("not-a-cursor", "W10", "x" * 600):
        response = client_for(hiring_manager).get(LIST, {"after": cursor})
        assert response.status_code == 200
        assert "Grace Hopper" in response.content.decode()


def test_nobody_else_sees_my_notifications(client_for, hiring_manager, hr, outsider, mine):
    for someone in (hr, outsider):
        content = client_for(someone).get(LIST).content.decode()
        assert "Grace Hopper" not in content
        assert "No notifications" in content


def test_signed_out_visitors_are_sent_to_log_in(client, db):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- The header badge ---------------------------------------------------------------


def test_the_header_shows_the_unread_count_on_every_page(client_for, hiring_manager, mine):
    client = client_for(hiring_manager)
    for page in ("/", LIST, "/roles/"):
        content = client.get(page).content.decode()
        assert 'Notifications</span> <span class="badge badge--count">2</span>' in content


def test_the_header_shows_no_badge_when_all_is_read(client_for, hiring_manager):
    _notify(hiring_manager, "Read already", read=True)
    content = client_for(hiring_manager).get("/").content.decode()
    assert '<span class="notifications-link__label">Notifications</span>' in content
    assert "badge--count" not in content


def test_the_header_count_stops_at_99_plus(client_for, hiring_manager):
    with organization_context(hiring_manager.organization_id):
        Notification.objects.bulk_create(
            Notification(
                organization_id=hiring_manager.organization_id,
                membership=hiring_manager,
                title=f"Notice {number}",
            )
            for number in range(120)
        )
    content = client_for(hiring_manager).get("/").content.decode()
    assert 'Notifications</span> <span class="badge badge--count">99+</span>' in content


def test_the_count_is_mine_only(client_for, hiring_manager, hr, outsider, mine):
    for someone in (hr, outsider):
        content = client_for(someone).get("/").content.decode()
        assert 'Notifications <span class="badge">' not in content


# --- Marking read -------------------------------------------------------------------


def test_i_mark_one_notification_read(client_for, hiring_manager, mine):
    grace, ada, _ = mine

    response = client_for(hiring_manager).post(READ, {"id": grace.pk})

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert _read_at(grace) is not None
    assert _read_at(ada) is None


def test_marking_read_again_keeps_the_first_reading_time(client_for, hiring_manager, mine):
    _, _, old = mine
    before = _read_at(old)

    client_for(hiring_manager).post(READ, {"id": old.pk})

    assert _read_at(old) == before


def test_open_marks_read_and_follows_the_link(client_for, hiring_manager, mine):
    grace, _, _ = mine

    response = client_for(hiring_manager).post(READ, {"id": grace.pk, "open": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/roles/"
    assert _read_at(grace) is not None


def test_open_never_leaves_the_site(client_for, hiring_manager):
    odd = _notify(hiring_manager, "Odd", url="//evil.example/")

    response = client_for(hiring_manager).post(READ, {"id": odd.pk, "open": "1"})

    assert response["Location"] == LIST


def test_marking_read_returns_to_the_page_i_was_on(client_for, hiring_manager):
    for number in range(35):
        _notify(hiring_manager, f"Notice number {number:02d}", ago=timedelta(minutes=number))
    client = client_for(hiring_manager)
    second_page = _link(client.get(LIST).content.decode(), 'rel="next"')
    content = client.get(second_page).content.decode()
    cursor = re.search(r'name="after" value="([^"]+)"', content).group(1)

    with organization_context(hiring_manager.organization_id):
        last = Notification.objects.get(title="Notice number 34")
    response = client.post(READ, {"id": last.pk, "after": cursor})

    assert response["Location"] == second_page


def test_i_mark_all_read(client_for, hiring_manager, hr, mine):
    theirs = _notify(hr, "HR's own")
    client = client_for(hiring_manager)

    response = client.post(READ)

    assert response.status_code == 302
    assert all(_read_at(notification) for notification in mine)
    assert _read_at(theirs) is None
    assert "2 notifications marked as read." in client.get(LIST).content.decode()


def test_another_member_of_the_organization_cannot_mark_mine(client_for, hr, mine):
    grace, _, _ = mine

    assert client_for(hr).post(READ, {"id": grace.pk}).status_code == 404
    client_for(hr).post(READ)  # "all" means all of theirs

    assert _read_at(grace) is None


def test_the_outsider_cannot_mark_mine(client_for, outsider, mine):
    grace, _, _ = mine

    assert client_for(outsider).post(READ, {"id": grace.pk}).status_code == 404
    client_for(outsider).post(READ)

    assert _read_at(grace) is None


def test_a_member_of_two_organizations_sees_only_the_active_ones(
    client_for, other_organization, hiring_manager, mine
):
    elsewhere = MembershipFactory(
        organization=other_organization, user=hiring_manager.user, role="recruiter"
    )
    _notify(elsewhere, "From the other agency")
    client = client_for(elsewhere)

    content = client.get(LIST).content.decode()

    assert "From the other agency" in content
    assert "Grace Hopper" not in content
    assert client.post(READ, {"id": mine[0].pk}).status_code == 404


def test_bad_input_is_a_400_and_changes_nothing(client_for, hiring_manager, mine):
    grace, _, _ = mine

    response = client_for(hiring_manager).post(READ, {"id": "grace"})

    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    assert _read_at(grace) is None


def test_marking_read_needs_a_post(client_for, hiring_manager, mine):
    assert client_for(hiring_manager).get(READ).status_code == 405


# --- Query count --------------------------------------------------------------------

# The list, whatever the number of notifications:
#   1 session, 2 user, 3 the user's memberships (tenant middleware),
#   4 the page of notifications (one more than the page says whether there are older),
#   5 the unread count (header, reused by "Mark all as read"),
#   6 the memberships for the organization switcher (base.html).
LIST_QUERIES = 6


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_runs_a_constant_number_of_queries(
    client_for, hiring_manager, django_assert_max_num_queries, count
):
    for number in range(count):
        _notify(hiring_manager, f"Notice {number}")
    client = client_for(hiring_manager)

    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(LIST).status_code == 200


# --- Older notifications, appended in place (htmx) --------------------------------------

HX = {"HX-Request": "true"}


def test_the_next_page_is_a_plain_link_that_htmx_appends_in_place(client_for, hiring_manager):
    for number in range(35):
        _notify(hiring_manager, f"Notice number {number:02d}", ago=timedelta(minutes=number))

    content = client_for(hiring_manager).get(LIST).content.decode()

    assert re.search(r'rel="next" href="\?after=[\w-]+"', content)
    assert 'hx-target="#notification-list" hx-swap="beforeend">Older notifications</a>' in content


def test_with_htmx_older_notifications_come_as_items_to_append(client_for, hiring_manager):
    for number in range(35):
        _notify(hiring_manager, f"Notice number {number:02d}", ago=timedelta(minutes=number))
    client = client_for(hiring_manager)
    more = _link(client.get(LIST).content.decode(), "hx-get")

    response = client.get(more, headers=HX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.count('class="attention-item notification') == 5
    assert "Notice number 30" in content
    assert "Notice number 34" in content
    assert "Notice number 29" not in content
    # The first new item takes the focus; the page links are swapped out of band.
    assert content.split('class="attention-item notification')[1].count("autofocus") == 1
    assert 'id="notification-pages" aria-label="Pages" hx-swap-oob="true"' in content
    assert "Older notifications" not in content
    assert "Newer notifications" not in content


def test_appending_keeps_the_link_to_newer_notifications_of_the_first_page_shown(
    client_for, hiring_manager
):
    for number in range(70):
        _notify(hiring_manager, f"Notice number {number:02d}", ago=timedelta(minutes=number))
    client = client_for(hiring_manager)
    second = client.get(_link(client.get(LIST).content.decode(), 'rel="next"')).content.decode()
    newer = _link(second, 'rel="prev"')

    appended = client.get(_link(second, "hx-get"), headers=HX).content.decode()

    assert "Notice number 60" in appended
    assert _link(appended, 'rel="prev"') == newer


def test_the_pages_hold_still_when_a_notification_arrives(client_for, hiring_manager):
    for number in range(35):
        _notify(hiring_manager, f"Notice number {number:02d}", ago=timedelta(minutes=number))
    client = client_for(hiring_manager)
    more = _link(client.get(LIST).content.decode(), "hx-get")
    _notify(hiring_manager, "Brand new")

    content = client.get(more, headers=HX).content.decode()

    # The next page starts after the last one shown: the newcomer pushes nothing onto it.
    assert "Notice number 29" not in content
    assert "Notice number 30" in content
    assert "Brand new" not in content


def test_nobody_else_gets_my_older_notifications(client_for, hiring_manager, hr, outsider):
    for number in range(35):
        _notify(hiring_manager, f"Notice number {number:02d}", ago=timedelta(minutes=number))

    more = _link(client_for(hiring_manager).get(LIST).content.decode(), "hx-get")

    for someone in (hr, outsider):
        content = client_for(someone).get(more, headers=HX).content.decode()
        assert "Notice number" not in content


# Older notifications with htmx: 1 session, 2 user, 3 the user's memberships,
# 4 the page (no page around them: no header queries).
MORE_QUERIES = 4


def test_older_notifications_run_a_constant_number_of_queries(
    client_for, hiring_manager, django_assert_max_num_queries
):
    for number in range(70):
        _notify(hiring_manager, f"Notice {number}", ago=timedelta(minutes=number))
    client = client_for(hiring_manager)
    more = _link(client.get(LIST).content.decode(), "hx-get")

    with django_assert_max_num_queries(MORE_QUERIES):
        response = client.get(more, headers=HX)

    assert response.content.decode().count('class="attention-item notification') == 30
