# The user tables as the seeded stairway sees them, read on the walk's own connection: which tables exist, what
# SQLAlchemy's inspector reflects of them (columns, keys, uniques, checks), and their rows (a bounded read).
# Promises: reads only; alembic_version and pg_* / information_schema are never user tables.

import re

import sqlalchemy as sa

from . import state

# Rows read per table: enough for seeded rows and the rows a migration inserts, bounded for reference data.
ROW_LIMIT = 50

_PG_TABLES = (
    "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' "
    "AND c.oid >= 16384 AND NOT c.relispartition ORDER BY 1, 2")
_SQLITE_TABLES = (
    "SELECT NULL, name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND name NOT LIKE '\\_alembic\\_tmp\\_%' ESCAPE '\\' ORDER BY 2")
_WORD = re.compile(r"[A-Za-z_][\w$]*")


class TableInfo(object):
    """What the seeder needs of one table, from the inspector."""

    def __init__(self, key, columns, pk, fks, uniques, checks):
        self.key = key  # (schema or None, name)
        self.columns = columns  # the inspector's column dicts
        self.pk = pk  # [column names]
        self.fks = fks  # [{"columns": [...], "parent": key, "referred": [...]}]
        self.uniques = uniques  # [set(column names)], the primary key included
        self.checks = checks  # the inspector's check constraint dicts

    @property
    def name(self):
        return self.key[1]

    def column_names(self):
        return [c["name"] for c in self.columns]


def list_tables(conn):
    """[(schema or None, name)] of every user table, the version table left out."""
    postgresql = conn.dialect.name == "postgresql"
    rows = conn.execute(sa.text(_PG_TABLES if postgresql else _SQLITE_TABLES)).fetchall()
    version_name, version_schema = state.PROJECT.version_table
    keys = []
    for schema, name in rows:
        if name == version_name and (version_schema is None or version_schema == schema):
            continue
        keys.append((schema, name))
    return keys


def qualified(conn, key):
    quote = conn.dialect.identifier_preparer.quote
    return "%s.%s" % (quote(key[0]), quote(key[1])) if key[0] else quote(key[1])


def _optional(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except NotImplementedError:
        return []


def reflect(conn, keys):
    """{key: TableInfo} for the given tables, through one fresh inspector."""
    inspector = sa.inspect(conn)
    default_schema = getattr(inspector, "default_schema_name", None)
    out = {}
    for key in keys:
        schema = None if key[0] in (None, default_schema) else key[0]
        name = key[1]
        columns = inspector.get_columns(name, schema=schema)
        pk = list((inspector.get_pk_constraint(name, schema=schema) or {}).get("constrained_columns") or [])
        fks = []
        for fk in _optional(inspector.get_foreign_keys, name, schema=schema):
            parent_schema = fk.get("referred_schema") or (key[0] if key[0] == default_schema else default_schema)
            if conn.dialect.name == "sqlite":
                parent_schema = None
            fks.append({"columns": list(fk["constrained_columns"]), "referred": list(fk["referred_columns"]),
                        "parent": (parent_schema, fk["referred_table"])})
        uniques = [set(pk)] if pk else []
        for u in _optional(inspector.get_unique_constraints, name, schema=schema):
            uniques.append(set(u["column_names"]))
        for ix in _optional(inspector.get_indexes, name, schema=schema):
            cols = [c for c in (ix.get("column_names") or []) if c]
            if ix.get("unique") and cols and not ix.get("dialect_options", {}).get("postgresql_where"):
                uniques.append(set(cols))
        if conn.dialect.name == "sqlite":
            uniques.extend(_sqlite_uniques(conn, name))
        checks = _optional(inspector.get_check_constraints, name, schema=schema)
        out[key] = TableInfo(key, columns, pk, fks, uniques, checks)
    return out


def _sqlite_uniques(conn, name):
    """Every unique index of a SQLite table, the automatic ones of column-level UNIQUE included (the inspector
    leaves those out)."""
    quote = conn.dialect.identifier_preparer.quote
    out = []
    for ix in conn.execute(sa.text("PRAGMA index_list(%s)" % quote(name))).mappings().fetchall():
        if ix["unique"] and not ix.get("partial"):
            cols = [r["name"] for r in conn.execute(
                sa.text("PRAGMA index_info(%s)" % quote(ix["name"]))).mappings().fetchall() if r["name"]]
            if cols:
                out.append(set(cols))
    return out


def read_rows(conn, keys):
    """{key: {"columns": [...], "rows": [dict], "truncated": bool}} for the tables that still exist."""
    out = {}
    for key in keys:
        result = conn.execute(sa.text("SELECT * FROM %s LIMIT %d" % (qualified(conn, key), ROW_LIMIT + 1)))
        columns = list(result.keys())
        rows = [dict(zip(columns, r)) for r in result.fetchall()]
        out[key] = {"columns": columns, "rows": rows[:ROW_LIMIT], "truncated": len(rows) > ROW_LIMIT}
    return out


def named_in(statements, keys):
    """The tables among `keys` whose name occurs as a word in any of the statements (SQL texts)."""
    by_name = {}
    for key in keys:
        by_name.setdefault(key[1].lower(), []).append(key)
    found = set()
    for sql in statements:
        if not sql:
            continue
        for word in set(_WORD.findall(sql.lower())):
            for key in by_name.get(word, ()):
                found.add(key)
    return found


_TABLE_CHANGE = re.compile(
    r"\bcreate\s+(?:(?:global|local|temp|temporary|unlogged|virtual)\s+)*table\b|\bdrop\s+table\b|\brename\s+to\b"
    r"|\bselect\b[^;]*\binto\s+(?:(?:temp|temporary|unlogged|table)\s+)*[\w\".]+\s+from\b", re.IGNORECASE)


def may_change_tables(statements):
    """Whether a statement may create, drop or rename a table (SELECT ... INTO creates one)."""
    return any(sql and _TABLE_CHANGE.search(sql) for sql in statements)


def words_in(statements):
    """Every identifier-like word of the statements, lower case: names of tables that may not exist yet."""
    words = set()
    for sql in statements:
        if sql:
            words.update(_WORD.findall(sql.lower()))
    return words
