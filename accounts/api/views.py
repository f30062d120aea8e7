from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import selectors
from accounts.api.serializers import MemberSerializer, MeSerializer
from lib.api.views import TenantReadOnlyViewSet


@extend_schema(responses=MeSerializer, tags=["me"])
@api_view(["GET"])
def me(request):
    """The member this request acts as, their organization, and the API key used (if any)."""
    return Response(
        MeSerializer(
            {
                "membership": request.membership,
                "organization": request.organization,
                "api_key": request.auth if hasattr(request.auth, "allows") else None,
            }
        ).data
    )


@extend_schema(tags=["members"])
class MemberViewSet(TenantReadOnlyViewSet):
    """The organization's members and their roles (client users see the agency and their client)."""

    serializer_class = MemberSerializer
    filterset_fields = ["role"]
    ordering_fields = ["created_at", "updated_at"]

    def scoped_queryset(self, membership):
        return selectors.member_list_visible(membership=membership)
