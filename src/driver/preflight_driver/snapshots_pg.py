# PostgreSQL snapshots on the migration's own connection: the catalog queries TS sent, run as one prepared statement.
# Promises: the migration's transaction is left as it was (search_path restored; a missing statement is re-prepared).

import hashlib

from . import state
from .trace import dbapi_connection


def snapshot_on_connection(conn, spec):
    """(texts, digest): each catalog query's rows as one JSON text (TS turns them into objects, with the same code
    as its own snapshots), and a digest of them all."""
    cur = dbapi_connection(conn).cursor()
    name = state.PREPARED["name"]
    try:
        # No bound parameters anywhere here: placeholders differ between DBAPIs (asyncpg's adapter).
        # The statement is looked up each time rather than remembered: psycopg 3 runs DEALLOCATE ALL on
        # its own (after a schema change invalidates its prepared queries), which drops ours too, and an
        # EXECUTE of a missing statement would abort the migration's transaction.
        cur.execute("SELECT current_setting('search_path'), "
                    "EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = '%s')" % name)
        saved, prepared = cur.fetchone()
        cur.execute("SELECT set_config('search_path', 'pg_catalog', false)")
        try:
            if not prepared:
                # One prepared statement for all the catalog queries: one round trip, planned once.
                columns = ", ".join("(%s) AS k%d" % (q, i) for i, q in enumerate(spec["queries"]))
                cur.execute("PREPARE %s AS SELECT %s" % (name, columns))
            cur.execute("EXECUTE " + name)
            texts = list(cur.fetchone())
        finally:
            cur.execute("SELECT set_config('search_path', '%s', false)" % saved.replace("'", "''"))
    finally:
        cur.close()
    digest = hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()
    return texts, digest
