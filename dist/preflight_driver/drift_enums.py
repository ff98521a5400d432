# PostgreSQL enum labels, models vs the migrated database: what autogenerate never compares (as
# alembic-postgresql-enum does it: the labels of every native Enum a model column uses against pg_enum).
#
# A label the models use but the type lacks (often "added" with op.alter_column, a no-op on PostgreSQL) passes
# `alembic check` and fails in the application with `invalid input value for enum`. Runs inside env.py's run, on
# its connection. Python 3.9+, SQLAlchemy 1.4+.

import sqlalchemy as sa


def _enum_of(column_type):
    """(native Enum, is_array) for a column type, or (None, False)."""
    is_array = False
    if isinstance(column_type, sa.types.ARRAY):
        column_type, is_array = column_type.item_type, True
    if isinstance(column_type, sa.types.TypeDecorator) and isinstance(getattr(column_type, "impl", None), sa.Enum):
        column_type = column_type.impl
    if isinstance(column_type, sa.Enum) and column_type.native_enum and column_type.name:
        return column_type, is_array
    return None, False


def _included(opts, table, column):
    include_object = opts.get("include_object")
    include_name = opts.get("include_name")
    if include_name is not None and not include_name(table.name, "table", {"schema_name": table.schema}):
        return False
    if include_object is not None:
        if not include_object(table, table.name, "table", False, None):
            return False
        if not include_object(column, column.name, "column", False, None):
            return False
    return True


def _declared(metadatas, opts, default_schema, existing_tables):
    """{(schema, name): {"labels": [...], "columns": [(table, column, is_array)]}} for the models' native enums."""
    out = {}
    include_schemas = opts.get("include_schemas", False)
    for md in metadatas:
        for table in md.tables.values():
            schema = table.schema or default_schema
            if table.schema not in (None, default_schema) and not include_schemas:
                continue
            if (schema, table.name) not in existing_tables:
                continue  # a table no migration creates: autogenerate reports it (add_table)
            for column in table.columns:
                enum, is_array = _enum_of(column.type)
                if enum is None or not _included(opts, table, column):
                    continue
                key = (enum.schema or default_schema, enum.name)
                entry = out.setdefault(key, {"labels": list(enum.enums), "columns": []})
                entry["columns"].append((table, column, is_array))
    return out


def _defined(connection):
    """{(schema, name): [labels in sort order]} from the database."""
    inspector = sa.inspect(connection)
    out = {}
    for e in inspector.get_enums(schema="*"):
        out[(e.get("schema") or inspector.default_schema_name, e["name"])] = list(e["labels"])
    return out


def _existing_tables(connection, schemas):
    inspector = sa.inspect(connection)
    found = set()
    for schema in schemas:
        for name in inspector.get_table_names(schema=schema):
            found.add((schema, name))
    return found


def _literal(label):
    return "'%s'" % label.replace("'", "''")


def _python_str(sql):
    if '"' not in sql and "\\" not in sql:
        return '"%s"' % sql
    return repr(sql)


def _type_name(preparer, schema, name, default_schema):
    q = preparer.quote(name)
    return "%s.%s" % (preparer.quote_schema(schema), q) if schema and schema != default_schema else q


def _add_statements(type_sql, declared, defined):
    """ALTER TYPE ... ADD VALUE for each missing label, placed where the models put it."""
    have = list(defined)
    statements = []
    for i, label in enumerate(declared):
        if label in have:
            continue
        before = [l for l in declared[:i] if l in have]
        after = [l for l in declared[i + 1:] if l in have]
        where = " AFTER %s" % _literal(before[-1]) if before else " BEFORE %s" % _literal(after[0]) if after else ""
        statements.append("ALTER TYPE %s ADD VALUE IF NOT EXISTS %s%s" % (type_sql, _literal(label), where))
        have.insert(have.index(before[-1]) + 1 if before else have.index(after[0]) if after else len(have), label)
    return statements


def _column_ref(table, column, default_schema):
    return "%s.%s" % (table.name if table.schema in (None, default_schema) else table.fullname, column.name)


def _recreate_statements(preparer, type_sql, raw_name, declared, columns):
    """Removing labels: PostgreSQL has no DROP VALUE, so the type is renamed, recreated and the columns cast."""
    old = preparer.quote(raw_name + "_old")
    statements = ["ALTER TYPE %s RENAME TO %s" % (type_sql, old),
                  "CREATE TYPE %s AS ENUM (%s)" % (type_sql, ", ".join(_literal(l) for l in declared))]
    for table, column, is_array in columns:
        col = preparer.quote(column.name)
        tbl = preparer.format_table(table)
        suffix = "[]" if is_array else ""
        statements.append("ALTER TABLE %s ALTER COLUMN %s TYPE %s%s USING %s::text%s::%s%s"
                          % (tbl, col, type_sql, suffix, col, suffix, type_sql, suffix))
    statements.append("DROP TYPE %s" % old)
    if "." in type_sql:
        statements[-1] = "DROP TYPE %s.%s" % (type_sql.rsplit(".", 1)[0], old)
    return statements


def compare_enum_labels(connection, metadatas, opts):
    """Drift items (the shape drift.py sends) for PostgreSQL enum labels missing from or extra in the database."""
    if connection is None or connection.dialect.name != "postgresql":
        return []
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    default_schema = dialect.default_schema_name or "public"
    schemas = {default_schema} | {t.schema for md in metadatas for t in md.tables.values() if t.schema}
    declared = _declared(metadatas, opts, default_schema, _existing_tables(connection, schemas))
    if not declared:
        return []
    defined = _defined(connection)
    version = getattr(dialect, "server_version_info", None) or (0,)
    items = []
    for (schema, name), entry in sorted(declared.items()):
        if (schema, name) not in defined:
            continue  # the column's type differs altogether: autogenerate's compare_type sees that
        labels, have = entry["labels"], defined[(schema, name)]
        missing = [l for l in labels if l not in have]
        extra = [l for l in have if l not in labels]
        type_sql = _type_name(preparer, schema, name, default_schema)
        shown = name if schema == default_schema else "%s.%s" % (schema, name)
        cols = ", ".join("`%s`" % _column_ref(t, c, default_schema) for t, c, _ in entry["columns"])
        table = entry["columns"][0][0].fullname
        if missing:
            statements = _add_statements(type_sql, labels, have)
            body = "\n".join("op.execute(%s)" % _python_str(s) for s in statements)
            if version < (12,):
                body = "with op.get_context().autocommit_block():\n" + "\n".join("    " + l for l in body.splitlines())
            items.append({
                "kind": "enum_missing_labels",
                "table": table,
                "message": "enum `%s` in the migrated database lacks %s %s that the models use (%s): writing %s "
                           "fails with `invalid input value for enum %s`"
                           % (shown, "label" if len(missing) == 1 else "labels", ", ".join(_literal(l) for l in missing),
                              cols, "it" if len(missing) == 1 else "them", name),
                "code": body,
                "sql": ";\n".join(statements) + ";",
                "sqlError": None,
                "note": "Autogenerate does not compare enum labels, so `alembic check` passes; and op.alter_column(..., "
                        "type_=sa.Enum(...)) to the same enum type adds no label on PostgreSQL (it only runs ALTER COLUMN "
                        "... TYPE %s). Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction "
                        "block: wrap it in `with op.get_context().autocommit_block():`. From 12 on it can, but the new "
                        "label cannot be used (e.g. by an UPDATE) until that transaction commits." % name,
            })
        if extra:
            statements = _recreate_statements(preparer, type_sql, name, labels, entry["columns"])
            items.append({
                "kind": "enum_extra_labels",
                "table": table,
                "severity": "warning",
                "message": "enum `%s` in the migrated database has %s %s that the models do not declare (%s): the "
                           "database accepts %s, and the models cannot read %s back"
                           % (shown, "label" if len(extra) == 1 else "labels", ", ".join(_literal(l) for l in extra),
                              cols, "it" if len(extra) == 1 else "them", "it" if len(extra) == 1 else "them"),
                "code": "\n".join("op.execute(%s)" % _python_str(s) for s in statements),
                "sql": ";\n".join(statements) + ";",
                "sqlError": None,
                "note": "PostgreSQL cannot drop an enum label: the type is renamed, recreated without it and each column "
                        "cast to the new type (rows holding a removed label must be updated first, and a column default "
                        "of the type dropped before and set again after). Or keep the label in the models.",
            })
    return items
