# The connection guard: no engine may connect anywhere but the throwaway database alembic-preflight created.
# Promises: a refused connection is refused before a byte is sent, with the env.py file:line that tried it.
# Engines are checked here by their URL (early, with where the engine was created); every connection is checked
# again where it is really made, by the database driver's connect (dbapi_guard.py), whatever changed on the way.

import functools
import inspect as pyinspect
import os
import re
import sys
import traceback
import weakref

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine import url as sa_url

from . import state
from .positions import file_kind, innermost_frame, rel

# env.py reading an environment variable: os.environ["X"], os.environ.get("X"), os.getenv("X").
ENV_REF = re.compile(r"""(?:environ(?:\.get)?\s*[\[(]|getenv\s*\()\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")


class RefusedConnection(Exception):
    pass


_engine_urls = weakref.WeakKeyDictionary()
_engine_urls_fallback = {}
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mssql": 1433, "oracle": 1521}
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


def dialect_family(name):
    name = (name or "").split("+")[0].lower()
    return {"postgres": "postgresql", "pgsql": "postgresql", "mariadb": "mysql"}.get(name, name)


def _norm_host(host):
    if isinstance(host, (list, tuple)):
        host = host[0] if len(host) == 1 else ",".join(str(h) for h in host)
    if host is None or host == "":
        return ""
    host = str(host).lower()
    return "localhost" if host in _LOCAL_HOSTS else host


def _norm_port(family, port):
    if isinstance(port, (list, tuple)):
        port = port[0] if len(port) == 1 else ",".join(str(p) for p in port)
    if port in (None, ""):
        return _DEFAULT_PORTS.get(family)
    try:
        return int(port)
    except (TypeError, ValueError):
        return str(port)


def _sqlite_path(database):
    if database is None or database in ("", ":memory:") or str(database).startswith("file::memory:"):
        return None
    path = str(database)
    if path.startswith("file:"):
        path = path[5:].split("?", 1)[0]
    return os.path.realpath(os.path.abspath(path))


def query_value(url, name):
    """One query parameter of a SQLAlchemy URL (the first, when it is given more than once), or None."""
    v = dict(url.query or {}).get(name)
    return v[0] if isinstance(v, (list, tuple)) and v else v


def url_identity(url):
    """What makes a URL's database *that* database: family, host, port, name (for SQLite: the real file path)."""
    family = dialect_family(url.drivername)

    def q(key):
        return query_value(url, key)

    if family == "sqlite":
        return (family, _sqlite_path(url.database))
    host = url.host or q("host")
    port = url.port or q("port")
    database = url.database or q("dbname") or q("database")
    return (family, _norm_host(host), _norm_port(family, port), database)


def params_identity(dialect, cargs, cparams):
    family = dialect_family(dialect.name)
    if family == "sqlite":
        database = cargs[0] if cargs else cparams.get("database")
        return (family, _sqlite_path(database))
    database = cparams.get("dbname") or cparams.get("database") or cparams.get("db")
    if database is None and cparams.get("dsn"):
        return (family, "dsn", cparams.get("dsn"))
    return (family, _norm_host(cparams.get("host")), _norm_port(family, cparams.get("port")), database)


def mask_url(url):
    """postgresql://user:***@host:port/db, never the password."""
    try:
        if dialect_family(url.drivername) == "sqlite":
            return "%s:///%s" % (url.drivername, url.database or "")
        auth = ""
        if url.username:
            auth = url.username + (":***" if url.password else "") + "@"
        host = url.host or ""
        port = ":%s" % url.port if url.port else ""
        return "%s://%s%s%s/%s" % (url.drivername, auth, host, port, url.database or "")
    except Exception:
        return "<unprintable URL>"


def _mask_params(dialect, cargs, cparams):
    family = dialect_family(dialect.name)
    if family == "sqlite":
        return "sqlite:///%s" % (cargs[0] if cargs else cparams.get("database"))
    user = cparams.get("user") or cparams.get("username")
    auth = (user + (":***" if cparams.get("password") else "") + "@") if user else ""
    port = cparams.get("port")
    return "%s://%s%s%s/%s" % (dialect.name, auth, cparams.get("host") or "", ":%s" % port if port else "",
                                cparams.get("dbname") or cparams.get("database") or "")


def innermost_frame_any_greenlet(kinds, frame):
    """innermost_frame, then in the greenlets that spawned this one: an async engine connects inside
    greenlet_spawn, whose stack does not chain back to the env.py code that awaited it."""
    f = innermost_frame(kinds, frame)
    greenlet = sys.modules.get("greenlet")
    if f is not None or greenlet is None:
        return f
    try:
        g = greenlet.getcurrent().parent
        while g is not None and f is None:
            if g.gr_frame is not None:
                f = innermost_frame(kinds, g.gr_frame)
            g = g.parent
    except Exception:  # an unexpected greenlet API: the site is only for the message
        return None
    return f


def _site_from_stack():
    f = innermost_frame_any_greenlet(("version", "project"), sys._getframe(2))
    if f is None:
        return None
    return (rel(f.f_code.co_filename), f.f_lineno)


def refuse(masked, site, created_at, via=None, note=None):
    """Raises RefusedConnection (and remembers the first refusal of the command) for a connection to `masked`."""
    target = state.GUARD["target"]
    vars_ = state.PROJECT.env_vars or ["DATABASE_URL"]
    setting = "`sqlalchemy.url` (config.get_main_option(\"sqlalchemy.url\") in env.py) or %s" % " / ".join(
        "$" + v for v in vars_)
    if target is None:
        why = "no throwaway database is configured yet, so no connection may be opened"
    else:
        why = "it is not the throwaway database alembic-preflight created (%s)" % mask_url(target)
    if note:
        why += "; " + note
    file_, line = site if site else (created_at if created_at else (None, None))
    where = ("%s:%s" % (file_, line)) if file_ else "the project's code"
    if file_ and file_kind(os.path.join(state.PROJECT.dir or "", file_)) == "version":
        advice = ("a migration runs on the connection Alembic gives it (op.get_bind()) and opens no other; "
                  "env.py takes its URL from %s, which alembic-preflight points at its throwaway database" % setting)
    else:
        advice = "make env.py take its URL from %s, which alembic-preflight points at its throwaway database" % setting
    message = "refused to connect to %s%s: %s. %s tried to open it; %s" % (
        masked, " (%s)" % via if via else "", why, where, advice)
    if created_at and site and created_at != site:
        message += " (the engine was created at %s:%s)" % created_at
    # env.py often reads its own variable name: say which flag would have pointed it at us.
    unset = [n for n in ENV_REF.findall(state.PROJECT.env_source or "") if n not in vars_]
    if unset:
        message += "; env.py reads %s: pass --env-vars %s (the env-vars input in the Action)" % (
            " / ".join("$" + n for n in unset), ",".join(vars_ + unset))
    payload = {"kind": "refused", "message": message, "file": file_, "line": line,
               "traceback": "".join(traceback.format_stack(limit=25))}
    if state.GUARD["tripped"] is None:
        state.GUARD["tripped"] = payload
    raise RefusedConnection(message)


_refuse = refuse


def _check_url(url, created_at):
    target = state.GUARD["target"]
    if target is not None and url_identity(url) == url_identity(target):
        return
    _refuse(mask_url(url), _site_from_stack(), created_at)


def _remember_engine(engine, url, created_at):
    try:
        _engine_urls[engine.dialect] = (url, created_at)
    except TypeError:
        _engine_urls_fallback[id(engine.dialect)] = (url, created_at)


def _known_engine(dialect):
    try:
        found = _engine_urls.get(dialect)
    except TypeError:
        found = None
    return found or _engine_urls_fallback.get(id(dialect))


def _creator_wants_record(creator):
    try:
        spec = pyinspect.getfullargspec(creator)
    except TypeError:
        return False
    args = list(spec.args)
    if pyinspect.ismethod(creator) and args:
        args = args[1:]
    defaults = spec.defaults or ()
    if args == ["connection_record"] and tuple(defaults) == (None,):
        return True
    return len(args) - len(defaults) == 1


def _guarded_create_engine(original):
    @functools.wraps(original)
    def create_engine(*args, **kw):
        raw = args[0] if args else kw.get("url")
        created_at = _site_from_stack()
        try:
            url = sa_url.make_url(raw)
        except Exception:
            url = None
        creator = kw.get("creator")
        if creator is not None and url is not None:
            # A custom creator bypasses the do_connect event, so the check goes in front of it.
            wants_record = _creator_wants_record(creator)

            def guarded_creator(connection_record=None):
                _check_url(url, created_at)
                return creator(connection_record) if wants_record else creator()

            kw["creator"] = guarded_creator
        engine = original(*args, **kw)
        _remember_engine(engine, engine.url, created_at)
        return engine

    create_engine.__preflight_guard__ = True
    return create_engine


def _on_do_connect(dialect, conn_rec, cargs, cparams):
    known = _known_engine(dialect)
    if known is not None:
        _check_url(known[0], known[1])
    target = state.GUARD["target"]
    if target is None:
        _refuse(_mask_params(dialect, cargs, cparams), _site_from_stack(), known[1] if known else None)
    expected = url_identity(target)
    actual = params_identity(dialect, cargs, cparams)
    if actual != expected and not (len(actual) == 3 and actual[1] == "dsn"):
        _refuse(_mask_params(dialect, cargs, cparams), _site_from_stack(), known[1] if known else None)
    return None


def install_guard():
    """Wraps create_engine wherever SQLAlchemy and Alembic keep a reference to it, before any user code runs.

    engine_from_config, create_async_engine, async_engine_from_config and SQLAlchemy 1.4's future.create_engine all
    end in one of these references, so the check sits at the single choke point every engine passes through.
    Modules imported later (sqlalchemy.ext.asyncio, sqlalchemy.future: not imported here, they cost startup time)
    bind `from ..engine import create_engine` to the wrapped attribute."""
    originals = {}
    import sqlalchemy.engine.create as create_module
    originals[id(create_module.create_engine)] = create_module.create_engine
    for name in list(sys.modules):
        if not (name == "sqlalchemy" or name.startswith("sqlalchemy.") or name.startswith("alembic")):
            continue
        module = sys.modules.get(name)
        if module is None:
            continue
        for attr in ("create_engine", "_create_engine"):
            value = getattr(module, attr, None)
            if value is None or getattr(value, "__preflight_guard__", False) or not callable(value):
                continue
            if getattr(value, "__module__", "") in ("sqlalchemy.engine.create", "sqlalchemy.engine") \
                    or id(value) in originals:
                wrapped = originals.setdefault(id(value), value)
                setattr(module, attr, _guarded_create_engine(wrapped))
    event.listen(Engine, "do_connect", _on_do_connect)
    # Where the connection is really made: each driver's connect, after every hook SQLAlchemy runs.
    from .dbapi_guard import install_dbapi_guard
    install_dbapi_guard()
