# The statement recorder: Alembic's steps, each statement with the file:line of its op call, and on PostgreSQL the
# locks and rewrites it caused (facts, read on its own connection). Promises: recording never changes what runs.

import json
import sys
import time

from alembic.ddl.impl import DefaultImpl
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import bindparam, event
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import TextClause

try:
    from sqlalchemy.schema import DDLElement
except Exception:  # pragma: no cover
    DDLElement = ()

from . import state
from .guard import dialect_family, innermost_frame_any_greenlet
from .positions import innermost_frame, origin_of
from .protocol import send

FACTS_SQL = (
    "SELECT current_setting('lock_timeout'), current_setting('statement_timeout'), "
    "(SELECT coalesce(json_agg(json_build_array(l.relation::bigint, l.mode)), '[]'::json)::text FROM pg_locks l "
    " WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted), "
    "(SELECT coalesce(json_agg(json_build_array(c.oid::bigint, c.relfilenode::bigint, n.nspname, c.relname, c.relkind)),"
    " '[]'::json)::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r','p','i','I','m','S','v','f') AND n.nspname <> 'information_schema'"
    " AND n.nspname !~ '^pg_')"
)


_RELKINDS = {"r": "table", "p": "partitioned-table", "i": "index", "I": "partitioned-index", "m": "materialized-view",
             "S": "sequence", "v": "view", "f": "foreign-table"}


def dbapi_connection(conn):
    """The DBAPI connection under a SQLAlchemy Connection (sync or async adapter)."""
    fairy = conn.connection
    raw = getattr(fairy, "dbapi_connection", None)
    if raw is None:
        raw = getattr(fairy, "connection", None)
    return raw


class Recorder(object):
    def __init__(self):
        self.reset(False, False, False, False)

    def reset(self, armed, trace, facts, offline):
        self.armed = armed
        self.trace = trace
        self.facts = facts
        self.offline = offline
        self.active = 0
        self.steps = []
        self.pending = []
        self.open_events = []
        self.exec_depth = 0
        self.in_facts = False
        self.current_revision = None
        self.current_path = None
        self.step_started = None
        self.run_started = time.perf_counter()
        self.baseline = None
        self.failed_statement = None
        self.batch_origin = None
        self.chunks = []  # offline: text written by static_output during the current step
        self.capture = None  # offline: the statement whose text static_output is writing
        self.per_migration = False  # walk: one transaction per step, so a failure leaves the last good step
        self.last_down = None  # the revision the previous step took down: its next upgrade is a re-upgrade

    # --- steps
    def begin_step(self, step):
        revision = None
        script = getattr(step, "revision", None)
        if script is not None and hasattr(script, "revision"):
            revision = script.revision
            self.current_path = getattr(script, "path", None)
        if revision is None:
            revision = getattr(step, "up_revision_id", None)
        self.current_revision = revision
        self.step_started = time.perf_counter()
        # Where the run is, for the TS side's heartbeat and step timeout: sent as each step starts, unthrottled.
        up = bool(getattr(step, "is_upgrade", True))
        phase = "downgrade" if not up else ("re-upgrade" if self.last_down == revision else "upgrade")
        self.last_down = None if up else revision
        if not self.offline and revision is not None:
            send({"id": None, "step": {"revision": revision, "phase": phase}})

    def end_step(self, info):
        now = time.perf_counter()
        start = self.step_started if self.step_started is not None else self.run_started
        revision = getattr(info, "up_revision_id", None) or self.current_revision
        step = {
            "revision": revision,
            "direction": "up" if getattr(info, "is_upgrade", True) else "down",
            "durationMs": round((now - start) * 1000, 3),
            "statements": self.pending if (self.trace or self.offline) else [],
        }
        if self.offline:
            step["sql"] = "".join(self.chunks)
            self.chunks = []
        self.steps.append(step)
        self.pending = []
        self.baseline = None
        self.current_revision = None
        self.current_path = None
        self.step_started = None

    # --- statements
    def origin(self):
        if self.batch_origin is not None:
            return dict(self.batch_origin)
        return origin_of(innermost_frame_any_greenlet(("version",), sys._getframe(2)))

    def new_statement(self, sql):
        o = self.origin() or {"file": None, "line": None, "call": None}
        stmt = {"sql": sql, "file": o["file"], "line": o["line"], "call": o["call"], "durationMs": 0}
        self.pending.append(stmt)
        return stmt

    def read_facts(self, conn):
        """One query on the statement's own connection; None when it cannot run (e.g. an aborted transaction)."""
        self.in_facts = True
        try:
            raw = dbapi_connection(conn)
            cur = raw.cursor()
            try:
                cur.execute(FACTS_SQL)
                row = cur.fetchone()
            finally:
                cur.close()
            relations = {}
            for oid, filenode, schema, name, relkind in json.loads(row[3]):
                relations[int(oid)] = (int(filenode), "%s.%s" % (schema, name), _RELKINDS.get(relkind, relkind))
            locks = set((int(oid), mode) for oid, mode in json.loads(row[2]) if oid is not None)
            return {"lockTimeout": row[0], "statementTimeout": row[1], "locks": locks, "relations": relations,
                    "inTransaction": not bool(getattr(raw, "autocommit", False))}
        except Exception:
            return None
        finally:
            self.in_facts = False

    def facts_before(self, conn):
        before = self.read_facts(conn)
        if before is not None and self.baseline is None:
            self.baseline = before["relations"]
        return before

    def facts_between(self, before, after):
        baseline = self.baseline or {}
        relations = dict(before["relations"])
        relations.update(after["relations"])
        locks = sorted(
            ({"relation": relations[oid][1], "mode": mode, "kind": relations[oid][2]}
             for oid, mode in after["locks"] - before["locks"] if oid in baseline and oid in relations),
            key=lambda l: (l["relation"], l["mode"]))
        rewritten = sorted(
            rel_[1] for oid, rel_ in after["relations"].items()
            if oid in baseline and oid in before["relations"] and before["relations"][oid][0] != rel_[0])
        return {"locks": locks, "rewritten": rewritten, "lockTimeout": before["lockTimeout"],
                "statementTimeout": before["statementTimeout"], "inTransaction": before["inTransaction"]}


RECORDER = Recorder()


def compile_sql(construct, dialect, params=None):
    try:
        if isinstance(construct, str):
            return construct.strip()
        if params and isinstance(construct, TextClause):
            # Values given at execute() time, shown in the SQL rather than NULL: typed from the value, since
            # text() binds have no type to render a literal with.
            try:
                names = set(construct._bindparams)
                construct = construct.bindparams(*[bindparam(k, v) for k, v in params.items() if k in names])
            except Exception:
                pass
        if not isinstance(construct, DDLElement):
            try:
                return str(construct.compile(dialect=dialect, compile_kwargs={"literal_binds": True})).strip()
            except Exception:
                pass
        return str(construct.compile(dialect=dialect)).strip()
    except Exception:
        try:
            return str(construct).strip()
        except Exception:
            return "<statement that could not be compiled: %s>" % type(construct).__name__


def _single_param_set(rest):
    """The one dict of values an execute() got (before_execute's multiparams/params), or None for executemany."""
    for arg in rest[:2]:
        if isinstance(arg, dict) and arg:
            return arg
        if isinstance(arg, (list, tuple)) and len(arg) == 1 and isinstance(arg[0], dict):
            return arg[0]
    return None


def _is_postgres(dialect):
    return dialect is not None and dialect_family(dialect.name) == "postgresql"


def install_hooks():
    original_exec = DefaultImpl._exec
    original_static_output = DefaultImpl.static_output
    original_run_migrations = MigrationContext.run_migrations

    def _exec(self, construct, *args, **kw):
        rec = RECORDER
        if not rec.active or rec.exec_depth > 0:
            return original_exec(self, construct, *args, **kw)
        rec.exec_depth += 1
        try:
            if self.as_sql:
                stmt = rec.new_statement(None)
                rec.capture = stmt
                try:
                    return original_exec(self, construct, *args, **kw)
                finally:
                    rec.capture = None
                    if stmt["sql"] is None:
                        rec.pending.remove(stmt)
            if not rec.trace:
                try:
                    return original_exec(self, construct, *args, **kw)
                except BaseException:
                    rec.failed_statement = {"sql": compile_sql(construct, self.dialect), "origin": rec.origin()}
                    raise
            stmt = rec.new_statement(compile_sql(construct, self.dialect))
            before = rec.facts_before(self.connection) if rec.facts and _is_postgres(self.dialect) else None
            started = time.perf_counter()
            try:
                result = original_exec(self, construct, *args, **kw)
            except BaseException:
                stmt["durationMs"] = round((time.perf_counter() - started) * 1000, 3)
                rec.failed_statement = {"sql": stmt["sql"], "origin": stmt}
                raise
            stmt["durationMs"] = round((time.perf_counter() - started) * 1000, 3)
            if before is not None:
                after = rec.read_facts(self.connection)
                if after is not None:
                    stmt["facts"] = rec.facts_between(before, after)
            return result
        finally:
            rec.exec_depth -= 1

    def static_output(self, text):
        rec = RECORDER
        if not rec.active or not self.as_sql:
            return original_static_output(self, text)
        # Offline SQL is captured, never written: the user's output buffer would be our stdout.
        rec.chunks.append(text + "\n\n")
        if rec.capture is not None and rec.capture["sql"] is None:
            sql = text.strip()
            terminator = (getattr(self, "command_terminator", ";") or "").strip()
            if terminator and sql.endswith(terminator):
                sql = sql[: -len(terminator)].rstrip()
            rec.capture["sql"] = sql

    def run_migrations(self, **kw):
        rec = RECORDER
        if not rec.armed:
            return original_run_migrations(self, **kw)
        state.PROJECT.version_table = (getattr(self, "version_table", "alembic_version"),
                                       getattr(self, "version_table_schema", None))
        original_fn = getattr(self, "_migrations_fn", None)
        if original_fn is not None and not getattr(original_fn, "__preflight__", False):
            def migrations_fn(heads, ctx):
                for step in original_fn(heads, ctx):
                    rec.begin_step(step)
                    yield step
            migrations_fn.__preflight__ = True
            self._migrations_fn = migrations_fn

        def on_version_apply(ctx=None, step=None, heads=None, run_args=None, **_):
            rec.end_step(step)

        # Ours goes last, after the user's own callbacks, so the step's statements include theirs.
        self.on_version_apply_callbacks = tuple(self.on_version_apply_callbacks or ()) + (on_version_apply,)
        rec.active += 1
        try:
            return original_run_migrations(self, **kw)
        finally:
            rec.active -= 1

    from alembic.runtime.environment import EnvironmentContext
    original_configure = EnvironmentContext.configure

    def configure(self, *args, **kw):
        rec = RECORDER
        if rec.armed and (rec.facts or rec.per_migration) and not rec.offline:
            # Facts need each revision in its own transaction: in one transaction for several revisions, locks
            # taken by an earlier revision would hide the same locks taken again by a later one.
            kw["transaction_per_migration"] = True
        return original_configure(self, *args, **kw)

    original_from_config = ScriptDirectory.__dict__["from_config"].__func__

    def from_config(cls, config):
        # Alembic builds a ScriptDirectory, and so loads every migration file, once per command; a walk over N
        # revisions is N commands. The project's files do not change during a run, so the first one is kept.
        if cls is ScriptDirectory and config is state.PROJECT.cfg and state.PROJECT.cfg is not None:
            if state.PROJECT.script is None:
                state.PROJECT.script = original_from_config(cls, config)
            return state.PROJECT.script
        return original_from_config(cls, config)

    ScriptDirectory.from_config = classmethod(from_config)
    DefaultImpl._exec = _exec
    DefaultImpl.static_output = static_output
    MigrationContext.run_migrations = run_migrations
    EnvironmentContext.configure = configure
    _install_batch_origins()

    # Statements that bypass impl._exec: DDL SQLAlchemy emits itself (CREATE TYPE for an Enum, the version table)
    # and data statements a migration runs through op.get_bind().execute(...).
    def before_execute(conn, clauseelement, *rest, **kw):
        rec = RECORDER
        if not rec.active or rec.exec_depth > 0 or rec.in_facts or not rec.trace:
            return
        frame = innermost_frame(("version",), sys._getframe(1))
        if frame is None and not isinstance(clauseelement, DDLElement):
            return
        stmt = rec.new_statement(compile_sql(clauseelement, conn.dialect, _single_param_set(rest)))
        before = rec.facts_before(conn) if rec.facts and _is_postgres(conn.dialect) else None
        rec.open_events.append((clauseelement, stmt, before, time.perf_counter()))
        rec.failed_statement = {"sql": stmt["sql"], "origin": stmt}

    def after_execute(conn, clauseelement, *rest, **kw):
        rec = RECORDER
        if not rec.open_events or rec.in_facts:
            return
        for i in range(len(rec.open_events) - 1, -1, -1):
            element, stmt, before, started = rec.open_events[i]
            if element is clauseelement:
                del rec.open_events[i]
                stmt["durationMs"] = round((time.perf_counter() - started) * 1000, 3)
                if before is not None:
                    after = rec.read_facts(conn)
                    if after is not None:
                        stmt["facts"] = rec.facts_between(before, after)
                if rec.failed_statement is not None and rec.failed_statement.get("origin") is stmt:
                    rec.failed_statement = None
                return

    event.listen(Engine, "before_execute", before_execute)
    event.listen(Engine, "after_execute", after_execute)


class _OriginList(list):
    """The batch op list of `with op.batch_alter_table()`: remembers where each op was called, and while Alembic
    replays the list at the end of the block, tells the recorder which call the current statement comes from."""

    def __init__(self, *args):
        list.__init__(self, *args)
        self.origins = []

    def append(self, item):
        list.append(self, item)
        rec = RECORDER
        self.origins.append(origin_of(innermost_frame(("version",), sys._getframe(1))) if rec.active else None)

    def __iter__(self):
        rec = RECORDER
        for i in range(len(self)):
            origin = self.origins[i] if i < len(self.origins) else None
            rec.batch_origin = origin
            try:
                yield list.__getitem__(self, i)
            finally:
                rec.batch_origin = None


def _install_batch_origins():
    try:
        from alembic.operations.batch import BatchOperationsImpl
    except Exception:
        return
    original_init = BatchOperationsImpl.__init__

    def __init__(self, *args, **kw):
        original_init(self, *args, **kw)
        if isinstance(getattr(self, "batch", None), list):
            self.batch = _OriginList(self.batch)

    BatchOperationsImpl.__init__ = __init__
