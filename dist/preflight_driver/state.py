# What one driver run shares between modules: the project, the guard's target, the secrets to mask, walk counters.
# Promises: each name is bound once and only mutated in place; modules read it as `state.X`, so all see one object.
#
# The one other shared object is the statement recorder, trace.RECORDER (never rebound either: reset() clears it).

import os

# The package's own directory (real path): frames of any of its modules are the driver's, never the project's.
PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))


class Project(object):
    """The Alembic Config, its script directory, where migration files live (set by inspect and configure)."""

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
        self.revision_environment = False  # `revision_environment = true`: env.py sets up the script directory
        self.script_env_ready = False  # ... and it has run for the current configuration
        self.flask = None  # a Flask-Migrate project: flask_app.FlaskProject, else None


PROJECT = Project()

# Exact passwords we know of (the throwaway URL's), masked wherever they appear.
SECRETS = []

# The connection guard: the throwaway database's URL, and the first refusal of the current command.
GUARD = {"target": None, "tripped": None}

# Time spent taking snapshots during the current walk.
WALK_TIMES = {"snapshotMs": 0.0, "snapshots": 0}
# The name of the current walk's prepared snapshot statement (one per walk: its queries are the walk's).
PREPARED = {"name": None, "walks": 0}

# The sync engine that reads alembic_version (current.py), dropped when configure points elsewhere.
CURRENT_ENGINE = {"engine": None}
