# lock-cost: what one statement costs per row of the table it locks, measured on the throwaway database (PostgreSQL).
# For each statement: the table is filled with N generated rows (the data check's generator, seed_data/seed_values;
# parents of its foreign keys get a few rows first), the statements of its revision before it run, the statement
# runs and is timed, and everything is rolled back; the same on the table as it is gives the fixed cost. Too small
# a difference to measure (under 10 ms): N grows (x4, up to max_rows). Promises: every transaction is rolled back, nothing the
# database held before changes; runs only on the configured throwaway URL, through the guard like any engine.

import time

import sqlalchemy as sa
from sqlalchemy.engine import url as sa_url
from sqlalchemy.pool import NullPool

from . import seed_tables, state
from .current import _sync_url
from .protocol import failure, require_url
from .seed_data import Seeder
from .seed_values import check_labels, value_for

CHUNK = 5000
# Well above any key a migration or the data check's seeding (KEY_BASE + a few hundred) uses.
OFFSET = 10000000


def do_lock_cost(params):
    require_url()
    target = sa_url.make_url(state.PROJECT.url)
    if target.get_backend_name() != "postgresql":
        raise failure("internal", "lock-cost measures on PostgreSQL only")
    sync = _sync_url(target)
    if sync is None:
        raise failure("internal", "lock-cost needs a synchronous PostgreSQL driver (psycopg2 or psycopg)")
    rows = int(params.get("rows") or 10000)
    max_rows = max(rows, int(params.get("maxRows") or 160000))
    min_delta_ms = float(params.get("minDeltaMs") or 10.0)
    engine = sa.create_engine(sync, poolclass=NullPool)
    try:
        results = []
        for item in params.get("items") or []:
            try:
                results.append(_measure(engine, item, rows, max_rows, min_delta_ms))
            except Exception as e:  # one statement that cannot be measured says why; the others go on
                results.append({"id": item.get("id"), "table": item.get("table"),
                                "error": "%s: %s" % (type(e).__name__, (str(e).strip().splitlines() or [""])[0])})
        return {"results": results}
    finally:
        engine.dispose()


def _key(table):
    schema, _, name = table.partition(".")
    return (schema, name) if name else (None, schema)


def _measure(engine, item, rows, max_rows, min_delta_ms):
    key = _key(item["table"])
    with engine.connect() as conn:
        try:
            empty_ms, full_ms, filled = _series(conn, item, key, rows, max_rows, min_delta_ms, False)
        except Exception:
            # Generated rows leave a third of each nullable column NULL; a SET NOT NULL (after its backfill) or a
            # CHECK fails on those: then the rows are generated with every column filled.
            empty_ms, full_ms, filled = _series(conn, item, key, rows, max_rows, min_delta_ms, True)
    delta = full_ms - empty_ms
    out = {"id": item.get("id"), "table": item["table"], "rows": filled, "emptyMs": round(empty_ms, 3),
           "fullMs": round(full_ms, 3)}
    if filled < 100:
        out["error"] = "could generate only %d rows for %s%s" % (filled, item["table"], _why(item))
    elif delta <= 0:
        out["error"] = "no measurable cost per row on %d rows (%.1f ms with them, %.1f ms without)" % (
            filled, full_ms, empty_ms)
    else:
        out["usPerRow"] = delta * 1000.0 / filled
    return out


def _why(item):
    return ": %s" % item["_refused"] if item.get("_refused") else ""


def _series(conn, item, key, rows, max_rows, min_delta_ms, filled_all):
    """(ms without the generated rows, ms with them, rows generated), all in one transaction that is rolled back:
    the statement on the table as it is (the best of three), then on n generated rows, n growing x4 while the
    difference is under min_delta_ms (the rows already in stay: only the new ones are generated)."""
    trans = conn.begin()
    try:
        conn.exec_driver_sql("SET LOCAL statement_timeout = '300s'")
        empty_ms = min(_run(conn, item) for _ in range(3))
        filled, n = 0, rows
        while True:
            filled += _fill(conn, key, n - filled, item, filled_all, filled)
            full_ms = _run(conn, item)
            if full_ms - empty_ms >= min_delta_ms or n >= max_rows or filled < n:
                return empty_ms, full_ms, filled
            n = min(max_rows, n * 4)
    finally:
        trans.rollback()


def _run(conn, item):
    """Milliseconds the statement takes after the revision's statements before it, undone (a savepoint)."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute("SAVEPOINT preflight_lock_cost")
        try:
            # The trace holds the SQL as PostgreSQL received it (a literal % as %): no parameters, no % processing.
            for sql in item.get("before") or []:
                cursor.execute(sql)
            started = time.perf_counter()
            cursor.execute(item["sql"])
            return (time.perf_counter() - started) * 1000.0
        finally:
            cursor.execute("ROLLBACK TO SAVEPOINT preflight_lock_cost")
    finally:
        cursor.close()


def _with_parents(conn, key):
    """{key: TableInfo} of the table and every table its foreign keys lead to."""
    tables, todo = {}, [key]
    while todo:
        k = todo.pop()
        if k in tables:
            continue
        info = seed_tables.reflect(conn, [k])[k]
        tables[k] = info
        todo.extend(fk["parent"] for fk in info.fks if fk["parent"] not in tables)
    return tables


def _fill(conn, key, n, item, filled_all, first):
    """Inserts n generated rows (numbers first.. on) into the table (its foreign keys' parents seeded with a few
    rows); rows inserted."""
    if key[0] is None:
        found = [k for k in seed_tables.list_tables(conn) if k[1] == key[1]]
        key = found[0] if found else key
    tables = _with_parents(conn, key)
    info = tables.pop(key)
    seeder = Seeder(conn, offset=OFFSET)
    if tables:
        have = seed_tables.read_rows(conn, list(tables))
        seeder.seed(tables, have, lambda keys: seed_tables.read_rows(conn, keys))
    parent_rows = dict((k, v["rows"]) for k, v in seed_tables.read_rows(conn, list(tables)).items())
    tables[key] = info
    labels = check_labels(info.checks)
    cols = dict((c["name"], c["type"]) for c in info.columns)
    groups = {}
    for i in range(OFFSET + first, OFFSET + first + n):
        row = seeder._row(info, i, parent_rows, labels, tables)
        if row is not None and filled_all:
            for name, value in list(row.items()):
                if value is None and name in cols and not any(name in fk["columns"] for fk in info.fks):
                    row[name] = value_for(cols[name], info.name, name, i // 2, labels.get(name))
        if row is not None:
            groups.setdefault(tuple(sorted(row)), []).append(row)
    inserted = 0
    for group_cols, group in groups.items():
        if not group_cols:
            continue
        table = sa.Table(key[1], sa.MetaData(), *[sa.Column(c, cols[c]) for c in group_cols], schema=key[0])
        for start in range(0, len(group), CHUNK):
            inserted += seeder._insert(table, group[start:start + CHUNK])
    if seeder.refused:
        item["_refused"] = "; ".join(sorted(set(seeder.refused.values())))
    return inserted
