"""What `OPTIONS` answers: DRF's description of a view's fields, for every route."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request


class ApiMetadata(SimpleMetadata):
    """DRF's metadata, also for routes that do not address an object by its id.

    DRF checks the object permissions of a `PUT` by loading the object through the
    URL's `public_id`. An upsert by external reference has no such id and its object
    may not exist yet (the `PUT` creates it), so there only the view's permissions
    decide whether its fields are described.
    """

    def determine_actions(self, request, view):
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        if lookup is None or lookup in view.kwargs:
            return super().determine_actions(request, view)
        actions = {}
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
            except (exceptions.APIException, PermissionDenied, Http404):
                continue
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions
