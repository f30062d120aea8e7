"""factory-boy factories for every model; sub-factories keep one organization."""

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, Role, User, hash_token
from lib.tenancy import organization_context

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.django.Password(DEFAULT_PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    timezone = "Europe/London"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The row-level security insert check wants the new id as the active organization.
        organization = model_class(*args, **kwargs)
        with organization_context(organization.id):
            organization.save(force_insert=True)
        return organization


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the row inside its organization's context, as the services do."""

    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with organization_context(kwargs["organization"].id):
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.RECRUITER


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.RECRUITER
    token_nonce = factory.LazyFunction(lambda: secrets.token_hex(32))
    token_hash = factory.LazyFunction(lambda: hash_token(secrets.token_urlsafe(32)))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
