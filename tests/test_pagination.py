"""lib.pagination on real rows: keyset pages see every row once, either way, whatever
the ties; bad cursors give the first page; counts stop at their cap; links keep the
page's other parameters."""

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict

from lib.pagination import (
    KeysetPage,
    capped_count,
    keyset_page,
    numbered_nav,
    page_nav,
    page_url,
)
from lib.tenancy import organization_context
from recruiting.models import Candidate, Role
from tests.factories import CandidateFactory, ClientFactory, RoleFactory

# Names repeat, so pages must tell rows apart by the primary key.
NAMES = ["Ada", "Ada", "Ada", "Bea", "Cy", "Cy", "Dee", "Eve", "Eve", "Fay", "Gus"]


@pytest.fixture
def candidates(organization):
    for name in NAMES:
        CandidateFactory(organization=organization, full_name=name)
    with organization_context(organization.id):
        yield Candidate.objects.all()


def _walk(queryset, ordering, size, *, backwards_from=None):
    """Every page from the first by `after` (or from `backwards_from` by `before`)."""
    seen, page = [], keyset_page(queryset, ordering=ordering, size=size, before=backwards_from)
    while True:
        seen.append([row.pk for row in page.items])
        cursor = page.previous_cursor if backwards_from else page.next_cursor
        if cursor is None:
            return seen
        step = {"before": cursor} if backwards_from else {"after": cursor}
        page = keyset_page(queryset, ordering=ordering, size=size, **step)


@pytest.mark.parametrize("ordering", [("full_name", "id"), ("-full_name", "-id")])
@pytest.mark.parametrize("size", [1, 2, 4, 11, 20])
def test_pages_forward_show_every_row_once_in_order(candidates, ordering, size):
    expected = list(candidates.order_by(*ordering).values_list("pk", flat=True))

    pages = _walk(candidates, ordering, size)

    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) <= size for page in pages)


@pytest.mark.parametrize("ordering", [("full_name", "id"), ("-created_at", "-id")])
def test_pages_backward_from_the_last_come_back_to_the_first(candidates, ordering):
    forward = _walk(candidates, ordering, 3)
    last = keyset_page(candidates, ordering=ordering, size=3, after=None)
    while last.has_next:
        last = keyset_page(candidates, ordering=ordering, size=3, after=last.next_cursor)

    backward = _walk(candidates, ordering, 3, backwards_from=last.previous_cursor)

    # The pages before the last, as the forward walk cut them, in reverse.
    assert backward == list(reversed(forward[:-1]))


def test_the_first_page_has_no_previous_and_a_middle_one_both(candidates):
    first = keyset_page(candidates, ordering=("full_name", "id"), size=4)
    second = keyset_page(candidates, ordering=("full_name", "id"), size=4, after=first.next_cursor)

    assert not first.has_previous
    assert first.has_next
    assert second.has_previous
    assert second.has_next


@pytest.mark.parametrize(
    "cursor", ["", "garbage!", "W10", "WyJBZGEiXQ", "WyJBZGEiLCJ4Il0", "x" * 600]
)
def test_a_cursor_that_is_not_a_position_gives_the_first_page(candidates, cursor):
    page = keyset_page(candidates, ordering=("full_name", "id"), size=3, after=cursor)

    assert [row.full_name for row in page.items] == ["Ada", "Ada", "Ada"]
    assert not page.has_previous


def test_a_keyset_through_a_relation_reads_the_joined_row(organization):
    for name in ("Initech", "Acme", "Globex", "Acme"):
        RoleFactory(
            organization=organization, client=ClientFactory(organization=organization, name=name)
        )
    with organization_context(organization.id):
        roles = Role.objects.select_related("client")
        pages = _walk(roles, ("client__name", "id"), 1)
        expected = list(roles.order_by("client__name", "id").values_list("pk", flat=True))

    assert [pk for page in pages for pk in page] == expected


def test_a_keyset_must_run_one_way(candidates):
    with pytest.raises(ValueError, match="mixes directions"):
        keyset_page(candidates, ordering=("full_name", "-id"), size=3)


def test_one_query_per_page(candidates, django_assert_num_queries):
    with django_assert_num_queries(1):
        keyset_page(candidates, ordering=("full_name", "id"), size=3, after=None)


def test_a_capped_count_stops_past_its_cap(candidates):
    assert str(capped_count(candidates, cap=100)) == "11"
    capped = capped_count(candidates, cap=5)
    assert capped.more
    assert str(capped) == "5+"


def test_page_links_keep_the_other_parameters_and_change_the_position():
    params = QueryDict("q=ada&status=open&after=abc&timeline_after=t")

    assert page_url(params, after="xyz") == "?q=ada&status=open&after=xyz&timeline_after=t"
    assert page_url(params, q=None, after=None, timeline_after=None) == "?status=open"


def test_a_nav_of_one_list_among_several_uses_its_own_parameters():
    page = KeysetPage(items=[1], next_cursor="n", previous_cursor="p")

    nav = page_nav(page, QueryDict("after=a"), after="timeline_after", before="timeline_before")

    assert nav.next_url == "?after=a&timeline_after=n"
    assert nav.previous_url == "?after=a&timeline_before=p"


def test_a_keyset_nav_links_both_ways():
    page = KeysetPage(items=[1], next_cursor="n", previous_cursor="p")

    nav = page_nav(page, QueryDict("q=ada&after=old"))

    assert nav.next_url == "?q=ada&after=n"
    assert nav.previous_url == "?q=ada&before=p"


def test_numbered_links_leave_the_first_page_without_a_number():
    page = Paginator(list(range(30)), 10).get_page(2)

    nav = page_nav(page, QueryDict("q=ada&page=2"))

    assert nav.previous_url == "?q=ada"
    assert nav.next_url == "?q=ada&page=3"
    assert nav.summary == "Page 2 of 3"
    assert not numbered_nav(QueryDict(""), number=1, pages=1).has_links
