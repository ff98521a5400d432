# Whether the migrations of a pass wrote rows, for the linear walk (walk.py's first pass, walk_down.py; PostgreSQL
# only): its verdicts stand for the revision-by-revision stairway only while every table stays empty, since a row a
# downgrade leaves (a seed INSERT it forgets) breaks the upgrade right after it, which a pass down the whole history
# and up again never runs. Watched on the migration's connection: every statement SQLAlchemy runs there
# (op.execute, bulk_insert, get_bind().execute, a Session on it). An INSERT/UPDATE/DELETE/MERGE counts when its
# rowcount is not 0 (Alembic's own on the version table aside); statements that may write rows we cannot count
# (COPY, DO, CALL, CREATE TABLE AS, a materialized view, SELECT INTO, a data-modifying WITH) count as soon as they
# run. The tables at head are also looked at (rows_at_head) for what a raw cursor or a function with side effects
# wrote.
# Promises: never raises into the migration; `wrote` names the first statement that wrote, or may have.

import re

from .trace import dbapi_connection

_COMMENTS = re.compile(r"\A(\s+|--[^\n]*\n?|/\*.*?\*/)+", re.DOTALL)
_DML = re.compile(r"(INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE)\b", re.IGNORECASE)
_MAY_WRITE = re.compile(
    r"(COPY|DO|CALL|EXECUTE|IMPORT|LOAD)\b"
    r"|CREATE\s+(UNLOGGED\s+|TEMP(ORARY)?\s+|GLOBAL\s+|LOCAL\s+)*TABLE\s+(IF\s+NOT\s+EXISTS\s+)?[\w.\"$]+\s*"
    r"(\([^)]*\)\s*)?AS\b"
    r"|CREATE\s+MATERIALIZED\s+VIEW\b|REFRESH\s+MATERIALIZED\b"
    r"|SELECT\b[^;]*?\bINTO\b\s+(?!STRICT)"
    r"|WITH\b[^;]*\b(INSERT|UPDATE|DELETE|MERGE)\b",
    re.IGNORECASE | re.DOTALL)


def _head(statement):
    return _COMMENTS.sub("", statement, count=1)


def _version_dml(name):
    return re.compile(r'(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+("?[\w$]+"?\.)?"?%s"?(\s|\(|$)' % re.escape(name),
                      re.IGNORECASE)


class RowWrites(object):
    def __init__(self, conn, version_table):
        self.conn = conn
        self.version_table = version_table
        self.version_dml = _version_dml(version_table[0])
        self.wrote = None
        try:
            from sqlalchemy import event
            event.listen(conn, "after_cursor_execute", self._after)
        except Exception:
            self.wrote = "(statements cannot be watched on this connection)"

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.wrote is not None or not isinstance(statement, str):
            return
        head = _head(statement)
        if self.version_dml.match(head):
            return
        # A later statement of a multi-statement text: its rows are not in the rowcount (the last one's is).
        if any(_DML.match(_head(part)) or _MAY_WRITE.match(_head(part)) for part in head.split(";")[1:]):
            self.wrote = statement
        elif _DML.match(head):
            try:
                count = cursor.rowcount
            except Exception:
                count = -1
            if count != 0:
                self.wrote = statement
        elif _MAY_WRITE.match(head):
            self.wrote = statement

    def check(self):
        """The first statement that wrote rows since the start (or a description), or None."""
        return self.wrote

    def rows_at_head(self):
        """A table (other than the version table) holding a row, for what no statement showed; None when all are
        empty. Read on the migration's connection under a savepoint, so a refused read aborts nothing."""
        cur = dbapi_connection(self.conn).cursor()
        name, schema = self.version_table
        try:
            cur.execute("SAVEPOINT pf_rows")
            cur.execute("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                        "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN "
                        "('pg_catalog', 'information_schema', 'pg_toast', 'pg_preflight') "
                        "AND n.nspname NOT LIKE 'pg_temp%%' AND n.nspname NOT LIKE 'pg_toast_temp%%' "
                        "AND NOT (c.relname = '%s' AND n.nspname = coalesce(%s, current_schema()))"
                        % (name.replace("'", "''"), "'%s'" % schema.replace("'", "''") if schema else "NULL"))
            tables = cur.fetchall()
            found = None
            for i in range(0, len(tables), 200):
                part = tables[i:i + 200]
                cur.execute(" UNION ALL ".join(
                    "SELECT %d FROM (SELECT 1 FROM %s LIMIT 1) AS x%d" % (i + k, _qualified(s, t), k)
                    for k, (s, t) in enumerate(part)))
                row = cur.fetchone()
                if row is not None:
                    s, t = tables[row[0]]
                    found = "%s.%s" % (s, t)
                    break
            cur.execute("RELEASE SAVEPOINT pf_rows")
            return found
        except Exception as e:
            try:
                cur.execute("ROLLBACK TO SAVEPOINT pf_rows")
            except Exception:
                pass
            return "(the tables could not be read: %s)" % str(e).strip().splitlines()[0][:200]
        finally:
            cur.close()


def _qualified(schema, table):
    q = lambda x: '"%s"' % x.replace('"', '""')
    return "%s.%s" % (q(schema), q(table))
