from django_filters import rest_framework as filters

from intake.models import AgreementStatus, ExpectationAgreement


class AgreementFilter(filters.FilterSet):
    # Declared rather than generated from Meta.fields: generating them queries the
    # model's manager when the module is imported, outside any tenant context.
    status = filters.ChoiceFilter(choices=AgreementStatus.choices)
    role = filters.UUIDFilter(field_name="role__public_id", help_text="A role's id.")
    client = filters.UUIDFilter(field_name="role__client__public_id", help_text="A client's id.")
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after this time (ISO 8601), e.g. to sync incrementally.",
    )

    class Meta:
        model = ExpectationAgreement
        fields = []
