"""The API's routes, enumerated from the URL conf, for the tests that go over all of them."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Routes with no tenant object behind them, and why.
NOT_TENANT_OBJECTS = {
    "api/v1/me/": "describes the caller itself",
    "api/v1/schema/": "public description of the API",
    "api/v1/docs/": "public description of the API",
}
# Figures computed over many objects rather than objects: tested on their own
# (tests/api/test_every_route.py) for what another organization and a client user see.
AGGREGATE_PREFIX = "api/v1/metrics/"
# Resources that hiring managers and HR may not use (webhooks and the security log are
# for owners and admins, candidate exports for the agency): they get 403 before any lookup.
ADMIN_ONLY = {
    "integrations.WebhookEndpoint",
    "integrations.WebhookDelivery",
    "accounts.SecurityEvent",
    "privacy.CandidateExport",
}
# Routes that answer only through a signed link (the object's own `download_url`).
SIGNED_LINKS = {"api/v1/candidate-exports/<uuid:public_id>/download/"}


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "api/v1/roles/<uuid:public_id>/status/"
    view: object

    @property
    def methods(self) -> list[str]:
        actions = getattr(self.view, "actions", None) or {}
        return sorted(method.upper() for method in actions)

    @property
    def is_detail(self) -> bool:
        return "<uuid:public_id>" in self.template

    @property
    def is_aggregate(self) -> bool:
        return self.template.startswith(AGGREGATE_PREFIX)

    @property
    def is_upsert(self) -> bool:
        return "by-external-id" in self.template

    @property
    def model_label(self) -> str:
        viewset = self.view.cls(action="retrieve" if self.is_detail else "list")
        viewset.format_kwarg = None
        viewset.request = None
        return viewset.get_serializer_class().Meta.model._meta.label

    def url(self, obj=None, **kwargs) -> str:
        path = self.template
        if obj is not None:
            path = path.replace("<uuid:public_id>", str(obj.public_id))
        for name, value in kwargs.items():
            path = path.replace(f"<path:{name}>", value).replace(f"<str:{name}>", value)
        return "/" + path

    @property
    def openapi_path(self) -> str:
        """The route as the schema names it, e.g. `/api/v1/roles/{public_id}/status/`."""
        path = "/" + self.template.replace("<uuid:public_id>", "{public_id}")
        for converter in ("str", "path"):
            for name in ("source", "external_id"):
                path = path.replace(f"<{converter}:{name}>", "{" + name + "}")
        return path

    def __str__(self) -> str:
        return self.template


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def api_routes() -> list[Route]:
    routes = []
    for template, view in _walk(get_resolver().url_patterns):
        if not template.startswith("api/v1/") or template.startswith("api/v1/^"):
            continue  # the catch-all for unknown addresses
        if template in NOT_TENANT_OBJECTS:
            continue
        routes.append(Route(template, view))
    return routes
