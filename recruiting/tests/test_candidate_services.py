"""Candidate writes that race: the database's constraint answers as the check would."""

import pytest
from django.core.exceptions import ValidationError

from lib.tenancy import organization_context
from recruiting.models import Candidate
from recruiting.services import candidate_create, candidates
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def test_a_concurrent_writer_taking_the_email_first_is_a_field_error(
    monkeypatch, recruiter, organization
):
    CandidateFactory(organization=organization, email="priya@mail.test")
    # The other writer committed between this one's check and its insert.
    monkeypatch.setattr(candidates, "_check_email_free", lambda candidate: None)
    with organization_context(organization.id), pytest.raises(ValidationError) as refused:
        candidate_create(actor=recruiter, full_name="Priya Raman", email="PRIYA@mail.test")
    assert refused.value.message_dict == {"email": [candidates.EMAIL_TAKEN]}
    with organization_context(organization.id):
        assert Candidate.objects.count() == 1
