# The connection guard where connections are really made: each database driver's own connect function.
# Promises: whatever SQLAlchemy hooks ran before (a do_connect listener rewriting the parameters, a creator=
# function), whatever calls the driver directly (psycopg2.connect in a migration, sqlite3.connect), the parameters
# the driver is about to use are checked, with its own parser and libpq's fallbacks, before a byte is sent; anything
# but the throwaway database is refused with the file:line that tried. The tool's own connections (no project frame
# on the stack) are not checked: they only ever go to the throwaway database or to a file the tool made.
#
# Covered: psycopg2 (_connect, which psycopg2.connect calls), psycopg 3 (generators.connect, which every sync and
# async connection attempt goes through), asyncpg (connect_utils._connect: connect, create_pool), pg8000 (the core
# connection class), sqlite3 (sqlite3.connect and sqlite3.dbapi2.connect, which SQLAlchemy's pysqlite dialect
# calls), aiosqlite (connect; its worker thread ends in sqlite3.connect), and ATTACH on those SQLite connections
# (sqlite_guard.py). Drivers of other databases (pymysql,
# MySQLdb, aiomysql, asyncmy, mysql.connector, pyodbc, pymssql, oracledb, cx_Oracle) are refused outright: the
# throwaway database is never theirs. Modules imported later are patched as they load (an import hook).
#
# Not covered, said in the README: a driver's internals called directly (psycopg2's C connection type, psycopg's
# pq.PGconn, sqlite3.Connection(...)), raw sockets, and other processes (psql in a subprocess).

import functools
import importlib.abc
import inspect
import os
import sys
import sysconfig
import threading

from . import state
from .dbapi_targets import libpq_target, pg_allowed, pg_endpoint, shown_pg, socket_file, throwaway_target
from .positions import file_kind, rel
from .sqlite_guard import patch_aiosqlite, patch_sqlite3

_LIBRARY_DIRS = tuple(sorted(set(
    os.path.realpath(p) + os.sep for p in (sysconfig.get_paths().get("stdlib"), sysconfig.get_paths().get("platstdlib"))
    if p)))
_SITE_MARKERS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)
_PACKAGE_PREFIX = state.PACKAGE_DIR + os.sep
_FOREIGN = ("pymysql", "MySQLdb", "aiomysql", "asyncmy", "mysql.connector", "pyodbc", "pymssql", "oracledb",
            "cx_Oracle")
_patched = set()
_lock = threading.RLock()


# --- where the call comes from --------------------------------------------------------------------------------

def _frames(frame):
    """The frames of this call, then those of the greenlets that spawned this one (async engines)."""
    f = frame
    while f is not None:
        yield f
        f = f.f_back
    greenlet = sys.modules.get("greenlet")
    if greenlet is None:
        return
    try:
        g = greenlet.getcurrent().parent
        while g is not None:
            f = g.gr_frame
            while f is not None:
                yield f
                f = f.f_back
            g = g.parent
    except Exception:
        return


def _is_library(filename):
    path = os.path.realpath(filename)
    return path.startswith(_LIBRARY_DIRS) or any(m in path for m in _SITE_MARKERS)


def _site(frame):
    """(file, line) of the innermost migration or project frame, and whether the call is the tool's own: no project
    frame anywhere, and the innermost frame outside the standard library and installed packages is the driver's."""
    site = None
    first_code = None
    for f in _frames(frame):
        name = f.f_code.co_filename
        kind = file_kind(name)
        if kind in ("version", "project"):
            site = (rel(name), f.f_lineno)
            break
        if first_code is None and not name.startswith("<") and not _is_library(name):
            first_code = name
    own = site is None and first_code is not None and os.path.realpath(first_code).startswith(_PACKAGE_PREFIX)
    return site, own


def _listeners_note(frame):
    """When SQLAlchemy's dialect.connect is on the stack, the engine's URL passed the URL check: say which
    do_connect listeners of the project changed the parameters on the way."""
    for f in _frames(frame):
        if f.f_code.co_name != "connect" or not f.f_code.co_filename.replace(os.sep, "/").endswith(
                "sqlalchemy/engine/default.py"):
            continue
        dialect = f.f_locals.get("self")
        where = []
        try:
            for fn in dialect.dispatch.do_connect:
                code = getattr(fn, "__code__", None)
                if code is not None and file_kind(code.co_filename) in ("version", "project"):
                    where.append("%s:%s" % (rel(code.co_filename), code.co_firstlineno))
        except Exception:
            pass
        if where:
            return ("the engine's URL is the throwaway database, but the do_connect listener at %s changed the "
                    "connection parameters" % ", ".join(where))
        return "the engine's URL is the throwaway database, but the parameters given to the driver are not"
    return None


def _refuse_call(shown, via, frame, why=None):
    from .guard import refuse
    site, own = _site(frame)
    if own:
        return
    note = _listeners_note(frame)
    refuse(shown, site, None, via=via, note=" ".join(x for x in (why, note) if x) or None)


def _check_libpq(via, opts, frame):
    endpoints, dbname, user, why = libpq_target(opts)
    if why is None and pg_allowed(endpoints, dbname):
        return
    _refuse_call(shown_pg(endpoints, dbname, user), via, frame, why)


# --- the patches ---------------------------------------------------------------------------------------------------

def _marked(fn):
    fn.__preflight_guard__ = True
    return fn


def _patch_psycopg2(module):
    original = getattr(module, "_connect", None)
    if original is None or getattr(original, "__preflight_guard__", False):
        return
    extensions = sys.modules.get("psycopg2.extensions") or __import__("psycopg2.extensions").extensions

    @functools.wraps(original)
    def _connect(dsn, *args, **kwargs):
        try:
            opts = extensions.parse_dsn(dsn)
        except Exception:
            opts = None  # libpq refuses it too, before connecting
        if opts is not None:
            _check_libpq("psycopg2.connect", opts, sys._getframe(1))
        factory = kwargs.get("connection_factory") or (args[0] if args else None)
        if factory is not None and not _plain_connection_class(factory, extensions.connection):
            # The factory is handed the dsn and may connect anywhere (its own __init__ or __new__): not checkable.
            _refuse_call(_describe_factory(factory), "psycopg2.connect(connection_factory=...)", sys._getframe(1),
                         "a connection_factory that constructs its own connection cannot be checked")
        return original(dsn, *args, **kwargs)

    module._connect = _marked(_connect)


def _plain_connection_class(factory, base):
    """A subclass of psycopg2's connection that leaves construction to it (RealDictConnection, LoggingConnection)."""
    if not isinstance(factory, type) or not issubclass(factory, base):
        return False
    for klass in factory.__mro__:
        if klass is base:
            return True
        if "__init__" in vars(klass) or "__new__" in vars(klass):
            return False
    return True


def _describe_factory(factory):
    return "%s.%s" % (getattr(factory, "__module__", "?"), getattr(factory, "__qualname__", repr(factory)))


def _patch_psycopg_generators(module):
    original = getattr(module, "connect", None)
    if original is None or getattr(original, "__preflight_guard__", False):
        return
    from psycopg.conninfo import conninfo_to_dict

    @functools.wraps(original)
    def connect(conninfo, *args, **kwargs):
        try:
            opts = conninfo_to_dict(conninfo)
        except Exception:
            opts = None
        if opts is not None:
            _check_libpq("psycopg.connect", opts, sys._getframe(1))
        return original(conninfo, *args, **kwargs)

    module.connect = _marked(connect)
    # psycopg versions that took the function by name (`from .generators import connect`) get it too.
    for name, mod in list(sys.modules.items()):
        if name.startswith("psycopg.") and mod is not None and mod is not module:
            for attr, value in list(vars(mod).items()):
                if value is original:
                    setattr(mod, attr, module.connect)


def _patch_asyncpg(module):
    original = getattr(module, "_connect", None)
    parse = getattr(module, "_parse_connect_arguments", None)
    if original is None or parse is None or getattr(original, "__preflight_guard__", False):
        return
    accepted = set(inspect.signature(parse).parameters)

    @functools.wraps(original)
    def _connect(*args, **kwargs):
        try:
            addrs, params = parse(**dict((k, v) for k, v in kwargs.items() if k in accepted))[:2]
        except Exception:
            addrs = params = None  # asyncpg raises the same error itself, before connecting
        if addrs is not None:
            endpoints = []
            for addr in addrs:
                if isinstance(addr, (tuple, list)):
                    endpoints.append((pg_endpoint(addr[0], addr[1]), addr[0]))
                else:
                    endpoints.append((("unix", socket_file(str(addr))), None))
            dbname = getattr(params, "database", None)
            if not pg_allowed(endpoints, dbname):
                _refuse_call(shown_pg(endpoints, dbname, getattr(params, "user", None)), "asyncpg.connect",
                             sys._getframe(1))
        return original(*args, **kwargs)

    module._connect = _marked(_connect)


def _patch_pg8000(module):
    cls = getattr(module, "CoreConnection", None) or getattr(module, "Connection", None)
    original = getattr(cls, "__init__", None)
    if original is None or getattr(original, "__preflight_guard__", False):
        return
    signature = inspect.signature(original)

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        try:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            a = bound.arguments
        except TypeError:
            a = None
        if a is not None:
            frame = sys._getframe(1)
            if a.get("sock") is not None:
                _refuse_call("a socket opened by the caller", "pg8000.connect", frame,
                             "pg8000 was given an open socket, which could lead anywhere;")
            elif a.get("unix_sock"):
                endpoints = [(("unix", socket_file(str(a["unix_sock"]))), None)]
            else:
                host = a.get("host") or "localhost"
                endpoints = [(pg_endpoint(host, a.get("port")), host)]
            if a.get("sock") is None:
                dbname = a.get("database") or a.get("user")
                if not pg_allowed(endpoints, dbname):
                    _refuse_call(shown_pg(endpoints, dbname, a.get("user")), "pg8000.connect", frame)
        return original(self, *args, **kwargs)

    cls.__init__ = _marked(__init__)


def _patch_foreign(module):
    for attr in ("connect", "Connect", "create_pool"):
        original = getattr(module, attr, None)
        if original is None or not callable(original) or getattr(original, "__preflight_guard__", False):
            continue

        def make(original, via):
            @functools.wraps(original)
            def connect(*args, **kwargs):
                target = throwaway_target()
                _refuse_call("a %s database" % module.__name__, via, sys._getframe(1),
                             "the throwaway database is %s, not one %s can open;" % (
                                 target[0] if target else "not configured yet", module.__name__))
                return original(*args, **kwargs)
            return _marked(connect)

        try:
            setattr(module, attr, make(original, "%s.%s" % (module.__name__, attr)))
        except (AttributeError, TypeError):
            pass


_PATCHES = {
    "psycopg2": _patch_psycopg2,
    "psycopg.generators": _patch_psycopg_generators,
    "asyncpg.connect_utils": _patch_asyncpg,
    "pg8000.core": _patch_pg8000,
    "sqlite3": patch_sqlite3,
    "sqlite3.dbapi2": patch_sqlite3,
    "aiosqlite": patch_aiosqlite,
}
for _name in _FOREIGN:
    _PATCHES[_name] = _patch_foreign


def _apply(name, module):
    with _lock:
        _PATCHES[name](module)
        _patched.add(name)


class _PatchingLoader(importlib.abc.Loader):
    """The module's own loader; once the module has run, its connect functions are wrapped."""

    def __init__(self, inner, name):
        self._inner = inner
        self._name = name

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        _apply(self._name, module)

    def __getattr__(self, attr):  # get_resource_reader, get_filename, is_package...
        return getattr(self._inner, attr)


class _PatchOnImport(importlib.abc.MetaPathFinder):
    def __init__(self):
        self._busy = threading.local()

    def find_spec(self, name, path, target=None):
        if name not in _PATCHES or getattr(self._busy, "on", False):
            return None
        self._busy.on = True
        try:
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    break
            else:
                return None
        finally:
            self._busy.on = False
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _PatchingLoader(spec.loader, name)
        return spec


def install_dbapi_guard():
    """Wraps the connect functions of the drivers already imported, and of the others as they are imported."""
    if not any(isinstance(f, _PatchOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())
    for name in _PATCHES:
        module = sys.modules.get(name)
        if module is not None:
            _apply(name, module)
