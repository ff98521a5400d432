# The JSON-lines loop: hello, then one request per line, each answered with a result or an error payload.
# Promises: every request gets exactly one answer; nothing but answers is written to the protocol's stdout.

import atexit
import json
import os
import platform
import sys
import time
import traceback

import alembic
import sqlalchemy

from . import current, graph, lock_cost, offline, project, snapshots_sqlite, steps, walk
from . import pools
from . import data_hand
from .containment import do_contain
from .parent_death import start_watch
from .guard import install_guard
from .protocol import STARTED, DriverFailure, clean, mask_text, read_line, send
from .trace import install_hooks

METHODS = {
    "inspect": project.do_inspect,
    "configure": project.do_configure,
    "graph": graph.do_graph,
    "upgrade": lambda p: steps.do_migrate(p, "up"),
    "downgrade": lambda p: steps.do_migrate(p, "down"),
    "step": steps.do_step,
    "walk": walk.do_walk,
    "release": pools.do_release,
    "data-hand": data_hand.do_configure,
    "offline": offline.do_offline,
    "drift": steps.do_drift,
    "current": current.do_current,
    "sqlite-snapshot": snapshots_sqlite.do_sqlite_snapshot,
    "contain": do_contain,
    "lock-cost": lock_cost.do_lock_cost,
}
# Calls that run no project code: answered before containment, which needs the driver single-threaded.
_BEFORE_CONTAINMENT = ("inspect", "contain")


def handle(request):
    rid = request.get("id")
    method = request.get("method")
    params = request.get("params") or {}
    if method == "shutdown":
        send({"id": rid, "result": {"ok": True}})
        return False
    if method not in _BEFORE_CONTAINMENT:
        start_watch()
    fn = METHODS.get(method)
    if fn is None:
        send({"id": rid, "error": {"kind": "internal", "message": "unknown method %r" % (method,), "traceback": ""}})
        return True
    try:
        result = fn(params)
        send({"id": rid, "result": result})
    except DriverFailure as f:
        payload = clean(dict(f.payload))
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
    pools.install()
    send({"id": 0, "result": {
        "python": platform.python_version(),
        "executable": sys.executable,
        "alembic": alembic.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "pid": os.getpid(),
        "startupMs": round((time.perf_counter() - STARTED) * 1000, 1),
    }})
    while True:
        line = read_line()
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
    current.dispose_current_engine()
    # The interpreter's own teardown (every module and object a walk loaded, freed one by one) took 0.3-0.4 s after
    # a walk, and nothing of it is ours to wait for: the answers are written, our connections are closed above, and
    # the throwaway database is dropped by the caller. The project's exit hooks still run (atexit: its temporary
    # directories, logging.shutdown, multiprocessing's children; weakref.finalize), as after a plain `alembic`
    # command; then the process leaves without the teardown.
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(0)
