from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Opaque cursors, stable while rows are inserted: a page never repeats or skips an item.

    `limit` chooses the page size, up to 200. Views order by their own field
    (`ordering`), newest first unless they say otherwise.
    """

    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering = "-created_at"
