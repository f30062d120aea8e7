"""The REST API, version 1 (`/api/v1/`): each app contributes its routes; docs/api.md."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from lib.api.exceptions import problem_response

app_name = "api"


@csrf_exempt  # a POST to no endpoint is a 404, whatever its cookies
def unknown_endpoint(request, path=""):
    return problem_response(404, detail="No API endpoint at this address.", code="not_found")


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # Swagger UI sets inline styles; its script is served as a file.
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    path("", include("accounts.api.urls")),
    path("", include("privacy.api.urls")),
    path("", include("recruiting.api.urls")),
    path("", include("intake.api.urls")),
    path("", include("engagements.api.urls")),
    path("", include("metrics.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("privacy.api.urls")),
    re_path(r"^(?P<path>[\s\S]*)$", unknown_endpoint),  # any character, newlines too
]
