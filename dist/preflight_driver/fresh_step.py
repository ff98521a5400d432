# What a separate `alembic upgrade`/`downgrade` command starts without, reset before every step of the walk: the
# DDL memo on the migration context's impl (SQLAlchemy records there the enum types it created "in this run", and
# skips creating them again), and on PostgreSQL the session settings a migration changed with a plain SET.
# Promises: env.py's own settings, made before the walk starts, are kept; nothing here is traced.

from .trace import RECORDER, dbapi_connection

_SESSION_SETTINGS = "SELECT name, setting FROM pg_settings WHERE source = 'session' ORDER BY name"


class FreshSteps(object):
    def __init__(self, context):
        self.context = context
        self.postgresql = context.dialect.name == "postgresql"
        self.baseline = self._settings() if self.postgresql else None

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

    def _settings(self):
        return dict(self._run(_SESSION_SETTINGS, True))

    def before_step(self):
        memo = getattr(getattr(self.context, "impl", None), "memo", None)
        if isinstance(memo, dict):
            memo.clear()
        if not self.postgresql:
            return
        now = self._settings()
        if now == self.baseline:
            return
        # No bound parameters (placeholders differ between DBAPIs): names come from pg_settings, values are quoted.
        for name, value in sorted(now.items()):
            if name in self.baseline and self.baseline[name] == value:
                continue
            if name in self.baseline:
                self._run("SELECT set_config('%s', '%s', false)" % (
                    name.replace("'", "''"), str(self.baseline[name]).replace("'", "''")), True)
            else:
                self._run('RESET "%s"' % name.replace('"', '""'), False)
        # Our own queries opened a transaction (the DBAPI begins one implicitly) under the leaked defaults
        # (default_transaction_read_only, ...); end it, so the step's transaction starts under the restored ones.
        # When SQLAlchemy itself holds a transaction open (env.py's own), it is not ours to end.
        if not self.context.connection.in_transaction():
            dbapi_connection(self.context.connection).commit()
