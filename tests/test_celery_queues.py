"""The Celery queues split by the work (docs/scaling.md): every task of the project is
routed to a declared queue, and the workers a deployment runs consume every queue, so
no task waits in Redis for a worker that does not exist, and a slow webhook receiver
holds only the webhook worker."""

from django.conf import settings

from config.celery import app
from scripts import dev, smoke

DECLARED = {queue.name for queue in settings.CELERY_TASK_QUEUES}


def project_tasks() -> set[str]:
    """The project's tasks: Celery's own and those the test modules define for
    themselves (registered once their module is imported) left out."""
    app.loader.import_default_modules()
    return {
        name
        for name in app.tasks
        if not name.startswith("celery.") and "tests." not in name and not name.startswith("tests")
    }


def consumed(command: list[str]) -> set[str]:
    """The queues a `celery worker` command line consumes."""
    return set(command[command.index("--queues") + 1].split(","))


def test_the_four_queues_are_declared_with_default_for_the_rest():
    assert {"nudges", "webhooks", "reports", "default"} == DECLARED
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"


def test_every_task_of_the_project_has_a_route_to_a_declared_queue():
    tasks = project_tasks()
    assert tasks, "no task found: autodiscovery found nothing"
    assert tasks - set(settings.CELERY_TASK_ROUTES) == set()
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} <= DECLARED
    # And no route names a task that no longer exists.
    assert set(settings.CELERY_TASK_ROUTES) - tasks == set()


def test_tasks_are_routed_by_their_work():
    queue = {task: route["queue"] for task, route in settings.CELERY_TASK_ROUTES.items()}
    assert queue["engagements.tasks.deliver_nudge"] == "nudges"
    assert queue["engagements.tasks.scan_due_nudges"] == "nudges"
    assert queue["integrations.tasks.deliver_webhook"] == "webhooks"
    assert queue["metrics.tasks.deliver_weekly_report"] == "reports"
    assert queue["accounts.tasks.send_invitation_email"] == "default"


def test_the_router_sends_a_nudge_and_a_webhook_to_different_queues():
    router = app.amqp.Router()
    nudge = router.route({}, "engagements.tasks.deliver_nudge")
    webhook = router.route({}, "integrations.tasks.deliver_webhook")
    assert nudge["queue"].name == "nudges"
    assert webhook["queue"].name == "webhooks"


def test_the_smoke_stacks_workers_consume_every_queue_and_nudges_alone():
    queues = [consumed(command) for command in smoke.WORKER_COMMANDS.values()]
    assert set().union(*queues) == DECLARED
    assert {"nudges"} in queues
    assert not any("webhooks" in q and "nudges" in q for q in queues)


def test_the_worker_of_make_run_consumes_every_queue():
    command = dev.long_running_commands(8000)["worker"]
    assert consumed(command) == DECLARED
