from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class CursorPagination(pagination.CursorPagination):
    """Opaque cursors, stable while rows are inserted: a page never repeats or skips an item.

    `limit` chooses the page size, up to 200. Views order by their own field
    (`ordering`), newest first unless they say otherwise.
    """

    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering = "-created_at"

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        """The view's ordering, then the primary key in the same direction.

        The cursor marks a position by the first field and counts the rows that
        share its value; rows with equal values must come in one order on every
        request for that count to mean the same rows, and only a unique last
        field makes PostgreSQL's order deterministic.
        """
        ordering = tuple(super().get_ordering(request, queryset, view))
        if ordering[-1].lstrip("-") in ("pk", "id"):
            return ordering
        return (*ordering, "-pk" if ordering[0].startswith("-") else "pk")

    def decode_cursor(self, request):
        # DRF answers a bad cursor with 404; it is bad input, so a 400 on the parameter.
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError(
                {self.cursor_query_param: "Not a cursor: use the `next` or `previous` link."}
            ) from error
