# Hand-written data ([tool.alembic-preflight.data], as pytest-alembic users know it): before a revision is upgraded
# its seed files go in (.sql as written, or a Python function seed(connection)); after the upgrade its assertions
# run (SQL: every row it returns is an offending row; Python: check(connection) fails by raising AssertionError).
# data_walk.py calls before()/after() around each revision of a `data` walk; `data-hand` (do_configure) tells the
# driver what to run before the walks.
# Promises: each seed runs in a SAVEPOINT (or transaction) of its own that is committed, or rolled back whole when it
# fails; an assertion's transaction is always rolled back (it cannot change what the next step finds); all of it is
# off the statement trace; a failure is a result, never an exception into the walk.

import importlib.util
import os
import sqlite3
import sys
from contextlib import contextmanager

import sqlalchemy as sa

from . import state
from .seed_values import normalized
from .trace import RECORDER

SHOWN_ROWS = 3

# Set by `data-hand`; None: no hand-written data.
CONFIG = {"spec": None}


def do_configure(params):
    CONFIG["spec"] = {
        "generate": bool(params.get("generate")),
        "order": list(params.get("order") or []),
        "revisions": dict(params.get("revisions") or {}),
    }
    return {"ok": True}


def for_walk(conn):
    """The hand-written data of this walk, or None when there is none."""
    spec = CONFIG["spec"]
    return HandData(conn, spec) if spec and spec["revisions"] else None


def _message(e):
    text = str(e).strip()
    first = text.splitlines()[0] if text else ""
    if isinstance(e, AssertionError):
        return first or "AssertionError"
    # SQLAlchemy wraps the DBAPI's error: its own line is what the database said.
    orig = getattr(e, "orig", None)
    if orig is not None and str(orig).strip():
        first = str(orig).strip().splitlines()[0]
    return "%s: %s" % (type(orig or e).__name__, first)


def _statements(sql, dialect):
    """The statements of an SQL file: SQLite's cursor runs one at a time (executescript would commit env.py's
    transaction), so split where sqlite3 says a statement is complete; PostgreSQL takes the text whole."""
    if dialect != "sqlite":
        return [sql] if sql.strip() else []
    out, current = [], ""
    for line in sql.splitlines(True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip().strip(";").strip():
                out.append(current)
            current = ""
    if current.strip() and not all(l.strip().startswith("--") or not l.strip() for l in current.splitlines()):
        out.append(current)
    return out


def _asyncpg_script(conn, sql):
    """Runs several statements on an asyncpg connection (its execute() without arguments: simple query protocol),
    from the sync side of SQLAlchemy's adapter, as its own calls are."""
    from sqlalchemy import util
    wait = getattr(util, "await_", None) or util.await_only  # await_only: SQLAlchemy 1.4 and 2.0 (deprecated in 2.1)
    raw = conn.connection.driver_connection  # SQLAlchemy's adapter, then asyncpg's Connection
    wait(raw.execute(sql))


def _function(script):
    """The named function of a .py file, loaded once per run (its module named after the file)."""
    path = script["path"]
    name = "_preflight_data_%s" % abs(hash(path))
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        folder = os.path.dirname(path)
        added = folder not in sys.path
        if added:
            sys.path.insert(0, folder)
        try:
            spec.loader.exec_module(module)
        finally:
            if added and folder in sys.path:
                sys.path.remove(folder)
        sys.modules[name] = module
    fn = getattr(module, script["function"], None)
    if not callable(fn):
        raise AttributeError("%s defines no function %s(connection)" % (os.path.basename(path), script["function"]))
    return fn


class HandData(object):
    def __init__(self, conn, spec):
        self.conn = conn
        self.spec = spec
        self.generate = spec["generate"]
        self.order = spec["order"]
        self.index = dict((r, i) for i, r in enumerate(self.order))
        self.revision = None  # the revision before() prepared for
        self.results = None  # its results, filled in by after()
        self.seed_failed = False
        self.seeded = False

    @contextmanager
    def _ours(self, keep):
        """A transaction of ours (a SAVEPOINT inside env.py's), off the trace; committed only when `keep` and no
        exception; the exception is re-raised for the caller to report."""
        RECORDER.in_facts = True
        own = self.conn.begin_nested() if self.conn.in_transaction() else self.conn.begin()
        try:
            yield
            if keep:
                own.commit()
            elif own.is_active:
                own.rollback()
        except BaseException:
            if own.is_active:
                own.rollback()
            raise
        finally:
            RECORDER.in_facts = False

    def _next_revision(self):
        """The revision the walk upgrades next: the one after the newest applied in the walk's order."""
        name, schema = state.PROJECT.version_table
        quote = self.conn.dialect.identifier_preparer.quote
        table = "%s.%s" % (quote(schema), quote(name)) if schema else quote(name)
        try:
            with self._ours(False):
                heads = [r[0] for r in self.conn.execute(sa.text("SELECT version_num FROM %s" % table)).fetchall()]
        except Exception:
            heads = []
        at = max([self.index[h] for h in heads if h in self.index] or [-1])
        return self.order[at + 1] if at + 1 < len(self.order) else None

    def before(self, seed):
        """Runs the seeds of the revision about to be upgraded; its results (None: nothing configured for it)."""
        self.revision = self._next_revision()
        spec = self.spec["revisions"].get(self.revision)
        self.results = None
        self.seed_failed = False
        self.seeded = False
        if spec is None:
            return None
        self.results = {"seeds": []}
        for script in spec.get("seed") or ():
            run = {"name": script["name"], "ok": False}
            self.results["seeds"].append(run)
            if not seed:
                run["skipped"] = "the upgrade failed on the rows in the tables; tried again without them"
                continue
            if self.seed_failed:
                run["skipped"] = "an earlier seed of this revision failed"
                continue
            try:
                with self._ours(True):
                    self._seed(script)
                run["ok"] = True
                self.seeded = True
            except Exception as e:
                run["error"] = _message(e)
                self.seed_failed = True
        if not seed:
            self.seed_failed = True
        return self.results

    def _seed(self, script):
        if script["kind"] == "python":
            _function(script)(self.conn)
            return
        if script["kind"] == "rows":
            # Each row with its own columns, so that the ones it leaves out take their defaults.
            schema, _, name = script["table"].rpartition(".")
            for row in script.get("rows") or ():
                table = sa.table(name, *[sa.column(c) for c in row], schema=schema or None)
                self.conn.execute(table.insert().values(**row))
            return
        sql = script.get("sql") or ""
        if self.conn.dialect.name == "postgresql" and self.conn.dialect.driver == "asyncpg" and sql.strip():
            # asyncpg prepares what it is given, and a prepared statement holds one command: the file goes whole
            # through its simple query protocol, on the same connection and in the same transaction.
            _asyncpg_script(self.conn, sql)
            return
        for statement in _statements(sql, self.conn.dialect.name):
            self.conn.exec_driver_sql(statement)

    def after(self, revision):
        """Runs the assertions of the revision just upgraded (`revision`, when known) into the results."""
        if self.results is None or (revision and revision != self.revision):
            return
        spec = self.spec["revisions"].get(self.revision) or {}
        asserts = self.results.setdefault("asserts", [])
        for script in spec.get("assert") or ():
            run = {"name": script["name"], "ok": False}
            asserts.append(run)
            if self.seed_failed:
                run["skipped"] = ("the upgrade failed on the rows in the tables; tried again without them"
                                  if not any(s.get("error") for s in self.results["seeds"])
                                  else "a seed of this revision failed")
                continue
            try:
                with self._ours(False):
                    self._assert(script, run)
            except Exception as e:
                run["error"] = _message(e)

    def _assert(self, script, run):
        if script["kind"] == "python":
            try:
                _function(script)(self.conn)
            except AssertionError as e:
                run["error"] = _message(e)
                return
            run["ok"] = True
            return
        result = self.conn.exec_driver_sql(script["sql"].strip().rstrip(";"))
        if not result.returns_rows:
            raise ValueError("the assertion returns no result set: write a SELECT whose rows are the offending ones")
        columns = list(result.keys())
        rows = result.fetchall()
        run["ok"] = not rows
        if rows:
            run["count"] = len(rows)
            run["rows"] = [dict((c, normalized(v)) for c, v in zip(columns, r)) for r in rows[:SHOWN_ROWS]]
