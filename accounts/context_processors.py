from django.http import HttpRequest

from accounts.selectors import memberships_for_user


def tenant(request: HttpRequest) -> dict:
    """The active membership and, lazily, the organization switcher's choices."""
    if not request.user.is_authenticated:
        return {"active_membership": None, "switchable_memberships": []}
    return {
        "active_membership": getattr(request, "membership", None),
        # A callable: the query runs only if the template renders the switcher,
        # inside the user context that the tenant middleware holds open.
        "switchable_memberships": lambda: memberships_for_user(user=request.user),
    }
