"""The search in the header: candidates, roles, clients and contacts by what is typed,
within what the member may see (a hiring manager or HR: their client's roles and
contacts, their client, and the candidates submitted to it).

A record matches when each word typed begins one of its words (full-text search) or
when the text typed, from three characters on, is part of its text (trigrams); a
candidate also when it is one of their tags. The matches of each kind are listed by
name, among a bounded number of them read in no order (`search_matches`). One
query finds them all, through `rapport_search`
(recruiting/migrations/0010_search_and_sorting.py), which reads the indexes that
row-level security keeps the application role's own conditions from using; one more
per kind reads the rows shown.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Model, QuerySet

from accounts.models import Membership
from accounts.permissions import client_scope
from lib.pagination import CappedCount
from recruiting import selectors
from recruiting.models import Client, Contact, Role

# The kinds, in the order they are shown, with what a group of them is called.
KINDS = {
    "candidate": "Candidates",
    "role": "Roles",
    "client": "Clients",
    "contact": "Contacts",
}
# Fewer characters find too much to be of use (and no trigram at all).
MIN_LENGTH = 2
MAX_LENGTH = 100
# Words beyond these are ignored: a tsquery of a bounded size.
MAX_WORDS = 8
# The header's list shows this many of each kind, and says whether more match.
PREVIEW_SIZE = 5
# The search reads at most one more than this many matches of each kind, and the
# results page lists them by name, a page at a time ("more than 500" beyond).
RESULTS_CAP = 500
RESULTS_PER_PAGE = 25

_WORD = re.compile(r"[^\W_]+")


def search_words(query: str) -> str:
    """The words of `query` as a tsquery, each a prefix (`'ada':* & 'lov':*`): letters
    and digits only, quoted, so that nothing typed is tsquery syntax."""
    return " & ".join(f"'{word}':*" for word in _WORD.findall(query)[:MAX_WORDS])


@dataclass(frozen=True)
class Matches:
    """The ids of the first matches of a kind by name, and how many were found, up to
    the pool searched (one more than RESULTS_CAP)."""

    ids: list[int]
    found: int


def search_matches(
    *, membership: Membership, query: str, kinds: tuple[str, ...] = tuple(KINDS), max_rows: int
) -> dict[str, Matches]:
    """The first `max_rows` matches of each kind by name, among the first
    RESULTS_CAP + 1 found, in no order, through the text indexes: a common text (a
    surname shared by a thousand candidates) costs as little as a rare one, and the
    matches listed are then some of those that match, by name; "more than
    RESULTS_CAP" says so. One query; none for a text shorter than MIN_LENGTH."""
    query = query.strip()
    found: dict[str, Matches] = {kind: Matches(ids=[], found=0) for kind in kinds}
    if len(query) < MIN_LENGTH:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, id, found FROM rapport_search(%s, %s, %s, %s, %s, %s) "
            "ORDER BY kind, place",
            [
                list(kinds),
                search_words(query),
                query,
                client_scope(membership),
                max_rows,
                RESULTS_CAP + 1,
            ],
        )
        ids = defaultdict(list)
        for kind, pk, count in cursor.fetchall():
            ids[kind].append(pk)
            found[kind] = Matches(ids=ids[kind], found=count)
    return found


# Where each kind keeps the client a hiring manager's or HR's results are confined to.
_CLIENT_FIELD = {"role": "client_id", "client": "id", "contact": "client_id"}


def _visible(kind: str, membership: Membership) -> QuerySet:
    """What the member may see of a kind, with what a result shows joined in: the
    function already kept to the member's client; this says so again."""
    if kind == "candidate":
        return selectors.candidate_queryset(membership=membership)
    rows = {
        "role": Role.objects.select_related("client"),
        "client": Client.objects.all(),
        "contact": Contact.objects.select_related("client"),
    }[kind]
    scope = client_scope(membership)
    return rows if scope is None else rows.filter(**{_CLIENT_FIELD[kind]: scope})


def _rows(kind: str, membership: Membership, ids: list[int]) -> list[Model]:
    """The rows of `ids`, in their order: one query (none without ids)."""
    if not ids:
        return []
    rows = _visible(kind, membership).in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


@dataclass(frozen=True)
class SearchGroup:
    """The matches of one kind shown together: their rows, and whether more match."""

    kind: str
    label: str
    items: list
    more: bool


def search_preview(*, membership: Membership, query: str) -> list[SearchGroup]:
    """The first PREVIEW_SIZE matches of each kind that has any, for the header's list.
    At most five queries: the search, and the rows of each kind found."""
    found = search_matches(membership=membership, query=query, max_rows=PREVIEW_SIZE)
    return [
        SearchGroup(
            kind=kind,
            label=KINDS[kind],
            items=_rows(kind, membership, matches.ids),
            more=matches.found > PREVIEW_SIZE,
        )
        for kind, matches in found.items()
        if matches.ids
    ]


@dataclass(frozen=True)
class SearchResults:
    """The results page: how many of each kind match (up to RESULTS_CAP), the kind
    shown, and a page of its matches."""

    counts: dict[str, CappedCount]
    kind: str
    page: Page
    items: list


def search_results(
    *, membership: Membership, query: str, kind: str | None = None, page: str | None = None
) -> SearchResults:
    """A page of the matches of `kind` (by default the first kind with any), and the
    capped counts of every kind. Two queries: the search, and the page's rows."""
    found = search_matches(membership=membership, query=query, max_rows=RESULTS_CAP)
    counts = {
        name: CappedCount(value=matches.found, cap=RESULTS_CAP) for name, matches in found.items()
    }
    if kind not in KINDS:
        kind = next((name for name, matches in found.items() if matches.ids), next(iter(KINDS)))
    shown = Paginator(found[kind].ids, RESULTS_PER_PAGE).get_page(page)
    return SearchResults(
        counts=counts, kind=kind, page=shown, items=_rows(kind, membership, list(shown))
    )
