# Catalog statistics for the walk's snapshots: a new database's catalogs carry the statistics of an empty one, and a
# server started with autovacuum off (ours are) never refreshes them. As a history grows the schema to thousands of
# relations, plans made for a few hundred rows (PL/pgSQL's cached ones included) cost three times what they should.
# The walk analyses the catalogs its reads use whenever the steps since the start have doubled: a handful of ANALYZEs
# per walk (log2 of its steps), each as cheap as the catalogs are small, and each invalidates the cached plans so they
# are made again on the next read.
# Promises: never fails the walk, never aborts the migration's transaction (a DO block: its handler runs the ANALYZE
# in a subtransaction), analyses only when the session may (superuser or the database's owner: we made it), and
# touches no user table.

from .trace import dbapi_connection

# The catalogs the snapshot queries read (src/schema/postgres/*.ts and the DDL log's queries).
_CATALOGS = ("pg_class", "pg_attribute", "pg_attrdef", "pg_constraint", "pg_index", "pg_type", "pg_depend",
             "pg_namespace", "pg_trigger", "pg_rewrite", "pg_policy", "pg_inherits", "pg_sequence", "pg_proc",
             "pg_enum", "pg_description", "pg_range", "pg_collation", "pg_extension")
_ANALYZE = ("DO $pf_analyze$ BEGIN "
            "IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) "
            "OR pg_catalog.pg_has_role((SELECT datdba FROM pg_catalog.pg_database "
            "WHERE datname = pg_catalog.current_database()), 'USAGE') THEN "
            "EXECUTE 'ANALYZE %s'; END IF; "
            "EXCEPTION WHEN OTHERS THEN NULL; END $pf_analyze$"
            % ", ".join("pg_catalog." + c for c in _CATALOGS))
# Before this many snapshots the statistics of an empty database plan well enough.
_FIRST = 32


class CatalogStats(object):
    def __init__(self):
        self.next = _FIRST
        self.takes = 0
        self.runs = 0

    def refresh(self, conn):
        """Counts a snapshot; analyses the catalogs at the 32nd, 64th, 128th...; returns whether it did."""
        self.takes += 1
        if self.takes < self.next:
            return False
        self.next = self.takes * 2
        cur = dbapi_connection(conn).cursor()
        try:
            cur.execute(_ANALYZE)
        except Exception:
            return False
        finally:
            cur.close()
        self.runs += 1
        return True
