from rest_framework import serializers

from intake import selectors
from intake.models import (
    AgreementAcknowledgement,
    AgreementComment,
    ExpectationAgreement,
    IntakeMeeting,
    StageOwner,
)
from intake.services import AGREEMENT_TERMS
from lib.api.serializers import InputModelSerializer, InputSerializer
from lib.text import TEXT_MAX_LENGTH
from recruiting.models import Role
from recruiting.selectors import role_get


class InterviewStageSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=80, help_text="Unique within the agreement; up to 80 characters."
    )
    owner = serializers.ChoiceField(
        choices=sorted(StageOwner.values),
        default="hiring_manager",
        help_text="Who runs the stage and owes its feedback.",
    )
    expected_days = serializers.IntegerField(help_text="How long the stage should take: 1 to 60.")


class GlossaryEntrySerializer(serializers.Serializer):
    term = serializers.CharField(max_length=80, help_text="Up to 80 characters.")
    meaning = serializers.CharField(max_length=500, help_text="Up to 500 characters.")


class AttendeeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="contact.public_id", help_text="The contact's id.")
    full_name = serializers.CharField(source="contact.full_name")


class IntakeMeetingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    attendees = AttendeeSerializer(source="attendance", many=True, read_only=True)

    class Meta:
        model = IntakeMeeting
        fields = ["id", "held_at", "notes", "attendees", "created_at", "updated_at"]


class AcknowledgementSerializer(serializers.ModelSerializer):
    member = serializers.UUIDField(source="membership.public_id", allow_null=True, read_only=True)
    member_name = serializers.CharField(
        source="membership.user.full_name", allow_null=True, read_only=True
    )

    class Meta:
        model = AgreementAcknowledgement
        fields = ["party", "member", "member_name", "comment", "created_at", "updated_at"]


class AgreementCommentSerializer(serializers.ModelSerializer):
    author = serializers.UUIDField(source="author.public_id", allow_null=True, read_only=True)
    author_name = serializers.CharField(
        source="author.user.full_name", allow_null=True, read_only=True
    )

    class Meta:
        model = AgreementComment
        fields = ["author", "author_name", "body", "created_at", "updated_at"]


class AgreementSerializer(serializers.ModelSerializer):
    """One version of an agreement: its terms, and who proposed, acknowledged and discussed it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    role = serializers.UUIDField(source="role.public_id", read_only=True)
    client = serializers.UUIDField(source="role.client.public_id", read_only=True)
    proposed_by = serializers.UUIDField(
        source="proposed_by.public_id", allow_null=True, read_only=True
    )
    intake_meeting = IntakeMeetingSerializer(
        read_only=True,
        allow_null=True,
        help_text="The intake meeting this version came out of, if any.",
    )
    interview_stages = InterviewStageSerializer(many=True, read_only=True)
    glossary = GlossaryEntrySerializer(many=True, read_only=True)
    acknowledgements = AcknowledgementSerializer(many=True, read_only=True)
    comments = AgreementCommentSerializer(many=True, read_only=True)

    class Meta:
        model = ExpectationAgreement
        fields = [
            "id",
            "role",
            "client",
            "version",
            "status",
            "proposed_by",
            "agreed_at",
            "intake_meeting",
            *AGREEMENT_TERMS,
            "acknowledgements",
            "comments",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AgreementProposeSerializer(InputModelSerializer):
    """A new version's terms. Terms left out are copied from the role's newest version;
    the role's first version states at least the delivery targets, the SLAs, the
    must-haves, the interview stages and the expected days to fill."""

    role = serializers.UUIDField(help_text="The role the agreement is for.")
    interview_stages = InterviewStageSerializer(
        many=True, required=False, help_text="In interview order; at least one."
    )
    glossary = GlossaryEntrySerializer(many=True, required=False)

    class Meta:
        model = ExpectationAgreement
        fields = ["role", *AGREEMENT_TERMS]
        extra_kwargs = {name: {"required": False} for name in AGREEMENT_TERMS}

    def validate_role(self, value) -> Role:
        try:
            return role_get(membership=self.context["request"].membership, public_id=value)
        except Role.DoesNotExist as error:
            raise serializers.ValidationError("No such role.") from error

    def validate(self, attrs: dict) -> dict:
        """`{"role": …, "changes": …}` as `intake.services.agreement_revise` takes them."""
        role = attrs.pop("role")
        return {"role": role, "changes": attrs}


class AgreementAcknowledgeSerializer(InputSerializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=TEXT_MAX_LENGTH,
        help_text="Optional, for the record.",
    )


class AgreementCommentCreateSerializer(InputSerializer):
    body = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class AgreementDiffQuerySerializer(InputSerializer):
    against = serializers.UUIDField(
        required=False,
        help_text="Another version of the same role's agreement to compare with; by default "
        "the version just before this one (none for the role's first version).",
    )

    def validate_against(self, value) -> ExpectationAgreement:
        agreement = self.context["agreement"]
        try:
            against = selectors.agreement_get(
                membership=self.context["request"].membership, public_id=value
            )
        except ExpectationAgreement.DoesNotExist as error:
            raise serializers.ValidationError("No such agreement version.") from error
        if against.role_id != agreement.role_id:
            raise serializers.ValidationError("Not a version of this agreement's role.")
        if against.pk == agreement.pk:
            raise serializers.ValidationError("Choose another version than this one.")
        return against


class AgreementVersionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = ExpectationAgreement
        fields = ["id", "version", "status"]
        read_only_fields = fields


class TermChangeSerializer(serializers.Serializer):
    term = serializers.ChoiceField(
        choices=sorted(AGREEMENT_TERMS), help_text="The agreement's term, as the versions name it."
    )
    label = serializers.CharField(help_text="What the term is called on the page.")
    change = serializers.ChoiceField(
        choices=[selectors.ADDED, selectors.REMOVED, selectors.CHANGED]
    )
    item = serializers.CharField(
        help_text="For a list term, the entry the change is about: a must-have, a stage's "
        "name, a glossary term. Empty for a single term and for a change of a list's order."
    )
    old = serializers.JSONField(
        allow_null=True,
        help_text="The value in `against` (a list's order: its entries kept, in order); "
        "null for an addition.",
    )
    new = serializers.JSONField(
        allow_null=True, help_text="The value in this version; null for a removal."
    )
    old_display = serializers.CharField(help_text="The old value as a person reads it.")
    new_display = serializers.CharField(help_text="The new value as a person reads it.")


class SectionChangesSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=[key for key, _, _ in selectors.SINGLE_TERMS])
    title = serializers.CharField()
    changes = TermChangeSerializer(many=True)


class AgreementDiffSerializer(serializers.Serializer):
    """What changed in the terms from `against` to `version`, section by section."""

    version = AgreementVersionSerializer(source="new")
    against = AgreementVersionSerializer(
        source="old", allow_null=True, help_text="Null: `version` is the role's first."
    )
    count = serializers.IntegerField(help_text="How many changes, in every section.")
    sections = SectionChangesSerializer(many=True)
