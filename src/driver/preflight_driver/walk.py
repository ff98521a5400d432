# The walk: the stairway in ONE env.py run (upgrade, snapshot, and when asked downgrade, snapshot, upgrade again, per
# revision), Alembic's own RevisionSteps, one transaction each. Promises: a failure keeps what earlier steps showed,
# and each step starts as a separate `alembic` command would (fresh_step.py).

import time

from alembic.script import ScriptDirectory

from . import snapshots_pg, snapshots_sqlite, state
from .errors import public_steps, run_command
from .fresh_step import FreshSteps
from .protocol import DriverFailure, failure, require_url, send
from .trace import RECORDER


def _take_snapshot(conn, spec):
    """(raw, digest) of the schema as `conn` sees it. PostgreSQL: the catalog queries TS sent, each returning one
    JSON text (TS turns them into objects, with the same code as its own snapshots); SQLite: the objects."""
    RECORDER.in_facts = True
    started = time.perf_counter()
    try:
        if spec.get("kind") == "postgresql":
            return snapshots_pg.snapshot_on_connection(conn, spec)
        return snapshots_sqlite.snapshot_on_connection(conn)
    finally:
        RECORDER.in_facts = False
        state.WALK_TIMES["snapshotMs"] += (time.perf_counter() - started) * 1000
        state.WALK_TIMES["snapshots"] += 1


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
    cfg = state.PROJECT.cfg
    rec = RECORDER
    rec.reset(True, True, facts, False)
    rec.per_migration = True
    out = {"revisions": [], "full": {}}
    where = {"revision": None, "phase": None}
    progress = {"at": time.perf_counter()}
    state.WALK_TIMES.update(snapshotMs=0.0, snapshots=0)
    state.PREPARED["walks"] += 1
    state.PREPARED["name"] = "_preflight_snapshot_%d" % state.PREPARED["walks"]
    walk_started = time.perf_counter()

    def last_step():
        return public_steps(rec.steps[-1:])[0] if rec.steps else None

    def run():
        script = ScriptDirectory.from_config(cfg)
        rmap = script.revision_map

        def fn(heads, context):
            conn = context.connection
            fresh = FreshSteps(context)
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
                fresh.before_step()
                yield RevisionStep(rmap, sc, True)
                item["upgrade"] = last_step()
                after, after_digest = _take_snapshot(conn, spec)
                if revision in want_full:
                    out["full"][revision] = after
                if entry.get("stairway"):
                    where.update(phase="down")
                    rec.trace, rec.facts = True, False
                    fresh.before_step()
                    yield RevisionStep(rmap, sc, False)
                    item["downgrade"] = last_step()
                    down, down_digest = _take_snapshot(conn, spec)
                    if down_digest != digest:
                        item["trace"] = {"before": current, "afterDown": down}
                    where.update(phase="reup")
                    rec.trace = False
                    fresh.before_step()
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
        run_command(run, "online")
    except DriverFailure as e:
        if where["revision"] is None:
            raise
        payload = dict(e.payload)
        payload.pop("steps", None)
        payload.setdefault("revision", where["revision"])
        out["failure"] = {"revision": where["revision"], "phase": where["phase"], "error": payload}
    finally:
        rec.reset(False, False, False, False)
    times = state.WALK_TIMES
    out["timings"] = {"totalMs": round((time.perf_counter() - walk_started) * 1000, 1),
                      "snapshotMs": round(times["snapshotMs"], 1), "snapshots": times["snapshots"]}
    return out
