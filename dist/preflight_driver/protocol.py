# The protocol's end of the driver: the real stdin/stdout kept for JSON lines, send(), error payloads, masking.
# Promises: importing it first (as __main__ does) takes fds 0 and 1 before any other code can read or write them.
#
# Protocol (see src/driver/protocol.ts): one request per line on stdin, `{"id", "method", "params"}`, answered on the
# real stdout by `{"id", "result"}` or `{"id", "error"}`. Right after start the driver writes one hello line with id 0.

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

import io  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

from . import state  # noqa: E402



# Default passwords of CI services and examples: masked in URLs (above), not as free text, where they are ordinary
# words (`postgres`, `postgresql`); the same list as src/redact.ts.
_PLACEHOLDER_PASSWORDS = frozenset(["postgres", "password", "secret", "admin", "root", "test", "example", "changeme",
                                    "pass", "user", "app"])


def _mask_url_passwords(text):
    """`scheme://user:PASSWORD@host` → `scheme://user:***@host`, in one left-to-right pass (a regex backtracks
    quadratically on long runs of letters). A password with an unencoded `@` is masked up to the last `@`."""
    out = []
    done = 0
    i = 0
    while True:
        j = text.find("://", i)
        if j < 0:
            break
        end = j + 3
        while end < len(text) and not text[end].isspace() and text[end] not in "\"'<>`":
            end += 1
        seg = text[j + 3:end]
        at = seg.rfind("@")
        colon = seg.find(":")
        if at > 0 and 0 <= colon < at and "/" not in seg[:colon]:
            out.append(text[done:j + 3 + colon + 1])
            out.append("***")
            done = j + 3 + at
        i = end
    out.append(text[done:])
    return "".join(out)


def mask_text(text):
    if not text:
        return text
    text = _mask_url_passwords(text)
    for secret in state.SECRETS:
        if secret and len(secret) >= 4 and secret.lower() not in _PLACEHOLDER_PASSWORDS:
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


def read_line():
    """The next request line (bytes) from the real stdin; b"" at its end."""
    return _PROTO_IN.readline()


STARTED = time.perf_counter()


def require_libraries():
    """Imports what the driver needs from Alembic and SQLAlchemy; when the interpreter lacks them, says so in the
    hello line and exits."""
    try:
        import sqlalchemy  # noqa: F401
        from sqlalchemy import bindparam, event  # noqa: F401
        from sqlalchemy.engine import Engine  # noqa: F401
        from sqlalchemy.sql.elements import TextClause  # noqa: F401
        from sqlalchemy.engine import url as sa_url  # noqa: F401
        import sqlalchemy.engine.create  # noqa: F401
        import alembic  # noqa: F401
        from alembic import command  # noqa: F401
        from alembic.config import Config  # noqa: F401
        from alembic.script import ScriptDirectory  # noqa: F401
        from alembic.runtime.migration import MigrationContext  # noqa: F401
        from alembic.ddl.impl import DefaultImpl  # noqa: F401
        from alembic.util import CommandError  # noqa: F401
    except Exception as import_error:  # the interpreter lacks alembic/sqlalchemy: say so and stop
        send({"id": 0, "error": {
            "kind": "config",
            "message": "%s cannot import alembic and sqlalchemy (%s: %s); install them into that environment "
                       "(pip install alembic sqlalchemy)" % (sys.executable, type(import_error).__name__, import_error),
            "traceback": traceback.format_exc(),
        }})
        sys.exit(3)


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


def clean(payload):
    return dict((k, v) for k, v in payload.items() if v is not None)


# The order of calls: inspect, then configure, then the rest.


def require_project():
    if state.PROJECT.cfg is None:
        raise failure("internal", "inspect must run before this method")


def require_url():
    require_project()
    if state.PROJECT.url is None:
        raise failure("internal", "configure must run before this method")
