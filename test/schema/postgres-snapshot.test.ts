import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { describeChange, diffSnapshots } from '../../src/schema/diff.ts';
import { snapshotPostgres } from '../../src/schema/postgres-snapshot.ts';
import type { SchemaSnapshot } from '../../src/schema/snapshot.ts';

let db: ThrowawayDatabase;

before(async () => {
  // PREFLIGHT_TEST_POSTGRES_VERSION=17 runs this file against other binaries (e.g. the embedded PostgreSQL 17).
  db = await provisionPostgresLocal({ postgresVersion: process.env.PREFLIGHT_TEST_POSTGRES_VERSION || undefined });
});

after(async () => {
  await db.dispose();
});

async function exec(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Fresh database, run `setup`, snapshot; then run `change`, snapshot; return the diff as readable lines. */
async function changes(setup: string, change: string): Promise<string[]> {
  await db.reset();
  if (setup) await exec(setup);
  const before = await db.snapshot();
  await exec(change);
  const after = await db.snapshot();
  return diffSnapshots(before, after).map(describeChange);
}

async function fresh(sql: string): Promise<SchemaSnapshot> {
  await db.reset();
  if (sql) await exec(sql);
  return db.snapshot();
}

test('an empty database has only plpgsql and the public schema', async () => {
  const s = await fresh('');
  assert.equal(s.dialect, 'postgresql');
  assert.deepEqual(s.objects.map((o) => `${o.kind} ${o.key}`), ['extension plpgsql', 'schema public']);
});

test('an enum left behind, and a changed label list, are seen', async () => {
  assert.deepEqual(await changes('', "CREATE TYPE mood AS ENUM ('sad', 'ok')"), ['+ enum public.mood']);
  assert.deepEqual(await changes("CREATE TYPE mood AS ENUM ('sad', 'ok')", "ALTER TYPE mood ADD VALUE 'happy'"),
    ['~ enum public.mood: labels [sad, ok] → [sad, ok, happy]']);
});

test('an index, its validity and its definition are seen', async () => {
  const table = 'CREATE TABLE users (id int PRIMARY KEY, email text, name text)';
  assert.deepEqual(await changes(table, 'CREATE INDEX ix_users_email ON users (email)'), ['+ index public.users.ix_users_email']);
  assert.deepEqual(
    await changes(`${table}; CREATE INDEX ix ON users (email)`, 'DROP INDEX ix; CREATE INDEX ix ON users (lower(email))'),
    ['~ index public.users.ix: definition "CREATE INDEX ix ON public.users USING btree (email)" → ' +
      '"CREATE INDEX ix ON public.users USING btree (lower(email))"'],
  );
  assert.deepEqual(
    await changes(`${table}; CREATE INDEX ix ON users (email)`, 'UPDATE pg_index SET indisvalid = false WHERE indexrelid = \'ix\'::regclass'),
    ['~ index public.users.ix: valid true → false'],
  );
});

test('sequences and their options are seen', async () => {
  assert.deepEqual(await changes('', 'CREATE SEQUENCE order_no START 100'), ['+ sequence public.order_no']);
  assert.deepEqual(await changes('CREATE SEQUENCE s', 'ALTER SEQUENCE s INCREMENT BY 5'), ['~ sequence public.s: increment "1" → "5"']);
  // Values drawn are data, not schema.
  assert.deepEqual(await changes('CREATE SEQUENCE s', "SELECT nextval('s')"), []);
});

test('constraints: added, NOT VALID, and a different definition under the same name', async () => {
  const table = 'CREATE TABLE t (id int PRIMARY KEY, n int, parent int)';
  assert.deepEqual(await changes(table, 'ALTER TABLE t ADD CONSTRAINT n_pos CHECK (n > 0)'), ['+ constraint public.t.n_pos']);
  assert.deepEqual(await changes(table, 'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (parent) REFERENCES t (id) NOT VALID'),
    ['+ constraint public.t.fk']);
  const s = await fresh(`${table}; ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (parent) REFERENCES t (id) NOT VALID`);
  assert.deepEqual(s.objects.find((o) => o.key === 'public.t.fk')?.props, {
    type: 'foreign key', definition: 'FOREIGN KEY (parent) REFERENCES public.t(id) NOT VALID', validated: false,
    deferrable: false, initiallyDeferred: false,
  });
  assert.deepEqual(
    await changes(`${table}; ALTER TABLE t ADD CONSTRAINT c CHECK (n > 0)`, 'ALTER TABLE t DROP CONSTRAINT c; ALTER TABLE t ADD CONSTRAINT c CHECK (n >= 0)'),
    ['~ constraint public.t.c: definition "CHECK (n > 0)" → "CHECK (n >= 0)"'],
  );
});

test('column type, default, nullability, identity and collation changes are seen', async () => {
  const table = 'CREATE TABLE t (id int, name text)';
  assert.deepEqual(await changes(table, 'ALTER TABLE t ALTER COLUMN id TYPE bigint'), ['~ column public.t.id: type "integer" → "bigint"']);
  assert.deepEqual(await changes(table, "ALTER TABLE t ALTER COLUMN name SET DEFAULT 'x'"), ['~ column public.t.name: default (none) → "\'x\'::text"']);
  assert.deepEqual(await changes(table, 'ALTER TABLE t ALTER COLUMN name SET NOT NULL'), ['~ column public.t.name: notNull false → true']);
  assert.deepEqual(await changes(table, 'ALTER TABLE t ALTER COLUMN id SET NOT NULL, ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY'), [
    '+ sequence public.t_id_seq',
    '~ column public.t.id: identity (none) → "always"; notNull false → true',
  ]);
  assert.deepEqual(await changes(table, 'ALTER TABLE t ALTER COLUMN name TYPE text COLLATE "C"'),
    ['~ column public.t.name: collation (none) → "pg_catalog.\\"C\\""']);
  assert.deepEqual(await changes(table, 'ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (id * 2) STORED'), ['+ column public.t.g']);
});

test('views, materialized views, functions and triggers are seen, with changed bodies', async () => {
  const base = 'CREATE TABLE t (id int, updated timestamptz)';
  assert.deepEqual(await changes(base, 'CREATE VIEW v AS SELECT id FROM t; CREATE MATERIALIZED VIEW mv AS SELECT id FROM t'),
    ['+ view public.v', '+ materialized-view public.mv']);
  assert.deepEqual((await changes(`${base}; CREATE VIEW v AS SELECT id FROM t`, 'CREATE OR REPLACE VIEW v AS SELECT id FROM t WHERE id > 0'))
    .map((l) => l.split(':')[0]), ['~ view public.v']);
  const fn = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated := now(); RETURN NEW; END$$";
  assert.deepEqual(await changes(base, fn), ['+ function public.touch()']);
  assert.deepEqual((await changes(`${base}; ${fn}`, fn.replace('CREATE', 'CREATE OR REPLACE').replace('now()', "'epoch'")))
    .map((l) => l.split(':')[0]), ['~ function public.touch()']);
  assert.deepEqual(await changes(`${base}; ${fn}`, 'CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()'),
    ['+ trigger public.t.tr']);
  assert.deepEqual(await changes(`${base}; ${fn}; CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()`,
    'ALTER TABLE t DISABLE TRIGGER tr'), ['~ trigger public.t.tr: enabled "origin" → "disabled"']);
  // Overloads are distinct objects.
  assert.deepEqual(await changes('CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$SELECT a$$',
    'CREATE FUNCTION f(a text) RETURNS text LANGUAGE sql AS $$SELECT a$$'), ['+ function public.f(a text)']);
});

test('an extension is seen by name, and the objects it owns are not listed one by one', async (t) => {
  if (!existsSync('/usr/share/postgresql/15/extension/citext.control') && db.serverVersionNum < 170000) {
    t.skip('citext is not installed for this server');
    return;
  }
  assert.deepEqual(await changes('', 'CREATE EXTENSION citext'), ['+ extension citext']);
  assert.deepEqual(await changes('CREATE EXTENSION citext; CREATE TABLE t (e citext)', 'DROP TABLE t'), ['- table public.t', '- column public.t.e']);
});

test('schemas, comments, grants, row-level security, policies, rules, domains, composite types', async () => {
  assert.deepEqual(await changes('', 'CREATE SCHEMA billing; CREATE TABLE billing.invoice (id int)'),
    ['+ schema billing', '+ table billing.invoice', '+ column billing.invoice.id']);
  const t = 'CREATE TABLE t (id int, owner text)';
  assert.deepEqual(await changes(t, "COMMENT ON COLUMN t.id IS 'the id'; COMMENT ON TABLE t IS 'a table'"),
    ['~ table public.t: comment (none) → "a table"', '~ column public.t.id: comment (none) → "the id"']);
  await exec('DROP ROLE IF EXISTS reader; CREATE ROLE reader');
  const granted = await changes(t, 'GRANT SELECT ON t TO reader');
  assert.equal(granted.length, 1);
  // PostgreSQL 17 added MAINTAIN (m) to the owner's privileges.
  assert.match(granted[0]!, /^~ table public\.t: grants \(none\) → \[postgres=arwdDxtm?\/postgres, reader=r\/postgres\]$/);
  // A grant revoked again leaves the default privileges: no trace.
  assert.deepEqual(await changes(t, 'GRANT SELECT ON t TO reader; REVOKE SELECT ON t FROM reader'), []);
  assert.deepEqual(await changes(t, 'ALTER TABLE t ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON t USING (owner = current_user)'),
    ['~ table public.t: rowSecurity (none) → true', '+ policy public.t.own']);
  assert.deepEqual(await changes(t, 'CREATE RULE no_delete AS ON DELETE TO t DO INSTEAD NOTHING'), ['+ rule public.t.no_delete']);
  assert.deepEqual(await changes('', "CREATE DOMAIN pos AS int CHECK (VALUE > 0); CREATE TYPE pair AS (a int, b text)"),
    ['+ type public.pair', '+ domain public.pos']);
  const s = await fresh("CREATE DOMAIN pos AS int NOT NULL CHECK (VALUE > 0); CREATE TYPE pair AS (a int, b text COLLATE \"C\")");
  assert.deepEqual(s.objects.find((o) => o.key === 'public.pos')?.props,
    { baseType: 'integer', notNull: true, checks: ['pos_check: CHECK (VALUE > 0)'] });
  assert.deepEqual(s.objects.find((o) => o.key === 'public.pair')?.props,
    { type: 'composite', attributes: ['a integer', 'b text COLLATE pg_catalog."C"'] });
});

test('partitioned tables and partitions', async () => {
  const s = await fresh('CREATE TABLE m (id int, at date) PARTITION BY RANGE (at); ' +
    "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'); CREATE UNLOGGED TABLE u (id int)");
  assert.deepEqual(s.objects.find((o) => o.key === 'public.m')?.props,
    { type: 'partitioned table', persistence: 'permanent', partitionKey: 'RANGE (at)' });
  assert.deepEqual(s.objects.find((o) => o.key === 'public.m_2024')?.props, {
    type: 'table', persistence: 'permanent', partitionOf: 'public.m',
    partitionBound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
  });
  assert.equal(s.objects.find((o) => o.key === 'public.u')?.props.persistence, 'unlogged');
});

test('equal schemas built in different orders give equal snapshots', async () => {
  const a = await fresh(`
    CREATE TYPE status AS ENUM ('new', 'done');
    CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text DEFAULT 'anon');
    CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id), s status NOT NULL DEFAULT 'new');
    CREATE INDEX ix_orders_user ON orders (user_id);
    CREATE VIEW open_orders AS SELECT id, user_id FROM orders WHERE s = 'new';`);
  const b = await fresh(`
    CREATE TABLE users (id serial, email text);
    ALTER TABLE users ADD COLUMN name text;
    CREATE TYPE status AS ENUM ('new', 'done');
    CREATE TABLE orders (s status NOT NULL DEFAULT 'new', user_id int NOT NULL, id serial);
    ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN name SET DEFAULT 'anon';
    ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
    ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    CREATE INDEX ix_orders_user ON orders (user_id);
    ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
    ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
    CREATE VIEW open_orders AS SELECT id, user_id FROM orders WHERE s = 'new';`);
  assert.deepEqual(diffSnapshots(a, b).map(describeChange), []);
  assert.deepEqual(a, b);
  // And a drop-and-re-add round trip (the column lands last) leaves no trace either.
  assert.deepEqual(await changes('CREATE TABLE t (a int, b text, c int)', 'ALTER TABLE t DROP COLUMN b; ALTER TABLE t ADD COLUMN b text'), []);
});

test('alembic_version (or the configured version table) and system schemas are left out', async () => {
  assert.deepEqual(await changes('', 'CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, ' +
    'CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))'), []);
  await db.reset();
  await exec('CREATE SCHEMA meta; CREATE TABLE meta.versions (v text PRIMARY KEY); CREATE TABLE public.versions (v text)');
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const s = await snapshotPostgres(c, { excludeTables: ['meta.versions'] });
    const keys = s.objects.map((o) => o.key);
    assert.ok(!keys.some((k) => k.startsWith('meta.versions')));
    assert.ok(keys.includes('public.versions'));
    const only = await snapshotPostgres(c, { schemas: ['meta'] });
    assert.deepEqual(only.objects.map((o) => `${o.kind} ${o.key}`),
      ['extension plpgsql', 'schema meta', 'table meta.versions', 'column meta.versions.v', 'constraint meta.versions.versions_pkey',
        'index meta.versions.versions_pkey']);
    // The caller's session is untouched (search_path was changed for the snapshot's transaction only).
    assert.equal((await c.query('SHOW search_path')).rows[0].search_path, '"$user", public');
  } finally {
    await c.end();
  }
  // A connection string works too.
  assert.ok((await snapshotPostgres(db.url)).objects.some((o) => o.key === 'meta.versions'));
});

test('a 100-table schema is snapshotted in one round trip, in tens of milliseconds', async () => {
  let ddl = "CREATE TYPE mood AS ENUM ('a', 'b'); CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;";
  for (let i = 0; i < 100; i++) {
    ddl += `CREATE TABLE t${i} (id bigserial PRIMARY KEY, name text NOT NULL DEFAULT 'x', email text UNIQUE, m mood,
      n numeric(10,2) CHECK (n > 0), parent bigint ${i ? `REFERENCES t${i - 1} (id)` : ''}, at timestamptz);
      CREATE INDEX ix_t${i}_name ON t${i} (lower(name)) WHERE n > 1;
      CREATE TRIGGER tr BEFORE UPDATE ON t${i} FOR EACH ROW EXECUTE FUNCTION touch();`;
  }
  await fresh(ddl);
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    await snapshotPostgres(c); // warm the catalog caches and the version lookup
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      count = (await snapshotPostgres(c)).objects.length;
      times.push(performance.now() - started);
    }
    times.sort((x, y) => x - y);
    console.log(`snapshot of 100 tables (${count} objects): median ${times[2]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms`);
    assert.ok(count > 1500);
    assert.ok(times[2]! < 500, `median ${times[2]} ms`);
  } finally {
    await c.end();
  }
});
