# The project: inspect finds its Alembic Config, script directory and migration folders; configure points it (and
# the guard) at the throwaway database. Promises: errors name the config file at fault; nothing connects anywhere.

import inspect as pyinspect
import os
import platform
import re
import sqlite3
import sys
import traceback

import alembic
import sqlalchemy
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import url as sa_url

from . import flask_app, state
from .current import dispose_current_engine
from .guard import ENV_REF, dialect_family
from .positions import forget_file_kinds, rel
from .protocol import failure, require_project
from .script_env import revision_environment, run_revision_environment, set_version_dirs

_PLACEHOLDER_HOSTS = ("user:pass@localhost/dbname",)


def _url_scheme(value):
    if not value or "%(" in value.split("://")[0] or "${" in value.split("://")[0]:
        return None
    m = re.match(r"^\s*([A-Za-z][A-Za-z0-9_]*)(?:\+([A-Za-z0-9_]+))?://", value)
    if not m:
        return None
    dialect, driver = m.group(1).lower(), (m.group(2).lower() if m.group(2) else None)
    if dialect == "driver" or value.strip().endswith("user:pass@localhost/dbname"):
        return None
    known = ("postgresql", "postgres", "sqlite", "mysql", "mariadb", "oracle", "mssql", "cockroachdb", "snowflake",
             "duckdb", "redshift", "bigquery", "clickhouse")
    if dialect not in known:
        try:
            from sqlalchemy.dialects import registry
            registry.load(dialect)
        except Exception:
            return None
    return dialect_family(dialect), driver


_URL_LITERAL = re.compile(r"""['"]([A-Za-z][A-Za-z0-9_]*(?:\+[A-Za-z0-9_]+)?://[^'"\s]*)['"]""")


def _project_url(cfg, section, env_source):
    raw = None
    try:
        if cfg.file_config.has_section(section):
            raw = cfg.file_config.get(section, "sqlalchemy.url", raw=True, fallback=None)
    except Exception:
        raw = None
    if raw:
        parsed = _url_scheme(raw)
        if parsed:
            return {"dialect": parsed[0], "driver": parsed[1], "source": "sqlalchemy.url"}
    names = ["DATABASE_URL"]
    for name in ENV_REF.findall(env_source or ""):
        if name not in names:
            names.append(name)
    for name in names:
        value = os.environ.get(name)
        parsed = _url_scheme(value) if value else None
        if parsed:
            return {"dialect": parsed[0], "driver": parsed[1], "source": "$" + name}
    for literal in _URL_LITERAL.findall(env_source or ""):
        parsed = _url_scheme(literal)
        if parsed:
            return {"dialect": parsed[0], "driver": parsed[1], "source": "env.py"}
    return None


_DBAPI_MODULES = ("psycopg2", "psycopg", "asyncpg", "pg8000", "aiosqlite", "greenlet")


def _installed_drivers():
    """Which DBAPI modules this interpreter could import (found, not imported), and SQLAlchemy's default driver per
    dialect: a URL without a driver means psycopg on SQLAlchemy 2.1, psycopg2 before."""
    import importlib.util
    installed = []
    for name in _DBAPI_MODULES:
        try:
            if importlib.util.find_spec(name) is not None:
                installed.append(name)
        except (ImportError, ValueError):
            pass
    defaults = {"sqlite": "pysqlite"}
    try:
        from sqlalchemy.dialects import registry
        defaults["postgresql"] = registry.load("postgresql").driver
    except Exception:
        defaults["postgresql"] = "psycopg2"
    return {"installed": installed, "defaults": defaults}


_ASYNC_MARKERS = re.compile(r"create_async_engine|async_engine_from_config|AsyncEngine|run_async|AsyncConnection")


def do_inspect(params):
    project_dir = os.path.realpath(os.path.abspath(params["projectDir"]))
    if not os.path.isdir(project_dir):
        raise failure("config", "project directory %s does not exist" % project_dir)
    section = params.get("section") or "alembic"
    os.chdir(project_dir)
    if project_dir not in sys.path:
        sys.path.insert(0, project_dir)
    state.PROJECT.dir = project_dir
    forget_file_kinds()

    toml_supported = "toml_file" in pyinspect.signature(Config.__init__).parameters
    ini = toml = None
    # Like Alembic's CLI: -c wins, then $ALEMBIC_CONFIG, then alembic.ini (+ pyproject.toml on 1.16+).
    given = params.get("configFile") or os.environ.get("ALEMBIC_CONFIG") or None
    flask_param = params.get("flaskApp") or None
    flask = None
    if given:
        path = given if os.path.isabs(given) else os.path.join(project_dir, given)
        if not os.path.isfile(path):
            raise failure("config", "config file %s not found" % path, file=rel(path))
        if os.path.basename(path) == "pyproject.toml":
            if not toml_supported:
                raise failure("config", "%s: Alembic %s reads its configuration from an .ini file only (pyproject.toml "
                                        "needs Alembic 1.16+)" % (rel(path), alembic.__version__), file=rel(path))
            toml = path
        else:
            ini = path
    else:
        candidate = os.path.join(project_dir, "alembic.ini")
        ini = candidate if os.path.isfile(candidate) else None
        # Flask-Migrate's layout: `flask db init` writes migrations/alembic.ini next to its env.py.
        flask_ini = os.path.join(project_dir, "migrations", "alembic.ini")
        if ini is None and os.path.isfile(flask_ini) and (flask_param or flask_app.looks_like_flask_migrate(
                flask_app.env_py_source(os.path.dirname(flask_ini)))):
            ini = flask_ini
    flask_layout = ini is not None and os.path.basename(os.path.dirname(ini)) == "migrations" and \
        os.path.dirname(ini) != project_dir and flask_app.looks_like_flask_migrate(
            flask_app.env_py_source(os.path.dirname(ini)))
    if toml is None and toml_supported and not flask_layout and os.path.isfile(os.path.join(project_dir, "pyproject.toml")):
        toml = os.path.join(project_dir, "pyproject.toml")
    if ini is None and toml is None:
        raise failure("config", "no alembic.ini in %s%s" % (
            project_dir, " (and no pyproject.toml with [tool.alembic])" if toml_supported else ""),
            file="alembic.ini")
    config_name = rel(ini or toml)

    kwargs = {"file_": ini, "ini_section": section}
    if toml_supported:
        kwargs["toml_file"] = toml
    try:
        cfg = Config(**kwargs)
        if ini is not None:
            cfg.file_config  # parse now so that a broken file is reported as such
            # Flask-Migrate's alembic.ini has no script_location: `flask db` sets it to the ini's directory.
            ini_dir = os.path.dirname(os.path.abspath(ini))
            if not flask_app.script_location_of(cfg) and (flask_param or flask_app.looks_like_flask_migrate(
                    flask_app.env_py_source(ini_dir))):
                flask = flask_app.adopt(cfg, ini_dir, project_dir, flask_param)
        script = ScriptDirectory.from_config(cfg)
    except CommandError as e:
        message = str(e)
        if ini is not None and not cfg.file_config.has_section(section):
            message = "%s has no [%s] section (it has: %s); pick one with -n / the name input" % (
                config_name, section, ", ".join("[%s]" % x for x in cfg.file_config.sections()) or "none")
        elif "script_location" in message:
            sources = [x for x in (rel(ini) if ini else None, "[tool.alembic] in pyproject.toml" if toml else None) if x]
            message = "%s: no `script_location` in the [%s] section%s" % (
                config_name, section, (" (looked in %s)" % ", ".join(sources)) if len(sources) > 1 else "")
        raise failure("config", "%s (%s)" % (message, config_name) if config_name not in message else message,
                      file=config_name, traceback=traceback.format_exc())
    except Exception as e:
        raise failure("config", "%s: %s: %s" % (config_name, type(e).__name__, e), file=config_name,
                      traceback=traceback.format_exc())

    env_py = os.path.join(str(script.dir), "env.py")
    env_source = ""
    if os.path.isfile(env_py):
        with open(env_py, "r", encoding="utf-8", errors="replace") as f:
            env_source = f.read()
    elif not os.path.isdir(str(script.dir)):
        raise failure("config", "%s: script_location %s does not exist" % (config_name, script.dir),
                      file=config_name)

    if flask is None and (flask_param or flask_app.looks_like_flask_migrate(env_source)):
        flask = flask_app.adopt(cfg, os.path.abspath(str(script.dir)), project_dir, flask_param)
    url_source = env_source
    if flask is not None:
        app_config = flask_app.config_source(flask)
        flask.uri_env_vars = [n for n in ENV_REF.findall(app_config) if n not in flask.uri_env_vars]
        url_source = env_source + "\n" + app_config
    state.PROJECT.flask = flask

    state.PROJECT.cfg = cfg
    state.PROJECT.script = script
    state.PROJECT.config_file = ini
    state.PROJECT.toml_file = toml
    state.PROJECT.section = section
    state.PROJECT.script_location = os.path.abspath(str(script.dir))
    set_version_dirs(script)
    state.PROJECT.env_py = env_py
    state.PROJECT.env_source = env_source
    state.PROJECT.revision_environment = revision_environment(cfg)
    state.PROJECT.script_env_ready = False

    return {
        "python": platform.python_version(),
        "alembic": alembic.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "configFile": ini,
        "scriptLocation": state.PROJECT.script_location,
        "versionLocations": state.PROJECT.version_dirs,
        "projectUrl": _project_url(cfg, section, url_source),
        "asyncEnv": bool(_ASYNC_MARKERS.search(env_source)),
        "revisionEnvironment": state.PROJECT.revision_environment,
        "drivers": _installed_drivers(),
        "flask": {"app": flask.app_path, "appRoot": flask.app_root} if flask else None,
    }


def do_configure(params):
    require_project()
    url = params["url"]
    target = sa_url.make_url(url)
    if target.password:
        state.SECRETS.append(str(target.password))
    env_vars = list(params.get("envVars") or ["DATABASE_URL"])
    state.PROJECT.url = url
    state.PROJECT.env_vars = env_vars
    state.PROJECT.cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    # NAME → value from TS: the URL, or a part of it for NAME={host} style entries; plain names get the URL.
    values = params.get("envValues") or dict((name, url) for name in env_vars)
    for name, value in values.items():
        os.environ[name] = value
        if value != url and name.upper().find("PASSWORD") != -1 and value:
            state.SECRETS.append(value)
    state.GUARD["target"] = target
    state.GUARD["tripped"] = None
    dispose_current_engine()
    flask_name = None
    if state.PROJECT.flask is not None:
        # After the environment is set, as for any project code: the app factory reads it.
        flask_name = flask_app.activate(state.PROJECT.flask, values)
    if state.PROJECT.revision_environment:
        # env.py may pick the versions by the database it is given (prefect does, per dialect): find them again.
        run_revision_environment()
    return {"ok": True, "flaskApp": flask_name} if flask_name else {"ok": True}
