"""Clients and their contacts."""

from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Invitation, Membership, MembershipRole
from accounts.permissions import Action, require
from accounts.services import invitation_create
from activity.services import activity_record
from lib.tenancy import require_same_organization
from recruiting.models import Client, Contact, ContactKind
from recruiting.services._common import external_reference_checked, validate_timezone

CLIENT_FIELDS = (
    "name",
    "website",
    "timezone",
    "business_day_start",
    "business_day_end",
    "workdays",
    "notes",
    "weekly_report",
    "external_source",
    "external_id",
)


def _validate_calendar(*, business_day_start: time, business_day_end: time, workdays) -> list[int]:
    if business_day_start >= business_day_end:
        raise ValidationError({"business_day_end": "The business day must end after it starts."})
    days = sorted({int(day) for day in workdays})
    if not days or any(day not in range(7) for day in days):
        raise ValidationError({"workdays": "Choose at least one working day."})
    return days


def client_create(
    *,
    actor: Membership,
    name: str,
    timezone: str,
    business_day_start: time = time(9, 0),
    business_day_end: time = time(17, 30),
    workdays=(0, 1, 2, 3, 4),
    owner: Membership | None = None,
    website: str = "",
    notes: str = "",
    weekly_report: bool = True,
    external_source: str = "",
    external_id: str = "",
) -> Client:
    require(actor, Action.EDIT_CLIENTS_AND_ROLES)
    require_same_organization(actor, owner)
    if not name.strip():
        raise ValidationError({"name": "Give the client a name."})
    client = Client(
        organization_id=actor.organization_id,
        name=name.strip(),
        website=website,
        timezone=validate_timezone(timezone),
        business_day_start=business_day_start,
        business_day_end=business_day_end,
        workdays=_validate_calendar(
            business_day_start=business_day_start,
            business_day_end=business_day_end,
            workdays=workdays,
        ),
        owner=owner or actor,
        notes=notes,
        weekly_report=weekly_report,
        external_source=external_source,
        external_id=external_id,
    )
    client.full_clean(exclude=["organization", "owner", "escalation_contact"])
    _require_unique_name(client)
    with external_reference_checked(client), transaction.atomic():
        client.save(force_insert=True)
        activity_record(
            actor=actor, verb="client.created", client=client, summary=f"Client {client} added"
        )
    return client


def client_update(
    *, actor: Membership, client: Client, escalation_contact: Contact | None = None, **fields
) -> Client:
    require(actor, Action.EDIT_CLIENTS_AND_ROLES)
    owner = fields.get("owner")
    require_same_organization(actor, client, owner, escalation_contact)
    if escalation_contact is not None and escalation_contact.client_id != client.pk:
        raise ValidationError({"escalation_contact": "Choose a contact of this client."})
    unknown = set(fields) - {*CLIENT_FIELDS, "owner"}
    if unknown:
        raise ValueError(f"Not client fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(client, field, value)
    client.escalation_contact = escalation_contact
    client.timezone = validate_timezone(client.timezone)
    client.workdays = _validate_calendar(
        business_day_start=client.business_day_start,
        business_day_end=client.business_day_end,
        workdays=client.workdays,
    )
    client.full_clean(exclude=["organization", "owner", "escalation_contact"])
    _require_unique_name(client)
    with external_reference_checked(client), transaction.atomic():
        client.save()
        activity_record(
            actor=actor, verb="client.updated", client=client, summary=f"Client {client} updated"
        )
    return client


def _require_unique_name(client: Client) -> None:
    if Client.objects.filter(name__iexact=client.name).exclude(pk=client.pk).exists():
        raise ValidationError({"name": f"There is already a client called {client.name}."})


def _require_unique_email(contact: Contact) -> None:
    if not contact.email:
        return
    taken = Contact.objects.filter(client_id=contact.client_id, email__iexact=contact.email)
    if taken.exclude(pk=contact.pk).exists():
        raise ValidationError({"email": "Another contact of this client has this email."})


def contact_create(
    *,
    actor: Membership,
    client: Client,
    kind: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    job_title: str = "",
    external_source: str = "",
    external_id: str = "",
) -> Contact:
    require(actor, Action.EDIT_CLIENTS_AND_ROLES)
    require_same_organization(actor, client)
    contact = Contact(
        organization_id=actor.organization_id,
        client=client,
        kind=kind,
        full_name=full_name.strip(),
        email=email.strip().lower(),
        phone=phone,
        job_title=job_title,
        external_source=external_source,
        external_id=external_id,
    )
    contact.full_clean(exclude=["organization", "client", "user"])
    _require_unique_email(contact)
    with external_reference_checked(contact), transaction.atomic():
        contact.save(force_insert=True)
        activity_record(
            actor=actor,
            verb="contact.created",
            client=client,
            summary=f"{contact.get_kind_display()} {contact.full_name} added to {client}",
        )
    return contact


CONTACT_FIELDS = (
    "kind",
    "full_name",
    "email",
    "phone",
    "job_title",
    "external_source",
    "external_id",
)


def contact_update(*, actor: Membership, contact: Contact, **fields) -> Contact:
    require(actor, Action.EDIT_CLIENTS_AND_ROLES)
    require_same_organization(actor, contact)
    before = {field: getattr(contact, field) for field in CONTACT_FIELDS}
    for field in CONTACT_FIELDS:
        if field in fields:
            setattr(contact, field, fields[field].strip() if field != "kind" else fields[field])
    contact.email = contact.email.lower()
    contact.full_clean(exclude=["organization", "client", "user"])
    _require_unique_email(contact)
    with external_reference_checked(contact), transaction.atomic():
        contact.save()
        changed = sorted(
            field for field in CONTACT_FIELDS if getattr(contact, field) != before[field]
        )
        if not changed:  # an ATS pushing the same record again: nothing happened
            return contact
        activity_record(
            actor=actor,
            verb="contact.updated",
            client=contact.client,
            summary=f"{contact.get_kind_display()} {contact.full_name} of {contact.client} updated",
            payload={"contact": str(contact.public_id), "changed": changed},
        )
    return contact


CONTACT_KIND_ROLES = {
    ContactKind.HIRING_MANAGER: MembershipRole.HIRING_MANAGER,
    ContactKind.HR: MembershipRole.HR,
}


def contact_invite(*, actor: Membership, contact: Contact) -> Invitation:
    """Give a hiring manager or HR contact a login bound to their client."""
    require_same_organization(actor, contact)
    role = CONTACT_KIND_ROLES.get(contact.kind)
    if role is None:
        raise ValidationError("Only hiring managers and HR contacts get a login.")
    if not contact.email:
        raise ValidationError({"email": "Add the contact's email address first."})
    return invitation_create(actor=actor, email=contact.email, role=role, client=contact.client)
