"""The privacy API for integrations, for owners, admins and recruiters: a candidate's
erasure and exports (docs/privacy.md).

`POST /candidates/{id}/erase/` erases a candidate's personal data (the right to
erasure). `POST /candidates/{id}/export/` asks for an export of everything held about
them and answers 202 with its state and its status URL; a worker builds it;
`GET /candidate-exports/{id}/` then carries a signed `download_url` until the export
expires. Hiring managers and HR (and their keys) get 403 on every route; another
organization's candidates and exports are 404. Writes go through `privacy.services`,
reads through `privacy.selectors` and recruiting's, as on the pages."""

import django_filters
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.permissions import Action, can
from lib.api.serializers import InputSerializer
from lib.api.views import RowsListModelMixin, TenantViewSetMixin
from privacy import selectors, services
from privacy.models import CandidateExport, ErasureVia, ExportState
from privacy.views import download_name
from recruiting.api.serializers import CandidateSerializer
from recruiting.models import Candidate
from recruiting.selectors import candidate_queryset


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
        return candidate_queryset(membership=membership)

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


class MayExportCandidates(BasePermission):
    """Exports are the agency's: owners, admins and recruiters (the permission matrix,
    docs/design.md#23-permission-matrix)."""

    message = "Only owners, admins and recruiters can export a candidate's data."

    def has_permission(self, request, view) -> bool:
        return can(request.membership, Action.EXPORT_CANDIDATE_DATA)


class CandidateExportSerializer(serializers.ModelSerializer):
    """An export of everything held about one candidate, and how to download it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    candidate = serializers.UUIDField(source="candidate.public_id", read_only=True)
    requested_by = serializers.SerializerMethodField(
        help_text="The member who asked for it (their login), if they still exist."
    )
    url = serializers.SerializerMethodField(help_text="This status, to poll until `ready`.")
    download_url = serializers.SerializerMethodField(
        help_text="While `ready` and until `expires_at`: the signed link to the ZIP. "
        "It works only with credentials of an owner, admin or recruiter of the organization."
    )

    class Meta:
        model = CandidateExport
        fields = [
            "id",
            "candidate",
            "state",
            "requested_by",
            "created_at",
            "finished_at",
            "expires_at",
            "file_size",
            "error",
            "url",
            "download_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "state": {
                "help_text": "`pending` while a worker builds it, then `ready` (or `failed`); "
                "`expired` once the file is deleted."
            },
            "finished_at": {"help_text": "When the build ended."},
            "expires_at": {"help_text": "When the download link stops working."},
            "file_size": {"help_text": "The ZIP's size in bytes, once ready."},
            "error": {"help_text": "Why it failed, if it did."},
        }

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_requested_by(self, export: CandidateExport) -> str | None:
        return export.requested_by.user.email if export.requested_by else None

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, export: CandidateExport) -> str:
        return self._absolute(
            reverse("api:candidate-export-detail", kwargs={"public_id": export.public_id})
        )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, export: CandidateExport) -> str | None:
        if not selectors.export_downloadable(export):
            return None
        path = reverse("api:candidate-export-download", kwargs={"public_id": export.public_id})
        signature = selectors.export_download_signature(export)
        return self._absolute(f"{path}?{urlencode({'signature': signature})}")


class CandidateReferenceSerializer(serializers.ModelSerializer):
    """The candidate an export is asked for (the object of `POST …/export/`)."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Candidate
        fields = ["id"]


class CandidateExportFilter(django_filters.FilterSet):
    candidate = django_filters.UUIDFilter(
        field_name="candidate__public_id", label="Only this candidate's exports (their id)."
    )
    state = django_filters.ChoiceFilter(choices=ExportState.choices)

    class Meta:
        model = CandidateExport
        fields = ["candidate", "state"]


class ExportViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, MayExportCandidates]


@extend_schema(tags=["privacy"])
class CandidateExportRequestViewSet(ExportViewSet):
    """`POST /candidates/{id}/export/`: the one route of this viewset."""

    serializer_class = CandidateReferenceSerializer

    def scoped_queryset(self, membership):
        return candidate_queryset(membership=membership)

    @extend_schema(
        summary="Export everything held about a candidate",
        description=(
            "Records the request and has a worker build one ZIP: `candidate.json` (the "
            "document of docs/privacy.md, versioned by `schema_version`) and the "
            "candidate's résumé. Poll the answer's `url` until `state` is `ready`, then "
            "download `download_url` before `expires_at`. While an export of the "
            "candidate is still pending, asking again answers with that one."
        ),
        request=None,
        responses={202: CandidateExportSerializer},
    )
    @action(detail=True, methods=["post"])
    def export(self, request, public_id):
        export = services.candidate_export_request(
            actor=request.membership, candidate=self.get_object()
        )
        export = selectors.candidate_export_get(public_id=export.public_id)
        body = CandidateExportSerializer(export, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


@extend_schema_view(
    list=extend_schema(
        summary="List candidate exports",
        description="The organization's exports, newest first; `candidate` narrows them.",
    ),
    retrieve=extend_schema(summary="Get a candidate export's state"),
    download=extend_schema(
        summary="Download a candidate export",
        description=(
            "The ZIP, through the signed link of the export's `download_url`, until "
            "`expires_at`. A link with another signature is refused (403); an expired "
            "one, or an export whose file was deleted, is not found (404)."
        ),
        parameters=[
            OpenApiParameter(
                "signature",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=True,
                description="The signature in the export's `download_url`.",
            )
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The export's ZIP."
            )
        },
    ),
)
@extend_schema(tags=["privacy"])
class CandidateExportViewSet(ExportViewSet, RowsListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = CandidateExportSerializer
    filterset_class = CandidateExportFilter
    ordering_fields = ["created_at"]

    def scoped_queryset(self, membership):
        return selectors.candidate_export_list()

    def perform_content_negotiation(self, request, force=False):
        # The download answers a ZIP whatever Accept says, and its refusals JSON problems.
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    @action(detail=True, methods=["get"], filterset_class=None)
    def download(self, request, public_id):
        export = self.get_object()
        if not selectors.export_link_valid(export, request.query_params.get("signature", "")):
            raise PermissionDenied(
                "This download link is not valid: use the export's download_url."
            )
        if not selectors.export_downloadable(export):
            raise NotFound("This download link has expired: ask for a new export.")
        try:
            handle = services.candidate_export_open(export)
        except FileNotFoundError as error:
            raise Http404 from error
        return FileResponse(
            handle,
            as_attachment=True,
            filename=download_name(export),
            content_type="application/zip",
        )
