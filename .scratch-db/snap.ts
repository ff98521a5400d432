import { provisionPostgresLocal } from '../src/database/postgres-local.ts';
import { snapshotPostgres, snapshotSql } from '../src/schema/postgres-snapshot.ts';
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
for (let k = 0; k < 5; k++) {
  const t = performance.now(); const s = await snapshotPostgres(c); console.log('snapshot ms', (performance.now() - t).toFixed(1), s.objects.length);
}
const t = performance.now(); const s = await db.snapshot(); console.log('db.snapshot ms', (performance.now() - t).toFixed(1));
const counts: Record<string, number> = {}; for (const o of s.objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1; console.log(counts);
for (const k of ['column', 'constraint', 'index', 'trigger', 'view', 'function', 'sequence', 'table', 'enum', 'extension', 'schema']) console.log(JSON.stringify(s.objects.find(o => o.kind === k)));
console.log(JSON.stringify(s.objects.filter(o => o.key.startsWith('public.t1.'))));
// per-query timing
await c.query("SET search_path = pg_catalog");
await c.end(); await db.dispose();
