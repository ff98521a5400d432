# One round trip per PostgreSQL snapshot during a walk: a PL/pgSQL function, made once per walk in the DDL log's
# pg_ schema, that checks the log is still in force, reads what changed since the watermark (the roots the log names
# with their pg_depend dependents, the dropped objects, whether only a full read will do) and re-reads those roots
# with the catalog queries TS sent, all under its own search_path (pg_catalog), generic plans and no JIT (all function
# SET clauses, undone when it returns), planned once per session as PL/pgSQL caches them.
# Promises: the same rows as the prepared statements of snapshots_pg.py (the same queries, the same roots); the
# migration's session settings untouched; a function that cannot be made leaves the walk on the prepared path.

import hashlib
import re


def function_name(partial_queries):
    digest = hashlib.sha1("\x00".join(partial_queries).encode("utf-8")).hexdigest()[:16]
    return "pg_preflight.take_%s" % digest


def install_sql(name, partial_queries, ready_sql, dirty_sql):
    """A DO block that (re)creates the function: allow_system_table_mods for its one transaction, as the log's own
    install does (a pg_ schema)."""
    outs = ", ".join("OUT _pf_k%d text" % i for i in range(len(partial_queries)))
    # The catalog queries take their roots as $1: here, the function's variable.
    reads = ", ".join("(%s)" % re.sub(r"\$1\b", "_pf_roots", q) for q in partial_queries)
    body = """
DECLARE
  _pf_roots oid[];
BEGIN
  _pf_ready := (%(ready)s);
  IF NOT _pf_ready THEN
    RETURN;
  END IF;
  SELECT max(CASE WHEN d.what = 'w' THEN d.oid::bigint END),
         coalesce(bool_or(d.what = 'f' OR (d.what = 'r' AND d.oid = '0')), false),
         string_agg(DISTINCT d.oid, ',') FILTER (WHERE d.what = 'd'),
         array_agg(DISTINCT d.oid::oid) FILTER (WHERE d.what = 'r' AND d.oid <> '0')
    INTO _pf_watermark, _pf_full, _pf_dropped, _pf_roots
    FROM (%(dirty)s) AS d(what, oid);
  _pf_read := array_to_string(_pf_roots, ',');
  IF _pf_full OR coalesce(cardinality(_pf_roots), 0) = 0 OR cardinality(_pf_roots) > _pf_max THEN
    RETURN;
  END IF;
  SELECT %(reads)s INTO %(into)s;
END""" % {
        "ready": ready_sql,
        "dirty": dirty_sql % "_pf_since",
        "reads": reads,
        "into": ", ".join("_pf_k%d" % i for i in range(len(partial_queries))),
    }
    create = ("CREATE OR REPLACE FUNCTION %s(_pf_since bigint, _pf_max int, OUT _pf_ready boolean, "
              "OUT _pf_watermark bigint, OUT _pf_full boolean, OUT _pf_dropped text, OUT _pf_read text, %s) "
              "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET plan_cache_mode = force_generic_plan SET jit = off "
              "AS $pf_take$%s$pf_take$" % (name, outs, body))
    # A function that cannot be made leaves the prepared path in force: the error stays inside the block.
    return ("DO $pf_install$ BEGIN PERFORM set_config('allow_system_table_mods', 'on', true); EXECUTE %s; "
            "PERFORM set_config('allow_system_table_mods', 'off', true); "
            "EXCEPTION WHEN OTHERS THEN NULL; END $pf_install$" % _literal(create))


def _literal(text):
    return "'%s'" % text.replace("'", "''")


def exists_sql(name):
    return "SELECT to_regprocedure('%s(bigint, integer)') IS NOT NULL" % name


def call_sql(name, watermark, max_roots):
    return "SELECT * FROM %s(%d, %d)" % (name, int(watermark), int(max_roots))


def oids(text):
    return set(int(x) for x in text.split(",")) if text else set()
