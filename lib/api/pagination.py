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

    def decode_cursor(self, request):
        # DRF answers a bad cursor with 404; it is bad input, so a 400 on the parameter.
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError(
                {self.cursor_query_param: "Not a cursor: use the `next` or `previous` link."}
            ) from error
