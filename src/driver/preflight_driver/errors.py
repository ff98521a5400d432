# Error classification: an exception out of an Alembic command becomes an error payload with a kind, the revision,
# the file:line at fault and the database's own words. Promises: payloads are masked; a refusal wins over the rest.

import os
import traceback

from alembic.util import CommandError

from . import state
from .positions import call_at, file_kind, innermost_tb_entry, rel
from .protocol import DriverFailure, clean, mask_text, send
from .trace import RECORDER


def _exception_chain(exc):
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


_DBAPI_MODULES = ("sqlite3", "psycopg2", "psycopg", "asyncpg", "aiosqlite", "pg8000", "pymysql", "MySQLdb")


def _is_dbapi_error(e):
    """An exception the database driver raised itself (a raw cursor's, not wrapped by SQLAlchemy)."""
    if any(getattr(e, a, None) for a in ("pgcode", "sqlstate", "sqlite_errorcode", "sqlite_errorname")):
        return True
    return any(k.__module__.split(".")[0] in _DBAPI_MODULES and k.__name__ in ("Error", "DatabaseError", "PostgresError")
               for k in type(e).__mro__)


def _details_of(orig, statement):
    """{'exception', 'code', 'detail', 'hint', 'statement'} of a DBAPI error (never empty: 'exception' is its class)."""
    details = {"exception": type(orig).__name__}
    for c in [orig] + [c for c in _exception_chain(orig)[1:]]:
        code = getattr(c, "pgcode", None) or getattr(c, "sqlstate", None) or getattr(c, "sqlite_errorname", None)
        if code and "code" not in details:
            details["code"] = str(code)
        diag = getattr(c, "diag", None)
        detail = getattr(diag, "message_detail", None) if diag is not None else None
        hint = getattr(diag, "message_hint", None) if diag is not None else None
        detail = detail or (getattr(c, "detail", None) if not callable(getattr(c, "detail", None)) else None)
        hint = hint or (getattr(c, "hint", None) if not callable(getattr(c, "hint", None)) else None)
        if detail and "detail" not in details:
            details["detail"] = mask_text(str(detail))
        if hint and "hint" not in details:
            details["hint"] = mask_text(str(hint))
    if statement:
        details["statement"] = mask_text(str(statement).strip())
    first = (str(orig).strip().splitlines() or [""])[0]
    return details, "%s: %s" % (type(orig).__name__, first)


def _db_details(exc):
    """The database's own error from a DBAPI exception anywhere in the chain: wrapped by SQLAlchemy, or raised by
    the driver itself (a migration's raw cursor, execute_values, copy_expert)."""
    try:
        from sqlalchemy.exc import DBAPIError, StatementError
    except Exception:  # pragma: no cover
        return None, None
    chain = _exception_chain(exc)
    for e in chain:
        if isinstance(e, (DBAPIError, StatementError)) and getattr(e, "orig", None) is not None:
            return _details_of(e.orig, getattr(e, "statement", None))
    for e in chain:
        if _is_dbapi_error(e):
            query = getattr(getattr(e, "cursor", None), "query", None)  # psycopg2 keeps the cursor and its query
            if isinstance(query, bytes):
                query = query.decode("utf-8", "replace")
            return _details_of(e, query)
    return None, None


def _location_in(exc, kinds):
    if isinstance(exc, SyntaxError) and exc.filename and file_kind(exc.filename) in kinds:
        return exc.filename, exc.lineno
    for e in _exception_chain(exc):
        found = innermost_tb_entry(e.__traceback__, kinds)
        if found:
            return found
    return None


def classify(exc, mode):
    """The error payload for an exception out of an Alembic command (mode: 'online' | 'offline')."""
    rec = RECORDER
    tb_text = mask_text("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    if state.GUARD["tripped"] is not None:
        payload = dict(state.GUARD["tripped"])
        payload["traceback"] = tb_text
        payload["message"] = mask_text(payload["message"])
        if rec.steps:
            payload["steps"] = public_steps(rec.steps)
        return payload
    if isinstance(exc, DriverFailure):
        return exc.payload
    db, db_message = _db_details(exc)
    revision = rec.current_revision
    if revision is not None:
        origin = None
        failed = rec.failed_statement
        if failed and failed.get("origin") and failed["origin"].get("file"):
            origin = failed["origin"]
        if origin is None or not db:
            loc = _location_in(exc, ("version",))
            if loc:
                name, line = call_at(loc[0], loc[1])
                origin = {"file": rel(loc[0]), "line": line, "call": name}
        if origin is None and rec.current_path:
            origin = {"file": rel(rec.current_path), "line": None, "call": None}
        message = db_message or "%s: %s" % (type(exc).__name__, exc)
        kind = "offline" if mode == "offline" else "migration"
        payload = {"kind": kind, "message": mask_text(message), "revision": revision,
                   "file": origin["file"] if origin else None, "line": origin["line"] if origin else None,
                   "traceback": tb_text, "steps": public_steps(rec.steps)}
        if db:
            payload["db"] = db
        return clean(payload)
    loc = _location_in(exc, ("version",))
    if loc:  # outside any step: a migration file failed to load while Alembic read the versions
        return clean({"kind": "load", "message": mask_text("%s: %s" % (type(exc).__name__, exc)),
                      "file": rel(loc[0]), "line": loc[1], "traceback": tb_text})
    if db and rec.steps:  # e.g. a deferred constraint failing at COMMIT, after the last step
        return clean({"kind": "migration", "message": mask_text(db_message), "db": db, "traceback": tb_text,
                      "revision": rec.steps[-1]["revision"], "steps": public_steps(rec.steps)})
    env_loc = _location_in(exc, ("project", "version"))
    # env.py can live outside the project (a package's migrations in site-packages): its own frames still count.
    env_loc = env_loc or _env_py_location(exc)
    env_frames = None
    if env_loc or isinstance(exc, CommandError):
        file_ = line = None
        if env_loc:
            env_frames = _env_py_location(exc)
            file_, line = env_frames if env_frames else env_loc
        message = "%s: %s" % (type(exc).__name__, exc) if not isinstance(exc, CommandError) else str(exc)
        if env_loc and env_frames and os.path.abspath(env_loc[0]) != os.path.abspath(env_frames[0]):
            message += " (raised at %s:%s)" % (rel(env_loc[0]), env_loc[1])
        return clean({"kind": "config", "message": mask_text(message), "file": rel(file_) if file_ else None,
                      "line": line, "traceback": tb_text, "db": db})
    return clean({"kind": "internal", "message": mask_text("%s: %s" % (type(exc).__name__, exc)),
                  "traceback": tb_text})


def _env_py_location(exc):
    if state.PROJECT.env_py is None:
        return None
    env = os.path.abspath(state.PROJECT.env_py)
    if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename) == env:
        return env, exc.lineno
    found = None
    for e in _exception_chain(exc):
        tb = e.__traceback__
        while tb is not None:
            if os.path.abspath(tb.tb_frame.f_code.co_filename) == env:
                found = (env, tb.tb_lineno)
            tb = tb.tb_next
        if found:
            return found
    return None


def public_steps(steps):
    out = []
    for s in steps:
        out.append(dict((k, v) for k, v in s.items() if k != "sql"))
    return out


def run_command(fn, mode, revisions=True):
    """Runs one env.py command. `revisions`: it applies revisions online, each announcing its step (trace.py)."""
    state.GUARD["tripped"] = None
    if mode == "online" and revisions:
        # Until the first revision's step starts, the time is env.py's (imports, engine, connection, configure):
        # said so the TS side's heartbeat and step timeout name env.py, not a revision that has not begun. Not
        # offline (no step is announced there) nor where no revision runs (drift, loading the script environment).
        send({"id": None, "step": {"phase": "env.py"}})
    try:
        fn()
    except (Exception, SystemExit) as e:
        raise DriverFailure(classify(e, mode))
    if state.GUARD["tripped"] is not None:  # env.py caught our refusal and carried on: still refused
        payload = dict(state.GUARD["tripped"])
        payload["steps"] = public_steps(RECORDER.steps)
        raise DriverFailure(payload)
