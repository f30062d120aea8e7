from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PrincipalRateThrottle(SimpleRateThrottle):
    """One budget per API key, and one per signed-in user for the browser's calls.

    The rate is read per request (`API_THROTTLE_RATE`), so an operator can change
    it without a release and a test can lower it.
    """

    scope = "api"

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str | None:
        if hasattr(request.auth, "allows"):
            return f"throttle:api:key:{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"throttle:api:user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
