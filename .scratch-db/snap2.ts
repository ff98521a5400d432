import { provisionPostgresLocal } from '../src/database/postgres-local.ts';
import { CATALOG_QUERIES } from '../src/schema/postgres-snapshot.ts';
import { SqlContext } from '../src/schema/postgres/catalog-query.ts';
import pg from 'pg';
const db = await provisionPostgresLocal({ postgresVersion: process.argv[2] ?? '15' });
const c = new pg.Client({ connectionString: db.url }); await c.connect();
let ddl = "CREATE TYPE mood AS ENUM ('a','b'); CREATE EXTENSION citext; CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated = now(); RETURN NEW; END$$;";
for (let i = 0; i < 100; i++) {
  ddl += `CREATE TABLE t${i} (id bigserial PRIMARY KEY, name text NOT NULL DEFAULT 'x', email citext UNIQUE, m mood, n numeric(10,2) CHECK (n > 0), parent bigint ${i ? `REFERENCES t${i - 1}(id)` : ''}, updated timestamptz, g int GENERATED ALWAYS AS (length(name)) STORED);
  CREATE INDEX ix_t${i}_name ON t${i} (lower(name)) WHERE n > 1; CREATE TRIGGER tr BEFORE UPDATE ON t${i} FOR EACH ROW EXECUTE FUNCTION touch(); COMMENT ON TABLE t${i} IS 'table ${i}';`;
  if (i % 10 === 0) ddl += `CREATE VIEW v${i} AS SELECT id, name FROM t${i};`;
}
await c.query(ddl);
await c.query('SET search_path = pg_catalog');
const ctx = new SqlContext({ schemas: [], excludeTables: ['alembic_version'], serverVersionNum: 150000 });
for (let k = 0; k < 3; k++) {
  const out: string[] = [];
  for (const q of CATALOG_QUERIES) { const t = performance.now(); const r = await c.query(q.sql(ctx)); out.push(`${q.name}=${(performance.now() - t).toFixed(1)}(${r.rowCount})`); }
  console.log(out.join(' '));
}
await c.end(); await db.dispose();
