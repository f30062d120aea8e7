"""Loading one organization: every statement, in order, in one transaction of its own."""

import time

from django.db import connection, transaction

from demo.scale import history, organization, roles, submissions, webhooks
from demo.scale.progress import Progress
from demo.scale.sizes import HISTORY, Plan
from demo.scale.sql import Step
from integrations.services.webhooks import webhook_secret_generate
from lib.tenancy import organization_context


def all_steps() -> list[Step]:
    """The statements that load one organization, in order.

    The SQL is put together from this package's constants only (S608); every value
    that varies is a parameter.
    """
    return [
        *organization.steps(),
        *roles.steps(),
        *submissions.steps(),
        *history.steps(),
        *webhooks.steps(),
    ]


def seed_organization(plan: Plan, steps, defaults, now, progress: Progress) -> None:
    """Run the steps for one organization in one transaction, on this thread's own
    connection, and report its rows to `progress`."""
    started = time.perf_counter()
    params = {
        **defaults,
        "org": plan.organization_id,
        "number": plan.number,
        "name": f"Scale Agency {plan.number}",
        "slug": plan.slug,
        "domain": f"{plan.slug}.example",
        "now": now,
        "founded": now - HISTORY,
        "clients": plan.clients,
        "roles": plan.roles,
        "candidates": plan.candidates,
        "submissions": plan.submissions,
        "activities": plan.activities,
        "recruiters": plan.recruiters,
        "webhook_secret": webhook_secret_generate(),
    }
    counts: dict[str, int] = {}
    try:
        with (
            organization_context(plan.organization_id),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            # The organization is one transaction: a crash leaves nothing half-built,
            # and nothing needs to be durable before its end. The planner has no
            # statistics of the rows the transaction wrote (the application role may not
            # ANALYZE) and takes each organization for a row or two: a nested loop over
            # tens of thousands of nudges, clocks and submissions did not end in ten
            # minutes. Every join here is of whole sets, which hash joins are for. The
            # cost a plan gets for a nested loop it cannot avoid (a cross join) would
            # set off JIT compilation, a quarter of a second per statement: no JIT.
            cursor.execute(
                "SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '64MB'; "
                "SET LOCAL enable_nestloop = off; SET LOCAL jit = off"
            )
            for step in steps:
                if step.largest_only and plan.number != 1:
                    continue
                progress.stage(plan, step.label)
                cursor.execute(step.sql, params)
                if step.counts:
                    counts[step.counts] = counts.get(step.counts, 0) + cursor.rowcount
                    progress.add(step.counts, cursor.rowcount)
    finally:
        connection.close()  # this thread's own connection
    progress.done(plan, counts, time.perf_counter() - started)
