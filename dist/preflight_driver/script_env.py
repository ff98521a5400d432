# Where the migration files are when alembic.ini alone does not say: `revision_environment = true` (env.py sets up
# the script directory, e.g. `context.script.version_locations`), and files that define revisions nobody looks at.
# Promises: env.py runs as `alembic revision` runs it (nothing migrated); a project never looks empty by mistake.

import io
import os
import re

from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory

from . import state
from .errors import run_command
from .positions import forget_file_kinds, rel
from .protocol import DriverFailure, failure


def revision_environment(cfg):
    """Alembic's own reading of the option (`alembic revision` reads it with get_alembic_option on 1.16+)."""
    getter = getattr(cfg, "get_alembic_option", None) or cfg.get_main_option
    try:
        value = getter("revision_environment")
    except Exception:
        value = None
    return str(value or "").strip().lower() in ("true", "yes", "on", "1")


def set_version_dirs(script):
    """Reads the version locations of `script` (memoizing them there) into the project state."""
    version_dirs = [os.path.abspath(str(p)) for p in script._version_locations]
    prefixes = set()
    for d in version_dirs:
        prefixes.add(os.path.abspath(d).rstrip(os.sep) + os.sep)
        prefixes.add(os.path.realpath(d).rstrip(os.sep) + os.sep)
    state.PROJECT.version_dirs = version_dirs
    state.PROJECT.version_prefixes = tuple(sorted(prefixes))
    state.PROJECT.recursive = bool(getattr(script, "recursive_version_locations", False))
    forget_file_kinds()


def run_revision_environment():
    """With `revision_environment = true`, `alembic revision` runs env.py with nothing to migrate before it reads the
    versions, so env.py may set `context.script.version_locations` (prefect does, per dialect). Alembic's online
    commands see the same, since env.py runs before their revision map loads. We run it once the same way, offline
    first (it connects nowhere; `alembic revision --sql` runs it so), else online on the throwaway database, and keep
    that ScriptDirectory for the whole run."""
    cfg = state.PROJECT.cfg
    attempts = [True] + ([False] if state.PROJECT.url else [])
    first_error = None
    for as_sql in attempts:
        state.PROJECT.script = None
        script = ScriptDirectory.from_config(cfg)  # fresh (trace.py caches it as the run's from here on)

        def nothing(rev, context):
            return []

        def run():
            kw = {"fn": nothing, "as_sql": as_sql}
            if as_sql:
                kw["output_buffer"] = io.StringIO()
            with EnvironmentContext(cfg, script, **kw):
                script.run_env()

        try:
            run_command(run, "offline" if as_sql else "online", revisions=False)
        except DriverFailure as e:
            first_error = first_error or e
            continue
        set_version_dirs(script)
        state.PROJECT.script_env_ready = True
        return
    payload = dict(first_error.payload)
    payload["kind"] = "config"
    payload["message"] = "revision_environment = true, so env.py is run to find the migrations (as `alembic " \
                         "revision` does), and it failed: %s" % payload.get("message", "")
    raise DriverFailure(payload)


_DEFINES_REVISION = re.compile(r"^revision\s*(?::[^=\n]*)?=\s*['\"]", re.M)
_SKIPPED_DIRS = ("__pycache__", "node_modules", "site-packages", ".git", ".venv", "venv")


def stray_revision_files(limit=2000):
    """Python files under the script location that define `revision = "..."` although no version location holds
    them (at most `limit` files are read)."""
    root = state.PROJECT.script_location
    if not root or not os.path.isdir(root):
        return []
    found = []
    seen = 0
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(names):
            if not name.endswith(".py") or name == "env.py":
                continue
            seen += 1
            if seen > limit:
                return found
            path = os.path.join(dirpath, name)
            try:
                with open(path, "r", encoding="utf-8", errors="replace") as f:
                    text = f.read(200000)
            except OSError:
                continue
            if _DEFINES_REVISION.search(text):
                found.append(path)
    return found


def refuse_false_empty():
    """No revision found, but migration files exist: an error naming them, never 'no migrations'."""
    stray = stray_revision_files()
    if not stray:
        return
    shown = ", ".join(rel(p) for p in stray[:10]) + (" and %d more" % (len(stray) - 10) if len(stray) > 10 else "")
    where = ", ".join(rel(d) for d in state.PROJECT.version_dirs) or "none"
    raise failure("config", "no revision found in the version locations (%s), yet %d file%s under the script location "
                            "define `revision =`: %s. Point `version_locations` in %s at them (or set "
                            "`revision_environment = true` if env.py sets them)" % (
                                where, len(stray), "" if len(stray) == 1 else "s", shown,
                                rel(state.PROJECT.config_file) if state.PROJECT.config_file else "the Alembic config"),
                  file=rel(stray[0]))
