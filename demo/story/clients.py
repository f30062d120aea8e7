"""The agency's recruiter, its clients, their people and the client logins."""

from datetime import datetime

from accounts import services as accounts_services
from accounts.models import MembershipRole
from accounts.selectors import member_list
from demo.story.agency import DEMO_PEOPLE, demo_password_hash
from demo.story.replay import Story
from demo.story.specs import ClientSpec, Person, ascii_fold
from lib.business_hours import add_business_hours
from recruiting import services as recruiting_services
from recruiting.models import ContactKind


class ClientPlanner(Story):
    """Plans the recruiter's arrival and each client's signing, people and logins."""

    def _add_recruiter(self) -> None:
        email, name, role = DEMO_PEOPLE[1]
        user = accounts_services.user_get_or_create(
            email=email,
            password=demo_password_hash(),
            full_name=name,
            hashed=True,
        )
        self.members[email] = accounts_services.membership_ensure(
            organization=self.organization, user=user, role=role
        )

    def _plan_client(self, spec: ClientSpec, number: int, signed: datetime) -> None:
        calendar = spec.calendar

        def create_client() -> None:
            manager = self._account_manager(spec)
            self.clients[spec.key] = recruiting_services.client_create(
                actor=manager,
                name=spec.name,
                timezone=spec.timezone,
                business_day_start=spec.day_start,
                business_day_end=spec.day_end,
                owner=manager,
                website=spec.website,
                notes=spec.notes,
            )

        self._at(signed, create_client)
        moment = signed
        people = [("hm", ContactKind.HIRING_MANAGER, spec.hiring_manager)]
        people.append(("hr", ContactKind.HR, spec.hr))
        people += [(person.name, kind, person) for kind, person in spec.others]
        for slot, kind, person in people:
            moment = add_business_hours(
                calendar=calendar, start=moment, hours=self._hours(0.1, 0.4)
            )
            self._at(moment, self._contact_creator(spec, slot, kind, person))
        escalation = spec.others[0][1].name
        moment = add_business_hours(calendar=calendar, start=moment, hours=self._hours(0.2, 1))

        def set_escalation() -> None:
            recruiting_services.client_update(
                actor=self._account_manager(spec),
                client=self.clients[spec.key],
                escalation_contact=self.contacts[(spec.key, escalation)],
            )

        self._at(moment, set_escalation)
        for slot in ("hm", "hr"):
            moment = add_business_hours(calendar=calendar, start=moment, hours=self._hours(0.5, 3))
            self._at(moment, self._login_giver(spec, slot))

    def _contact_creator(self, spec: ClientSpec, slot: str, kind: str, person: Person):
        def create_contact() -> None:
            first, *_, last = person.name.split(" ")
            email = person.email or f"{ascii_fold(first)}.{ascii_fold(last)}@{spec.domain}"
            self.contacts[(spec.key, slot)] = recruiting_services.contact_create(
                actor=self._account_manager(spec),
                client=self.clients[spec.key],
                kind=kind,
                full_name=person.name,
                email=email,
                job_title=person.title,
            )

        return create_contact

    def _login_giver(self, spec: ClientSpec, slot: str):
        """The client person's login: invited from their contact record and accepted, as
        an agency owner would do it, so the membership is bound to the client and the
        contact is linked to the login."""
        person = spec.hiring_manager if slot == "hm" else spec.hr
        role = MembershipRole.HIRING_MANAGER if slot == "hm" else MembershipRole.HR

        def give_login() -> None:
            contact = self.contacts[(spec.key, slot)]
            user = accounts_services.user_get_or_create(
                email=person.email,
                password=demo_password_hash(),
                full_name=person.name,
                hashed=True,
            )
            existing = member_list(organization_id=self.organization.id).filter(user=user).first()
            if existing is not None:
                # An agency seeded by an earlier version of this command already has the
                # demo hiring manager and HR, not yet bound to a client.
                membership = accounts_services.membership_change_role(
                    actor=self.owner, membership=existing, role=role, client=contact.client
                )
            else:
                invitation = recruiting_services.contact_invite(actor=self.owner, contact=contact)
                membership = accounts_services.invitation_accept(invitation=invitation, user=user)
            self.members[person.email] = membership

        return give_login
