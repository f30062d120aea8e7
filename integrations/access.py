"""Object lookup for the integrations pages: 404 across organizations (accounts.access)."""

from uuid import UUID

from django.http import HttpRequest

from accounts.access import get_or_404, require_admin
from integrations.models import ApiKey


def get_api_key_for_admin(request: HttpRequest, public_id: UUID) -> ApiKey:
    actor = require_admin(request)
    return get_or_404(ApiKey.objects, organization_id=actor.organization_id, public_id=public_id)
