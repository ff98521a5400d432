# Flask-Migrate projects, run as `flask db upgrade` runs them: migrations/alembic.ini without script_location, an
# env.py on `current_app`, the app found by FLASK_APP / --flask-app / Flask's own discovery (wsgi.py, app.py, a
# create_app factory), one app context for the driver's whole life. Promises: the app's database URI is the throwaway
# database before any Flask-SQLAlchemy engine is made from it; the app's own file is never imported before configure.

import argparse
import os
import re
import sys

from . import state
from .protocol import DriverFailure, failure

# env.py of Flask-Migrate's templates (flask, flask-multidb, aioflask) and of projects that started from them.
_FLASK_ENV = re.compile(r"current_app\s*\.\s*extensions\s*\[\s*['\"]migrate['\"]\s*\]|\bflask_migrate\b|"
                        r"from\s+flask\s+import[^\n]*\bcurrent_app\b")
_DB_CONFIG_LINE = re.compile(r"SQLALCHEMY_DATABASE_UR[IL]|SQLALCHEMY_BINDS|DATABASE_UR[IL]|DB_UR[IL]")
_SKIPPED_DIRS = ("__pycache__", "migrations", "tests", "test", "node_modules", ".git", ".venv", "venv")


class FlaskProject(object):
    def __init__(self, app_path, app_root):
        self.app_path = app_path  # FLASK_APP / --flask-app ("module", "module:name", "module:factory(args)"), or None
        self.app_root = app_root  # where `flask db upgrade` would be run (the migrations directory's parent)
        self.app = None
        self.context = None
        self.uri_env_vars = []  # environment variables the app's config reads its database URI from
        self.patched = False


def looks_like_flask_migrate(env_source):
    return bool(_FLASK_ENV.search(env_source or ""))


def env_py_source(directory):
    path = os.path.join(directory, "env.py")
    if not os.path.isfile(path):
        return ""
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        return f.read()


def script_location_of(cfg):
    getter = getattr(cfg, "get_alembic_option", None) or cfg.get_main_option
    try:
        return getter("script_location")
    except Exception:
        return None


def adopt(cfg, script_dir, project_dir, app_path):
    """Makes `cfg` what Flask-Migrate's Migrate.get_config makes: script_location = the migrations directory (when
    the ini has none), cmd_opts with an empty -x list. Returns the FlaskProject, rooted where `flask db` would run."""
    if not script_location_of(cfg):
        cfg.set_main_option("script_location", script_dir.replace("%", "%%"))
    if cfg.cmd_opts is None:
        cfg.cmd_opts = argparse.Namespace(x=[])
    same = os.path.realpath(script_dir) == os.path.realpath(project_dir)
    return FlaskProject(app_path, os.path.dirname(os.path.realpath(project_dir)) if same else project_dir)


def _module_files(module, roots):
    """The file of `module` ("pkg.mod"), or every .py file of its top-level package, found on disk (no import)."""
    parts = module.split(".")
    for base in roots:
        top = os.path.join(base, parts[0])
        if os.path.isdir(top) and os.path.isfile(os.path.join(top, "__init__.py")):
            files = []
            for dirpath, dirs, names in os.walk(top):
                dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
                files.extend(os.path.join(dirpath, n) for n in sorted(names) if n.endswith(".py"))
                if len(files) > 400:
                    break
            return files[:400]
        if os.path.isfile(top + ".py"):
            return [top + ".py"]
    return []


def config_source(project):
    """The lines of the app's sources that set its database URI (for the project's dialect and driver, and the
    environment variables it reads), found without importing the app: the FLASK_APP module (or wsgi.py / app.py /
    the app package), and config.py / settings.py beside it."""
    roots = [project.app_root] + [p for p in sys.path if p and os.path.isdir(p)]
    files = []
    if project.app_path:
        target = re.split(r":(?![\\/])", project.app_path, maxsplit=1)[0].strip()
        if target.endswith(".py") or os.sep in target:
            path = target if os.path.isabs(target) else os.path.join(project.app_root, target)
            files.append(path)
            target = os.path.splitext(os.path.basename(path))[0]
        files.extend(_module_files(target, roots))
    else:
        for name in ("wsgi", "app"):
            files.extend(_module_files(name, [project.app_root]))
    files.extend(os.path.join(project.app_root, n) for n in ("config.py", "settings.py"))
    lines = []
    for path in files:
        try:
            with open(path, "r", encoding="utf-8", errors="replace") as f:
                text = f.read(300000)
        except OSError:
            continue
        lines.extend(line for line in text.splitlines() if _DB_CONFIG_LINE.search(line))
    return "\n".join(lines)


def _throwaway_uri(app):
    """Sets the app's database URI (and the default bind) to the throwaway database."""
    url = state.PROJECT.url
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    binds = app.config.get("SQLALCHEMY_BINDS")
    if isinstance(binds, dict) and None in binds:
        binds[None] = url


def _patch_flask_sqlalchemy(project):
    """Flask-SQLAlchemy 3 makes its engines in init_app, from the config as it is then: the app factory runs in the
    driver, so its init_app sees the throwaway URI whatever the config class read."""
    if project.patched:
        return
    try:
        import flask_sqlalchemy
    except ImportError:
        return
    original = flask_sqlalchemy.SQLAlchemy.init_app

    def init_app(self, app, *args, **kwargs):
        if state.PROJECT.url:
            _throwaway_uri(app)
        return original(self, app, *args, **kwargs)

    flask_sqlalchemy.SQLAlchemy.init_app = init_app
    project.patched = True


def _repoint_engines(app):
    """An app whose engines exist already (made before configure): dispose them, make them again from the throwaway
    URI (Flask-SQLAlchemy 3: init_app again; 2.x: its lazily made connectors are dropped)."""
    _throwaway_uri(app)
    ext = app.extensions.get("sqlalchemy")
    if ext is None or not hasattr(ext, "init_app"):
        connectors = getattr(ext, "connectors", None)
        if isinstance(connectors, dict):
            for connector in connectors.values():
                engine = getattr(connector, "_engine", None)
                if engine is not None:
                    engine.dispose()
            connectors.clear()
        return
    from sqlalchemy.engine import url as sa_url
    engines = getattr(ext, "_app_engines", {}).get(app) or {}
    target = sa_url.make_url(state.PROJECT.url)
    if engines and all(e.url == target for e in engines.values() if e is not None):
        return
    del app.extensions["sqlalchemy"]
    ext.init_app(app)


def activate(project, env_values):
    """At configure: the app loaded (once, after the environment is set), its URI on the throwaway database, an app
    context pushed for the rest of the driver's life."""
    for name in project.uri_env_vars:
        if name not in env_values:
            os.environ[name] = state.PROJECT.url
    if project.app is not None:
        _repoint_engines(project.app)
        return
    _patch_flask_sqlalchemy(project)
    try:
        from flask.cli import NoAppException, ScriptInfo
        from flask.cli import load_dotenv
    except ImportError as e:
        raise failure("config", "env.py is a Flask-Migrate env.py (it uses current_app), but %s cannot import flask "
                                "(%s)" % (sys.executable, e), file="env.py")
    os.chdir(project.app_root)
    if project.app_root not in sys.path:
        sys.path.insert(0, project.app_root)
    load_dotenv()  # .flaskenv / .env, as the flask command does (a no-op without python-dotenv); never overrides
    app_path = project.app_path or os.environ.get("FLASK_APP") or None
    try:
        info = ScriptInfo(app_import_path=app_path, set_debug_flag=False)
        app = info.load_app()
    except NoAppException as e:
        raise failure("config", "Flask-Migrate project, but no Flask app was found in %s: %s Give it with --flask-app "
                                "module:factory (the flask-app input in the Action; `flask-app` in "
                                "[tool.alembic-preflight]) or FLASK_APP" % (project.app_root, e))
    except DriverFailure:
        raise
    except (Exception, SystemExit) as e:
        from .errors import classify
        payload = classify(e, "online")
        payload["kind"] = "config" if payload.get("kind") == "internal" else payload.get("kind")
        payload["message"] = "the Flask app (%s) failed to load: %s" % (app_path or "found by Flask", payload["message"])
        raise DriverFailure(payload)
    if "migrate" not in getattr(app, "extensions", {}):
        raise failure("config", "the Flask app %s does not use Flask-Migrate (no Migrate(app, db) or migrate.init_app"
                                "(app, db)), which env.py needs" % (app.import_name,))
    _repoint_engines(app)
    migrate = app.extensions["migrate"]
    callbacks = getattr(getattr(migrate, "migrate", None), "call_configure_callbacks", None)
    if callbacks is not None:
        callbacks(state.PROJECT.cfg)  # @migrate.configure functions, as Migrate.get_config runs them
    project.app = app
    project.context = app.app_context()
    project.context.push()
    return app.import_name
