from django_filters import rest_framework as filters

from intake.models import AgreementStatus, ExpectationAgreement
from lib.api.filters import updated_since_filter


class AgreementFilter(filters.FilterSet):
    # Declared rather than generated from Meta.fields: generating them queries the
    # model's manager when the module is imported, outside any tenant context.
    status = filters.ChoiceFilter(choices=AgreementStatus.choices)
    role = filters.UUIDFilter(field_name="role__public_id", help_text="A role's id.")
    client = filters.UUIDFilter(field_name="role__client__public_id", help_text="A client's id.")
    updated_since = updated_since_filter()

    class Meta:
        model = ExpectationAgreement
        fields = []
