# The linear walk's way down: `alembic downgrade <target>` exactly as the plain command runs it (Alembic's own
# steps for it, env.py's own transaction mode, no session reset between steps), with a snapshot after each step
# compared by digest with the schema the first pass saw before that revision's upgrade.
# Promises: stops at the first step whose schema differs ("mismatch", the transaction rolled back as a failure rolls
# it back), that wrote rows ("rowWrites", row_writes.py) or that fails ("failure"); answers with how far it got. It decides nothing itself: any anomaly sends the
# TS side back to the revision-by-revision walk, which names the revision and what it left.

import time

from alembic.script import ScriptDirectory

from . import state
from .errors import run_command
from .protocol import DriverFailure, require_url
from .row_writes import RowWrites
from .trace import RECORDER
from .walk import _Snapshots


class _Mismatch(Exception):
    pass


def do_walk_down(params):
    """params: target ('base' or a revision), expected {revision: digest after its downgrade}, snapshot spec."""
    require_url()
    from alembic.runtime.environment import EnvironmentContext
    target = params.get("target") or "base"
    expected = params.get("expected") or {}
    spec = params.get("snapshot") or {}
    cfg = state.PROJECT.cfg
    rec = RECORDER
    rec.reset(True, False, False, False)
    state.WALK_TIMES.update(snapshotMs=0.0, snapshots=0, downMs=0.0)
    state.PREPARED["walks"] += 1
    state.PREPARED["name"] = "_preflight_snapshot_%d" % state.PREPARED["walks"]
    out = {"done": []}
    where = {"revision": None}
    holder = {"snaps": None}
    started = time.perf_counter()

    def run():
        script = ScriptDirectory.from_config(cfg)

        def fn(heads, context):
            snaps = holder["snaps"] = _Snapshots(context.connection, spec)
            rows = RowWrites(context.connection, state.PROJECT.version_table)
            for step in script._downgrade_revs(target, heads):
                revision = step.revision.revision
                where["revision"] = revision
                step_started = time.perf_counter()
                yield step
                state.WALK_TIMES["downMs"] += (time.perf_counter() - step_started) * 1000
                if rows.check():
                    out["rowWrites"] = {"revision": revision, "statement": rows.check()[:300]}
                    raise _Mismatch(revision)
                digest = snaps.take().digest
                if revision in expected and digest != expected[revision]:
                    out["mismatch"] = revision
                    raise _Mismatch(revision)
                out["done"].append(revision)
            where["revision"] = None

        with EnvironmentContext(cfg, script, fn=fn, as_sql=False, destination_rev=target):
            script.run_env()

    try:
        run_command(run, "online")
    except DriverFailure as e:
        if "mismatch" not in out and "rowWrites" not in out:
            if where["revision"] is None:
                raise
            payload = dict(e.payload)
            payload.pop("steps", None)
            out["failure"] = {"revision": where["revision"], "error": payload}
    finally:
        rec.reset(False, False, False, False)
    if holder["snaps"] is not None:
        out["snapshotReads"] = holder["snaps"].impl.stats
    times = state.WALK_TIMES
    out["timings"] = {"downMs": round(times["downMs"], 1), "snapshotMs": round(times["snapshotMs"], 1),
                      "snapshots": times["snapshots"], "totalMs": round((time.perf_counter() - started) * 1000, 1)}
    return out
