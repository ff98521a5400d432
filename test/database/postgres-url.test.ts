import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { UserError } from '../../src/errors.ts';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import { provisionPostgresUrl } from '../../src/database/postgres-url.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { databaseName, withDatabase } from '../../src/database/url.ts';

// A real server to point postgres-url at: a postgres-local cluster, with two login roles made for the test.
let server: ThrowawayDatabase;
let admin: pg.Client;
let serverUrl: (role: string) => string;

before(async () => {
  server = await provisionPostgresLocal({ tcp: true });
  admin = new pg.Client({ connectionString: withDatabase(server.url, 'postgres') });
  await admin.connect();
  await admin.query("CREATE ROLE maker LOGIN CREATEDB PASSWORD 'maker-secret'");
  await admin.query("CREATE ROLE plain LOGIN PASSWORD 'plain-secret'");
  await admin.query('CREATE DATABASE appdb OWNER plain');
  const port = new URL(server.url).port;
  serverUrl = (role) => `postgresql+asyncpg://${role}:${role}-secret@127.0.0.1:${port}/appdb`;
});

after(async () => {
  await admin.end();
  await server.dispose();
});

async function databases(): Promise<string[]> {
  const r = await admin.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1');
  return r.rows.map((x) => x.datname);
}

test('postgres-url: creates its own preflight_<random> database, uses only it, drops it on dispose', async () => {
  const logs: string[] = [];
  const db = await provisionPostgresUrl({ serverUrl: serverUrl('maker'), log: (l) => logs.push(l) });
  const name = databaseName(db.url)!;
  try {
    assert.match(name, /^preflight_[0-9a-f]{12}$/);
    assert.equal(db.provider, 'postgres-url');
    assert.match(db.url, /^postgresql:\/\/maker:maker-secret@127\.0\.0\.1:\d+\/preflight_/);
    assert.ok((await databases()).includes(name));
    assert.ok(!logs.join('\n').includes('maker-secret'), 'logs never show the password');

    const c = new pg.Client({ connectionString: db.url });
    c.on('error', () => {
      // dispose drops the database WITH (FORCE), disconnecting this client.
    });
    await c.connect();
    await c.query('CREATE TABLE t (id int)');
    assert.deepEqual((await db.snapshot()).objects.filter((o) => o.kind === 'table').map((o) => o.key), ['public.t']);
    await db.reset();
    assert.deepEqual((await db.snapshot()).objects.filter((o) => o.kind === 'table'), []);

    await db.dispose();
    assert.ok(!(await databases()).includes(name), 'dropped, even with a client still connected');
    await db.dispose();
  } finally {
    await db.dispose();
  }
  // The URL's own database was never touched.
  const appdb = new pg.Client({ connectionString: withDatabase(server.url, 'appdb') });
  await appdb.connect();
  const tables = await appdb.query("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'");
  await appdb.end();
  assert.equal(tables.rowCount, 0);
});

test('postgres-url: a role without CREATEDB is a user error that says so, and nothing falls back to its database', async () => {
  const before = await databases();
  const error = await provisionPostgresUrl({ serverUrl: serverUrl('plain') }).then(
    () => assert.fail('provisioning should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UserError);
  assert.match(error.message, /may not create databases/);
  assert.match(error.detail ?? '', /never in "appdb"/);
  assert.ok(!`${error.message}${error.detail}`.includes('plain-secret'));
  assert.deepEqual(await databases(), before);
});

test('postgres-url: an unreachable server is a user error with the password masked', async () => {
  await assert.rejects(
    provisionPostgresUrl({ serverUrl: 'postgresql://u:topsecret@127.0.0.1:1/db' }),
    (e: unknown) => e instanceof UserError && /cannot connect/.test(e.message) && !e.message.includes('topsecret'),
  );
  await assert.rejects(provisionPostgresUrl({ serverUrl: 'mysql://u@h/db' }), UserError);
});
