from celery import shared_task

from accounts.models import Membership
from lib.tenancy import organization_context
from recruiting.models import Candidate
from recruiting.services import consent


@shared_task(
    autoretry_for=(OSError,),  # SMTP and socket failures
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
)
def send_consent_request(organization_id: str, candidate_id: int, membership_id: int) -> None:
    """Mail the candidate their consent link, in their organization's context."""
    with organization_context(organization_id):
        candidate = Candidate.objects.select_related("organization").filter(pk=candidate_id).first()
        if candidate is None:
            return
        sender = Membership.objects.select_related("user").filter(pk=membership_id).first()
        consent.consent_request_email(candidate=candidate, sender=sender)
