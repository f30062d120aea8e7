"""Object lookup for recruiting pages: 404 for what the member may not see
(another organization's, or another client's for hiring managers and HR), 403 for
a role that may see but not do."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from accounts.access import require_membership
from accounts.models import Membership
from accounts.permissions import Action, can
from recruiting import selectors
from recruiting.models import Candidate, Client, Contact, Role, Submission


def _lookup(getter, **kwargs):
    try:
        return getter(**kwargs)
    except (
        Client.DoesNotExist,
        Role.DoesNotExist,
        Candidate.DoesNotExist,
        Submission.DoesNotExist,
        Contact.DoesNotExist,
        ValidationError,
        ValueError,
    ) as error:
        raise Http404 from error


def require_action(request: HttpRequest, action: Action) -> Membership:
    """The member, if their role may do `action`; 403 otherwise."""
    membership = require_membership(request)
    if not can(membership, action):
        raise DjangoPermissionDenied(f"Your role cannot {action.value}.")
    return membership


def get_client(request: HttpRequest, public_id) -> Client:
    return _lookup(
        selectors.client_get, membership=require_membership(request), public_id=public_id
    )


def get_role(request: HttpRequest, public_id) -> Role:
    return _lookup(selectors.role_get, membership=require_membership(request), public_id=public_id)


def get_candidate(request: HttpRequest, public_id) -> Candidate:
    return _lookup(
        selectors.candidate_get, membership=require_membership(request), public_id=public_id
    )


def get_submission(request: HttpRequest, public_id) -> Submission:
    return _lookup(
        selectors.submission_get, membership=require_membership(request), public_id=public_id
    )


def get_contact_for_editing(request: HttpRequest, public_id) -> Contact:
    """Contacts are managed by the agency; client users get 403, other agencies 404."""
    require_action(request, Action.EDIT_CLIENTS_AND_ROLES)
    return _lookup(lambda: Contact.objects.select_related("client").get(public_id=public_id))
