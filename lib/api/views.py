from rest_framework import viewsets


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


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
