# The online commands, each one env.py run on the throwaway database: upgrade, downgrade, one step, and drift.
# Promises: upgrade/downgrade/step answer with the steps run (traced when asked) and what alembic_version then holds.

import importlib
import os

from alembic import command
from alembic.script import ScriptDirectory

from . import state
from .current import read_current
from .errors import public_steps, run_command
from .graph import as_list
from .protocol import failure, require_url
from .trace import RECORDER


def do_migrate(params, direction):
    require_url()
    target = params.get("target") or ("head" if direction == "up" else "-1")
    facts = bool(params.get("facts"))
    trace = bool(params.get("trace")) or facts
    rec = RECORDER
    rec.reset(True, trace, facts, False)
    cfg = state.PROJECT.cfg
    try:
        if direction == "up":
            run_command(lambda: command.upgrade(cfg, target), "online")
        else:
            run_command(lambda: command.downgrade(cfg, target), "online")
        steps = public_steps(rec.steps)
    finally:
        rec.reset(False, False, False, False)
    name, schema = state.PROJECT.version_table
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
            downs = as_list(sc.down_revision) + as_list(getattr(sc, "dependencies", None))
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
    cfg = state.PROJECT.cfg
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
        run_command(run, "online")
        steps = public_steps(rec.steps)
    finally:
        rec.reset(False, False, False, False)
    name, schema = state.PROJECT.version_table
    return {"steps": steps, "current": read_current(), "versionTable": {"name": name, "schema": schema}}


def _drift_module():
    # Imported on first use: autogenerate's imports cost start-up time that most runs do not need.
    if not os.path.isfile(os.path.join(state.PACKAGE_DIR, "drift.py")):
        raise failure("internal", "drift.py is missing from %s (the build must copy the whole package)"
                      % state.PACKAGE_DIR)
    return importlib.import_module(__package__ + ".drift")


def do_drift(params):
    """Models vs the database at head, through env.py (drift.py does the comparing)."""
    require_url()
    module = _drift_module()
    result = {}
    RECORDER.reset(False, False, False, False)
    run_command(lambda: result.update(module.compare(state.PROJECT.cfg, params)), "online", revisions=False)
    return result
