# alembic-preflight driver: runs Alembic in-process in the project's own Python, answering JSON-lines requests.
# Promises: stdout carries only protocol lines; no connection is ever opened to a database other than the throwaway one.
#
# Protocol (see src/driver/protocol.ts): one request per line on stdin, `{"id", "method", "params"}`, answered on the
# real stdout by `{"id", "result"}` or `{"id", "error"}`. Right after start the driver writes one hello line with id 0.
# Python 3.9+ syntax only: this file runs inside whatever interpreter the user's project uses.

import os
import sys

# The protocol owns the real stdout; everything else that writes to fd 1 (env.py prints, logging, C extensions)
# lands on stderr, which the TypeScript side relays as logs. The same for stdin: user code reading it must not eat
# our requests.
_PROTO_OUT = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
_PROTO_IN = os.fdopen(os.dup(0), "rb")
os.dup2(2, 1)
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
os.close(_devnull)

import ast  # noqa: E402
import functools  # noqa: E402
import hashlib  # noqa: E402
import importlib.util  # noqa: E402
import inspect as pyinspect  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import sqlite3  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import weakref  # noqa: E402

_URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)([^@\s]+)(@)")
_SECRETS = []  # exact passwords we know of (the throwaway URL's), masked wherever they appear


def mask_text(text):
    if not text:
        return text
    text = _URL_PASSWORD.sub(r"\1***\3", text)
    for secret in _SECRETS:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


class _MaskingStream(io.TextIOBase):
    """stderr as seen by Python code: passwords in URLs are masked before they reach the logs."""

    def __init__(self, target):
        self._target = target

    def write(self, s):
        self._target.write(mask_text(s))
        return len(s)

    def flush(self):
        self._target.flush()

    def fileno(self):
        return self._target.fileno()

    def isatty(self):
        return False

    @property
    def buffer(self):  # binary writes (some CLI libraries use them) go through unmasked, like C-level writes
        return getattr(self._target, "buffer", None)

    @property
    def encoding(self):
        return getattr(self._target, "encoding", "utf-8")


sys.stderr = _MaskingStream(sys.stderr)
sys.stdout = sys.stderr
sys.stdin = open(os.devnull, "r")


def send(obj):
    _PROTO_OUT.write(json.dumps(obj, ensure_ascii=True, default=str) + "\n")
    _PROTO_OUT.flush()


_STARTED = time.perf_counter()
try:
    import sqlalchemy  # noqa: E402
    from sqlalchemy import bindparam, event  # noqa: E402
    from sqlalchemy.engine import Engine  # noqa: E402
    from sqlalchemy.sql.elements import TextClause  # noqa: E402
    from sqlalchemy.engine import url as sa_url  # noqa: E402
    import sqlalchemy.engine.create  # noqa: E402,F401
    import alembic  # noqa: E402
    from alembic import command  # noqa: E402
    from alembic.config import Config  # noqa: E402
    from alembic.script import ScriptDirectory  # noqa: E402
    from alembic.runtime.migration import MigrationContext  # noqa: E402
    from alembic.ddl.impl import DefaultImpl  # noqa: E402
    from alembic.util import CommandError  # noqa: E402
except Exception as _import_error:  # the interpreter lacks alembic/sqlalchemy: say so and stop
    send({"id": 0, "error": {
        "kind": "config",
        "message": "%s cannot import alembic and sqlalchemy (%s: %s); install them into that environment "
                   "(pip install alembic sqlalchemy)" % (sys.executable, type(_import_error).__name__, _import_error),
        "traceback": traceback.format_exc(),
    }})
    sys.exit(3)

try:
    from sqlalchemy.schema import DDLElement  # noqa: E402
except Exception:  # pragma: no cover
    DDLElement = ()

SA_MAJOR = int(sqlalchemy.__version__.split(".")[0])
DRIVER_FILE = os.path.realpath(__file__)


class DriverFailure(Exception):
    """An error answer: carries the protocol's error payload."""

    def __init__(self, payload):
        Exception.__init__(self, payload.get("message"))
        self.payload = payload


def failure(kind, message, **extra):
    payload = {"kind": kind, "message": message}
    for key, value in extra.items():
        if value is not None:
            payload[key] = value
    if "traceback" not in payload:
        payload["traceback"] = "".join(traceback.format_stack(limit=12))
    return DriverFailure(payload)


# ----------------------------------------------------------------------------------------------------------------
# Project state: the Alembic Config, its script directory, where migration files live.

class Project(object):
    def __init__(self):
        self.dir = None
        self.cfg = None
        self.config_file = None
        self.toml_file = None
        self.section = "alembic"
        self.script_location = None
        self.version_dirs = []  # absolute, as Alembic reports them
        self.version_prefixes = ()  # absolute and real forms with a trailing separator, for stack matching
        self.recursive = False
        self.env_py = None
        self.env_source = ""
        self.url = None  # the throwaway URL (string), once configured
        self.env_vars = []
        self.version_table = ("alembic_version", None)
        self.script = None  # the ScriptDirectory every command of this run shares


PROJECT = Project()


def rel(path):
    if path is None:
        return None
    if PROJECT.dir is None:
        return path
    try:
        return os.path.relpath(os.path.abspath(path), PROJECT.dir)
    except ValueError:
        return path


def _under(path, prefixes):
    return any(path.startswith(p) for p in prefixes)


_SITE_MARKERS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)
_file_kind_cache = {}


def file_kind(filename):
    """'version' for a migration file, 'project' for other project code, None for libraries and the driver."""
    kind = _file_kind_cache.get(filename, 0)
    if kind != 0:
        return kind
    kind = None
    if filename and not filename.startswith("<"):
        absolute = os.path.abspath(filename)
        if _under(absolute, PROJECT.version_prefixes) or _under(os.path.realpath(absolute), PROJECT.version_prefixes):
            kind = "version"
        elif (PROJECT.dir and absolute.startswith(PROJECT.dir + os.sep) and os.path.realpath(absolute) != DRIVER_FILE
              and not any(m in absolute for m in _SITE_MARKERS)):
            kind = "project"
    _file_kind_cache[filename] = kind
    return kind


def innermost_frame(kinds, frame=None):
    """The innermost live frame whose file is of one of `kinds` ('version', 'project')."""
    f = frame if frame is not None else sys._getframe(1)
    while f is not None:
        if file_kind(f.f_code.co_filename) in kinds:
            return f
        f = f.f_back
    return None


def innermost_tb_entry(tb, kinds):
    """(filename, lineno) of the innermost traceback entry in a file of one of `kinds`."""
    found = None
    while tb is not None:
        if file_kind(tb.tb_frame.f_code.co_filename) in kinds:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


# ----------------------------------------------------------------------------------------------------------------
# Source positions: which op call a line belongs to (`op.create_index` at its first line).

_ast_cache = {}
_HEADER_ONLY = ("body", "orelse", "finalbody", "handlers", "cases")


def _parsed(filename):
    if filename not in _ast_cache:
        try:
            with open(filename, "rb") as f:
                _ast_cache[filename] = ast.parse(f.read(), filename)
        except Exception:
            _ast_cache[filename] = None
    return _ast_cache[filename]


def _innermost_statement(tree, line):
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or (node.end_lineno - node.lineno) <= (best.end_lineno - best.lineno):
                best = node
    return best


def call_at(filename, line):
    """(call name, line of the call) for the outermost call on `line` of `filename`, e.g. ('op.add_column', 12)."""
    tree = _parsed(filename)
    if tree is None:
        return None, line
    stmt = _innermost_statement(tree, line)
    if stmt is None:
        return None, line
    exprs = [child for name, child in ast.iter_fields(stmt) if name not in _HEADER_ONLY]
    calls = []
    for expr in exprs:
        for node in (expr if isinstance(expr, list) else [expr]):
            if isinstance(node, ast.AST):
                calls.extend(n for n in ast.walk(node) if isinstance(n, ast.Call))
    if not calls:
        return None, line
    containing = [c for c in calls if c.lineno <= line <= (c.end_lineno or c.lineno)]
    call = containing[0] if containing else calls[0]
    try:
        name = ast.unparse(call.func)
    except Exception:
        name = None
    if name and len(name) > 80:
        name = name[:77] + "..."
    return name, call.lineno


def origin_of(frame):
    """{'file', 'line', 'call'} for a frame in a migration file (None when there is none)."""
    if frame is None:
        return None
    filename = frame.f_code.co_filename
    name, line = call_at(filename, frame.f_lineno)
    return {"file": rel(filename), "line": line, "call": name}


# ----------------------------------------------------------------------------------------------------------------
# The connection guard: no engine may connect anywhere but the throwaway database.

class RefusedConnection(Exception):
    pass


GUARD = {"target": None, "tripped": None}
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


def url_identity(url):
    """What makes a URL's database *that* database: family, host, port, name (for SQLite: the real file path)."""
    family = dialect_family(url.drivername)
    query = dict(url.query or {})

    def q(key):
        v = query.get(key)
        return v[0] if isinstance(v, (list, tuple)) and v else v

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


def _refuse(masked, site, created_at):
    target = GUARD["target"]
    vars_ = PROJECT.env_vars or ["DATABASE_URL"]
    setting = "`sqlalchemy.url` (config.get_main_option(\"sqlalchemy.url\") in env.py) or %s" % " / ".join(
        "$" + v for v in vars_)
    if target is None:
        why = "no throwaway database is configured yet, so no connection may be opened"
    else:
        why = "it is not the throwaway database alembic-preflight created (%s)" % mask_url(target)
    file_, line = site if site else (created_at if created_at else (None, None))
    where = ("%s:%s" % (file_, line)) if file_ else "the project's code"
    message = ("refused to connect to %s: %s. %s tried to open it; make env.py take its URL from %s, "
               "which alembic-preflight points at its throwaway database" % (masked, why, where, setting))
    if created_at and site and created_at != site:
        message += " (the engine was created at %s:%s)" % created_at
    # env.py often reads its own variable name: say which flag would have pointed it at us.
    unset = [n for n in _ENV_REF.findall(PROJECT.env_source or "") if n not in vars_]
    if unset:
        message += "; env.py reads %s: pass --env-vars %s (the env-vars input in the Action)" % (
            " / ".join("$" + n for n in unset), ",".join(vars_ + unset))
    payload = {"kind": "refused", "message": message, "file": file_, "line": line,
               "traceback": "".join(traceback.format_stack(limit=25))}
    if GUARD["tripped"] is None:
        GUARD["tripped"] = payload
    raise RefusedConnection(message)


def _check_url(url, created_at):
    target = GUARD["target"]
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
    target = GUARD["target"]
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


# ----------------------------------------------------------------------------------------------------------------
# The statement recorder: steps, statements with file:line, and facts on PostgreSQL.

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


def _dbapi_connection(conn):
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
            raw = _dbapi_connection(conn)
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
        PROJECT.version_table = (getattr(self, "version_table", "alembic_version"),
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
        if cls is ScriptDirectory and config is PROJECT.cfg and PROJECT.cfg is not None:
            if PROJECT.script is None:
                PROJECT.script = original_from_config(cls, config)
            return PROJECT.script
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


# ----------------------------------------------------------------------------------------------------------------
# inspect

_PLACEHOLDER_HOSTS = ("user:pass@localhost/dbname",)


def _url_scheme(value):
    if not value or "%(" in value.split("://")[0] or "${" in value.split("://")[0]:
        return None
    m = re.match(r"^\s*([A-Za-z][A-Za-z0-9_]*)(?:\+([A-Za-z0-9_]+))?://", value)
    if not m:
        return None
    dialect, driver = m.group(1).lower(), (m.group(2).lower() if m.group(2) else None)
    if dialect == "driver" or value.strip().endswith("user:pass@localhost/dbname"):
        return None
    known = ("postgresql", "postgres", "sqlite", "mysql", "mariadb", "oracle", "mssql", "cockroachdb", "snowflake",
             "duckdb", "redshift", "bigquery", "clickhouse")
    if dialect not in known:
        try:
            from sqlalchemy.dialects import registry
            registry.load(dialect)
        except Exception:
            return None
    return dialect_family(dialect), driver


_ENV_REF = re.compile(r"""(?:environ(?:\.get)?\s*[\[(]|getenv\s*\()\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")
_URL_LITERAL = re.compile(r"""['"]([A-Za-z][A-Za-z0-9_]*(?:\+[A-Za-z0-9_]+)?://[^'"\s]*)['"]""")


def _project_url(cfg, section, env_source):
    raw = None
    try:
        if cfg.file_config.has_section(section):
            raw = cfg.file_config.get(section, "sqlalchemy.url", raw=True, fallback=None)
    except Exception:
        raw = None
    if raw:
        parsed = _url_scheme(raw)
        if parsed:
            return {"dialect": parsed[0], "driver": parsed[1], "source": "sqlalchemy.url"}
    names = ["DATABASE_URL"]
    for name in _ENV_REF.findall(env_source or ""):
        if name not in names:
            names.append(name)
    for name in names:
        value = os.environ.get(name)
        parsed = _url_scheme(value) if value else None
        if parsed:
            return {"dialect": parsed[0], "driver": parsed[1], "source": "$" + name}
    for literal in _URL_LITERAL.findall(env_source or ""):
        parsed = _url_scheme(literal)
        if parsed:
            return {"dialect": parsed[0], "driver": parsed[1], "source": "env.py"}
    return None


_ASYNC_MARKERS = re.compile(r"create_async_engine|async_engine_from_config|AsyncEngine|run_async|AsyncConnection")


def do_inspect(params):
    project_dir = os.path.realpath(os.path.abspath(params["projectDir"]))
    if not os.path.isdir(project_dir):
        raise failure("config", "project directory %s does not exist" % project_dir)
    section = params.get("section") or "alembic"
    os.chdir(project_dir)
    if project_dir not in sys.path:
        sys.path.insert(0, project_dir)
    PROJECT.dir = project_dir
    _file_kind_cache.clear()

    toml_supported = "toml_file" in pyinspect.signature(Config.__init__).parameters
    ini = toml = None
    # Like Alembic's CLI: -c wins, then $ALEMBIC_CONFIG, then alembic.ini (+ pyproject.toml on 1.16+).
    given = params.get("configFile") or os.environ.get("ALEMBIC_CONFIG") or None
    if given:
        path = given if os.path.isabs(given) else os.path.join(project_dir, given)
        if not os.path.isfile(path):
            raise failure("config", "config file %s not found" % path, file=rel(path))
        if os.path.basename(path) == "pyproject.toml":
            if not toml_supported:
                raise failure("config", "%s: Alembic %s reads its configuration from an .ini file only (pyproject.toml "
                                        "needs Alembic 1.16+)" % (rel(path), alembic.__version__), file=rel(path))
            toml = path
        else:
            ini = path
    else:
        candidate = os.path.join(project_dir, "alembic.ini")
        ini = candidate if os.path.isfile(candidate) else None
    if toml is None and toml_supported and os.path.isfile(os.path.join(project_dir, "pyproject.toml")):
        toml = os.path.join(project_dir, "pyproject.toml")
    if ini is None and toml is None:
        raise failure("config", "no alembic.ini in %s%s" % (
            project_dir, " (and no pyproject.toml with [tool.alembic])" if toml_supported else ""),
            file="alembic.ini")
    config_name = rel(ini or toml)

    kwargs = {"file_": ini, "ini_section": section}
    if toml_supported:
        kwargs["toml_file"] = toml
    try:
        cfg = Config(**kwargs)
        if ini is not None:
            cfg.file_config  # parse now so that a broken file is reported as such
        script = ScriptDirectory.from_config(cfg)
    except CommandError as e:
        message = str(e)
        if ini is not None and not cfg.file_config.has_section(section):
            message = "%s has no [%s] section (it has: %s); pick one with -n / the name input" % (
                config_name, section, ", ".join("[%s]" % x for x in cfg.file_config.sections()) or "none")
        elif "script_location" in message:
            sources = [x for x in (rel(ini) if ini else None, "[tool.alembic] in pyproject.toml" if toml else None) if x]
            message = "%s: no `script_location` in the [%s] section%s" % (
                config_name, section, (" (looked in %s)" % ", ".join(sources)) if len(sources) > 1 else "")
        raise failure("config", "%s (%s)" % (message, config_name) if config_name not in message else message,
                      file=config_name, traceback=traceback.format_exc())
    except Exception as e:
        raise failure("config", "%s: %s: %s" % (config_name, type(e).__name__, e), file=config_name,
                      traceback=traceback.format_exc())

    version_dirs = [str(p) for p in script._version_locations]
    prefixes = set()
    for d in version_dirs:
        prefixes.add(os.path.abspath(d).rstrip(os.sep) + os.sep)
        prefixes.add(os.path.realpath(d).rstrip(os.sep) + os.sep)
    env_py = os.path.join(str(script.dir), "env.py")
    env_source = ""
    if os.path.isfile(env_py):
        with open(env_py, "r", encoding="utf-8", errors="replace") as f:
            env_source = f.read()
    elif not os.path.isdir(str(script.dir)):
        raise failure("config", "%s: script_location %s does not exist" % (config_name, script.dir),
                      file=config_name)

    PROJECT.cfg = cfg
    PROJECT.script = script
    PROJECT.config_file = ini
    PROJECT.toml_file = toml
    PROJECT.section = section
    PROJECT.script_location = os.path.abspath(str(script.dir))
    PROJECT.version_dirs = [os.path.abspath(d) for d in version_dirs]
    PROJECT.version_prefixes = tuple(sorted(prefixes))
    PROJECT.recursive = bool(getattr(script, "recursive_version_locations", False))
    PROJECT.env_py = env_py
    PROJECT.env_source = env_source
    _file_kind_cache.clear()

    return {
        "python": platform.python_version(),
        "alembic": alembic.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "configFile": ini,
        "scriptLocation": PROJECT.script_location,
        "versionLocations": PROJECT.version_dirs,
        "projectUrl": _project_url(cfg, section, env_source),
        "asyncEnv": bool(_ASYNC_MARKERS.search(env_source)),
    }


def require_project():
    if PROJECT.cfg is None:
        raise failure("internal", "inspect must run before this method")


# ----------------------------------------------------------------------------------------------------------------
# configure

def do_configure(params):
    require_project()
    url = params["url"]
    target = sa_url.make_url(url)
    if target.password:
        _SECRETS.append(str(target.password))
    env_vars = list(params.get("envVars") or ["DATABASE_URL"])
    PROJECT.url = url
    PROJECT.env_vars = env_vars
    PROJECT.cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    for name in env_vars:
        os.environ[name] = url
    GUARD["target"] = target
    GUARD["tripped"] = None
    _dispose_current_engine()
    return {"ok": True}


# ----------------------------------------------------------------------------------------------------------------
# graph

_REVISION_FILE = re.compile(r"(?!\.\#|__init__)(.*\.py)$")
_LEGACY_REVISION = re.compile(r"([a-f0-9]+)\.py$")


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def _migration_files():
    seen = set()
    files = []
    for d in PROJECT.version_dirs:
        if not os.path.isdir(d):
            continue
        if PROJECT.recursive:
            walker = ((root, sorted(dirs), names) for root, dirs, names in os.walk(d))
        else:
            walker = [(d, [], os.listdir(d))]
        for root, dirs, names in walker:
            dirs[:] = [x for x in dirs if x != "__pycache__"]
            for name in sorted(names):
                if not _REVISION_FILE.match(name) or not name.endswith(".py"):
                    continue
                path = os.path.join(root, name)
                real = os.path.realpath(path)
                if real in seen or not os.path.isfile(path):
                    continue
                seen.add(real)
                files.append(path)
    return sorted(files, key=lambda p: rel(p))


def _function_shape(tree, name):
    """'pass' (empty, docstring only), 'raises' (a lone raise), 'ok', or None when the function is missing."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            body = list(node.body)
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                body = body[1:]
            meaningful = [s for s in body if not isinstance(s, ast.Pass)
                          and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            if not meaningful:
                return "pass", node.lineno
            if len(meaningful) == 1 and isinstance(meaningful[0], ast.Raise):
                return "raises", node.lineno
            return "ok", node.lineno
    return None, None


def _downgrade_shape(tree):
    shape, line = _function_shape(tree, "downgrade")
    # An empty downgrade undoes an empty upgrade exactly (a merge point, a placeholder revision).
    if shape == "pass" and _function_shape(tree, "upgrade")[0] == "pass":
        return "ok", line
    return shape, line


def _revision_line(tree):
    for node in tree.body:
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == "revision" for t in node.targets):
                return node.lineno
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "revision":
            return node.lineno
    return None


def _load_error(path, exc, tb):
    if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename) == os.path.abspath(path):
        line = exc.lineno
    else:
        line = None
        t = tb
        while t is not None:
            if os.path.abspath(t.tb_frame.f_code.co_filename) == os.path.abspath(path):
                line = t.tb_lineno
            t = t.tb_next
    return _clean({"kind": "load", "message": mask_text("%s: %s" % (type(exc).__name__, exc)), "file": rel(path),
                   "line": line, "traceback": mask_text("".join(traceback.format_exception(type(exc), exc, tb)))})


def do_graph(params):
    require_project()
    revisions = []
    errors = []
    for index, path in enumerate(_migration_files()):
        try:
            with open(path, "rb") as f:
                source = f.read()
            tree = ast.parse(source, path)
            module_name = "_preflight_rev_%d_%s" % (index, re.sub(r"\W", "_", os.path.basename(path)))
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        except BaseException as e:  # one broken file must not hide the others (SystemExit included)
            if isinstance(e, KeyboardInterrupt):
                raise
            errors.append(_load_error(path, e, sys.exc_info()[2]))
            continue
        if hasattr(module, "revision"):
            revision = module.revision
        else:
            m = _LEGACY_REVISION.match(os.path.basename(path))
            if not m:
                errors.append({"kind": "load", "file": rel(path),
                               "message": "no `revision = ...` in %s" % rel(path), "traceback": ""})
                continue
            revision = m.group(1)
        shape, shape_line = _downgrade_shape(tree)
        if shape is None:
            shape = "ok" if callable(getattr(module, "downgrade", None)) else "missing"
        doc = ast.get_docstring(tree) or ""
        message = next((line.strip() for line in doc.splitlines() if line.strip()), "")
        revisions.append({
            "revision": str(revision),
            "downRevisions": _as_list(getattr(module, "down_revision", None)),
            "dependsOn": _as_list(getattr(module, "depends_on", None)),
            "branchLabels": _as_list(getattr(module, "branch_labels", None)),
            "file": rel(path),
            "line": _revision_line(tree),
            "message": message,
            "downgrade": shape,
            "downgradeLine": shape_line,
        })
    return {"revisions": revisions, "loadErrors": errors}


# ----------------------------------------------------------------------------------------------------------------
# upgrade / downgrade / offline: error classification

def _exception_chain(exc):
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _db_details(exc):
    """The database's own error from a DBAPI exception anywhere in the chain."""
    try:
        from sqlalchemy.exc import DBAPIError, StatementError
    except Exception:  # pragma: no cover
        return None, None
    for e in _exception_chain(exc):
        if isinstance(e, (DBAPIError, StatementError)) and getattr(e, "orig", None) is not None:
            orig = e.orig
            details = {}
            candidates = [orig] + [c for c in _exception_chain(orig)[1:]]
            for c in candidates:
                code = getattr(c, "pgcode", None) or getattr(c, "sqlstate", None) or getattr(c, "sqlite_errorname",
                                                                                               None)
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
            if getattr(e, "statement", None):
                details["statement"] = mask_text(str(e.statement).strip())
            first = (str(orig).strip().splitlines() or [""])[0]
            return details, "%s: %s" % (type(orig).__name__, first)
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
    if GUARD["tripped"] is not None:
        payload = dict(GUARD["tripped"])
        payload["traceback"] = tb_text
        payload["message"] = mask_text(payload["message"])
        if rec.steps:
            payload["steps"] = _public_steps(rec.steps)
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
                   "traceback": tb_text, "steps": _public_steps(rec.steps)}
        if db:
            payload["db"] = db
        return _clean(payload)
    loc = _location_in(exc, ("version",))
    if loc:  # outside any step: a migration file failed to load while Alembic read the versions
        return _clean({"kind": "load", "message": mask_text("%s: %s" % (type(exc).__name__, exc)),
                       "file": rel(loc[0]), "line": loc[1], "traceback": tb_text})
    if db and rec.steps:  # e.g. a deferred constraint failing at COMMIT, after the last step
        return _clean({"kind": "migration", "message": mask_text(db_message), "db": db, "traceback": tb_text,
                       "revision": rec.steps[-1]["revision"], "steps": _public_steps(rec.steps)})
    env_loc = _location_in(exc, ("project", "version"))
    env_frames = None
    if env_loc or isinstance(exc, CommandError):
        file_ = line = None
        if env_loc:
            env_frames = _env_py_location(exc)
            file_, line = env_frames if env_frames else env_loc
        message = "%s: %s" % (type(exc).__name__, exc) if not isinstance(exc, CommandError) else str(exc)
        if env_loc and env_frames and os.path.abspath(env_loc[0]) != os.path.abspath(env_frames[0]):
            message += " (raised at %s:%s)" % (rel(env_loc[0]), env_loc[1])
        return _clean({"kind": "config", "message": mask_text(message), "file": rel(file_) if file_ else None,
                       "line": line, "traceback": tb_text, "db": db})
    return _clean({"kind": "internal", "message": mask_text("%s: %s" % (type(exc).__name__, exc)),
                   "traceback": tb_text})


def _env_py_location(exc):
    if PROJECT.env_py is None:
        return None
    env = os.path.abspath(PROJECT.env_py)
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


def _clean(payload):
    return dict((k, v) for k, v in payload.items() if v is not None)


def _public_steps(steps):
    out = []
    for s in steps:
        out.append(dict((k, v) for k, v in s.items() if k != "sql"))
    return out


def _run_command(fn, mode):
    GUARD["tripped"] = None
    try:
        fn()
    except (Exception, SystemExit) as e:
        raise DriverFailure(classify(e, mode))
    if GUARD["tripped"] is not None:  # env.py caught our refusal and carried on: still refused
        payload = dict(GUARD["tripped"])
        payload["steps"] = _public_steps(RECORDER.steps)
        raise DriverFailure(payload)


def require_url():
    require_project()
    if PROJECT.url is None:
        raise failure("internal", "configure must run before this method")


def do_migrate(params, direction):
    require_url()
    target = params.get("target") or ("head" if direction == "up" else "-1")
    facts = bool(params.get("facts"))
    trace = bool(params.get("trace")) or facts
    rec = RECORDER
    rec.reset(True, trace, facts, False)
    cfg = PROJECT.cfg
    try:
        if direction == "up":
            _run_command(lambda: command.upgrade(cfg, target), "online")
        else:
            _run_command(lambda: command.downgrade(cfg, target), "online")
        steps = _public_steps(rec.steps)
    finally:
        rec.reset(False, False, False, False)
    name, schema = PROJECT.version_table
    return {"steps": steps, "current": read_current(), "versionTable": {"name": name, "schema": schema}}


def _applied(script, heads):
    """Every revision applied when `heads` are: the heads and all they depend on."""
    seen = set()
    todo = list(heads)
    while todo:
        rev = todo.pop()
        if rev in seen:
            continue
        seen.add(rev)
        sc = script.get_revision(rev)
        if sc is None:
            continue
        downs = getattr(sc, "_normalized_down_revisions", None)
        if downs is None:
            downs = _as_list(sc.down_revision) + _as_list(getattr(sc, "dependencies", None))
        todo.extend(downs)
    return seen


def do_step(params):
    """Applies or reverts exactly one revision: Alembic's own RevisionStep for that script, run through env.py."""
    require_url()
    from alembic.runtime.environment import EnvironmentContext
    from alembic.runtime.migration import RevisionStep
    revision = params["revision"]
    up = params.get("direction", "up") == "up"
    facts = bool(params.get("facts"))
    trace = bool(params.get("trace")) or facts
    cfg = PROJECT.cfg
    rec = RECORDER
    rec.reset(True, trace, facts, False)

    def run():
        script = ScriptDirectory.from_config(cfg)
        sc = script.get_revision(revision)
        if sc is None:
            raise failure("internal", "no revision %s in this project" % revision)

        def fn(heads, context):
            heads = [h for h in heads if h]
            applied = _applied(script, heads)
            if up and revision in applied:
                raise failure("internal", "revision %s is already applied (heads: %s)" % (revision, ", ".join(heads)))
            if up:
                missing = [d for d in (getattr(sc, "_normalized_down_revisions", None) or []) if d not in applied]
                if missing:
                    raise failure("internal", "revision %s needs %s applied first" % (revision, ", ".join(missing)))
            if not up and revision not in heads:
                raise failure("internal", "revision %s is not a current head, so it cannot be reverted alone "
                                          "(heads: %s)" % (revision, ", ".join(heads) or "none"))
            return [RevisionStep(script.revision_map, sc, up)]

        with EnvironmentContext(cfg, script, fn=fn, as_sql=False, destination_rev=revision):
            script.run_env()

    try:
        _run_command(run, "online")
        steps = _public_steps(rec.steps)
    finally:
        rec.reset(False, False, False, False)
    name, schema = PROJECT.version_table
    return {"steps": steps, "current": read_current(), "versionTable": {"name": name, "schema": schema}}


class _SqliteOnConnection(object):
    """sqlite3's `conn.execute(sql).fetchall()` over the migration's own connection (sync or aiosqlite), so a
    snapshot sees exactly what the migrations did, committed or not."""

    def __init__(self, conn):
        self._conn = conn

    def execute(self, sql, params=()):
        cur = _dbapi_connection(self._conn).cursor()
        try:
            cur.execute(sql, params)
            rows = cur.fetchall()
        except Exception as e:
            raise sqlite3.Error(str(e))
        finally:
            cur.close()
        return _Rows(rows)


class _Rows(object):
    def __init__(self, rows):
        self._rows = [tuple(r) for r in rows]

    def fetchall(self):
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def __iter__(self):
        return iter(self._rows)


def _take_snapshot(conn, spec):
    """(raw, digest) of the schema as `conn` sees it. PostgreSQL: the catalog queries TS sent, each returning one
    JSON text (TS turns them into objects, with the same code as its own snapshots); SQLite: the objects."""
    RECORDER.in_facts = True
    started = time.perf_counter()
    try:
        if spec.get("kind") == "postgresql":
            cur = _dbapi_connection(conn).cursor()
            name = _PREPARED["name"]
            try:
                # No bound parameters anywhere here: placeholders differ between DBAPIs (asyncpg's adapter).
                # The statement is looked up each time rather than remembered: psycopg 3 runs DEALLOCATE ALL on
                # its own (after a schema change invalidates its prepared queries), which drops ours too, and an
                # EXECUTE of a missing statement would abort the migration's transaction.
                cur.execute("SELECT current_setting('search_path'), "
                            "EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = '%s')" % name)
                saved, prepared = cur.fetchone()
                cur.execute("SELECT set_config('search_path', 'pg_catalog', false)")
                try:
                    if not prepared:
                        # One prepared statement for all the catalog queries: one round trip, planned once.
                        columns = ", ".join("(%s) AS k%d" % (q, i) for i, q in enumerate(spec["queries"]))
                        cur.execute("PREPARE %s AS SELECT %s" % (name, columns))
                    cur.execute("EXECUTE " + name)
                    texts = list(cur.fetchone())
                finally:
                    cur.execute("SELECT set_config('search_path', '%s', false)" % saved.replace("'", "''"))
            finally:
                cur.close()
            digest = hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()
            return texts, digest
        snap = _sqlite_snapshot(_SqliteOnConnection(conn))
        return snap, hashlib.sha1(json.dumps(snap, sort_keys=True).encode("utf-8")).hexdigest()
    finally:
        RECORDER.in_facts = False
        WALK_TIMES["snapshotMs"] += (time.perf_counter() - started) * 1000
        WALK_TIMES["snapshots"] += 1


WALK_TIMES = {"snapshotMs": 0.0, "snapshots": 0}
# The name of the current walk's prepared snapshot statement (one per walk: its queries are the walk's).
_PREPARED = {"name": None, "walks": 0}


def do_walk(params):
    """The stairway in ONE env.py run: for each revision, upgrade (traced), snapshot, and when asked downgrade,
    snapshot, compare, upgrade again: Alembic's own RevisionSteps, one transaction each. Snapshots are compared by
    digest here; only a mismatch, or a snapshot TS asks for, travels back whole."""
    require_url()
    from alembic.runtime.environment import EnvironmentContext
    from alembic.runtime.migration import RevisionStep
    entries = params.get("revisions") or []
    facts = bool(params.get("facts"))
    spec = params.get("snapshot") or {}
    want_full = set(params.get("full") or [])
    cfg = PROJECT.cfg
    rec = RECORDER
    rec.reset(True, True, facts, False)
    rec.per_migration = True
    out = {"revisions": [], "full": {}}
    where = {"revision": None, "phase": None}
    progress = {"at": time.perf_counter()}
    WALK_TIMES.update(snapshotMs=0.0, snapshots=0)
    _PREPARED["walks"] += 1
    _PREPARED["name"] = "_preflight_snapshot_%d" % _PREPARED["walks"]
    walk_started = time.perf_counter()

    def last_step():
        return _public_steps(rec.steps[-1:])[0] if rec.steps else None

    def run():
        script = ScriptDirectory.from_config(cfg)
        rmap = script.revision_map

        def fn(heads, context):
            conn = context.connection
            current, digest = _take_snapshot(conn, spec)
            if params.get("initial"):
                out["initial"] = current
            for entry in entries:
                revision = entry["revision"]
                sc = script.get_revision(revision)
                if sc is None:
                    raise failure("internal", "no revision %s in this project" % revision)
                done = len(out["revisions"])
                if done and (time.perf_counter() - progress["at"] > 1.0):
                    progress["at"] = time.perf_counter()
                    send({"id": None, "progress": "[%d/%d] %s" % (done + 1, len(entries), revision)})
                item = {"revision": revision}
                # Listed now, filled in as the steps go: a later failure keeps what this revision already showed.
                out["revisions"].append(item)
                where.update(revision=revision, phase="up")
                rec.trace, rec.facts = True, facts
                yield RevisionStep(rmap, sc, True)
                item["upgrade"] = last_step()
                after, after_digest = _take_snapshot(conn, spec)
                if revision in want_full:
                    out["full"][revision] = after
                if entry.get("stairway"):
                    where.update(phase="down")
                    rec.trace, rec.facts = True, False
                    yield RevisionStep(rmap, sc, False)
                    item["downgrade"] = last_step()
                    down, down_digest = _take_snapshot(conn, spec)
                    if down_digest != digest:
                        item["trace"] = {"before": current, "afterDown": down}
                    where.update(phase="reup")
                    rec.trace = False
                    yield RevisionStep(rmap, sc, True)
                    if down_digest != digest:
                        # What the downgrade left may change what the upgrade makes: look again.
                        after, after_digest = _take_snapshot(conn, spec)
                current, digest = after, after_digest
            if params.get("head"):
                out["head"] = current
            where.update(revision=None, phase=None)

        with EnvironmentContext(cfg, script, fn=fn, as_sql=False):
            script.run_env()

    try:
        _run_command(run, "online")
    except DriverFailure as e:
        if where["revision"] is None:
            raise
        payload = dict(e.payload)
        payload.pop("steps", None)
        payload.setdefault("revision", where["revision"])
        out["failure"] = {"revision": where["revision"], "phase": where["phase"], "error": payload}
    finally:
        rec.reset(False, False, False, False)
    out["timings"] = {"totalMs": round((time.perf_counter() - walk_started) * 1000, 1),
                      "snapshotMs": round(WALK_TIMES["snapshotMs"], 1), "snapshots": WALK_TIMES["snapshots"]}
    return out


_DRIFT = {"module": None}


def _drift_module():
    if _DRIFT["module"] is None:
        path = os.path.join(os.path.dirname(DRIVER_FILE), "drift.py")
        if not os.path.isfile(path):
            raise failure("internal", "drift.py is missing next to %s (the build must copy it)" % DRIVER_FILE)
        # A private module name: the project may well have a module called `drift` of its own.
        spec = importlib.util.spec_from_file_location("_alembic_preflight_drift", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _DRIFT["module"] = module
    return _DRIFT["module"]


def do_drift(params):
    """Models vs the database at head, through env.py (drift.py does the comparing)."""
    require_url()
    module = _drift_module()
    result = {}
    RECORDER.reset(False, False, False, False)
    _run_command(lambda: result.update(module.compare(PROJECT.cfg, params)), "online")
    return result


def do_offline(params):
    require_url()
    direction = params.get("direction", "up")
    rng = params.get("range") or ("base:head" if direction == "up" else "head:base")
    start, end = rng.split(":", 1) if ":" in rng else (None, rng)
    cfg = PROJECT.cfg
    revisions = []
    failures = []
    tried = set()
    while True:
        rec = RECORDER
        rec.reset(True, True, False, True)
        current_range = "%s:%s" % (start, end) if start else end
        tried.add(current_range)
        try:
            if direction == "up":
                _run_command(lambda: command.upgrade(cfg, current_range, sql=True), "offline")
            else:
                _run_command(lambda: command.downgrade(cfg, current_range, sql=True), "offline")
            trailing = "".join(rec.chunks)
            for s in rec.steps:
                revisions.append({"revision": s["revision"], "sql": s["sql"], "statements": s["statements"]})
            if revisions and trailing.strip():
                revisions[-1]["sql"] += trailing
            break
        except DriverFailure as f:
            for s in rec.steps:
                revisions.append({"revision": s["revision"], "sql": s["sql"], "statements": s["statements"]})
            payload = f.payload
            failed = payload.get("revision")
            if payload.get("kind") not in ("offline", "migration") or failed is None:
                raise
            payload["kind"] = "offline"
            payload.pop("steps", None)
            failures.append(payload)
            # Carry on after the failing revision as if it had been applied, so one revision's
            # get_bind()-reading code does not hide the SQL of all the others.
            if direction == "up":
                if failed == end:
                    break
                start = failed
            else:
                downs = _down_revisions_of(failed)
                if len(downs) != 1:
                    break
                start = downs[0]
                if start == end:
                    break
            if ("%s:%s" % (start, end)) in tried:
                break
        finally:
            rec.reset(False, False, False, False)
    result = {"revisions": revisions}
    if failures:
        result["failures"] = failures
    return result


def _down_revisions_of(revision):
    try:
        script = ScriptDirectory.from_config(PROJECT.cfg)
        sc = script.get_revision(revision)
        return list(getattr(sc, "_versioned_down_revisions", None) or _as_list(sc.down_revision))
    except Exception:
        return []


# ----------------------------------------------------------------------------------------------------------------
# current: what alembic_version holds, read with a sync driver

_current_engine = {"engine": None}
_SYNC_DRIVERS = {
    "asyncpg": ("psycopg2", "psycopg"),
    "psycopg_async": ("psycopg", "psycopg2"),
    "aiosqlite": ("pysqlite",),
    "aiomysql": ("pymysql", "mysqldb"),
    "asyncmy": ("pymysql", "mysqldb"),
}
_DRIVER_MODULES = {"psycopg2": "psycopg2", "psycopg": "psycopg", "pysqlite": "sqlite3", "pymysql": "pymysql",
                   "mysqldb": "MySQLdb"}


def _sync_url(url):
    parts = url.drivername.split("+", 1)
    if len(parts) == 2 and parts[1] in _SYNC_DRIVERS:
        for driver in _SYNC_DRIVERS[parts[1]]:
            if importlib.util.find_spec(_DRIVER_MODULES[driver]) is not None:
                return url.set(drivername=parts[0] + ("" if driver == "pysqlite" else "+" + driver))
        return None
    return url


def _dispose_current_engine():
    engine = _current_engine["engine"]
    _current_engine["engine"] = None
    if engine is not None:
        engine.dispose()


def read_current():
    from sqlalchemy import Column, MetaData, String, Table, select
    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy.pool import NullPool
    name, schema = PROJECT.version_table
    table = Table(name, MetaData(), Column("version_num", String(32)), schema=schema)
    target = sa_url.make_url(PROJECT.url)
    sync = _sync_url(target)

    def read(conn):
        if not sa_inspect(conn).has_table(name, schema=schema):
            return []
        return sorted(row[0] for row in conn.execute(select(table.c.version_num)))

    if sync is None:  # no sync driver installed: go through the async engine
        import asyncio
        from sqlalchemy.ext.asyncio import create_async_engine

        async def run():
            engine = create_async_engine(target, poolclass=NullPool)
            try:
                async with engine.connect() as conn:
                    return await conn.run_sync(read)
            finally:
                await engine.dispose()
        return asyncio.run(run())
    if _current_engine["engine"] is None:
        _current_engine["engine"] = sqlalchemy.create_engine(sync, poolclass=NullPool)
    with _current_engine["engine"].connect() as conn:
        return read(conn)


def do_current(params):
    require_url()
    return {"current": read_current()}


# ----------------------------------------------------------------------------------------------------------------
# sqlite-snapshot

def _norm_sql(sql):
    if sql is None:
        return None
    out = []
    i = 0
    n = len(sql)
    while i < n:  # collapse whitespace outside quotes
        c = sql[i]
        if c in "'\"`[":
            close = "]" if c == "[" else c
            j = i + 1
            while j < n:
                if sql[j] == close:
                    if j + 1 < n and sql[j + 1] == close and close != "]":
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1])
            i = j + 1
            continue
        if c.isspace():
            while i < n and sql[i].isspace():
                i += 1
            out.append(" ")
            continue
        out.append(c)
        i += 1
    text = "".join(out).strip().rstrip(";").strip()
    text = re.sub(r"\( ", "(", text)
    text = re.sub(r" \)", ")", text)
    return text


def _tokens(sql):
    """SQL tokens: quoted identifiers/strings, words, punctuation; comments dropped."""
    tokens = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c.isspace():
            i += 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "'\"`[":
            close = "]" if c == "[" else c
            j = i + 1
            while j < n:
                if sql[j] == close:
                    if j + 1 < n and sql[j + 1] == close and close != "]":
                        j += 2
                        continue
                    break
                j += 1
            tokens.append((sql[i:j + 1], i, j + 1))
            i = j + 1
        elif c.isalnum() or c == "_":
            j = i
            while j < n and (sql[j].isalnum() or sql[j] in "_$"):
                j += 1
            tokens.append((sql[i:j], i, j))
            i = j
        else:
            tokens.append((c, i, i + 1))
            i += 1
    return tokens


def _unquote(name):
    if len(name) >= 2 and name[0] in "\"`[" and name[-1] in "\"`]":
        return name[1:-1].replace('""', '"')
    return name


def _split_table_body(sql):
    """The comma-separated elements inside CREATE TABLE (...), as (tokens, text) pairs, plus the text after it."""
    tokens = _tokens(sql)
    start = next((k for k, t in enumerate(tokens) if t[0] == "("), None)
    if start is None:
        return [], ""
    depth = 0
    elements = []
    current = []
    end_pos = len(sql)
    for k in range(start, len(tokens)):
        tok = tokens[k]
        if tok[0] == "(":
            depth += 1
            if depth == 1:
                continue
        elif tok[0] == ")":
            depth -= 1
            if depth == 0:
                if current:
                    elements.append(current)
                end_pos = tok[2]
                break
        if depth == 1 and tok[0] == ",":
            elements.append(current)
            current = []
            continue
        current.append(tok)
    return [(el, sql[el[0][1]:el[-1][2]]) for el in elements if el], sql[end_pos:]


def _balanced(tokens, k, sql):
    """Text inside the parenthesis that opens at tokens[k], and the index after its close."""
    depth = 0
    for j in range(k, len(tokens)):
        if tokens[j][0] == "(":
            depth += 1
        elif tokens[j][0] == ")":
            depth -= 1
            if depth == 0:
                return sql[tokens[k][2]:tokens[j][1]], j + 1
    return sql[tokens[k][2]:], len(tokens)


_TABLE_CONSTRAINT_WORDS = ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN")


def _parse_table_constraints(sql):
    """Named/unnamed CHECK, UNIQUE and FOREIGN KEY constraints of a CREATE TABLE statement."""
    checks, uniques, fks = [], [], []
    elements, _ = _split_table_body(sql)
    for tokens, _text in elements:
        words = [t[0].upper() for t in tokens]
        is_table_constraint = words and words[0] in _TABLE_CONSTRAINT_WORDS
        column = None if is_table_constraint else _unquote(tokens[0][0])
        name = None
        k = 0 if is_table_constraint else 1
        while k < len(tokens):
            w = words[k]
            if w == "CONSTRAINT" and k + 1 < len(tokens):
                name = _unquote(tokens[k + 1][0])
                k += 2
                continue
            if w == "CHECK" and k + 1 < len(tokens) and tokens[k + 1][0] == "(":
                expr, k = _balanced(tokens, k + 1, sql)
                checks.append({"name": name, "expression": _norm_sql(expr), "column": column})
                name = None
                continue
            if w == "UNIQUE":
                cols = [column] if column else []
                if k + 1 < len(tokens) and tokens[k + 1][0] == "(":
                    inner, k = _balanced(tokens, k + 1, sql)
                    cols = [_unquote(c.strip().split()[0]) for c in inner.split(",") if c.strip()]
                else:
                    k += 1
                uniques.append({"name": name, "columns": cols})
                name = None
                continue
            if w == "FOREIGN" and k + 2 < len(tokens) and words[k + 1] == "KEY" and tokens[k + 2][0] == "(":
                inner, k = _balanced(tokens, k + 2, sql)
                fks.append({"name": name, "columns": [_unquote(c.strip()) for c in inner.split(",") if c.strip()]})
                name = None
                continue
            if w == "REFERENCES" and column is not None:
                fks.append({"name": name, "columns": [column]})
            name = None  # CONSTRAINT <name> names only the constraint right after it
            k += 1
    return checks, uniques, fks


def _q(name):
    return '"%s"' % name.replace('"', '""')


def do_sqlite_snapshot(params):
    path = params["path"]
    if not os.path.isfile(path):
        raise failure("internal", "no SQLite database at %s" % path)
    uri = "file:%s?mode=ro" % os.path.abspath(path).replace("?", "%3f").replace("#", "%23")
    conn = sqlite3.connect(uri, uri=True)
    try:
        return _sqlite_snapshot(conn)
    finally:
        conn.close()


def _sqlite_snapshot(conn):
    objects = []
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()

    def skip(name):
        return name == "alembic_version" or name.lower().startswith("sqlite_")

    def has_xinfo():
        try:
            conn.execute("PRAGMA main.table_xinfo(sqlite_master)").fetchall()
            return True
        except sqlite3.Error:
            return False

    xinfo = has_xinfo()
    for type_, name, tbl_name, sql in rows:
        if type_ != "table" or skip(name):
            continue
        tail = ""
        if sql:
            _, tail = _split_table_body(sql)
        tail_upper = tail.upper()
        virtual = bool(sql) and sql.lstrip().upper().startswith("CREATE VIRTUAL")
        props = {"strict": bool(re.search(r"\bSTRICT\b", tail_upper)),
                 "withoutRowid": bool(re.search(r"\bWITHOUT\s+ROWID\b", tail_upper)),
                 "autoincrement": bool(sql) and any(t[0].upper() == "AUTOINCREMENT" for t in _tokens(sql))}
        if virtual:
            props["virtual"] = _norm_sql(sql)
        objects.append({"kind": "table", "key": "main.%s" % name, "props": props})
        pragma = "table_xinfo" if xinfo else "table_info"
        for col in conn.execute("PRAGMA main.%s(%s)" % (pragma, _q(name))).fetchall():
            cid, cname, ctype, notnull, default, pk = col[:6]
            hidden = col[6] if len(col) > 6 else 0
            objects.append({"kind": "column", "key": "main.%s.%s" % (name, cname), "props": {
                "type": _norm_sql(ctype or "") or "",
                "notnull": bool(notnull),
                "default": default,
                "pk": int(pk),
                "hidden": bool(hidden == 1),
                "generated": {2: "virtual", 3: "stored"}.get(hidden),
            }})
        checks, uniques, parsed_fks = _parse_table_constraints(sql or "") if not virtual else ([], [], [])
        # Indexes and UNIQUE constraints (auto-indexes become constraints; their sqlite_autoindex names are internal).
        index_sql = dict((r[1], r[3]) for r in rows if r[0] == "index" and r[2] == name)
        for idx in conn.execute("PRAGMA main.index_list(%s)" % _q(name)).fetchall():
            iname, unique = idx[1], bool(idx[2])
            origin = idx[3] if len(idx) > 3 else "c"
            partial = bool(idx[4]) if len(idx) > 4 else False
            cols = []
            for c in conn.execute("PRAGMA main.index_xinfo(%s)" % _q(iname)).fetchall():
                if not c[5]:  # key columns only (not the rowid tail)
                    continue
                label = c[2] if c[2] is not None else ("<rowid>" if c[1] == -1 else "<expr>")
                if c[3]:
                    label += " DESC"
                if c[4] and str(c[4]).upper() != "BINARY":
                    label += " COLLATE " + c[4]
                cols.append(label)
            if origin == "c":
                isql = index_sql.get(iname)
                where = None
                if partial and isql:
                    m = re.search(r"\bWHERE\b(.*)$", isql, re.S | re.I)
                    where = _norm_sql(m.group(1)) if m else None
                if isql and "<expr>" in cols:
                    body = re.search(r"\bON\b\s*\S+\s*\((.*)\)", isql, re.S | re.I)
                    if body:
                        cols = [_norm_sql(body.group(1))]
                objects.append({"kind": "index", "key": "main.%s.%s" % (name, iname), "props": {
                    "unique": unique, "columns": cols, "where": where, "origin": "index"}})
            elif origin == "u":
                named = next((u["name"] for u in uniques if u["columns"] == cols and u["name"]), None)
                objects.append({"kind": "constraint", "key": "main.%s.unique(%s)" % (name, ",".join(cols)),
                                "props": {"type": "unique", "name": named, "columns": cols}})
        # Foreign keys, grouped by id.
        fk_rows = conn.execute("PRAGMA main.foreign_key_list(%s)" % _q(name)).fetchall()
        groups = {}
        for r in fk_rows:
            groups.setdefault(r[0], []).append(r)
        used = set()
        for fk_id in sorted(groups):
            parts = sorted(groups[fk_id], key=lambda r: r[1])
            cols = [r[3] for r in parts]
            ref_table = parts[0][2]
            ref_cols = [r[4] for r in parts]
            key = "main.%s.fk(%s)" % (name, ",".join(cols))
            if key in used:
                key = "main.%s.fk(%s)->%s" % (name, ",".join(cols), ref_table)
            used.add(key)
            named = next((f["name"] for f in parsed_fks if f["columns"] == cols and f["name"]), None)
            objects.append({"kind": "constraint", "key": key, "props": {
                "type": "foreign key", "name": named, "columns": cols, "refTable": ref_table,
                "refColumns": [c if c is not None else "<pk>" for c in ref_cols],
                "onUpdate": parts[0][5], "onDelete": parts[0][6], "match": parts[0][7]}})
        seen_checks = set()
        for chk in checks:
            key = "main.%s.%s" % (name, chk["name"]) if chk["name"] else "main.%s.check(%s)" % (name, chk["expression"])
            if key in seen_checks:
                continue
            seen_checks.add(key)
            objects.append({"kind": "constraint", "key": key, "props": {
                "type": "check", "name": chk["name"], "expression": chk["expression"]}})
    for type_, name, tbl_name, sql in rows:
        if type_ == "view" and not skip(name):
            objects.append({"kind": "view", "key": "main.%s" % name, "props": {"sql": _norm_sql(sql)}})
        elif type_ == "trigger" and not skip(tbl_name):
            objects.append({"kind": "trigger", "key": "main.%s.%s" % (tbl_name, name),
                            "props": {"table": tbl_name, "sql": _norm_sql(sql)}})
    order = ["extension", "schema", "enum", "type", "domain", "sequence", "table", "column", "constraint", "index",
             "view", "materialized-view", "function", "trigger", "policy", "rule"]
    objects.sort(key=lambda o: (order.index(o["kind"]), o["key"]))
    return {"dialect": "sqlite", "objects": objects}


# ----------------------------------------------------------------------------------------------------------------
# the loop

METHODS = {
    "inspect": do_inspect,
    "configure": do_configure,
    "graph": do_graph,
    "upgrade": lambda p: do_migrate(p, "up"),
    "downgrade": lambda p: do_migrate(p, "down"),
    "step": do_step,
    "walk": do_walk,
    "offline": do_offline,
    "drift": do_drift,
    "current": do_current,
    "sqlite-snapshot": do_sqlite_snapshot,
}


def handle(request):
    rid = request.get("id")
    method = request.get("method")
    params = request.get("params") or {}
    if method == "shutdown":
        send({"id": rid, "result": {"ok": True}})
        return False
    fn = METHODS.get(method)
    if fn is None:
        send({"id": rid, "error": {"kind": "internal", "message": "unknown method %r" % (method,), "traceback": ""}})
        return True
    try:
        result = fn(params)
        send({"id": rid, "result": result})
    except DriverFailure as f:
        payload = _clean(dict(f.payload))
        payload["message"] = mask_text(payload.get("message") or "")
        payload["traceback"] = mask_text(payload.get("traceback") or "")
        send({"id": rid, "error": payload})
    except (Exception, SystemExit) as e:
        send({"id": rid, "error": {"kind": "internal", "message": mask_text("%s: %s" % (type(e).__name__, e)),
                                   "traceback": mask_text(traceback.format_exc())}})
    return True


def main():
    install_guard()
    install_hooks()
    send({"id": 0, "result": {
        "python": platform.python_version(),
        "executable": sys.executable,
        "alembic": alembic.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "pid": os.getpid(),
        "startupMs": round((time.perf_counter() - _STARTED) * 1000, 1),
    }})
    while True:
        line = _PROTO_IN.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line.decode("utf-8"))
        except ValueError as e:
            send({"id": None, "error": {"kind": "internal", "message": "bad request line: %s" % e, "traceback": ""}})
            continue
        if not handle(request):
            break
    _dispose_current_engine()


if __name__ == "__main__":
    main()
