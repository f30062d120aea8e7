"""`POST /api/v1/candidates/{id}/erase/`: the right to erasure for integrations."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.permissions import Action, can
from lib.api.serializers import InputSerializer
from lib.api.views import TenantViewSetMixin
from privacy import services
from privacy.models import ErasureVia
from recruiting import selectors
from recruiting.api.serializers import CandidateSerializer


class MayEraseCandidates(BasePermission):
    message = "Only the agency's owners, admins and recruiters can erase candidates."

    def has_permission(self, request, view) -> bool:
        return can(request.membership, Action.EDIT_CANDIDATES)


class CandidateEraseInput(InputSerializer):
    """Nothing to send: the address names the candidate. An empty object is accepted."""


class CandidateErasureViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    """The candidates' erasure action, apart from the candidates' resource because it
    touches every layer's data (docs/privacy.md#erasure)."""

    serializer_class = CandidateSerializer
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, MayEraseCandidates]

    def scoped_queryset(self, membership):
        return selectors.candidate_queryset(membership=membership)

    @extend_schema(
        operation_id="candidates_erase",
        tags=["candidates"],
        summary="Erase a candidate's personal data",
        description=(
            "Removes the candidate's identifying data from every table and file of the "
            "organization; their submissions stay as anonymous rows, so the metrics still "
            "count them. Sends `candidate.erased`. Cannot be undone; a second call is a 409."
        ),
        request=CandidateEraseInput,
        responses={
            200: inline_serializer(
                "CandidateErasure",
                fields={
                    "candidate": serializers.UUIDField(help_text="The candidate's public id."),
                    "erased_at": serializers.DateTimeField(),
                },
            ),
            404: OpenApiResponse(description="No such candidate in this organization."),
            409: OpenApiResponse(description="The candidate was erased already."),
        },
    )
    @action(detail=True, methods=["post"])
    def erase(self, request, public_id):
        CandidateEraseInput(data=request.data or {}).is_valid(raise_exception=True)
        erasure = services.candidate_erase(
            actor=request.membership, candidate=self.get_object(), via=ErasureVia.API
        )
        return Response(
            {"candidate": str(erasure.candidate_public_id), "erased_at": erasure.created_at},
            status=status.HTTP_200_OK,
        )
