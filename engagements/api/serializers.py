from rest_framework import serializers

from activity.models import Activity
from engagements.models import (
    ClockOutcome,
    Nudge,
    NudgeChannel,
    NudgeRecipient,
    NudgeSkip,
    ResponseClock,
)


class ClockSerializer(serializers.ModelSerializer):
    """An action the client owes on a submission, and by when (in the client's business hours)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    outcome = serializers.ChoiceField(
        choices=ClockOutcome.choices,
        allow_blank=True,
        read_only=True,
        help_text="How the clock closed; empty while it runs.",
    )
    submission = serializers.UUIDField(source="submission.public_id", read_only=True)
    candidate = serializers.UUIDField(source="submission.candidate.public_id", read_only=True)
    role = serializers.UUIDField(source="role.public_id", read_only=True)
    client = serializers.UUIDField(source="client.public_id", read_only=True)
    closed_by = serializers.UUIDField(source="closed_by.public_id", allow_null=True, read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    is_overdue = serializers.BooleanField(
        read_only=True, help_text="Open and past `due_at` at the time of the request."
    )

    class Meta:
        model = ResponseClock
        fields = [
            "id",
            "kind",
            "owed_by",
            "stage_name",
            "submission",
            "candidate",
            "role",
            "client",
            "opened_at",
            "sla_hours",
            "sla_due_at",
            "due_at",
            "is_open",
            "is_overdue",
            "closed_at",
            "closed_by",
            "outcome",
            "nudge_level",
            "next_nudge_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "stage_name": {"help_text": "For interview feedback: the interview stage."},
            "nudge_level": {"help_text": "The last level of the nudge ladder sent (0: none)."},
            "next_nudge_at": {"help_text": "When the next level falls due, if any."},
        }


class NudgeSerializer(serializers.ModelSerializer):
    """One level of the escalation ladder for one clock, sent once."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    clock = serializers.UUIDField(source="clock.public_id", read_only=True)
    submission = serializers.UUIDField(source="clock.submission.public_id", read_only=True)
    recipients = serializers.ListField(
        child=serializers.ChoiceField(choices=NudgeRecipient.choices),
        read_only=True,
        help_text="Who the level addresses, by their part in the engagement.",
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=NudgeChannel.choices), read_only=True
    )
    skip_reason = serializers.ChoiceField(
        choices=NudgeSkip.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why a skipped level was not sent: the client answered first, or a higher "
        "level was due as well and only that one was sent. Empty otherwise.",
    )

    class Meta:
        model = Nudge
        fields = [
            "id",
            "clock",
            "submission",
            "level",
            "status",
            "skip_reason",
            "recipients",
            "channels",
            "enqueued_at",
            "delivered_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    """One entry of the append-only activity log: who did what to which object, when."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    actor = serializers.UUIDField(
        source="actor.public_id",
        allow_null=True,
        read_only=True,
        help_text="The member who acted; null for the system (nudges, reminders).",
    )
    actor_name = serializers.CharField(
        source="actor.user.full_name", allow_null=True, read_only=True
    )
    client = serializers.UUIDField(source="client.public_id", allow_null=True, read_only=True)
    role = serializers.UUIDField(source="role.public_id", allow_null=True, read_only=True)
    candidate = serializers.UUIDField(source="candidate.public_id", allow_null=True, read_only=True)
    submission = serializers.UUIDField(
        source="submission.public_id", allow_null=True, read_only=True
    )
    payload = serializers.DictField(read_only=True, help_text="Details of the event, by verb.")

    class Meta:
        model = Activity
        fields = [
            "id",
            "verb",
            "summary",
            "actor",
            "actor_name",
            "client",
            "role",
            "candidate",
            "submission",
            "payload",
            "internal",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "verb": {"help_text": "What happened, e.g. `submission.stage_changed`."},
            "internal": {"help_text": "Recruiter-internal; client users never see these."},
        }
