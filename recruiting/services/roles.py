"""Roles (job orders) and their status."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership
from accounts.permissions import Action, require
from activity.services import activity_record
from lib.exceptions import ApplicationError
from lib.tenancy import require_same_organization
from recruiting.models import ROLE_STATUS_MOVES, Client, Contact, ContactKind, Role
from recruiting.services._common import external_reference_checked

ROLE_FIELDS = (
    "title",
    "description",
    "location",
    "work_arrangement",
    "openings",
    "salary_min",
    "salary_max",
    "salary_currency",
    "priority",
    "external_source",
    "external_id",
)


def _check_contacts(client: Client, hiring_manager: Contact | None, hr_contact: Contact | None):
    for field, contact, kind in (
        ("hiring_manager", hiring_manager, ContactKind.HIRING_MANAGER),
        ("hr_contact", hr_contact, ContactKind.HR),
    ):
        if contact is not None and (contact.client_id != client.pk or contact.kind != kind):
            raise ValidationError({field: f"Choose a {kind.label.lower()} of {client}."})


def _check_salary(role: Role) -> None:
    if role.salary_min and role.salary_max and role.salary_min > role.salary_max:
        raise ValidationError({"salary_max": "The top of the band is below its bottom."})


def role_create(
    *,
    actor: Membership,
    client: Client,
    title: str,
    hiring_manager: Contact | None = None,
    hr_contact: Contact | None = None,
    owner: Membership | None = None,
    **fields,
) -> Role:
    require(actor, Action.EDIT_CLIENTS_AND_ROLES)
    require_same_organization(actor, client, hiring_manager, hr_contact, owner)
    _check_contacts(client, hiring_manager, hr_contact)
    role = Role(
        organization_id=actor.organization_id,
        client=client,
        title=title.strip(),
        hiring_manager=hiring_manager,
        hr_contact=hr_contact,
        owner=owner or actor,
        **{key: value for key, value in fields.items() if key in ROLE_FIELDS},
    )
    _check_salary(role)
    role.full_clean(
        exclude=["organization", "client", "hiring_manager", "hr_contact", "owner", "agreement"]
    )
    with external_reference_checked(role), transaction.atomic():
        role.save(force_insert=True)
        activity_record(
            actor=actor, verb="role.created", role=role, summary=f"Role {role} opened for {client}"
        )
    return role


def role_update(
    *,
    actor: Membership,
    role: Role,
    hiring_manager: Contact | None = None,
    hr_contact: Contact | None = None,
    owner: Membership | None = None,
    **fields,
) -> Role:
    """Set the given fields and both contacts (None clears one); the owner only when given."""
    require(actor, Action.EDIT_CLIENTS_AND_ROLES)
    require_same_organization(actor, role, hiring_manager, hr_contact, owner)
    _check_contacts(role.client, hiring_manager, hr_contact)
    for key, value in fields.items():
        if key in ROLE_FIELDS:
            setattr(role, key, value)
    role.hiring_manager = hiring_manager
    role.hr_contact = hr_contact
    if owner is not None:
        role.owner = owner
    _check_salary(role)
    role.full_clean(
        exclude=["organization", "client", "hiring_manager", "hr_contact", "owner", "agreement"]
    )
    with external_reference_checked(role), transaction.atomic():
        role.save()
        activity_record(actor=actor, verb="role.updated", role=role, summary=f"{role} updated")
    return role


def role_change_status(*, actor: Membership, role: Role, status: str) -> Role:
    require(actor, Action.EDIT_CLIENTS_AND_ROLES)
    require_same_organization(actor, role)
    if status not in ROLE_STATUS_MOVES.get(role.status, frozenset()):
        raise ApplicationError(
            f"A role that is {role.get_status_display().lower()} cannot become “{status}”."
        )
    previous = role.get_status_display()
    role.status = status
    with transaction.atomic():
        role.save(update_fields=["status", "updated_at"])
        activity_record(
            actor=actor,
            verb="role.status_changed",
            role=role,
            summary=f"{role}: {previous} → {role.get_status_display()}",
            payload={"to": status},
        )
    return role
