# PostgreSQL snapshots on the migration's own connection, kept current step by step: one full read of the catalog
# queries TS sent, then only the roots (tables, types, functions...) that the step's DDL touched, as an event
# trigger on the throwaway database records them. Promises: the same rows as a full read (a root is re-read whole,
# with everything that depends on what changed); whatever the log cannot name (GRANT, schemas, extensions, a
# database where we are not superuser) makes a full read; the migration's transaction is left as it was.

import hashlib
import json

from . import snapshots_pg_take as fast
from .snapshots_pg_stats import CatalogStats
from .trace import dbapi_connection

# Lives in a pg_-prefixed schema, which snapshots and SQLAlchemy's reflection both leave out; created with
# allow_system_table_mods for the one transaction (PostgreSQL 12+, superuser: a cluster or container we own).
# SECURITY DEFINER: a migration running as another role still logs; ENABLE ALWAYS: session_replication_role too.
_INSTALL = r"""DO $preflight$ BEGIN
  PERFORM set_config('allow_system_table_mods', 'on', true);
  CREATE SCHEMA IF NOT EXISTS pg_preflight;
  CREATE UNLOGGED TABLE IF NOT EXISTS pg_preflight.ddl_log (
    id bigserial PRIMARY KEY, classid oid, objid oid, dropped boolean);
  -- Readable whoever the session is: a migration may SET ROLE to a role of its own, and the snapshot after its step
  -- runs under that role.
  GRANT USAGE ON SCHEMA pg_preflight TO PUBLIC;
  GRANT SELECT ON pg_preflight.ddl_log TO PUBLIC;
  CREATE OR REPLACE FUNCTION pg_preflight.log_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog AS $f$ BEGIN
      INSERT INTO pg_preflight.ddl_log (classid, objid, dropped)
        SELECT classid, objid, false FROM pg_event_trigger_ddl_commands();
    END $f$;
  CREATE OR REPLACE FUNCTION pg_preflight.log_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog AS $f$ BEGIN
      INSERT INTO pg_preflight.ddl_log (classid, objid, dropped)
        SELECT classid, objid, true FROM pg_event_trigger_dropped_objects();
    END $f$;
  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'preflight_ddl_end') THEN
    CREATE EVENT TRIGGER preflight_ddl_end ON ddl_command_end EXECUTE PROCEDURE pg_preflight.log_ddl();
    ALTER EVENT TRIGGER preflight_ddl_end ENABLE ALWAYS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'preflight_sql_drop') THEN
    CREATE EVENT TRIGGER preflight_sql_drop ON sql_drop EXECUTE PROCEDURE pg_preflight.log_drop();
    ALTER EVENT TRIGGER preflight_sql_drop ENABLE ALWAYS;
  END IF;
  PERFORM set_config('allow_system_table_mods', 'off', true);
EXCEPTION WHEN OTHERS THEN
  NULL; -- no log: every snapshot is a full read
END $preflight$"""

_READY = ("SELECT (SELECT count(*) FROM pg_event_trigger WHERE evtname IN ('preflight_ddl_end', 'preflight_sql_drop') "
          "AND evtenabled = 'A') = 2 AND to_regclass('pg_preflight.ddl_log') IS NOT NULL")

# What changed since the last read (log rows after the watermark: only SELECTs, so a migration that made the
# session read-only, as plain `SET default_transaction_read_only` does, changes nothing here): 'f' when only a full read will do, 'd' a dropped object,
# 'r' the root of a created or altered object or of anything depending on it (pg_depend, three levels: a renamed
# enum changes the text of every column using it or its array type; a renamed table, the views and foreign keys
# naming it). Root 0: a schema or extension changed (full read); NULL: nothing a snapshot shows. 'w': the new
# watermark.
_DIRTY = """WITH RECURSIVE log AS (SELECT classid, objid, dropped FROM pg_preflight.ddl_log WHERE id > %s),
closure(classid, objid, depth) AS (
  SELECT DISTINCT classid, objid, 0 FROM log WHERE NOT dropped AND classid IS NOT NULL AND objid IS NOT NULL
  UNION
  -- Each object's dependents looked up through pg_depend's index (OFFSET 0 keeps the lookup a per-row subquery):
  -- a generic plan otherwise merge-joins the whole of pg_depend at every level, which grows with the history.
  SELECT d.classid, d.objid, c.depth + 1 FROM closure c
  CROSS JOIN LATERAL (SELECT dd.classid, dd.objid FROM pg_depend dd
    WHERE dd.refclassid = c.classid AND dd.refobjid = c.objid OFFSET 0) d WHERE c.depth < 3)
SELECT 'w', (SELECT max(id) FROM pg_preflight.ddl_log)::text
UNION ALL SELECT 'f', NULL::text FROM log
  WHERE classid IS NULL OR objid IS NULL OR classid IN ('pg_namespace'::regclass, 'pg_extension'::regclass)
UNION ALL SELECT 'd', objid::text FROM log WHERE dropped
UNION ALL SELECT DISTINCT 'r', CASE c.classid
  WHEN 'pg_class'::regclass THEN (SELECT CASE WHEN r.relkind IN ('i', 'I')
      THEN (SELECT x.indrelid FROM pg_index x WHERE x.indexrelid = r.oid)
      WHEN r.relkind = 'c' THEN r.reltype WHEN r.relkind = 't' THEN NULL ELSE r.oid END
    FROM pg_class r WHERE r.oid = c.objid)
  WHEN 'pg_type'::regclass THEN (SELECT CASE
      WHEN t.typrelid <> 0 THEN (SELECT CASE WHEN rc.relkind = 'c' THEN t.oid ELSE rc.oid END
                                 FROM pg_class rc WHERE rc.oid = t.typrelid)
      WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
    FROM pg_type t WHERE t.oid = c.objid)
  WHEN 'pg_constraint'::regclass THEN (SELECT CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END
    FROM pg_constraint k WHERE k.oid = c.objid)
  WHEN 'pg_attrdef'::regclass THEN (SELECT ad.adrelid FROM pg_attrdef ad WHERE ad.oid = c.objid)
  WHEN 'pg_trigger'::regclass THEN (SELECT tg.tgrelid FROM pg_trigger tg WHERE tg.oid = c.objid)
  WHEN 'pg_policy'::regclass THEN (SELECT po.polrelid FROM pg_policy po WHERE po.oid = c.objid)
  WHEN 'pg_rewrite'::regclass THEN (SELECT rw.ev_class FROM pg_rewrite rw WHERE rw.oid = c.objid)
  WHEN 'pg_proc'::regclass THEN c.objid
  WHEN 'pg_namespace'::regclass THEN 0::oid
  WHEN 'pg_extension'::regclass THEN 0::oid
  END::text FROM closure c"""

# Beyond this many roots a full read costs about the same, and is simpler to trust.
_MAX_PARTIAL_ROOTS = 400
_PRIVATE = ("_root", "_oid")
# One encoder for every row (json.dumps with options builds a new one per call: half the cost of a row).
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def _in_transaction(conn):
    """Whether SQLAlchemy holds a transaction on the connection (env.py's own, around every step)."""
    try:
        return bool(conn.in_transaction())
    except Exception:
        return True  # unknown: assume the careful case


def _quote(text):
    return "'%s'" % text.replace("'", "''")


class PgSnapshot(object):
    """One moment's schema: the rows per root (shared, never mutated) and their digest."""

    def __init__(self, roots, digest, kinds):
        self.roots = roots
        self.digest = digest
        self.kinds = kinds

    def texts(self):
        """Each catalog query's rows as one JSON text, as TS's own snapshots read them (snapshotFromTexts)."""
        per_kind = [[] for _ in range(self.kinds)]
        for rows in self.roots.values():
            for kind, text, _hash in rows:
                per_kind[kind].append(text)
        return ["[" + ",".join(sorted(texts)) + "]" for texts in per_kind]


class PgSnapshots(object):
    """The schema as the walk's connection sees it, updated after each step from the DDL log."""

    def __init__(self, conn, spec, name):
        self.conn = conn
        self.queries = spec["queries"]
        self.partial_queries = spec.get("partialQueries") or None
        self.full_name = name
        self.partial_name = name + "_p"
        self.dirty_name = name + "_d"
        self.roots = {}  # root oid -> tuple of (kind, row text, row hash)
        self.owner = {}  # oid of anything a row stands for -> its root
        self.owned = {}  # root -> the oids it owns
        self.total = 0
        self.loaded = False
        self.tracking = False
        self.watermark = 0
        self.stats = {"full": 0, "partial": 0, "roots": 0, "oneTrip": 0, "analyzed": 0}
        self.catalog_stats = CatalogStats()
        self.fast = None  # the one-round-trip function (snapshots_pg_take.py), once made

    def _cursor(self):
        return dbapi_connection(self.conn).cursor()

    def start(self):
        """Installs the DDL log when we may (superuser, PostgreSQL 12+) and empties it; the first take() reads
        everything."""
        cur = self._cursor()
        try:
            cur.execute("SELECT rolsuper AND current_setting('server_version_num')::int >= 120000 "
                        "FROM pg_roles WHERE rolname = current_user")
            row = cur.fetchone()
            if self.partial_queries and row and row[0]:
                cur.execute(_READY)
                if not cur.fetchone()[0]:
                    cur.execute(_INSTALL)
                    cur.execute(_READY)
                    if not cur.fetchone()[0]:
                        return
                cur.execute("SELECT coalesce(max(id), 0) FROM pg_preflight.ddl_log")
                self.watermark = int(cur.fetchone()[0])
                self.tracking = True
                self._install_fast(cur)
        finally:
            cur.close()

    def _install_fast(self, cur):
        name = fast.function_name(self.partial_queries)
        cur.execute(fast.exists_sql(name))
        if not cur.fetchone()[0]:
            # A function that cannot be made (the DO block swallows the error) leaves the prepared path in force.
            cur.execute(fast.install_sql(name, self.partial_queries, _READY[len("SELECT "):], _DIRTY))
            cur.execute(fast.exists_sql(name))
            self.fast = name if cur.fetchone()[0] else None
        else:
            self.fast = name

    def take(self):
        if self.loaded and self.catalog_stats.refresh(self.conn):
            self.stats["analyzed"] += 1
        if self.fast and self.tracking and self.loaded:
            cur = self._cursor()
            try:
                if self._take_fast(cur):
                    return self._snapshot()
            finally:
                cur.close()
        cur = self._cursor()
        try:
            # The statements are looked up each time rather than remembered: psycopg 3 runs DEALLOCATE ALL on its
            # own (after a schema change invalidates its prepared queries), which drops ours too, and an EXECUTE of
            # a missing statement would abort the migration's transaction.
            cur.execute("SELECT current_setting('search_path'), current_setting('plan_cache_mode', true), "
                        "current_setting('jit', true), "
                        "ARRAY(SELECT name::text FROM pg_prepared_statements WHERE name IN ('%s', '%s', '%s'))"
                        % (self.full_name, self.partial_name, self.dirty_name))
            saved, plan_mode, jit, prepared = cur.fetchone()
            prepared = set(prepared)
            # A generic plan, made once: PostgreSQL would otherwise plan the statement with its roots each time
            # (custom plans), which costs ten times what running it does.
            generic = ", set_config('plan_cache_mode', 'force_generic_plan', false)" if plan_mode else ""
            # No JIT: the catalogs' statistics of a new database are those of an empty one, the estimates of a grown
            # schema run high, and every read would be compiled (about 40 ms each, ten times the read itself).
            generic += ", set_config('jit', 'off', false)" if jit else ""
            cur.execute("SELECT set_config('search_path', 'pg_catalog', false)%s" % generic)
            try:
                dirty = self._dirty(cur, self.dirty_name in prepared) if (self.tracking and self.loaded) else None
                if dirty is None:
                    self._full(cur, self.full_name in prepared)
                elif dirty:
                    self._partial(cur, self.partial_name in prepared, dirty)
            finally:
                restore = ", set_config('plan_cache_mode', %s, false)" % _quote(plan_mode) if plan_mode else ""
                restore += ", set_config('jit', %s, false)" % _quote(jit) if jit else ""
                cur.execute("SELECT set_config('search_path', %s, false)%s" % (_quote(saved), restore))
        finally:
            cur.close()
        return self._snapshot()

    def _snapshot(self):
        return PgSnapshot(dict(self.roots), "%040x" % self.total, len(self.queries))

    def _take_fast(self, cur):
        """One round trip; False when only the prepared path will do (a full read, or roots only our map of
        dropped objects names)."""
        since = self.watermark
        # Inside env.py's own transaction a failing call would abort it: look first (a migration may have dropped
        # our schema). Outside, the call is the look: on failure our implicit transaction is rolled back.
        outer = _in_transaction(self.conn)
        if outer:
            cur.execute(fast.exists_sql(self.fast))
            if not cur.fetchone()[0]:
                self.fast = None
                return False
        try:
            cur.execute(fast.call_sql(self.fast, since, _MAX_PARTIAL_ROOTS))
            row = cur.fetchone()
        except Exception:
            if outer:
                raise
            dbapi_connection(self.conn).rollback()
            self.fast = None
            return False
        ready, watermark, full, dropped, read = row[:5]
        texts = list(row[5:])
        if not ready:
            self.tracking = False  # dropped or disabled by a migration: from now on, full reads
            return False
        if watermark is not None:
            self.watermark = int(watermark)
        roots = fast.oids(read)
        gone = fast.oids(dropped)
        # A dropped object's root, from what earlier reads found: re-read unless the root itself is what went.
        extra = set(self.owner[o] for o in gone if o in self.owner) - roots
        if full or len(roots | extra) > _MAX_PARTIAL_ROOTS or (extra - gone):
            # The log, not our reads, decides: the prepared path reads the log again from the old watermark.
            self.watermark = since
            return False
        for root in roots | extra:
            self._drop(root)
        self.stats["oneTrip"] += 1
        if roots:
            self._add(texts)
            self.stats["partial"] += 1
            self.stats["roots"] += len(roots)
        return True

    def _dirty(self, cur, prepared):
        """The roots to read again, or None for a full read."""
        cur.execute(_READY)
        if not cur.fetchone()[0]:
            self.tracking = False  # dropped by a migration: from now on, full reads
            return None
        if not prepared:
            cur.execute("PREPARE %s(bigint) AS %s" % (self.dirty_name, _DIRTY % "$1"))
        cur.execute("EXECUTE %s(%d)" % (self.dirty_name, self.watermark))
        roots = set()
        full = False
        for what, oid in cur.fetchall():
            if what == "f":
                full = True
            if oid is None:
                continue
            oid = int(oid)
            if what == "w":
                self.watermark = oid
                continue
            if what == "d":
                root = self.owner.get(oid)
                if root is not None:
                    roots.add(root)
            elif oid == 0:
                full = True
            else:
                roots.add(oid)
        if full or len(roots) > _MAX_PARTIAL_ROOTS:
            return None
        return roots

    def _execute(self, cur, name, queries, prepared, params="", args=""):
        if not prepared:
            # One prepared statement for all the catalog queries: one round trip, planned once. No bound
            # parameters (placeholders differ between DBAPIs): the roots travel as a literal.
            columns = ", ".join("(%s) AS k%d" % (q, i) for i, q in enumerate(queries))
            cur.execute("PREPARE %s%s AS SELECT %s" % (name, params, columns))
        cur.execute("EXECUTE %s%s" % (name, args))
        return list(cur.fetchone())

    def _full(self, cur, prepared):
        texts = self._execute(cur, self.full_name, self.queries, prepared)
        self.roots, self.owner, self.owned, self.total = {}, {}, {}, 0
        self._add(texts)
        self.loaded = True
        self.stats["full"] += 1

    def _partial(self, cur, prepared, roots):
        literal = "'{%s}'" % ",".join(str(r) for r in sorted(roots))
        texts = self._execute(cur, self.partial_name, self.partial_queries, prepared, "(oid[])", "(%s)" % literal)
        for root in roots:
            self._drop(root)
        self._add(texts)
        self.stats["partial"] += 1
        self.stats["roots"] += len(roots)

    def _drop(self, root):
        for _kind, _text, h in self.roots.pop(root, ()):
            self.total = (self.total - h) % (1 << 160)
        for oid in self.owned.pop(root, ()):
            if self.owner.get(oid) == root:
                del self.owner[oid]

    def _add(self, texts):
        grouped = {}
        for kind, text in enumerate(texts):
            for row in json.loads(text):
                root = int(row["_root"])
                own = row.get("_oid")
                for k in _PRIVATE:
                    row.pop(k, None)
                body = _ENCODE(row)
                h = int(hashlib.sha1(("%d\x00%s" % (kind, body)).encode("utf-8")).hexdigest(), 16)
                entry = grouped.setdefault(root, ([], set()))
                entry[0].append((kind, body, h))
                entry[1].add(root)
                if own is not None:
                    entry[1].add(int(own))
        for root, (rows, oids) in grouped.items():
            self.roots[root] = tuple(rows)
            for _kind, _body, h in rows:
                self.total = (self.total + h) % (1 << 160)
            self.owned[root] = oids
            for oid in oids:
                self.owner[oid] = root
