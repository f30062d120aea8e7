"""Migration operations for row-level security on tenant tables."""

from django.db.migrations.operations.base import Operation

from lib.tenancy import ORGANIZATION_SETTING, USER_SETTING

# The active organization, or NULL when none is set: NULL compares false, so a
# statement without context sees and writes nothing.
CURRENT_ORGANIZATION = f"NULLIF(current_setting('{ORGANIZATION_SETTING}', true), '')::uuid"
CURRENT_USER = f"NULLIF(current_setting('{USER_SETTING}', true), '')::bigint"


class EnableRowLevelSecurity(Operation):
    """Enable and force row-level security on a tenant table, keyed on the organization.

    `read_also` is an extra SQL condition under which a row may be read outside
    its organization's context: a narrow, named path such as "the user's own
    memberships", never a blanket bypass.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, read_also: str | None = None) -> None:
        self.model_name = model_name
        self.read_also = read_also

    def state_forwards(self, app_label, state) -> None:
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        table = schema_editor.quote_name(self._table(app_label, to_state))
        tenant_match = f"organization_id = {CURRENT_ORGANIZATION}"
        read_match = tenant_match
        if self.read_also:
            read_match = f"({tenant_match}) OR ({self.read_also})"
        for statement in (
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY tenant_read ON {table} FOR SELECT USING ({read_match})",
            f"CREATE POLICY tenant_insert ON {table} FOR INSERT WITH CHECK ({tenant_match})",
            f"CREATE POLICY tenant_update ON {table} FOR UPDATE "
            f"USING ({tenant_match}) WITH CHECK ({tenant_match})",
            f"CREATE POLICY tenant_delete ON {table} FOR DELETE USING ({tenant_match})",
        ):
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        table = schema_editor.quote_name(self._table(app_label, from_state))
        for policy in ("tenant_read", "tenant_insert", "tenant_update", "tenant_delete"):
            schema_editor.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}"

    def deconstruct(self):
        kwargs = {"model_name": self.model_name}
        if self.read_also:
            kwargs["read_also"] = self.read_also
        return self.__class__.__qualname__, [], kwargs


APPEND_ONLY_TRIGGER = "rapport_append_only"


class MakeAppendOnly(Operation):
    """Refuse UPDATE and DELETE on a table, whoever asks: rows are added, never rewritten.

    A trigger named `rapport_append_only` raises on either statement, for every role
    the trigger applies to; and `lib.db_roles.application_role_grant` revokes UPDATE
    and DELETE on every table carrying that trigger from the application role, so the
    application could not even try. Only the owner can get past both (by disabling the
    trigger), which is what a hash chain over the rows is there to reveal.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        schema_editor.execute(
            """CREATE OR REPLACE FUNCTION rapport_refuse_change() RETURNS trigger
               LANGUAGE plpgsql AS $$
               BEGIN
                   RAISE EXCEPTION '%% is append-only: %% refused', TG_TABLE_NAME, TG_OP
                       USING ERRCODE = 'insufficient_privilege';
               END $$"""
        )
        schema_editor.execute(
            f"CREATE TRIGGER {APPEND_ONLY_TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rapport_refuse_change()"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {APPEND_ONLY_TRIGGER} ON {table}")

    def describe(self) -> str:
        return f"Make {self.model_name} append-only"

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"model_name": self.model_name}
