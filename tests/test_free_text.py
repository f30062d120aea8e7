"""Free text across the models: every text field people write has a limit, documented
in docs/limits.md and kept by the model itself; text of nothing but invisible
characters counts as empty, so an empty review or comment is refused with a message;
and a row written before its field had a limit keeps its text whole.
"""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from intake import services as intake_services
from lib.models import BoundedTextField
from lib.tenancy import organization_context
from lib.text import TEXT_MAX_LENGTH, is_blank
from recruiting import services
from recruiting.models import CultureStatus, SkillsReview, Stage, Submission
from tests.factories import AgreementFactory, RoleFactory, SubmissionFactory

PROJECT_APPS = {"accounts", "activity", "recruiting", "intake", "engagements", "metrics"}
PROJECT_APPS |= {"integrations", "privacy"}
# Text the system writes, not people, and why it needs no limit of its own.
SYSTEM_TEXT = {
    "engagements.models.Notification.body": "composed by the services from bounded parts",
    "integrations.models.IdempotencyRecord.response_body": "the API's answer, kept for a retry",
    "integrations.models.WebhookDelivery.body": "the event the system signs and sends",
    "integrations.models.WebhookAttempt.response_excerpt": "the start of a receiver's answer",
}
LIMITS_DOC = Path(__file__).resolve().parents[1] / "docs" / "limits.md"


def _text_fields() -> dict[str, models.TextField]:
    """Every text column of the project's models, by its Python path."""
    return {
        f"{model.__module__}.{model.__name__}.{field.name}": field
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.fields
        if isinstance(field, models.TextField)
    }


BOUNDED = {name: f for name, f in _text_fields().items() if isinstance(f, BoundedTextField)}


def test_every_text_field_people_write_has_a_limit():
    fields = _text_fields()
    assert set(SYSTEM_TEXT) <= set(fields), "SYSTEM_TEXT names a field that is gone"
    assert sorted(set(fields) - set(BOUNDED) - set(SYSTEM_TEXT)) == []


def test_every_limit_is_documented_as_the_model_keeps_it():
    rows = re.findall(r"^\| `([\w.]+)` \| ([\d,]+) \|", LIMITS_DOC.read_text(), re.MULTILINE)
    documented = {name: int(limit.replace(",", "")) for name, limit in rows}
    assert documented == {name: field.max_length for name, field in BOUNDED.items()}


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_the_model_refuses_text_over_the_limit(name):
    field = BOUNDED[name]
    instance = field.model()
    setattr(instance, field.attname, "é" * field.max_length)  # characters, not bytes
    assert field.pre_save(instance, add=True) == "é" * field.max_length
    field.clean("é" * field.max_length, instance)

    setattr(instance, field.attname, "x" * (field.max_length + 1))
    with pytest.raises(ValidationError) as refused:
        field.pre_save(instance, add=True)
    assert list(refused.value.message_dict) == [field.name]
    with pytest.raises(ValidationError):
        field.clean("x" * (field.max_length + 1), instance)


# --- Empty text ------------------------------------------------------------------------

INVISIBLE = st.sampled_from([" ", "\t", "\n", "\r", "\u00a0", "\u2028", "\u200b", "\ufeff"])


@given(st.text(INVISIBLE))
def test_text_of_only_invisible_characters_is_blank(text):
    assert is_blank(text)


@given(st.text(INVISIBLE), st.characters(categories=["L", "N", "P", "S"]), st.text(INVISIBLE))
def test_text_with_any_visible_character_is_not_blank(before, visible, after):
    assert not is_blank(before + visible + after)


@pytest.fixture
def data(organization, client_company):
    role = RoleFactory(organization=organization, client=client_company)
    agreement = AgreementFactory(organization=organization, role=role)
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])

    def submission(**kwargs):
        return SubmissionFactory(organization=organization, role=role, **kwargs)

    return {
        "proposal": AgreementFactory(organization=organization, role=role, status="proposed"),
        "in_review": submission(stage=Stage.HM_REVIEW),
        "awaiting_hr": submission(
            stage=Stage.SUBMITTED, culture_status=CultureStatus.PENDING, culture_fit_notes="Calm"
        ),
        "interviewing": submission(stage=Stage.INTERVIEWING, stage_changed_at=timezone.now()),
    }


def reject_skills(actor, data, comment):
    services.skills_review_submit(
        actor=actor, submission=data["in_review"], decision="reject", comment=comment
    )


def ask_for_information(actor, data, comment):
    services.skills_review_submit(
        actor=actor, submission=data["in_review"], decision="need_info", comment=comment
    )


def request_changes(actor, data, comment):
    services.culture_approval_submit(
        actor=actor, submission=data["awaiting_hr"], decision="request_changes", comment=comment
    )


def reject_after_interview(actor, data, comment):
    services.interview_feedback_submit(
        actor=actor,
        submission=data["interviewing"],
        stage_name="Technical interview",
        outcome="reject",
        rating=2,
        comment=comment,
    )


def comment_agreement(actor, data, comment):
    intake_services.agreement_comment(actor=actor, agreement=data["proposal"], body=comment)


EMPTY_ANSWERS = [
    ("hiring_manager", reject_skills, "Tell the recruiter why"),
    ("hiring_manager", ask_for_information, "Say what information you need"),
    ("hr", request_changes, "Say what should change"),
    ("recruiter", reject_after_interview, "Say why the candidate is not going further"),
    ("hiring_manager", comment_agreement, "Write a comment"),
]


@pytest.mark.parametrize(
    ("member", "answer", "message"), EMPTY_ANSWERS, ids=[a.__name__ for _, a, _ in EMPTY_ANSWERS]
)
@pytest.mark.parametrize("empty", ["", "   \n", "\u200b\u200b", "\ufeff \u00a0"])
def test_an_empty_review_or_comment_is_refused_with_a_message(
    request, organization, data, member, answer, message, empty
):
    actor = request.getfixturevalue(member)
    with organization_context(organization.id):
        before = {s.pk: (s.stage, s.culture_status) for s in Submission.objects.all()}
        with pytest.raises(ValidationError) as refused:
            answer(actor, data, empty)
        assert message in " ".join(refused.value.messages)
        assert {s.pk: (s.stage, s.culture_status) for s in Submission.objects.all()} == before
        assert not SkillsReview.objects.exists()


def test_a_review_comment_over_the_limit_is_refused_and_nothing_is_stored(
    organization, data, hiring_manager
):
    with organization_context(organization.id), pytest.raises(ValidationError) as refused:
        reject_skills(hiring_manager, data, "x" * (TEXT_MAX_LENGTH + 1))
    assert list(refused.value.message_dict) == ["comment"]
    with organization_context(organization.id):
        assert not SkillsReview.objects.exists()
        assert Submission.objects.get(pk=data["in_review"].pk).stage == Stage.HM_REVIEW


def test_a_row_written_before_the_limit_keeps_its_text_and_still_moves(
    organization, data, recruiter
):
    """Nothing stored is lost: a pitch longer than today's limit stays whole, and the
    submission's other changes (a stage move) save without touching it."""
    submission = data["in_review"]
    legacy = "Written before the limit. " * 20_000  # 520,000 characters
    with organization_context(organization.id):
        Submission.objects.filter(pk=submission.pk).update(pitch=legacy)
        submission.refresh_from_db()
        services.submission_move(
            actor=recruiter, submission=submission, to_stage=Stage.WITHDRAWN, reason="Moved away"
        )
        stored = Submission.objects.get(pk=submission.pk)
    assert stored.stage == Stage.WITHDRAWN
    assert stored.pitch == legacy


def _form_classes(base=forms.Form):
    for form in base.__subclasses__():
        yield form
        yield from _form_classes(form)


def _import_project_modules() -> None:
    """Import every module of the project's apps, so that every form class is defined."""
    for app in sorted(PROJECT_APPS):
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if not {"tests", "migrations", "management"} & set(module.name.split(".")):
                importlib.import_module(module.name)


def test_every_text_box_of_every_form_has_a_limit():
    """Each declared field people type text into (a CharField) stops at a length; fields
    added per row when a form is built (a must-have's evidence) are tested with their
    forms."""
    _import_project_modules()
    project_forms = [f for f in _form_classes() if f.__module__.split(".")[0] in PROJECT_APPS]
    assert len(project_forms) > 20, "the form walk is broken"
    unbounded = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in project_forms
        for name, field in form.base_fields.items()
        if type(field) is forms.CharField and field.max_length is None
    ]
    assert unbounded == []
