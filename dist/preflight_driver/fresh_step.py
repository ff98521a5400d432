# What a separate `alembic upgrade`/`downgrade` command starts without, reset before every step of the walk: the
# DDL memo on the migration context's impl (SQLAlchemy records there the enum types it created "in this run", and
# skips creating them again), and what a migration left in the connection's session: settings changed with a plain
# SET (PostgreSQL) or PRAGMA (SQLite), and temporary tables, views and triggers.
# The session is read again only after a step that ran a statement able to change it (see _MAY_TOUCH_SESSION).
# Promises: env.py's own settings and temporary objects, made before the walk starts, are kept; nothing is traced.

import re

from .trace import RECORDER, dbapi_connection

# One round trip per step: the session's settings and its temporary objects.
_PG_SESSION = (
    "SELECT 's', name::text, setting FROM pg_settings WHERE source = 'session' "
    "UNION ALL SELECT 't', c.relname::text, c.relkind::text FROM pg_class c "
    "WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')")
_SQLITE_PRAGMAS = ("foreign_keys", "defer_foreign_keys", "legacy_alter_table", "recursive_triggers")
_SQLITE_SESSION = " UNION ALL ".join(
    ["SELECT 's', '%s', %s FROM pragma_%s()" % (p, p, p) for p in _SQLITE_PRAGMAS]
    + ["SELECT 't', name, type FROM sqlite_temp_master WHERE type IN ('table', 'view', 'trigger')"])
_PG_DROP = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
# Statements that may leave something in the session: SET/RESET/DISCARD/PRAGMA (also after a `;` or inside a DO
# block or procedure), set_config(), temporary objects. Only after a step that ran one (through SQLAlchemy) is the
# session read again: the read costs about 1 ms on PostgreSQL (pg_settings computes every setting), a third of a
# small step. What a step leaves without such a statement (a user function calling set_config, a raw DBAPI cursor)
# carries over to the next step, as it does within one plain `alembic upgrade head`.
# Matched with comments taken out (`/* note */ SET ...`); pg_temp names a temporary object without TEMP.
_MAY_TOUCH_SESSION = re.compile(
    r"^\s*(SET|RESET|DISCARD|PRAGMA|DO|CALL)\b|;\s*(SET|RESET|DISCARD|PRAGMA)\b|set_config|\bTEMP(ORARY)?\b|pg_temp",
    re.IGNORECASE | re.MULTILINE)
_COMMENTS = re.compile(r"/\*.*?\*/|--[^\n]*", re.DOTALL)


def _quote(name):
    return '"%s"' % str(name).replace('"', '""')


class FreshSteps(object):
    def __init__(self, context):
        self.context = context
        self.dialect = context.dialect.name
        self.baseline = self._session()
        self.touched = False
        if self.baseline is not None:
            try:
                from sqlalchemy import event
                event.listen(context.connection, "before_cursor_execute", self._saw)
            except Exception:
                self.touched = None  # no listener: read the session before every step

    def _saw(self, conn, cursor, statement, parameters, context, executemany):
        if self.touched is False and isinstance(statement, str) and _MAY_TOUCH_SESSION.search(_COMMENTS.sub(" ", statement)):
            self.touched = True

    def _run(self, sql, fetch):
        RECORDER.in_facts = True
        try:
            cur = dbapi_connection(self.context.connection).cursor()
            try:
                cur.execute(sql)
                return [tuple(r) for r in cur.fetchall()] if fetch else None
            finally:
                cur.close()
        finally:
            RECORDER.in_facts = False

    def _session(self):
        """({setting: value}, {temporary object: kind}), or None where the dialect has nothing to reset."""
        query = _PG_SESSION if self.dialect == "postgresql" else _SQLITE_SESSION if self.dialect == "sqlite" else None
        if query is None:
            return None
        settings, temps = {}, {}
        for kind, name, value in self._run(query, True):
            (settings if kind == "s" else temps)[name] = str(value)
        return settings, temps

    def before_step(self):
        memo = getattr(getattr(self.context, "impl", None), "memo", None)
        if isinstance(memo, dict):
            memo.clear()
        if self.baseline is None or self.touched is False:
            return
        if self.touched:
            self.touched = False
        settings, temps = self._session()
        if (settings, temps) == self.baseline:
            return
        base_settings, base_temps = self.baseline
        for name, kind in sorted(temps.items()):
            if name not in base_temps:
                if self.dialect == "postgresql":
                    self._run("DROP %s IF EXISTS pg_temp.%s CASCADE" % (_PG_DROP[kind], _quote(name)), False)
                else:
                    self._run("DROP %s IF EXISTS temp.%s" % (kind.upper(), _quote(name)), False)
        for name, value in sorted(settings.items()):
            if base_settings.get(name) == value:
                continue
            if self.dialect == "sqlite":
                if name in base_settings:
                    self._run("PRAGMA %s = %s" % (name, int(base_settings[name])), False)
            elif name in base_settings:
                # No bound parameters (placeholders differ between DBAPIs): names come from pg_settings.
                self._run("SELECT set_config('%s', '%s', false)" % (
                    name.replace("'", "''"), str(base_settings[name]).replace("'", "''")), True)
            else:
                self._run('RESET "%s"' % name.replace('"', '""'), False)
        if self.dialect == "postgresql" and not self.context.connection.in_transaction():
            # Our own queries opened a transaction (the DBAPI begins one implicitly) under the leaked defaults
            # (default_transaction_read_only, ...); end it, so the step's transaction starts under the restored
            # ones. When SQLAlchemy itself holds a transaction open (env.py's own), it is not ours to end.
            dbapi_connection(self.context.connection).commit()
