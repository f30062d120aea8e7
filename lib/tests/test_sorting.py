"""Sorting a list by a column: the ordering each sort means, the header links and
their aria-sort, and the default for anything else."""

import pytest
from django.http import QueryDict

from lib.sorting import ListSort, SortColumn

SORTS = ListSort(
    [
        SortColumn("name", "Name", ("full_name", "id")),
        SortColumn("added", "Added", ("created_at", "id"), first="-"),
    ],
    default="name",
)


@pytest.mark.parametrize(
    ("chosen", "ordering"),
    [
        ("name", ("full_name", "id")),
        ("-name", ("-full_name", "-id")),
        ("-added", ("-created_at", "-id")),
        (None, ("full_name", "id")),
        ("", ("full_name", "id")),
        ("salary", ("full_name", "id")),
        ("--name", ("full_name", "id")),
    ],
)
def test_a_sort_means_its_keyset_ordering_and_anything_else_the_default(chosen, ordering):
    assert SORTS.ordering(chosen) == ordering


def test_the_sorted_column_says_so_and_its_link_turns_it_round():
    params = QueryDict("q=ada&sort=name&after=abc&tag=python")
    headers = SORTS.headers("name", params)
    assert headers["name"].aria_sort == "ascending"
    assert headers["name"].url == "?q=ada&sort=-name&tag=python"
    assert headers["added"].aria_sort == "none"
    # The newest first, on a first click.
    assert headers["added"].url == "?q=ada&sort=-added&tag=python"
    assert headers["added"].action == "sort by added, descending"


def test_a_column_sorted_the_other_way_links_back():
    headers = SORTS.headers("-name", QueryDict(""))
    assert headers["name"].aria_sort == "descending"
    assert headers["name"].url == "?sort=name"


def test_every_sort_is_a_choice_both_ways_round():
    assert [value for value, _ in SORTS.choices()] == ["name", "-name", "added", "-added"]


def test_a_default_that_is_no_column_is_refused():
    with pytest.raises(ValueError, match="not one of the columns"):
        ListSort([SortColumn("name", "Name", ("full_name", "id"))], default="age")
