import { provisionPostgresLocal } from '../src/database/postgres-local.ts';
import { indexes } from '../src/schema/postgres/indexes.ts';
import { columns } from '../src/schema/postgres/columns.ts';
import { SqlContext } from '../src/schema/postgres/catalog-query.ts';
import pg from 'pg';
const db = await provisionPostgresLocal({ postgresVersion: process.argv[2] ?? '15' });
const c = new pg.Client({ connectionString: db.url }); await c.connect();
let ddl = "CREATE TYPE mood AS ENUM ('a','b');";
for (let i = 0; i < 100; i++) ddl += `CREATE TABLE t${i} (id bigserial PRIMARY KEY, name text NOT NULL DEFAULT 'x', email text UNIQUE, m mood, n numeric(10,2) CHECK (n > 0), parent bigint ${i ? `REFERENCES t${i - 1}(id)` : ''}, updated timestamptz); CREATE INDEX ix_t${i}_name ON t${i} (lower(name)) WHERE n > 1;`;
await c.query(ddl);
await c.query('SET search_path = pg_catalog');
const ctx = new SqlContext({ schemas: [], excludeTables: ['alembic_version'], serverVersionNum: db.serverVersionNum });
for (const q of [indexes, columns]) {
  for (let i = 0; i < 3; i++) await c.query(q.sql(ctx));
  const r = await c.query('EXPLAIN (ANALYZE, COSTS OFF) ' + q.sql(ctx));
  console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
}
await c.end(); await db.dispose();
