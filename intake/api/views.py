from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from intake import selectors, services
from intake.api.filters import AgreementFilter
from intake.api.serializers import (
    AgreementAcknowledgeSerializer,
    AgreementCommentCreateSerializer,
    AgreementCommentSerializer,
    AgreementDiffQuerySerializer,
    AgreementDiffSerializer,
    AgreementProposeSerializer,
    AgreementSerializer,
)
from lib.api.views import RowsListModelMixin, TenantViewSetMixin


@extend_schema_view(
    list=extend_schema(
        summary="List agreement versions",
        description="Every version of every role's expectation agreement, newest first.",
    ),
    retrieve=extend_schema(summary="Read one agreement version and its terms"),
)
@extend_schema(tags=["agreements"])
class AgreementViewSet(
    TenantViewSetMixin,
    RowsListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The versioned expectation agreements: what recruiter and client agreed for a role.

    A version is never edited: the agency proposes the next one, and it is in
    force once the hiring manager and HR have both acknowledged it.
    """

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    ordering_fields = ["created_at", "updated_at"]
    # The business rules each write answers with 400 (in the schema and docs/api.md).
    refusals = {
        "create": [
            "`role` is not a role the caller can see.",
            "The terms are the same as the newest version's: nothing to propose.",
            "A role's first version leaves out a term it must state (the delivery targets, "
            "the SLAs, the must-haves, the interview stages, the expected days to fill).",
            "No must-have, or no interview stage.",
            "An interview stage's name appears twice, its owner cannot own a stage, or its "
            "expected days are not 1 to 60.",
            "A glossary term has no meaning.",
        ],
        "comments": ["`body` is blank."],
    }

    def scoped_queryset(self, membership):
        return selectors.agreement_list(membership=membership)

    def _read(self, agreement) -> dict:
        """The version as a list would show it, with its acknowledgements and comments."""
        return AgreementSerializer(self.get_queryset().get(pk=agreement.pk)).data

    @extend_schema(
        summary="Propose a new version",
        description=(
            "Proposes the next version of the role's agreement (the agency only). Terms "
            "left out are copied from the role's newest version, so a revision sends only "
            "what changes; terms identical to the newest version are refused. An earlier "
            "proposal nobody acknowledged is superseded."
        ),
        request=AgreementProposeSerializer,
        responses={201: AgreementSerializer},
    )
    def create(self, request):
        serializer = AgreementProposeSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        agreement = services.agreement_revise(actor=request.membership, **serializer.validated_data)
        return Response(self._read(agreement), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="agreements_acknowledge",
        summary="Acknowledge a proposed version",
        description=(
            "The hiring manager or HR of the role's client accepts the proposal for their "
            "side; once both have, the version is agreed and in force for the role."
        ),
        request=AgreementAcknowledgeSerializer,
        responses={200: AgreementSerializer},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, public_id=None):
        agreement = self.get_object()
        serializer = AgreementAcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = services.agreement_acknowledge(
            actor=request.membership, agreement=agreement, **serializer.validated_data
        )
        return Response(self._read(agreement))

    @extend_schema(
        operation_id="agreements_comment",
        summary="Comment on a version",
        description="Recruiter, hiring manager and HR discuss a proposal rather than edit it.",
        request=AgreementCommentCreateSerializer,
        responses={201: AgreementCommentSerializer},
    )
    @action(detail=True, methods=["post"])
    def comments(self, request, public_id=None):
        agreement = self.get_object()
        serializer = AgreementCommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.agreement_comment(
            actor=request.membership, agreement=agreement, **serializer.validated_data
        )
        return Response(AgreementCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="agreements_diff",
        summary="What changed between two versions",
        description=(
            "The terms that differ between this version and `against`, another version of "
            "the same role's agreement (by default the one just before this; for a role's "
            "first version, every term as added), by section: delivery targets and "
            "check-ins, response times, interview stages, shared vocabulary and market "
            "reality. Each change is `added`, `removed` or `changed`, with the old and new "
            "values. An `against` that is not another version of this role is a 400."
        ),
        parameters=[AgreementDiffQuerySerializer],
        responses={200: AgreementDiffSerializer},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, public_id=None):
        agreement = self.get_object()
        # A plain dict: from a query dict, DRF would take an empty `against=` for none.
        query = AgreementDiffQuerySerializer(
            data=request.query_params.dict(),
            context={"request": request, "agreement": agreement},
        )
        query.is_valid(raise_exception=True)
        against = query.validated_data.get("against") or selectors.agreement_before(
            agreement=agreement
        )
        diff = selectors.agreement_diff(old=against, new=agreement)
        return Response(AgreementDiffSerializer(diff).data)
