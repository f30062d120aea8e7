"""Object lookup for requests: 404 across organizations, 403 for a role that may not write.

Views never query tenant objects by id themselves; they come here, so the rule
lives in one place.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import ADMIN_ROLES, Invitation, Membership


def require_membership(request: HttpRequest) -> Membership:
    """The request's active membership; a user without one has nothing to see here."""
    if request.membership is None:
        raise Http404("No organization is active.")
    return request.membership


def require_admin(request: HttpRequest) -> Membership:
    membership = require_membership(request)
    if membership.role not in ADMIN_ROLES:
        raise PermissionDenied("Only owners and admins can manage the organization.")
    return membership


def get_or_404(queryset, **lookup):
    """The one object `lookup` finds in `queryset`, else 404 (a malformed id too)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as error:
        raise Http404 from error


def get_membership_for_admin(request: HttpRequest, public_id: UUID) -> Membership:
    actor = require_admin(request)
    return get_or_404(
        Membership.objects.select_related("user"),
        organization_id=actor.organization_id,
        public_id=public_id,
    )


def get_invitation_for_admin(request: HttpRequest, public_id: UUID) -> Invitation:
    actor = require_admin(request)
    return get_or_404(
        Invitation.objects, organization_id=actor.organization_id, public_id=public_id
    )
