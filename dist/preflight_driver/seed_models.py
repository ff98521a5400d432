# What the application writes, read from its models (env.py's target_metadata): a column the database stores as
# plain text but the models read as an Enum (SQLite, or create_constraint=False) holds only the enum's stored
# labels; one the models read as JSON holds JSON text. Generated rows follow them, so that a data migration reading
# rows through the models does not fail on values the application never writes.
# Promises: never raises (no models, odd types: no domains); the database's own domains (a native enum, a CHECK)
# come first, applied by the seeder.

import sqlalchemy as sa


def _domain(t):
    for candidate in (t, getattr(t, "impl", None)):
        if candidate is None:
            continue
        enums = getattr(candidate, "enums", None)
        if enums:
            return ("labels", list(enums))
        if isinstance(candidate, sa.JSON):
            return ("json", None)
    return None


def model_domains(metadata):
    """{table name (lower case): {column name: ("labels", [stored labels]) or ("json", None)}}."""
    out = {}
    try:
        metas = metadata if isinstance(metadata, (list, tuple)) else [metadata]
        for md in metas:
            for table in getattr(md, "tables", {}).values():
                for column in table.columns:
                    domain = _domain(column.type)
                    if domain is not None:
                        out.setdefault(table.name.lower(), {})[column.name] = domain
    except Exception:
        return {}
    return out
