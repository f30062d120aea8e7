from django.http import HttpRequest


def tenant(request: HttpRequest) -> dict:
    """The active membership and the organization switcher's choices: the user's
    memberships, which the tenant middleware read to find the active one."""
    return {
        "active_membership": getattr(request, "membership", None),
        "switchable_memberships": getattr(request, "memberships", []),
    }
