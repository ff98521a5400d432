# What a database driver's connect parameters really point at, compared with the throwaway database: PostgreSQL
# endpoints (host, socket file, port, database) as libpq resolves them (service file, PG* fallbacks, defaults), and
# the file a sqlite3.connect argument opens. Promises: pure resolution, no connection; dbapi_guard.py decides.

import os
import socket
from urllib.parse import unquote

from . import state

_DEFAULT_PG_PORT = 5432
_LOCAL = ("localhost", "127.0.0.1", "::1", "[::1]")

# --- the throwaway database, as endpoints -------------------------------------------------------------------------

def _norm_host(host):
    host = str(host).strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return "localhost" if host in _LOCAL else host


def socket_file(path):
    return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))


def pg_endpoint(host, port, hostaddr=None):
    """('unix', socket file) | ('tcp', host, port) | ('default-socket', None): where libpq-style parameters lead."""
    try:
        port = int(port or _DEFAULT_PG_PORT)
    except (TypeError, ValueError):
        port = str(port)
    if hostaddr:
        return ("tcp", _norm_host(hostaddr), port)
    if not host:
        return ("default-socket", None)
    host = str(host)
    if host.startswith("/"):
        return ("unix", socket_file(os.path.join(host, ".s.PGSQL.%s" % port)))
    if host.startswith("@"):
        return ("abstract-socket", host)
    return ("tcp", _norm_host(host), port)


_target_cache = {}


def throwaway_target():
    """('postgresql', endpoint, dbname) | ('sqlite', real path or None) | None before configure."""
    url = state.GUARD["target"]
    if url is None:
        return None
    key = str(url)
    found = _target_cache.get(key)
    if found is not None:
        return found
    from .guard import dialect_family, query_value
    family = dialect_family(url.drivername)

    def q(name):
        return query_value(url, name)

    if family == "sqlite":
        found = ("sqlite", sqlite_file(url.database or "", False))
    elif family == "postgresql":
        if q("unix_sock"):
            endpoint = ("unix", socket_file(q("unix_sock")))
        else:
            endpoint = pg_endpoint(url.host or q("host"), url.port or q("port"))
        found = ("postgresql", endpoint, url.database or q("dbname") or q("database"))
    else:
        found = (family,)
    _target_cache[key] = found
    return found


_resolved = {}


def _tcp_aliases(host):
    """The addresses a target host name resolves to (psycopg 3 resolves names into hostaddr before connecting)."""
    if host not in _resolved:
        try:
            _resolved[host] = set(_norm_host(a[4][0]) for a in socket.getaddrinfo(host, None))
        except Exception:
            _resolved[host] = set()
    return _resolved[host]


def pg_allowed(endpoints, dbname):
    target = throwaway_target()
    if target is None or target[0] != "postgresql":
        return False
    _, want, want_db = target
    if not endpoints or dbname != want_db:
        return False
    for endpoint, host in endpoints:
        if endpoint == want:
            continue
        # host=<the target's name> hostaddr=<one of its addresses>: what psycopg 3 makes of a name.
        if (want[0] == "tcp" and endpoint[0] == "tcp" and host and _norm_host(host) == want[1]
                and endpoint[2] == want[2] and endpoint[1] in _tcp_aliases(want[1])):
            continue
        return False
    return True


def shown_pg(endpoints, dbname, user):
    """postgresql://user@host:port/db (a socket: ?host=dir), never a password."""
    auth = (user + "@") if user else ""
    hosts, sockets = [], []
    for endpoint, _host in endpoints or []:
        if endpoint[0] == "unix":
            directory, name = os.path.split(endpoint[1])
            port = name[len(".s.PGSQL."):] if name.startswith(".s.PGSQL.") else None
            sockets.append(directory if port in (None, str(_DEFAULT_PG_PORT)) else "%s (port %s)" % (directory, port))
        elif endpoint[0] == "tcp":
            hosts.append("%s:%s" % (endpoint[1], endpoint[2]))
        elif endpoint[0] == "default-socket":
            sockets.append("libpq's default socket directory")
        else:
            hosts.append(str(endpoint[1]))
    return "postgresql://%s%s/%s%s" % (auth, ",".join(hosts), dbname or "",
                                        "?host=" + ",".join(sockets) if sockets else "")


# --- libpq: what a conninfo really means -------------------------------------------------------------------------

def _os_user():
    try:
        import pwd
        return pwd.getpwuid(os.geteuid()).pw_name
    except Exception:
        return os.environ.get("USER") or ""


def _service_values(service):
    """The [service] section of the files libpq reads (PGSERVICEFILE or ~/.pg_service.conf, then
    PGSYSCONFDIR/pg_service.conf); None when not found in any of them."""
    files = [os.environ.get("PGSERVICEFILE") or os.path.join(os.path.expanduser("~"), ".pg_service.conf")]
    if os.environ.get("PGSYSCONFDIR"):
        files.append(os.path.join(os.environ["PGSYSCONFDIR"], "pg_service.conf"))
    for path in files:
        try:
            with open(path, "r", encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        values = None
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                if values is not None:
                    break
                # libpq's own test (parseServiceFile): the name right after '[' and a ']' right after the name;
                # whatever follows is ignored, and blanks inside the brackets are part of the name.
                if line[1:1 + len(service)] == service and line[1 + len(service):2 + len(service)] == "]":
                    values = {}
                continue
            if values is not None and "=" in line:
                k, v = line.split("=", 1)
                values.setdefault(k, v)
        if values is not None:
            return values
    return None


def libpq_target(opts):
    """(endpoints, dbname, user, why) for libpq parameters, after the service file and the PG* environment
    variables libpq falls back on, as libpq itself fills them in; endpoints are (endpoint, host name) pairs."""
    opts = dict((k, str(v)) for k, v in opts.items() if v is not None)
    service = opts.get("service") or os.environ.get("PGSERVICE")
    if service:
        values = _service_values(service)
        if values is None:
            return None, None, opts.get("user"), "service %r is not in a service file alembic-preflight can read" % service
        for k, v in values.items():
            opts.setdefault(k, v)
    for key, var in (("host", "PGHOST"), ("hostaddr", "PGHOSTADDR"), ("port", "PGPORT"), ("dbname", "PGDATABASE"),
                     ("user", "PGUSER")):
        if key not in opts and var in os.environ:
            opts[key] = os.environ[var]
    user = opts.get("user") or _os_user()
    dbname = opts.get("dbname") or user
    hosts = (opts.get("host") or "").split(",")
    addrs = (opts.get("hostaddr") or "").split(",")
    n = max(len(hosts), len(addrs))
    ports = (opts.get("port") or "").split(",")
    if len(ports) == 1:
        ports = ports * n
    endpoints = []
    for i in range(n):
        host = hosts[i] if i < len(hosts) else ""
        addr = addrs[i] if i < len(addrs) else ""
        port = ports[i] if i < len(ports) else ""
        endpoints.append((pg_endpoint(host, port, addr), host))
    return endpoints, dbname, user, None


# --- SQLite ------------------------------------------------------------------------------------------------------

def sqlite_file(database, uri):
    """The real path a sqlite3.connect argument opens, or None for a private in-memory or temporary database."""
    if isinstance(database, bytes):
        database = os.fsdecode(database)
    database = os.fspath(database) if hasattr(database, "__fspath__") else str(database)
    if database in ("", ":memory:"):
        return None
    if uri and database.startswith("file:"):
        rest = database[5:]
        rest, _, query = rest.partition("#")[0].partition("?")
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        if rest.startswith("//"):
            authority, slash, path = rest[2:].partition("/")
            if authority not in ("", "localhost"):
                return "//" + authority  # SQLite refuses other authorities; never the target
            rest = slash + path
        path = unquote(rest)
        if params.get("mode") == "memory" or path in ("", ":memory:"):
            return None
        database = path
    return os.path.realpath(os.path.abspath(database))
