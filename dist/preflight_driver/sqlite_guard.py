# The connection guard for SQLite (see dbapi_guard.py): sqlite3.connect and aiosqlite.connect open only the
# throwaway file (or private in-memory and temporary databases), and on the connections they open, ATTACH may open
# nothing else (an authorizer: `ATTACH 'prod.db'` in env.py or a migration would otherwise reach the project's
# real database through the throwaway connection). Refusals name the file and line that tried.

import functools
import sys

from .dbapi_targets import sqlite_file, throwaway_target


# dbapi_guard imports this module for its table of patches: its helpers are looked up when called.
def marked(fn):
    from .dbapi_guard import _marked
    return _marked(fn)


def refuse_call(shown, via, frame, why=None):
    from .dbapi_guard import _refuse_call
    _refuse_call(shown, via, frame, why)


def check_sqlite(via, database, uri, frame):
    path = sqlite_file(database, uri)
    if path is None:
        return
    target = throwaway_target()
    if target is not None and target[0] == "sqlite" and target[1] == path:
        return
    refuse_call("sqlite:///%s" % path, via, frame)


def _attach_authorizer(module):
    """An authorizer that lets ATTACH open only what sqlite3.connect may (the throwaway file, private in-memory or
    temporary databases): `ATTACH 'prod.db'` in env.py or a migration would otherwise reach the project's real
    database through the throwaway connection. Refused like a connection, with the file and line that ran it."""
    attach, ok, deny = module.SQLITE_ATTACH, module.SQLITE_OK, module.SQLITE_DENY

    def authorize(action, arg1, _arg2, _db, _source):
        if action != attach:
            return ok
        if arg1 is None:
            # A bound parameter or an expression: SQLite does not say the file. Only a literal '' or ':memory:'
            # (or a memory URI) is known to be private.
            try:
                refuse_call("sqlite:///<a file named by a parameter or an expression>", "ATTACH DATABASE", sys._getframe(1))
            except Exception:
                pass
            return deny
        name = arg1
        try:
            check_sqlite("ATTACH DATABASE", name, name.startswith("file:"), sys._getframe(1))
        except Exception:  # RefusedConnection, remembered for the command's report
            return deny
        return ok

    return authorize


def _sqlite_connect(original):
    @functools.wraps(original)
    def connect(database, *args, **kwargs):
        uri = kwargs.get("uri", args[6] if len(args) > 6 else False)
        check_sqlite("sqlite3.connect", database, uri, sys._getframe(1))
        conn = original(database, *args, **kwargs)
        module = sys.modules.get("sqlite3")
        if module is not None and hasattr(conn, "set_authorizer"):
            conn.set_authorizer(_attach_authorizer(module))
        return conn

    return marked(connect)


def patch_sqlite3(module):
    original = getattr(module, "connect", None)
    if original is None or getattr(original, "__preflight_guard__", False):
        return
    wrapped = _sqlite_connect(original)
    for name in ("sqlite3", "sqlite3.dbapi2"):
        mod = sys.modules.get(name)
        if mod is not None and getattr(mod, "connect", None) is original:
            mod.connect = wrapped
    module.connect = wrapped


def patch_aiosqlite(module):
    original = getattr(module, "connect", None)
    if original is None or getattr(original, "__preflight_guard__", False):
        return

    @functools.wraps(original)
    def connect(database, *args, **kwargs):
        # Checked here, where the caller is on the stack; sqlite3.connect in the worker thread checks again.
        check_sqlite("aiosqlite.connect", database, kwargs.get("uri", False), sys._getframe(1))
        return original(database, *args, **kwargs)

    wrapped = marked(connect)
    for name in ("aiosqlite", "aiosqlite.core"):
        mod = sys.modules.get(name)
        if mod is not None and getattr(mod, "connect", None) is original:
            mod.connect = wrapped
