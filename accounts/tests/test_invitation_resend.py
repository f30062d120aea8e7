"""Resending invitations, one or several from the members page: each through
`invitation_resend` with its own result; the same link, valid again; never one
accepted, withdrawn or mailed minutes ago; only the organization's own."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from accounts.tasks import send_invitation_email
from lib.bulk import MAX_BULK_ITEMS
from lib.exceptions import ApplicationError, PermissionDenied
from lib.tenancy import organization_context
from tests.factories import InvitationFactory

RESEND = "/settings/invitations/resend/"


def _stored(invitation) -> Invitation:
    with organization_context(invitation.organization_id):
        return Invitation.objects.get(pk=invitation.pk)


def test_a_resent_invitation_is_valid_again_and_mailed_with_the_same_link(
    owner, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        organization=owner.organization,
        expires_at=timezone.now() + timedelta(hours=1),
        email_sent_at=timezone.now() - timedelta(days=6),
    )
    with (
        organization_context(owner.organization_id),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        services.invitation_resend(actor=owner, invitation=invitation)
    assert len(callbacks) == 1
    assert _stored(invitation).expires_at > timezone.now() + timedelta(days=6)

    send_invitation_email(str(owner.organization_id), invitation.pk)  # what the worker runs

    (message,) = mail.outbox
    assert services.invitation_token(invitation) in message.body


@pytest.mark.parametrize(
    ("field", "ago", "message"),
    [
        ("accepted_at", timedelta(0), "was already accepted"),
        ("revoked_at", timedelta(0), "was withdrawn"),
        ("email_sent_at", timedelta(minutes=2), "went out less than 5 minutes"),
    ],
)
def test_an_invitation_accepted_withdrawn_or_just_mailed_is_not_resent(owner, field, ago, message):
    invitation = InvitationFactory(organization=owner.organization, **{field: timezone.now() - ago})
    with organization_context(owner.organization_id), pytest.raises(ApplicationError) as refused:
        services.invitation_resend(actor=owner, invitation=invitation)
    assert message in refused.value.message


def test_an_invitation_mailed_long_enough_ago_may_go_again(owner):
    invitation = InvitationFactory(organization=owner.organization, email_sent_at=timezone.now())
    later = timezone.now() + services.RESEND_INTERVAL + timedelta(seconds=1)
    with time_machine.travel(later), organization_context(owner.organization_id):
        services.invitation_resend(actor=owner, invitation=invitation)
    assert _stored(invitation).expires_at > later + timedelta(days=6)


def test_only_owners_and_admins_resend(recruiter):
    invitation = InvitationFactory(organization=recruiter.organization)
    with organization_context(recruiter.organization_id), pytest.raises(PermissionDenied):
        services.invitation_resend(actor=recruiter, invitation=invitation)


def test_the_admin_resends_several_from_the_members_page_each_with_its_result(
    client_for, admin, django_capture_on_commit_callbacks
):
    due = InvitationFactory(organization=admin.organization, email="due@example.test")
    unsent = InvitationFactory(organization=admin.organization, email="unsent@example.test")
    fresh = InvitationFactory(
        organization=admin.organization, email="fresh@example.test", email_sent_at=timezone.now()
    )
    with organization_context(admin.organization_id):
        Invitation.objects.filter(pk=due.pk).update(
            email_sent_at=timezone.now() - timedelta(days=1)
        )
    client = client_for(admin)
    page = client.get("/settings/members/").content.decode()
    assert f'value="{due.public_id}" form="resend-invitations"' in page

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            RESEND,
            {"invitations": [due.public_id, unsent.public_id, fresh.public_id]},
            follow=True,
        )

    content = response.content.decode()
    assert response.redirect_chain[-1][0] == "/settings/members/"
    assert "Invitations sent again 2: due@example.test, unsent@example.test." in content
    assert "Not sent again 1: The invitation to fresh@example.test went out less than 5 " in (
        content
    )
    assert len(callbacks) == 2


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ([], "Tick the invitations to resend."),
        (
            [str(uuid.uuid4()) for _ in range(MAX_BULK_ITEMS + 1)],
            f"Choose at most {MAX_BULK_ITEMS} at a time (you chose {MAX_BULK_ITEMS + 1}).",
        ),
    ],
)
def test_resending_none_or_too_many_is_a_form_error(client_for, owner, chosen, message):
    InvitationFactory(organization=owner.organization)
    response = client_for(owner).post(RESEND, {"invitations": chosen})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_non_admins_cannot_resend(client_for, recruiter, hr):
    invitation = InvitationFactory(organization=recruiter.organization)
    for member in (recruiter, hr):
        response = client_for(member).post(RESEND, {"invitations": [invitation.public_id]})
        assert response.status_code == 403


def test_another_organizations_admin_finds_none_of_the_invitations(
    client_for, owner, outsider, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(organization=owner.organization)
    before = _stored(invitation).expires_at

    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(outsider).post(
            RESEND, {"invitations": [invitation.public_id]}, follow=True
        )

    assert "Not sent again 1: Not found" in response.content.decode()
    assert callbacks == []
    assert _stored(invitation).expires_at == before
