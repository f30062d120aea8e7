import re

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class CursorPagination(pagination.CursorPagination):
    """Opaque cursors, stable while rows are inserted: a page never repeats or skips an item.

    `limit` chooses the page size: a whole number from 1, served as 200 when it
    is larger. Anything else is a 400 on the parameter, as the schema declares.
    Views order by their own field (`ordering`), newest first unless they say
    otherwise.
    """

    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering = "-created_at"

    page_size_query_description = "Items per page: 1 or more; above 200, 200 are served."

    def get_page_size(self, request) -> int:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        sizes = [self._page_size(value) for value in values]
        return sizes[-1]

    def _page_size(self, value: str) -> int:
        digits = value.lstrip("0")
        if not re.fullmatch(r"[0-9]+", digits):
            raise ValidationError({self.page_size_query_param: "Give a whole number from 1."})
        # Compared as text beyond a few digits: int() refuses very long numbers.
        return self.max_page_size if len(digits) > 3 else min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

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
