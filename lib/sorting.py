"""Sorting a list page by one of its columns (`?sort=title`, `?sort=-title` the other
way round), for lists paged by keyset (lib/pagination.py).

A column sorts by a keyset ordering that ends with a unique field, so that every row
keeps its place from page to page; each ordering needs an index starting with the
organization and its fields (or a list short enough to sort whole), which is why a list
offers the sorts it has indexes for, and no others. A value it does not offer is the
default order, never an error.

`ListSort.headers` gives each sortable column header its link, the sort it would make,
and its `aria-sort` (what the column's sort is now), for `partials/sort_header.html`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lib.pagination import AFTER, BEFORE, PAGE, page_url

SORT = "sort"


@dataclass(frozen=True)
class SortColumn:
    """A column a list may be sorted by: its key in the address, its header, and the
    ascending keyset ordering it sorts by. `first` is the direction a first click
    sorts in ("-" for the newest or longest first)."""

    key: str
    label: str
    ordering: tuple[str, ...]
    first: str = ""


@dataclass(frozen=True)
class SortHeader:
    """A sortable column header: the link that sorts by it, what that link does (for
    screen readers), and its `aria-sort`."""

    label: str
    url: str
    action: str
    aria_sort: str


class ListSort:
    """The sorts of one list: its columns and the one it is sorted by by default."""

    def __init__(self, columns: Sequence[SortColumn], default: str) -> None:
        self.columns = {column.key: column for column in columns}
        self.default = default
        if default.removeprefix("-") not in self.columns:
            raise ValueError(f"The default sort {default!r} is not one of the columns.")

    def choices(self) -> list[tuple[str, str]]:
        """Every value `?sort=` may take, each way round."""
        return [
            (value, f"{column.label}{' (reversed)' if value.startswith('-') else ''}")
            for column in self.columns.values()
            for value in (column.key, f"-{column.key}")
        ]

    def value(self, chosen: str | None) -> str:
        """The sort in force: the one chosen if this list offers it, else the default."""
        return chosen if chosen and chosen.removeprefix("-") in self.columns else self.default

    def ordering(self, chosen: str | None) -> tuple[str, ...]:
        """The keyset ordering of the sort in force, descending when it starts with "-"."""
        value = self.value(chosen)
        fields = self.columns[value.removeprefix("-")].ordering
        return tuple(f"-{field}" for field in fields) if value.startswith("-") else fields

    def headers(self, chosen: str | None, params: Mapping) -> dict[str, SortHeader]:
        """Each column's header link: sorting by it, or the other way round when it is
        the sort in force; back at the first page, the filters kept."""
        value = self.value(chosen)
        headers = {}
        for key, column in self.columns.items():
            if value.removeprefix("-") == key:
                descending = value.startswith("-")
                aria_sort = "descending" if descending else "ascending"
                target = key if descending else f"-{key}"
            else:
                aria_sort = "none"
                target = f"{column.first}{key}"
            direction = "descending" if target.startswith("-") else "ascending"
            headers[key] = SortHeader(
                label=column.label,
                url=page_url(params, **{SORT: target, AFTER: None, BEFORE: None, PAGE: None}),
                action=f"sort by {column.label.lower()}, {direction}",
                aria_sort=aria_sort,
            )
        return headers
