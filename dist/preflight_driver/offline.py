# Offline SQL: `alembic upgrade --sql` (or downgrade) captured per revision, never written to the user's output.
# Promises: a revision whose code needs a database is reported and skipped; the SQL of the others is still produced.

from alembic import command
from alembic.script import ScriptDirectory

from . import state
from .errors import run_command
from .graph import as_list
from .protocol import DriverFailure, require_url
from .trace import RECORDER


def do_offline(params):
    require_url()
    direction = params.get("direction", "up")
    rng = params.get("range") or ("base:head" if direction == "up" else "head:base")
    start, end = rng.split(":", 1) if ":" in rng else (None, rng)
    cfg = state.PROJECT.cfg
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
                run_command(lambda: command.upgrade(cfg, current_range, sql=True), "offline")
            else:
                run_command(lambda: command.downgrade(cfg, current_range, sql=True), "offline")
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
        script = ScriptDirectory.from_config(state.PROJECT.cfg)
        sc = script.get_revision(revision)
        return list(getattr(sc, "_versioned_down_revisions", None) or as_list(sc.down_revision))
    except Exception:
        return []
