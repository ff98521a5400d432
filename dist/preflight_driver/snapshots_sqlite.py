# SQLite snapshots: tables, columns, indexes, constraints, views and triggers from sqlite_master and the pragmas,
# normalised. Promises: read-only (a file opened with mode=ro, or the migration's connection left as it was).

import hashlib
import json
import os
import re
import sqlite3

from .protocol import failure
from .sqlite_sql import norm_sql, parse_table_constraints, split_table_body, sql_tokens
from .trace import dbapi_connection


class _SqliteOnConnection(object):
    """sqlite3's `conn.execute(sql).fetchall()` over the migration's own connection (sync or aiosqlite), so a
    snapshot sees exactly what the migrations did, committed or not."""

    def __init__(self, conn):
        self._conn = conn

    def execute(self, sql, params=()):
        cur = dbapi_connection(self._conn).cursor()
        try:
            cur.execute(sql, params)
            rows = cur.fetchall()
        except Exception as e:
            raise sqlite3.Error(str(e))
        finally:
            cur.close()
        return _Rows(rows)


class _Rows(object):
    def __init__(self, rows):
        self._rows = [tuple(r) for r in rows]

    def fetchall(self):
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def __iter__(self):
        return iter(self._rows)


def _q(name):
    return '"%s"' % name.replace('"', '""')


def do_sqlite_snapshot(params):
    path = params["path"]
    if not os.path.isfile(path):
        raise failure("internal", "no SQLite database at %s" % path)
    uri = "file:%s?mode=ro" % os.path.abspath(path).replace("?", "%3f").replace("#", "%23")
    conn = sqlite3.connect(uri, uri=True)
    try:
        return sqlite_snapshot(conn)
    finally:
        conn.close()


def snapshot_on_connection(conn):
    """(snapshot, digest) of the schema as the migration's own connection sees it, committed or not."""
    snap = sqlite_snapshot(_SqliteOnConnection(conn))
    return snap, hashlib.sha1(json.dumps(snap, sort_keys=True).encode("utf-8")).hexdigest()


def _skip(name):
    return name == "alembic_version" or name.lower().startswith("sqlite_")


def _has_xinfo(conn):
    try:
        conn.execute("PRAGMA main.table_xinfo(sqlite_master)").fetchall()
        return True
    except sqlite3.Error:
        return False


def _table_objects(conn, name, sql, index_sql, xinfo):
    """Everything a table holds: its columns, indexes, constraints. All of it follows from the table's own CREATE
    statement and its indexes' (`index_sql`: name -> sql), which is what makes caching by that text exact."""
    objects = []
    tail = ""
    if sql:
        _, tail = split_table_body(sql)
    tail_upper = tail.upper()
    virtual = bool(sql) and sql.lstrip().upper().startswith("CREATE VIRTUAL")
    props = {"strict": bool(re.search(r"\bSTRICT\b", tail_upper)),
             "withoutRowid": bool(re.search(r"\bWITHOUT\s+ROWID\b", tail_upper)),
             "autoincrement": bool(sql) and any(t[0].upper() == "AUTOINCREMENT" for t in sql_tokens(sql))}
    if virtual:
        props["virtual"] = norm_sql(sql)
    objects.append({"kind": "table", "key": "main.%s" % name, "props": props})
    pragma = "table_xinfo" if xinfo else "table_info"
    for col in conn.execute("PRAGMA main.%s(%s)" % (pragma, _q(name))).fetchall():
        cid, cname, ctype, notnull, default, pk = col[:6]
        hidden = col[6] if len(col) > 6 else 0
        objects.append({"kind": "column", "key": "main.%s.%s" % (name, cname), "props": {
            "type": norm_sql(ctype or "") or "",
            "notnull": bool(notnull),
            "default": default,
            "pk": int(pk),
            "hidden": bool(hidden == 1),
            "generated": {2: "virtual", 3: "stored"}.get(hidden),
        }})
    checks, uniques, parsed_fks = parse_table_constraints(sql or "") if not virtual else ([], [], [])
    # Indexes and UNIQUE constraints (auto-indexes become constraints; their sqlite_autoindex names are internal).
    for idx in conn.execute("PRAGMA main.index_list(%s)" % _q(name)).fetchall():
        iname, unique = idx[1], bool(idx[2])
        origin = idx[3] if len(idx) > 3 else "c"
        partial = bool(idx[4]) if len(idx) > 4 else False
        cols = []
        for c in conn.execute("PRAGMA main.index_xinfo(%s)" % _q(iname)).fetchall():
            if not c[5]:  # key columns only (not the rowid tail)
                continue
            label = c[2] if c[2] is not None else ("<rowid>" if c[1] == -1 else "<expr>")
            if c[3]:
                label += " DESC"
            if c[4] and str(c[4]).upper() != "BINARY":
                label += " COLLATE " + c[4]
            cols.append(label)
        if origin == "c":
            isql = index_sql.get(iname)
            where = None
            if partial and isql:
                m = re.search(r"\bWHERE\b(.*)$", isql, re.S | re.I)
                where = norm_sql(m.group(1)) if m else None
            if isql and "<expr>" in cols:
                body = re.search(r"\bON\b\s*\S+\s*\((.*)\)", isql, re.S | re.I)
                if body:
                    cols = [norm_sql(body.group(1))]
            objects.append({"kind": "index", "key": "main.%s.%s" % (name, iname), "props": {
                "unique": unique, "columns": cols, "where": where, "origin": "index"}})
        elif origin == "u":
            named = next((u["name"] for u in uniques if u["columns"] == cols and u["name"]), None)
            objects.append({"kind": "constraint", "key": "main.%s.unique(%s)" % (name, ",".join(cols)),
                            "props": {"type": "unique", "name": named, "columns": cols}})
    # Foreign keys, grouped by id.
    fk_rows = conn.execute("PRAGMA main.foreign_key_list(%s)" % _q(name)).fetchall()
    groups = {}
    for r in fk_rows:
        groups.setdefault(r[0], []).append(r)
    used = set()
    for fk_id in sorted(groups):
        parts = sorted(groups[fk_id], key=lambda r: r[1])
        cols = [r[3] for r in parts]
        ref_table = parts[0][2]
        ref_cols = [r[4] for r in parts]
        key = "main.%s.fk(%s)" % (name, ",".join(cols))
        if key in used:
            key = "main.%s.fk(%s)->%s" % (name, ",".join(cols), ref_table)
        used.add(key)
        named = next((f["name"] for f in parsed_fks if f["columns"] == cols and f["name"]), None)
        objects.append({"kind": "constraint", "key": key, "props": {
            "type": "foreign key", "name": named, "columns": cols, "refTable": ref_table,
            "refColumns": [c if c is not None else "<pk>" for c in ref_cols],
            "onUpdate": parts[0][5], "onDelete": parts[0][6], "match": parts[0][7]}})
    seen_checks = set()
    for chk in checks:
        key = "main.%s.%s" % (name, chk["name"]) if chk["name"] else "main.%s.check(%s)" % (name, chk["expression"])
        if key in seen_checks:
            continue
        seen_checks.add(key)
        objects.append({"kind": "constraint", "key": key, "props": {
            "type": "check", "name": chk["name"], "expression": chk["expression"]}})
    return objects


def _table_parts(rows):
    """Per user table: (name, sql, its indexes' names and sql), the text its objects follow from."""
    indexes = {}
    for type_, name, tbl_name, sql in rows:
        if type_ == "index":
            indexes.setdefault(tbl_name, []).append((name, sql))
    return [(name, sql, tuple(sorted(indexes.get(name, []), key=lambda i: i[0])))
            for type_, name, _tbl, sql in rows if type_ == "table" and not _skip(name)]


def _other_objects(rows):
    objects = []
    for type_, name, tbl_name, sql in rows:
        if type_ == "view" and not _skip(name):
            objects.append({"kind": "view", "key": "main.%s" % name, "props": {"sql": norm_sql(sql)}})
        elif type_ == "trigger" and not _skip(tbl_name):
            objects.append({"kind": "trigger", "key": "main.%s.%s" % (tbl_name, name),
                            "props": {"table": tbl_name, "sql": norm_sql(sql)}})
    return objects


_ORDER = ["extension", "schema", "enum", "type", "domain", "sequence", "table", "column", "constraint", "index",
          "view", "materialized-view", "function", "trigger", "policy", "rule"]


def _sorted(objects):
    return {"dialect": "sqlite", "objects": sorted(objects, key=lambda o: (_ORDER.index(o["kind"]), o["key"]))}


def sqlite_snapshot(conn):
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    xinfo = _has_xinfo(conn)
    objects = []
    for name, sql, idx in _table_parts(rows):
        objects.extend(_table_objects(conn, name, sql, dict(idx), xinfo))
    objects.extend(_other_objects(rows))
    return _sorted(objects)


class SqliteSnapshot(object):
    """One moment's schema: per table the objects (shared, never mutated), the views and triggers, a digest."""

    def __init__(self, tables, others, digest):
        self.tables = tables
        self.others = others
        self.digest = digest

    def snapshot(self):
        objects = [o for part in self.tables for o in part]
        return _sorted(objects + list(self.others))


class SqliteSnapshots(object):
    """Snapshots on the walk's connection that read in detail only the tables whose text changed: sqlite_master
    holds every table's and index's CREATE statement, which is all the pragmas read from (`_table_objects`)."""

    def __init__(self, conn, incremental=True):
        self.conn = _SqliteOnConnection(conn)
        self.incremental = incremental
        self.xinfo = None
        self.cache = {}  # (name, sql, indexes) -> (objects, digest, generation last used)
        self.generation = 0
        self.last = None  # (sqlite_master rows, snapshot)
        self.stats = {"full": 0, "partial": 0, "roots": 0}

    def take(self):
        if self.xinfo is None:
            self.xinfo = _has_xinfo(self.conn)
        if not self.incremental:
            self.cache, self.last = {}, None
        rows = self.conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        if self.last is not None and self.last[0] == rows:
            return self.last[1]
        self.generation += 1
        tables, digests = [], []
        for part in _table_parts(rows):
            hit = self.cache.get(part)
            if hit is None:
                objects = tuple(_table_objects(self.conn, part[0], part[1], dict(part[2]), self.xinfo))
                hit = (objects, hashlib.sha1(json.dumps(objects, sort_keys=True).encode("utf-8")).hexdigest())
                self.stats["roots"] += 1
            self.cache[part] = (hit[0], hit[1], self.generation)
            tables.append(hit[0])
            digests.append(hit[1])
        if self.generation % 64 == 0:
            # A downgrade returns to parts seen two snapshots ago; older ones are not coming back soon.
            self.cache = dict((k, v) for k, v in self.cache.items() if v[2] >= self.generation - 4)
        others = tuple(_other_objects(rows))
        digests.sort()
        digest = hashlib.sha1(("\n".join(digests) + json.dumps(others, sort_keys=True)).encode("utf-8")).hexdigest()
        snap = SqliteSnapshot(tables, others, digest)
        self.stats["partial"] += 1
        self.last = (rows, snap)
        return snap
