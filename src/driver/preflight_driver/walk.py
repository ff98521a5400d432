# The walk: the stairway in ONE env.py run (upgrade, snapshot, and when asked downgrade, snapshot, upgrade again, per
# revision), Alembic's own RevisionSteps, one transaction each. Promises: a failure keeps what earlier steps showed,
# and each step starts as a separate `alembic` command would (fresh_step.py).

import time

from alembic.script import ScriptDirectory

from . import snapshots_pg, snapshots_sqlite, state
from .data_walk import DataWalk
from .errors import public_steps, run_command
from .fresh_step import FreshSteps
from .seed_models import model_domains
from .protocol import DriverFailure, failure, require_url, send
from .trace import RECORDER


# The revision whose downgrade the walk is about to run, and the schema's digest after its upgrade: where a walk
# may go on after that downgrade fails, when the database is found as it was (the failure rolled back whole).
_RESUME = {"revision": None, "digest": None}


class _Snapshots(object):
    """The walk's snapshots on the migration's connection, each kept current from the one before (PostgreSQL: the
    roots the DDL log names; SQLite: the tables whose CREATE text changed). take() -> an object with a digest;
    raw(snap) -> what TS reads (the catalog queries' texts, or the SQLite snapshot)."""

    def __init__(self, conn, spec):
        self.postgresql = spec.get("kind") == "postgresql"
        if self.postgresql:
            self.impl = snapshots_pg.PgSnapshots(conn, spec, state.PREPARED["name"])
            self._timed(self.impl.start)
        else:
            # spec "full": read everything each time (the tests' reference for what the partial reads must find).
            self.impl = snapshots_sqlite.SqliteSnapshots(conn, incremental=not spec.get("full"))

    def _timed(self, fn):
        RECORDER.in_facts = True
        started = time.perf_counter()
        try:
            return fn()
        finally:
            RECORDER.in_facts = False
            state.WALK_TIMES["snapshotMs"] += (time.perf_counter() - started) * 1000

    def take(self):
        snap = self._timed(self.impl.take)
        state.WALK_TIMES["snapshots"] += 1
        return snap

    def raw(self, snap):
        return snap.texts() if self.postgresql else snap.snapshot()


def _timed_step(fresh, key, step):
    """Yields one step to Alembic, timing it (with the reset before it) until Alembic asks for the next."""
    started = time.perf_counter()
    fresh.before_step()
    yield step
    state.WALK_TIMES[key] += (time.perf_counter() - started) * 1000


def _sql_of(rec):
    return [s.get("sql") for s in (rec.steps[-1]["statements"] if rec.steps else ())]


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
    state.WALK_TIMES.update(snapshotMs=0.0, snapshots=0, upMs=0.0, downMs=0.0, reupMs=0.0, seedMs=0.0)
    state.PREPARED["walks"] += 1
    state.PREPARED["name"] = "_preflight_snapshot_%d" % state.PREPARED["walks"]
    walk_started = time.perf_counter()
    holder = {"snaps": None, "data": None}
    no_seed = set(params.get("noSeed") or [])

    def last_step():
        return public_steps(rec.steps[-1:])[0] if rec.steps else None

    def run():
        script = ScriptDirectory.from_config(cfg)
        rmap = script.revision_map

        def fn(heads, context):
            conn = context.connection
            snaps = _Snapshots(conn, spec) if spec.get("kind") in ("postgresql", "sqlite") else None
            holder["snaps"] = snaps
            fresh = FreshSteps(context)
            # The seeded stairway (`data` check): rows before each upgrade, compared after its downgrade.
            data = holder["data"] = DataWalk(conn, model_domains(context.opts.get("target_metadata"))) if params.get("data") else None
            current = None
            resume = params.get("resume")
            if resume:
                # The downgrade of `resume` failed in the walk before: go on only from the database it upgraded to.
                ok = snaps is not None and resume in (heads or ()) and _RESUME.get("revision") == resume
                if ok:
                    current = snaps.take()
                    ok = current.digest == _RESUME.get("digest")
                out["resumed"] = ok
                if not ok:
                    return
            if current is None and snaps is not None and (params.get("initial") or any(e.get("stairway") for e in entries)):
                current = snaps.take()
                if params.get("initial"):
                    out["initial"] = snaps.raw(current)
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
                stairway = bool(entry.get("stairway")) and snaps is not None
                if stairway and current is None:
                    current = snaps.take()
                if data is not None:
                    item["data"] = data.before_upgrade(revision not in no_seed)
                where.update(revision=revision, phase="up")
                rec.trace, rec.facts = True, facts
                yield from _timed_step(fresh, "upMs", RevisionStep(rmap, sc, True))
                item["upgrade"] = last_step()
                if data is not None:
                    data.after_upgrade(_sql_of(rec), stairway)
                after = None
                if snaps is not None and (stairway or revision in want_full):
                    after = snaps.take()
                if revision in want_full:
                    out["full"][revision] = snaps.raw(after)
                if stairway:
                    _RESUME.update(revision=revision, digest=after.digest)
                    where.update(phase="down")
                    rec.trace, rec.facts = True, False
                    yield from _timed_step(fresh, "downMs", RevisionStep(rmap, sc, False))
                    item["downgrade"] = last_step()
                    if data is not None:
                        item["data"] = dict(item["data"] or {}, **(data.after_downgrade(_sql_of(rec)) or {}))
                    down = snaps.take()
                    if down.digest != current.digest:
                        item["trace"] = {"before": snaps.raw(current), "afterDown": snaps.raw(down)}
                    where.update(phase="reup")
                    rec.trace = False
                    yield from _timed_step(fresh, "reupMs", RevisionStep(rmap, sc, True))
                    if down.digest != current.digest:
                        # What the downgrade left may change what the upgrade makes: look again.
                        after = snaps.take()
                current = after
            if data is not None:
                data.clear_rows()
            if params.get("head") and snaps is not None:
                out["head"] = snaps.raw(current if current is not None else snaps.take())
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
        if holder["data"] is not None:
            statement = (payload.get("db") or {}).get("statement") or (rec.failed_statement or {}).get("sql")
            out["failure"]["data"] = dict(out["revisions"][-1].get("data") or {},
                                          row=holder["data"].failure_row(where["phase"], statement, payload.get("message") or ""))
    finally:
        rec.reset(False, False, False, False)
    if holder["snaps"] is not None:
        out["snapshotReads"] = holder["snaps"].impl.stats
    times = state.WALK_TIMES
    out["timings"] = dict((k, round(v, 1) if isinstance(v, float) else v) for k, v in times.items())
    out["timings"]["totalMs"] = round((time.perf_counter() - walk_started) * 1000, 1)
    return out
