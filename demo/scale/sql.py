"""Building blocks of the statements: one INSERT … SELECT per step, the model defaults
they rely on, and SQL expressions that pick words by a row's number."""

from dataclasses import dataclass

from django.core.management.base import CommandError
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

from accounts.models import Membership, Organization, User
from activity.models import Activity
from demo.scale.words import FIRST_NAMES, LAST_NAMES
from engagements.models import Nudge, ResponseClock
from intake.models import AgreementAcknowledgement, ExpectationAgreement
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from recruiting.models import (
    Candidate,
    Client,
    ConsentRecord,
    Contact,
    CultureApproval,
    InterviewFeedback,
    Role,
    SkillsReview,
    Submission,
)

# Placeholders for the organization's id and founding moment, which
# `load.seed_organization` passes with every statement.
ORG = "%(org)s"
FOUNDED = "%(founded)s"


@dataclass
class Step:
    """One statement of an organization's load; `counts` names what its rows are.
    A `largest_only` step runs for the largest organization alone."""

    label: str
    sql: str
    counts: str | None = None
    largest_only: bool = False


def pick(words: list[str], index_sql: str) -> str:
    """SQL for words[index % len(words)] (the words need no quoting)."""
    literal = ", ".join(f"'{word}'" for word in words)
    return f"(ARRAY[{literal}])[1 + ({index_sql}) %% {len(words)}]"


def person_name(index_sql: str) -> str:
    return (
        f"{pick(FIRST_NAMES, index_sql)} || ' ' || "
        f"{pick(LAST_NAMES, f'({index_sql}) / {len(FIRST_NAMES)}')}"
    )


def sql_values(rows: list[tuple]) -> str:
    def literal(value) -> str:
        return str(value) if isinstance(value, int | float) else f"'{value}'"

    return ", ".join("(" + ", ".join(literal(value) for value in row) + ")" for row in rows)


def insert_select(model, values: dict[str, str], source: str = "") -> str:
    """INSERT INTO the model's table … SELECT the given column expressions FROM source.

    A required column the statement does not name gets its model default as a
    parameter (`default_<column>`), so that a field added to a model later keeps
    the seed working; a required column with no default stops it loudly.
    """
    names = list(values)
    expressions = list(values.values())
    for field_ in model._meta.concrete_fields:
        if field_.column in values or isinstance(field_, AutoFieldMixin):
            continue
        if field_.db_default is not models.NOT_PROVIDED or field_.null:
            continue
        if not (field_.has_default() or isinstance(field_, models.CharField | models.TextField)):
            raise CommandError(
                f"seed_scale does not fill {model.__name__}.{field_.name}: give it a value."
            )
        names.append(field_.column)
        expressions.append(f"%(default_{model._meta.db_table}_{field_.column})s")
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    select = ", ".join(expressions)
    return f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {select} {source}"


def insert_defaults() -> dict[str, object]:
    """Every field's model default, ready for the driver: what `insert_select` refers to."""
    params = {}
    for model in (
        Organization,
        User,
        Membership,
        Client,
        Contact,
        Role,
        ExpectationAgreement,
        AgreementAcknowledgement,
        Candidate,
        ConsentRecord,
        Submission,
        ResponseClock,
        Nudge,
        SkillsReview,
        CultureApproval,
        InterviewFeedback,
        Activity,
        WebhookEndpoint,
        WebhookDelivery,
        WebhookAttempt,
    ):
        for field_ in model._meta.concrete_fields:
            if field_.has_default():
                value = field_.get_db_prep_save(field_.get_default(), connection)
            elif isinstance(field_, models.CharField | models.TextField):
                value = ""
            else:
                continue
            params[f"default_{model._meta.db_table}_{field_.column}"] = value
    return params
