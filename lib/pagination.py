"""A page of a list, for the server-rendered pages: every list page shows a bounded
number of rows at a cost that does not grow with the list.

Two ways to cut a list into pages, by its length:

* `keyset_page` for long lists (candidates, notifications, a role's timeline): the
  rows after (or before) the last row shown, by a sort key that ends with a unique
  field, `WHERE key > cursor ORDER BY key LIMIT n + 1`. Served by an index that
  starts with the organization and the key, every page costs the same: page 2,000
  as little as page 1. There is no page number and no exact count.
* Django's `Paginator` for short lists (a few hundred rows at most): numbered pages
  and an exact count, whose cost is then small.

`capped_count` says how many rows a list has up to a cap ("more than 1,000"), so a
page never counts a long list to the end. `page_nav` turns either kind of page into
the links `templates/partials/pagination.html` renders, keeping the page's other
query parameters (a search, a filter, a sort).
"""

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Page
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Model, Q, QuerySet
from django.utils.http import urlencode

# The query parameters of a keyset page: the cursor of the row the page starts after,
# or of the row it ends before.
AFTER, BEFORE = "after", "before"
PAGE = "page"
# A cursor is a handful of short values; anything longer is not one of ours.
MAX_CURSOR_LENGTH = 512


# --- Keyset pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class KeysetPage:
    """A page of rows by a sort key: the rows, and the cursors of the pages on either
    side (None where there is no such page)."""

    items: list
    next_cursor: str | None = None
    previous_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def keyset_page(
    queryset: QuerySet,
    *,
    ordering: Sequence[str],
    size: int,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """One page of `queryset` in `ordering`: the first, the one after the row that
    `after` names, or the one before the row that `before` names. One query: a row
    more than the page says whether the page has a next one.

    `ordering` lists non-null fields (relations with `__`), all ascending or all
    descending (`-`), the last one unique (the primary key) so that every row has a
    position of its own; the values of those fields are read back from the rows, so
    a field through a relation must be joined (`select_related`). A cursor that
    cannot be read (edited by hand, or of another list) gives the first page: it is
    only a position, and the queryset decides which rows the member may see.
    """
    descending = _descending(ordering)
    fields = [field.lstrip("-") for field in ordering]
    backwards = after is None and before is not None
    values = _decode(queryset.model, fields, before if backwards else after)
    if values is None:
        backwards = False
    # Backwards, the rows before the cursor are read in reverse order, nearest first.
    reading_descending = descending != backwards
    rows = queryset.order_by(*(_order(field, reading_descending) for field in fields))
    if values is not None:
        rows = rows.filter(_beyond(fields, values, descending=reading_descending))
    items = list(rows[: size + 1])
    more = len(items) > size
    items = items[:size]
    if backwards:
        items.reverse()
        return KeysetPage(
            items=items,
            next_cursor=_encode(fields, items[-1]) if items else None,
            previous_cursor=_encode(fields, items[0]) if more else None,
        )
    return KeysetPage(
        items=items,
        next_cursor=_encode(fields, items[-1]) if more else None,
        previous_cursor=_encode(fields, items[0]) if values is not None and items else None,
    )


def keyset_first_page(rows: list, *, ordering: Sequence[str], size: int) -> KeysetPage:
    """The first page of `rows`, read in `ordering` with up to one row more than a page:
    for lists read together in one query (a window function's first rows of each
    group), then paged one at a time with `keyset_page` and the same ordering."""
    _descending(ordering)
    fields = [field.lstrip("-") for field in ordering]
    items = rows[:size]
    return KeysetPage(
        items=items, next_cursor=_encode(fields, items[-1]) if len(rows) > size else None
    )


def _descending(ordering: Sequence[str]) -> bool:
    directions = {field.startswith("-") for field in ordering}
    if not ordering or len(directions) != 1:
        raise ValueError(f"A keyset runs one way: {list(ordering)!r} mixes directions.")
    return directions.pop()


def _order(field: str, descending: bool):
    return F(field).desc() if descending else F(field).asc()


def _beyond(fields: list[str], values: list, *, descending: bool) -> Q:
    """The rows past the cursor's: `(a, b) > (x, y)` written as `a >= x AND (a > x OR
    (a = x AND b > y))`. The leading `a >= x` is what lets PostgreSQL start its index
    scan at the cursor instead of filtering every row before it."""
    past = "lt" if descending else "gt"
    condition = Q()
    for position, field in enumerate(fields):
        equal = {fields[index]: values[index] for index in range(position)}
        condition |= Q(**equal, **{f"{field}__{past}": values[position]})
    return Q(**{f"{fields[0]}__{past}e": values[0]}) & condition


def _value(row: Model, field: str):
    value = row
    for part in field.split("__"):
        value = getattr(value, part)
    return value


class _CursorEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder keeps milliseconds, and a cursor a
    fraction before its row would show that row again."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _encode(fields: list[str], row: Model) -> str:
    values = [_value(row, field) for field in fields]
    text = json.dumps(values, cls=_CursorEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(model: type[Model], fields: list[str], cursor: str | None) -> list | None:
    """The cursor's values as the fields' Python types, or None if it is not a cursor."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        values = json.loads(text)
        if not isinstance(values, list) or len(values) != len(fields):
            return None
        decoded = [
            _field(model, name).to_python(value) for name, value in zip(fields, values, strict=True)
        ]
    except (binascii.Error, UnicodeDecodeError, ValueError, ValidationError, TypeError):
        return None
    return None if any(value is None for value in decoded) else decoded


def _field(model: type[Model], path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        if name == "pk":
            return model._meta.pk
        raise


# --- Counts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CappedCount:
    """How many rows a list has, counted no further than `cap`: "1,000+" beyond it."""

    value: int
    cap: int

    @property
    def more(self) -> bool:
        return self.value > self.cap

    def __str__(self) -> str:
        return f"{self.cap:,}+" if self.more else f"{self.value:,}"


def capped_count(queryset: QuerySet, *, cap: int) -> CappedCount:
    """Count the rows up to one past `cap` (`SELECT count(*) FROM (… LIMIT cap + 1)`):
    the cost of a page of `cap` rows, however long the list."""
    return CappedCount(value=queryset.order_by()[: cap + 1].count(), cap=cap)


# --- The links between pages ------------------------------------------------------------------


@dataclass(frozen=True)
class PageNav:
    """What `partials/pagination.html` shows: links (None where there is no such page)
    and a line such as "Page 2 of 7". `append_url`, when the list can grow in place,
    is what htmx asks for the next page's rows to append."""

    previous_url: str | None = None
    next_url: str | None = None
    first_url: str | None = None
    summary: str = ""
    append_url: str | None = None

    @property
    def has_links(self) -> bool:
        return bool(self.previous_url or self.next_url or self.first_url)

    def anchored(self, anchor: str) -> "PageNav":
        """The same links to a place in the page (`#anchor`): where the list is."""

        def to(url: str | None) -> str | None:
            return f"{url}#{anchor}" if url else None

        return replace(
            self,
            previous_url=to(self.previous_url),
            next_url=to(self.next_url),
            first_url=to(self.first_url),
        )


def page_url(params: Mapping, **changes: str | int | None) -> str:
    """`?…` with the page's query parameters and `changes` (None removes a parameter):
    another page of one list keeps the search, the filters and the other lists' pages."""
    kept = {
        key: params.getlist(key) if hasattr(params, "getlist") else [params[key]] for key in params
    }
    for key, value in changes.items():
        if value is None:
            kept.pop(key, None)
        else:
            kept[key] = [str(value)]
    return f"?{urlencode(kept, doseq=True)}" if kept else "?"


def page_nav(
    page: KeysetPage | Page,
    params: Mapping,
    *,
    summary: str | None = None,
    after: str = AFTER,
    before: str = BEFORE,
) -> PageNav:
    """The links of a keyset page (its cursors in `after` and `before`, named otherwise
    where a page has several lists) or of a numbered page of Django's `Paginator`
    (`page`, and "Page n of m" unless `summary` says otherwise)."""
    if isinstance(page, KeysetPage):
        return PageNav(
            previous_url=page_url(params, **{after: None, before: page.previous_cursor})
            if page.has_previous
            else None,
            next_url=page_url(params, **{after: page.next_cursor, before: None})
            if page.has_next
            else None,
            summary=summary or "",
        )
    return numbered_nav(params, number=page.number, pages=page.paginator.num_pages, summary=summary)


def numbered_nav(
    params: Mapping, *, number: int, pages: int, summary: str | None = None
) -> PageNav:
    """The links of page `number` of `pages` (`?page=`), and "Page n of m" unless
    `summary` says otherwise; nothing on a list of one page."""
    if pages <= 1:
        return PageNav()
    return PageNav(
        # The first page's address has no number: one address per page.
        previous_url=page_url(params, page=None if number == 2 else number - 1)
        if number > 1
        else None,
        next_url=page_url(params, page=number + 1) if number < pages else None,
        summary=f"Page {number} of {pages}" if summary is None else summary,
    )
