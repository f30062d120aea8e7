from celery import shared_task

from accounts import audit, services
from accounts.models import Invitation
from lib.tenancy import organization_context


@shared_task(
    autoretry_for=(OSError,),  # SMTP and socket failures
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
)
def send_invitation_email(organization_id: str, invitation_id: int) -> None:
    with organization_context(organization_id):
        invitation = (
            Invitation.objects.select_related("organization", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is not None:
            services.invitation_send_email(invitation=invitation)


@shared_task(acks_late=True)
def resend_unsent_invitation_emails() -> int:
    return services.invitations_resend_unsent()


@shared_task
def check_security_logs() -> int:
    return audit.security_logs_check()
