"""The largest organization's webhook endpoint, an ATS that has followed the pipeline
from the start: every event it subscribed to, delivered at the first attempt."""

from demo.scale.sql import FOUNDED, ORG, Step, insert_select
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

# The largest organization's one webhook endpoint: an ATS following the pipeline.
WEBHOOK_EVENTS = [
    "submission.stage_changed",
    "review.completed",
    "interview.feedback_logged",
    "nudge.sent",
]


def steps() -> list[Step]:
    """The endpoint, its deliveries and their attempts."""
    org, created = ORG, FOUNDED
    return [
        # The largest organization's ATS has followed the pipeline from the start: one
        # endpoint, and every event it subscribed to delivered at the first attempt.
        Step(
            "webhooks",
            insert_select(
                WebhookEndpoint,
                {
                    "created_at": created,
                    "updated_at": created,
                    "url": "'https://ats.' || %(domain)s || '/webhooks/rapport'",
                    "description": "'ATS pipeline sync'",
                    "event_types": "ARRAY[" + ", ".join(f"'{e}'" for e in WEBHOOK_EVENTS) + "]",
                    "secret": "%(webhook_secret)s",
                    "enabled": "true",
                    "created_by_id": "owner.id",
                    "organization_id": org,
                },
                """FROM accounts_membership owner
                   WHERE owner.organization_id = %(org)s AND owner.role = 'owner'""",
            ),
            "webhook endpoints",
            largest_only=True,
        ),
        # The body `webhook_event_body` writes, but in PostgreSQL's JSON spacing.
        Step(
            "webhooks",
            insert_select(
                WebhookDelivery,
                {
                    "created_at": "a.created_at",
                    "updated_at": "d.delivered_at",
                    "endpoint_id": "e.id",
                    "activity_id": "a.id",
                    "event_type": "a.verb",
                    "body": """json_build_object(
                        'type', a.verb,
                        'timestamp', to_char(a.created_at AT TIME ZONE 'UTC',
                                             'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                        'data', json_build_object(
                            'activity', a.public_id, 'summary', a.summary,
                            'internal', a.internal, 'actor', actor.public_id,
                            'client', client.public_id, 'role', role.public_id,
                            'candidate', candidate.public_id,
                            'submission', submission.public_id, 'payload', a.payload))::text""",
                    "status": "'succeeded'",
                    "attempt_count": "1",
                    "enqueued_at": "a.created_at",
                    "manual_attempt": "false",
                    "last_status_code": "200",
                    "delivered_at": "d.delivered_at",
                    "organization_id": org,
                },
                """FROM engagements_webhookendpoint e
                   JOIN engagements_activity a ON a.organization_id = %(org)s
                       AND a.verb = ANY (e.event_types) AND a.created_at >= e.created_at
                   LEFT JOIN accounts_membership actor ON actor.id = a.actor_id
                   LEFT JOIN recruiting_client client ON client.id = a.client_id
                   LEFT JOIN recruiting_role role ON role.id = a.role_id
                   LEFT JOIN recruiting_candidate candidate ON candidate.id = a.candidate_id
                   LEFT JOIN recruiting_submission submission ON submission.id = a.submission_id
                   CROSS JOIN LATERAL (SELECT least(a.created_at + interval '1 second', %(now)s)
                       AS delivered_at) AS d
                   WHERE e.organization_id = %(org)s""",
            ),
            "webhook deliveries",
            largest_only=True,
        ),
        Step(
            "webhooks",
            insert_select(
                WebhookAttempt,
                {
                    "created_at": "d.created_at",
                    "updated_at": "d.delivered_at",
                    "delivery_id": "d.id",
                    "number": "1",
                    "manual": "false",
                    "finished_at": "d.delivered_at",
                    "status_code": "200",
                    "succeeded": "true",
                    "duration_ms": "40 + d.id %% 200",
                    "response_excerpt": "''",
                    "error": "''",
                    "organization_id": org,
                },
                "FROM engagements_webhookdelivery d WHERE d.organization_id = %(org)s",
            ),
            "webhook attempts",
            largest_only=True,
        ),
    ]
