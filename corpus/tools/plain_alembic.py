"""The reference: what plain Alembic shows, one Alembic command at a time, on a throwaway database.

Run with the project's own interpreter, in the project directory (where alembic.ini is), with the project's
environment variables set. Each step is a separate Alembic command (a fresh Config, ScriptDirectory, env.py run and
MigrationContext), as `alembic upgrade REV` / `alembic downgrade REV` typed one after the other would be; between
steps the schema is dumped the way a person would look at it (`sqlite_master` plus PRAGMAs for SQLite,
`pg_dump --schema-only` for PostgreSQL).

    python plain_alembic.py --url sqlite:////tmp/x.db [-c alembic.ini] [-n alembic] [--pg-dump /usr/lib/postgresql/15/bin/pg_dump]
                            [--flask-app module:factory --flask-dir migrations] [--steps stairway,roundtrip,check]
                            [--env NAME ...] [--out result.json]

--env NAME: environment variables set to the URL before anything is imported (settings objects read them).
Prints one line per finding and writes the JSON result. This is a review tool for the corpus, not part of the CLI.
"""
from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import traceback


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("-c", "--config", default="alembic.ini")
    p.add_argument("-n", "--name", default="alembic")
    p.add_argument("--pg-dump", default="/usr/lib/postgresql/15/bin/pg_dump")
    p.add_argument("--flask-app", default=None)
    p.add_argument("--flask-dir", default="migrations")
    p.add_argument("--flask-uri-key", default="SQLALCHEMY_DATABASE_URI")
    p.add_argument("--steps", default="stairway,roundtrip,check")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--set-url", action="store_true", default=True)
    p.add_argument("--no-set-url", dest="set_url", action="store_false")
    p.add_argument("--out", default=None)
    p.add_argument("--anyio-worker", action="store_true",
                   help="run each command in an AnyIO worker thread, as prefect's own `prefect server database upgrade` does")
    p.add_argument("--version-locations", default=None, help="set version_locations (what an env.py that sets it at run time would)")
    p.add_argument("--only", default=None, help="comma-separated revisions to stairway (default: all)")
    return p.parse_args()


ARGS = parse_args()
for name in ARGS.env:
    os.environ[name] = ARGS.url
sys.path.insert(0, os.getcwd())

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402

FLASK_CTX = None
if ARGS.flask_app:
    import importlib

    mod_name, _, attr = ARGS.flask_app.partition(":")
    mod = importlib.import_module(mod_name)
    factory = getattr(mod, attr or "create_app")
    app = factory() if callable(factory) and not hasattr(factory, "wsgi_app") else factory
    app.config[ARGS.flask_uri_key] = ARGS.url
    FLASK_CTX = app.app_context()
    FLASK_CTX.push()


def make_config() -> Config:
    if ARGS.flask_app:
        from flask import current_app

        cfg = current_app.extensions["migrate"].migrate.get_config(ARGS.flask_dir)
    else:
        cfg = Config(ARGS.config, ini_section=ARGS.name)
    if ARGS.version_locations:
        cfg.set_main_option("version_locations", ARGS.version_locations)
    if ARGS.set_url and not ARGS.flask_app:
        cfg.set_main_option("sqlalchemy.url", ARGS.url.replace("%", "%%"))
    return cfg


def run(fn, *args):
    """One Alembic command; returns None or the error's last line."""
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            if ARGS.anyio_worker:
                import anyio
                import anyio.to_thread

                cfg = make_config()
                anyio.run(lambda: anyio.to_thread.run_sync(lambda: fn(cfg, *args)))
            else:
                fn(make_config(), *args)
        return None
    except BaseException as e:  # noqa: BLE001 (SystemExit from alembic check too)
        if isinstance(e, KeyboardInterrupt):
            raise
        tb = traceback.format_exc()
        last = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        return {"error": last, "traceback": tb[-3000:], "stdout": buf.getvalue()[-2000:]}


def is_sqlite() -> bool:
    return ARGS.url.startswith("sqlite")


def sqlite_path() -> str:
    return re.sub(r"^sqlite(\+\w+)?:///", "", ARGS.url).split("?")[0]


def snapshot() -> list[str]:
    """The schema as lines, sorted where the order means nothing."""
    if is_sqlite():
        con = sqlite3.connect(sqlite_path())
        try:
            out = []
            rows = con.execute(
                "select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%' and tbl_name != 'alembic_version' order by type, name"
            ).fetchall()
            for type_, name, tbl, sql in rows:
                if type_ == "table":
                    cols = con.execute(f'pragma table_xinfo("{name}")').fetchall()
                    for cid, cname, ctype, notnull, dflt, pk, hidden in cols:
                        out.append(f"column {name}.{cname} type={ctype} notnull={notnull} default={dflt} pk={pk}")
                    for fk in con.execute(f'pragma foreign_key_list("{name}")').fetchall():
                        out.append(f"fk {name}({fk[3]}) -> {fk[2]}({fk[4]}) on_update={fk[5]} on_delete={fk[6]}")
                    for idx in con.execute(f'pragma index_list("{name}")').fetchall():
                        _, iname, unique, origin, partial = idx
                        icols = [c[2] for c in con.execute(f'pragma index_info("{iname}")').fetchall()]
                        label = iname if not iname.startswith("sqlite_autoindex") else "(auto)"
                        out.append(f"index {name} {label} cols={icols} unique={unique} origin={origin} partial={partial}")
                    for chk in re.findall(r"CHECK\s*\((.*?)\)\s*(?:,|\)$)", sql or "", flags=re.S | re.I):
                        out.append(f"check {name}: {' '.join(chk.split())}")
                elif type_ in ("view", "trigger"):
                    out.append(f"{type_} {name}: {' '.join((sql or '').split())}")
            return sorted(out)
        finally:
            con.close()
    url = ARGS.url
    # pg_dump takes a libpq URL: no SQLAlchemy driver suffix
    libpq = re.sub(r"^postgresql\+\w+://", "postgresql://", url)
    dump = subprocess.run(
        [ARGS.pg_dump, "--schema-only", "--no-owner", "--no-privileges", "--no-comments", libpq],
        capture_output=True, text=True, check=True,
    ).stdout
    lines = []
    for line in dump.splitlines():
        if not line.strip() or line.startswith("--") or line.startswith("SET ") or line.startswith("SELECT pg_catalog"):
            continue
        if line.startswith("\\restrict") or line.startswith("\\unrestrict"):
            continue
        if "alembic_version" in line:
            continue
        lines.append(line)
    return lines


def reset():
    """An empty database again (a fresh throwaway, as after a failure a person would start over)."""
    if is_sqlite():
        if os.path.exists(sqlite_path()):
            os.remove(sqlite_path())
        return
    libpq = re.sub(r"^postgresql\+\w+://", "postgresql://", ARGS.url)
    db = libpq.rsplit("/", 1)[1].split("?")[0]
    admin = libpq.rsplit("/", 1)[0] + "/postgres"
    psql(admin, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql(admin, f'CREATE DATABASE "{db}"')


def psql(url: str, sql: str) -> str:
    exe = os.path.join(os.path.dirname(ARGS.pg_dump), "psql")
    return subprocess.run([exe, "-X", "-qAt", "-v", "ON_ERROR_STOP=1", url, "-c", sql], capture_output=True, text=True, check=True).stdout


def diff(a: list[str], b: list[str]) -> list[str]:
    return [l for l in difflib.unified_diff(a, b, "before", "after", n=0, lineterm="") if not l.startswith(("---", "+++", "@@"))]


def revisions_in_order():
    script = ScriptDirectory.from_config(make_config())
    revs = list(script.walk_revisions("base", "heads"))
    revs.reverse()
    return script, revs


def current_heads():
    if is_sqlite():
        con = sqlite3.connect(sqlite_path())
        try:
            if not con.execute("select 1 from sqlite_master where name='alembic_version'").fetchall():
                return ()
            return tuple(sorted(r[0] for r in con.execute("select version_num from alembic_version")))
        finally:
            con.close()
    libpq = re.sub(r"^postgresql\+\w+://", "postgresql://", ARGS.url)
    out = psql(libpq, "select version_num from alembic_version where to_regclass('alembic_version') is not null") if psql(
        libpq, "select to_regclass('alembic_version') is not null").strip() == "t" else ""
    return tuple(sorted(l for l in out.splitlines() if l))


def main():
    steps = set(ARGS.steps.split(","))
    result = {"stairway": [], "roundtrip": None, "check": None}
    t0 = time.time()
    reset()
    script, revs = revisions_in_order()
    only = set(ARGS.only.split(",")) if ARGS.only else None
    print(f"{len(revs)} revisions; heads {script.get_heads()}", flush=True)
    if "stairway" in steps:
        for rev in revs:
            rid = rev.revision
            before_heads = current_heads()
            before = snapshot()
            err = run(command.upgrade, rid)
            entry = {"revision": rid}
            if err:
                entry["upgradeError"] = err
                result["stairway"].append(entry)
                print(f"UPGRADE FAILED {rid}: {err['error']}", flush=True)
                break
            if only is not None and rid not in only:
                continue
            after = snapshot()
            target = before_heads[0] if len(before_heads) == 1 else ("base" if not before_heads else f"{rid}-1")
            err = run(command.downgrade, target)
            if err:
                entry["downgradeError"] = err
                print(f"DOWNGRADE FAILED {rid} -> {target}: {err['error']}", flush=True)
                result["stairway"].append(entry)
                reset()
                if run(command.upgrade, rid):
                    break
                continue
            down = snapshot()
            trace = diff(before, down)
            if trace:
                entry["trace"] = trace
                print(f"TRACE {rid}: " + " | ".join(trace[:12]), flush=True)
            err = run(command.upgrade, rid)
            if err:
                entry["reupgradeError"] = err
                print(f"REUPGRADE FAILED {rid}: {err['error']}", flush=True)
                result["stairway"].append(entry)
                reset()
                if run(command.upgrade, rid):
                    break
                continue
            again = snapshot()
            redo = diff(after, again)
            if redo:
                entry["reupgradeDiff"] = redo
                print(f"REUPGRADE DIFFERS {rid}: " + " | ".join(redo[:12]), flush=True)
            if len(entry) > 1:
                result["stairway"].append(entry)
        print(f"stairway done in {time.time() - t0:.1f}s", flush=True)
    if "roundtrip" in steps:
        reset()
        rt = {}
        err = run(command.upgrade, "heads")
        if err:
            rt["upgradeError"] = err
        else:
            top = snapshot()
            err = run(command.downgrade, "base")
            if err:
                rt["downgradeError"] = err
                rt["stoppedAt"] = current_heads()
            else:
                rt["baseSchema"] = snapshot()
                err = run(command.upgrade, "heads")
                if err:
                    rt["reupgradeError"] = err
                else:
                    rt["diff"] = diff(top, snapshot())
        result["roundtrip"] = rt
        print("ROUNDTRIP " + json.dumps({k: (v["error"] if isinstance(v, dict) and "error" in v else v) for k, v in rt.items() if k != "baseSchema"})[:3000], flush=True)
    if "check" in steps:
        if "roundtrip" not in steps or result["roundtrip"].get("downgradeError") or result["roundtrip"].get("reupgradeError"):
            run(command.upgrade, "heads")
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                if ARGS.anyio_worker:
                    import anyio
                    import anyio.to_thread

                    cfg = make_config()
                    anyio.run(lambda: anyio.to_thread.run_sync(lambda: command.check(cfg)))
                else:
                    command.check(make_config())
            result["check"] = {"ok": True, "output": buf.getvalue()}
        except BaseException as e:  # noqa: BLE001
            result["check"] = {"ok": False, "error": f"{type(e).__name__}: {e}"[:6000]}
        print("CHECK " + json.dumps(result["check"])[:6000], flush=True)
    result["seconds"] = round(time.time() - t0, 1)
    if ARGS.out:
        with open(ARGS.out, "w") as f:
            json.dump(result, f, indent=1, default=str)


main()
