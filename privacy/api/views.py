"""`POST /api/v1/candidates/{id}/erase/`: the right to erasure for integrations."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.permissions import Action, can
from privacy import services
from privacy.models import ErasureVia
from recruiting import selectors


class MayEraseCandidates(BasePermission):
    message = "Only the agency's owners, admins and recruiters can erase candidates."

    def has_permission(self, request, view) -> bool:
        return can(request.membership, Action.EDIT_CANDIDATES)


class CandidateEraseView(APIView):
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, MayEraseCandidates]

    @extend_schema(
        operation_id="candidates_erase",
        tags=["candidates"],
        summary="Erase a candidate's personal data",
        description=(
            "Removes the candidate's identifying data from every table and file of the "
            "organization; their submissions stay as anonymous rows, so the metrics still "
            "count them. Sends `candidate.erased`. Cannot be undone; a second call is a 409."
        ),
        request=None,
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
    def post(self, request, public_id):
        candidate = selectors.candidate_get(membership=request.membership, public_id=public_id)
        erasure = services.candidate_erase(
            actor=request.membership, candidate=candidate, via=ErasureVia.API
        )
        return Response(
            {"candidate": str(erasure.candidate_public_id), "erased_at": erasure.created_at},
            status=status.HTTP_200_OK,
        )
