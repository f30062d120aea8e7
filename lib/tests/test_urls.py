from uuid import UUID

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from lib.urls import reverse_each


@given(public_ids=st.lists(st.uuids(), min_size=1, max_size=5))
def test_reverse_each_gives_every_row_the_url_reverse_gives_it(public_ids):
    for viewname in ("recruiting:submission-detail", "recruiting:board-move"):
        url_of = reverse_each(viewname)
        assert [url_of(public_id) for public_id in public_ids] == [
            reverse(viewname, args=[public_id]) for public_id in public_ids
        ]


def test_reverse_each_takes_the_id_as_text_too():
    public_id = UUID("5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b")
    url_of = reverse_each("recruiting:role-detail")
    assert url_of(str(public_id)) == reverse("recruiting:role-detail", args=[public_id])
