from rest_framework import mixins, viewsets
from rest_framework.response import Response

from lib.api import rows


class TenantViewSetMixin:
    """Base of the API's resources: addressed by public id, listed through a selector.

    `scoped_queryset(membership)` returns what the member may see (the selectors
    apply the client scope of hiring managers and HR); anything outside it is a
    404, never a 403, so ids of other organizations or clients reveal nothing.
    """

    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    @property
    def membership(self):
        return self.request.membership

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no member
            return self.get_serializer_class().Meta.model.objects.none()
        return self.scoped_queryset(self.request.membership)

    def scoped_queryset(self, membership):
        raise NotImplementedError


class RowsListModelMixin(mixins.ListModelMixin):
    """DRF's list, with the page's objects made into JSON rows by `rows_representation`:
    the same output, without DRF's per-row lookups of every field."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(self.page_rows(queryset))
        return self.get_paginated_response(self.page_rows(page))

    def page_rows(self, objects):
        return rows.rows_representation(self.get_serializer(), objects)


class TenantReadOnlyViewSet(
    TenantViewSetMixin, RowsListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pass
