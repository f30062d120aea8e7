"""The tenant context: which organization (and which user) the current work is for.

The context lives in context variables, set once per request (accounts.middleware)
and once per task (`organization_context`). Two consumers read it:

* `TenantManager` filters every ORM query on it and refuses to run without it;
* `_with_tenant_settings` prefixes every SQL statement with `set_config(..., true)`
  so that PostgreSQL row-level security sees the same context. The setting is
  transaction-local and travels with each statement, so a persistent or pooled
  connection never carries one organization's context into the next request:
  in autocommit mode a multi-statement string runs as one implicit transaction,
  inside `atomic()` the setting is simply re-asserted by every statement.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID

from lib.exceptions import OtherOrganization, TenantContextMissing

ORGANIZATION_SETTING = "rapport.organization_id"
USER_SETTING = "rapport.user_id"

_organization_id: ContextVar[UUID | None] = ContextVar("organization_id", default=None)
_user_id: ContextVar[int | None] = ContextVar("user_id", default=None)


def current_organization_id() -> UUID | None:
    return _organization_id.get()


def require_organization_id() -> UUID:
    organization_id = _organization_id.get()
    if organization_id is None:
        raise TenantContextMissing(
            "No organization is active: tenant data can only be read inside a tenant context."
        )
    return organization_id


def current_user_id() -> int | None:
    return _user_id.get()


@contextmanager
def organization_context(organization_id: UUID | str) -> Iterator[None]:
    """Run a block (a task, a command, a test) on behalf of one organization."""
    token = _organization_id.set(UUID(str(organization_id)))
    try:
        yield
    finally:
        _organization_id.reset(token)


@contextmanager
def user_context(user_id: int | None) -> Iterator[None]:
    """Let a block read the user's own rows (memberships, their organizations)."""
    token = _user_id.set(int(user_id) if user_id is not None else None)
    try:
        yield
    finally:
        _user_id.reset(token)


@contextmanager
def no_tenant_context() -> Iterator[None]:
    """Clear both contexts, e.g. for a sign-up that has no organization yet."""
    organization_token = _organization_id.set(None)
    user_token = _user_id.set(None)
    try:
        yield
    finally:
        _organization_id.reset(organization_token)
        _user_id.reset(user_token)


def settings_prefix(*, in_transaction: bool) -> str:
    """The SQL that hands the current context to PostgreSQL.

    Without a context, a statement in autocommit mode needs no prefix (nothing
    is set), but one inside a transaction gets the settings cleared, because
    an earlier statement of the same transaction may have set them.
    The values are a UUID and an int produced by this module, never user input,
    so they are safe to inline; inlining keeps the statement's own parameter
    placeholders untouched.
    """
    organization_id = _organization_id.get()
    user_id = _user_id.get()
    if organization_id is None and user_id is None and not in_transaction:
        return ""
    return (
        f"SELECT set_config('{ORGANIZATION_SETTING}', '{organization_id or ''}', true), "
        f"set_config('{USER_SETTING}', '{user_id if user_id is not None else ''}', true); "
    )


# Transaction control must run alone: after a failed statement, PostgreSQL
# refuses everything (our prefix included) until ROLLBACK TO SAVEPOINT.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK")


def _with_tenant_settings(execute, sql, params, many, context):
    if isinstance(sql, str) and not sql.lstrip().upper().startswith(TRANSACTION_CONTROL):
        sql = settings_prefix(in_transaction=context["connection"].in_atomic_block) + sql
    return execute(sql, params, many, context)


def install_tenant_wrapper(sender, connection, **kwargs) -> None:
    if (
        connection.vendor == "postgresql"
        and _with_tenant_settings not in connection.execute_wrappers
    ):
        connection.execute_wrappers.append(_with_tenant_settings)


def require_same_organization(actor, *objects) -> None:
    """Refuse any object of another organization than the actor's (None is skipped).

    Row-level security hides other organizations' rows from queries, but an object a
    service is handed (a foreign key, a row loaded elsewhere) is not re-read, so every
    service checks what it was given here.
    """
    for obj in objects:
        if obj is not None and obj.organization_id != actor.organization_id:
            raise OtherOrganization("That belongs to another organization.")
