# Test harness for the seeded stairway's row generator (preflight_driver/seed_data.py): creates the given tables on a
# real database, seeds them as the walk does, and prints what is in them as JSON. argv: URL, a JSON list of DDL
# statements, and optionally Python source that defines `metadata` (the project's models). Run with the driver
# package's parent directory on sys.path.

import json
import sys

import sqlalchemy as sa

from preflight_driver import seed_data, seed_models, seed_tables
from preflight_driver.seed_values import normalized

url, ddl = sys.argv[1], json.loads(sys.argv[2])
models = {}
if len(sys.argv) > 3:
    exec(sys.argv[3], models)
domains = seed_models.model_domains(models.get("metadata"))
engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
with engine.begin() as conn:
    for statement in ddl:
        conn.exec_driver_sql(statement)
with engine.connect() as conn:
    trans = conn.begin()
    keys = seed_tables.list_tables(conn)
    tables = seed_tables.reflect(conn, keys)
    rows = seed_tables.read_rows(conn, keys)
    seeder = seed_data.Seeder(conn, offset=120, domains=domains)
    seeded = seeder.seed(tables, rows, lambda k: seed_tables.read_rows(conn, k))
    # A second pass finds every table full enough: nothing more is inserted.
    again = seeder.seed(tables, rows, lambda k: seed_tables.read_rows(conn, k))
    trans.commit()
    out = {"seeded": dict((k[1], n) for k, n in seeded.items()), "again": len(again), "tables": {},
           "refused": seeder.refused}
    for key in keys:
        result = conn.execute(sa.text("SELECT * FROM %s" % seed_tables.qualified(conn, key)))
        cols = list(result.keys())
        out["tables"][key[1]] = [dict((c, normalized(v)) for c, v in zip(cols, r)) for r in result.fetchall()]
print(json.dumps(out))
