"""CSV downloads that stream: rows are read while the response is sent, a page at a time."""

import csv
from collections.abc import Iterable
from uuid import UUID

from django.http import StreamingHttpResponse

from lib.tenancy import organization_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> object:
    """A cell a spreadsheet will not run: text starting like a formula gets a quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def streaming_csv_response(
    rows: Iterable[list], filename: str, organization_id: UUID
) -> StreamingHttpResponse:
    """A download of `rows` (the header first), read in the organization's context as
    the response streams, after the view and the tenant middleware have returned.

    A byte order mark comes first: without it Excel reads the file in the system's
    legacy code page and garbles every accented name.
    """
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        with organization_context(organization_id):
            for row in rows:
                yield writer.writerow([csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
