"""Upsert by an integration's own identifiers.

`PUT /api/v1/<resource>/by-external-id/<source>/<external_id>/` creates the object
with that reference (201) or updates the one that has it (200), so an ATS can push
its records without keeping our ids. A viewset gains the route by inheriting
`ExternalIdUpsertMixin` (before its viewset base) and saying how to create and
update through its services:

    @extend_schema_view(upsert=upsert_schema(request=RoleInput, response=RoleSerializer,
                                             noun="role"))
    class RoleViewSet(ExternalIdUpsertMixin, TenantViewSetMixin, GenericViewSet):
        upsert_serializer_class = RoleInput   # the body: shape only, no reference

        def upsert_create(self, data, *, external_source, external_id):
            return services.role_create(actor=self.request.membership, **data,
                                        external_source=external_source,
                                        external_id=external_id)

        def upsert_update(self, instance, data):
            return services.role_update(actor=self.request.membership, role=instance, **data)

The body has the fields of a create (required ones required); on update, the
fields left out keep their stored values. The response is the view's read
serializer (`get_serializer`), of the object as `get_queryset` reads it.
"""

from django.db import connection, transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from lib.tenancy import require_organization_id


def lock_external_reference(model, *, external_source: str, external_id: str) -> None:
    """Serialise the writers of one reference until the current transaction ends.

    Two upserts of a new reference would otherwise both find nothing and both
    create, and the loser would fail on the unique constraint. Waiting on a
    transaction-level advisory lock keyed on (kind, organization, reference)
    instead, the second looks after the first has committed and updates what it
    created. Keys are hashed to 64 bits: a collision only makes two unrelated
    upserts wait for each other.
    """
    key = external_reference_lock_key(
        model,
        organization_id=require_organization_id(),
        external_source=external_source,
        external_id=external_id,
    )
    with connection.cursor() as cursor:
        cursor.execute(LOCK_SQL, [key])


LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"


def external_reference_lock_key(model, *, organization_id, external_source, external_id) -> str:
    return f"{model._meta.label_lower}:{organization_id}:{external_source}:{external_id}"


class ExternalIdUpsertMixin:
    upsert_serializer_class: type[serializers.Serializer]

    def upsert_create(self, data: dict, *, external_source: str, external_id: str):
        raise NotImplementedError

    def upsert_update(self, instance, data: dict):
        raise NotImplementedError

    @action(
        detail=False,
        methods=["put"],
        url_path="by-external-id/<str:external_source>/<path:external_id>",
        url_name="upsert",
    )
    def upsert(self, request, external_source: str, external_id: str):
        model = self.get_queryset().model
        self._check_reference(model, external_source=external_source, external_id=external_id)
        serializer = self.upsert_serializer_class(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        reference = {"external_source": external_source, "external_id": external_id}
        with transaction.atomic():
            lock_external_reference(model, **reference)
            instance = self.get_queryset().filter(**reference).first()
            if instance is None:
                instance = self.upsert_create(serializer.validated_data, **reference)
                status_code = status.HTTP_201_CREATED
            else:
                self.check_object_permissions(request, instance)
                instance = self.upsert_update(instance, serializer.validated_data)
                status_code = status.HTTP_200_OK
        stored = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(stored).data, status=status_code)

    @staticmethod
    def _check_reference(model, **reference: str) -> None:
        errors = {}
        for field, value in reference.items():
            limit = model._meta.get_field(field).max_length
            if not value.strip() or len(value) > limit:
                errors[field] = [f"Give 1 to {limit} characters."]
        if errors:
            raise exceptions.ValidationError(errors)


def upsert_schema(*, request: type[serializers.Serializer], response, noun: str):
    """The OpenAPI description of a viewset's upsert: `extend_schema_view(upsert=...)`."""
    return extend_schema(
        summary=f"Create or update a {noun} by external id",
        description=(
            f"Creates the {noun} with this external reference (201) or updates the one "
            "that has it (200), in one call. The body is that of a create; on update, "
            "fields left out keep their stored values. Concurrent calls with one "
            "reference are applied one after the other."
        ),
        request=request,
        responses={200: response, 201: response},
        parameters=[
            OpenApiParameter(
                "external_source",
                str,
                OpenApiParameter.PATH,
                description="The system the object comes from, e.g. `greenhouse`.",
            ),
            OpenApiParameter(
                "external_id",
                str,
                OpenApiParameter.PATH,
                description="The object's id in that system.",
            ),
        ],
    )
