"""The filters and sorts of the recruiting list pages, with django-filter as the API's
lists have theirs (recruiting/api/filters.py). A sort or status a list does not offer
is its default; another filter's value it does not take is named as an error next to
its field, and left out; never an error page. The client filter takes part of a
client's name (an agency has a few hundred clients: the roles' join reads them).

Each sort is a keyset ordering with an index of its own (lib/sorting.py): the roles by
client (`client_org_name_idx` then the roles of each), title (`role_org_title_idx`) or
when opened (`role_org_created_idx`); the candidates by name (`candidate_org_name_id_idx`,
`candidate_org_source_idx` within a source) or when added
(`candidate_org_created_idx`); the submissions by how long they have been in their
stage (`submission_open_waiting_idx` for the open ones, `submission_org_waiting_idx`
for all, `submission_stage_waiting_idx` within a stage, `submission_client_waiting_idx`
for a client) or when submitted
(`submission_org_created_idx`, `submission_org_stage_idx`).
"""

import django_filters
from django.db.models import QuerySet

from lib.sorting import ListSort, SortColumn
from recruiting import selectors
from recruiting.models import OPEN_STAGES, Priority, RoleStatus, Stage

ROLE_SORTS = ListSort(
    [
        SortColumn("title", "Role", ("title", "id")),
        SortColumn("client", "Client", ("client__name", "title", "id")),
        SortColumn("opened", "Opened", ("created_at", "id"), first="-"),
    ],
    default="client",
)
CANDIDATE_SORTS = ListSort(
    [
        SortColumn("name", "Name", ("full_name", "id")),
        SortColumn("added", "Added", ("created_at", "id"), first="-"),
    ],
    default="name",
)
SUBMISSION_SORTS = ListSort(
    [
        # Ascending: those that have waited longest in their stage first.
        SortColumn("waiting", "In stage since", ("stage_changed_at", "id")),
        SortColumn("submitted", "Submitted", ("created_at", "id"), first="-"),
    ],
    default="waiting",
)

ALL = "all"
OPEN = "open"
ROLE_STATUS_CHOICES = [(ALL, "All"), *RoleStatus.choices]
SUBMISSION_STAGE_CHOICES = [(OPEN, "Open"), (ALL, "All"), *Stage.choices]
CONSENT_GIVEN, CONSENT_MISSING = "given", "missing"
CONSENT_CHOICES = [(CONSENT_MISSING, "Missing"), (CONSENT_GIVEN, "Given")]


def _unchanged(queryset: QuerySet, name: str, value) -> QuerySet:
    return queryset


class SortFilter(django_filters.ChoiceFilter):
    """The list's sort, checked against those it offers; the keyset page orders."""

    def __init__(self, sorts: ListSort, **kwargs) -> None:
        super().__init__(choices=sorts.choices(), method=_unchanged, label="Sort", **kwargs)


class ListFilter(django_filters.FilterSet):
    """A list page's filters. `defaults` are the values of a field left empty (the open
    roles unless asked otherwise); `client_user` leaves out the client filter for a
    hiring manager or HR, who see one client."""

    defaults: dict[str, str] = {}

    def __init__(self, data=None, *args, client_user: bool = False, **kwargs) -> None:
        data = data.copy() if data is not None else {}
        # A field with a default (the roles' status, the submissions' stage) and the
        # sort take their default for a value they do not offer (an old link, an
        # address edited by hand), as for none: the page says which is in force.
        for field in [*self.defaults, "sort"]:
            offered = dict(self.base_filters[field].extra["choices"])
            if data.get(field) not in offered:
                data.pop(field, None)
                if field in self.defaults:
                    data[field] = self.defaults[field]
        super().__init__(data, *args, **kwargs)
        if client_user:
            self.filters.pop("client", None)

    def narrowed(self) -> bool:
        """Whether a filter left some rows out (beyond the defaults)."""
        self.is_valid()
        cleaned = self.form.cleaned_data
        return any(
            cleaned.get(name) and cleaned.get(name) != self.defaults.get(name)
            for name in self.filters
            if name != "sort"
        )

    def sort(self) -> str | None:
        """The sort asked for; None when none was, or one the list does not offer."""
        self.is_valid()
        return self.form.cleaned_data.get("sort") or None


class RoleListFilter(ListFilter):
    defaults = {"status": RoleStatus.OPEN}

    status = django_filters.ChoiceFilter(
        choices=ROLE_STATUS_CHOICES, method="filter_status", empty_label=None
    )
    client = django_filters.CharFilter(
        field_name="client__name", lookup_expr="icontains", max_length=160, label="Client"
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices, empty_label="Any")
    sort = SortFilter(ROLE_SORTS, empty_label=None)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if value == ALL else queryset.filter(status=value)


class CandidateListFilter(ListFilter):
    tag = django_filters.CharFilter(method="filter_tag", max_length=40, label="Tag")
    source = django_filters.CharFilter(max_length=60, label="Source")
    consent = django_filters.ChoiceFilter(
        choices=CONSENT_CHOICES,
        method="filter_consent",
        empty_label="Any",
        label="Consent to be represented",
    )
    sort = SortFilter(CANDIDATE_SORTS, empty_label=None)

    def filter_consent(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(consent_to_represent=value == CONSENT_GIVEN)

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.candidates_tagged(queryset, tag=value.strip())


class SubmissionListFilter(ListFilter):
    defaults = {"stage": OPEN}

    stage = django_filters.ChoiceFilter(
        choices=SUBMISSION_STAGE_CHOICES, method="filter_stage", empty_label=None
    )
    client = django_filters.CharFilter(
        field_name="client__name", lookup_expr="icontains", max_length=160, label="Client"
    )
    sort = SortFilter(SUBMISSION_SORTS, empty_label=None)

    def filter_stage(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == ALL:
            return queryset
        if value == OPEN:
            return queryset.filter(stage__in=OPEN_STAGES)
        return queryset.filter(stage=value)
