"""The Celery application: configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault(
    "DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('DJANGO_ENV', 'local')}"
)

app = Celery("rapport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work, one commented entry per schedule. Running a schedule twice (two
# beats, a restart) is harmless: every task claims its work in the database.
app.conf.beat_schedule = {
    # Find due (clock, level) pairs and claim them; delivery is a task per nudge.
    "scan-due-nudges": {"task": "engagements.tasks.scan_due_nudges", "schedule": 60.0},
    # Invitation mails that could not be enqueued (broker down) go out late, not never.
    "resend-unsent-invitations": {
        "task": "accounts.tasks.resend_unsent_invitation_emails",
        "schedule": 300.0,
    },
    # Re-enqueue nudges claimed while the broker was down or whose worker died.
    "requeue-stale-nudges": {
        "task": "engagements.tasks.requeue_stale_nudges",
        "schedule": 300.0,
    },
    # Daily digests: every quarter of an hour, so each member's mail leaves within
    # 15 minutes of 08:00 in their own timezone; each day is claimed once per member.
    "send-daily-digests": {"task": "engagements.tasks.send_daily_digests", "schedule": 900.0},
    # Clients' weekly reports: every quarter of an hour, so each client's report leaves
    # within 15 minutes of Monday 08:00 in its timezone; a client's week is claimed once.
    "scan-weekly-reports": {"task": "metrics.tasks.scan_weekly_reports", "schedule": 900.0},
    # Re-enqueue weekly reports claimed while the broker was down or whose worker died.
    "requeue-stale-weekly-reports": {
        "task": "metrics.tasks.requeue_stale_weekly_reports",
        "schedule": 300.0,
    },
    # Missed check-ins and submissions targets behind: hourly is timely for both.
    "scan-reminders": {"task": "engagements.tasks.scan_reminders", "schedule": 3600.0},
    # Webhook attempts due after a long wait (30 min to 10 h), or whose message was
    # lost (broker down, worker killed); an attempt claims its number, so overlap is safe.
    "requeue-due-webhook-deliveries": {
        "task": "integrations.tasks.requeue_due_webhook_deliveries",
        "schedule": 60.0,
    },
    # Idempotency keys answer retries for 24 hours; older records are dropped hourly.
    "purge-idempotency-records": {
        "task": "integrations.tasks.purge_idempotency_records",
        "schedule": 3600.0,
    },
    # The retention policy (docs/privacy.md#retention): each organization's run is
    # claimed once a day; the hourly call finds it done, or takes up a crashed one.
    "apply-retention": {"task": "privacy.tasks.apply_retention", "schedule": 3600.0},
    # Every organization's security-log chain recomputed; a broken one is logged as an
    # error (docs/operations.md). Daily: it reads each log from its first event.
    "check-security-logs": {"task": "accounts.tasks.check_security_logs", "schedule": 86400.0},
    # Candidate exports (docs/privacy.md) past their expiry lose their file, hourly.
    "purge-expired-candidate-exports": {
        "task": "privacy.tasks.purge_expired_candidate_exports",
        "schedule": 3600.0,
    },
    # Exports whose build message was lost (broker down, worker killed) are built late.
    "requeue-stale-candidate-exports": {
        "task": "privacy.tasks.requeue_stale_candidate_exports",
        "schedule": 300.0,
    },
}
