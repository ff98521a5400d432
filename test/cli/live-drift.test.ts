// The nightly `drift` command against a real "live" PostgreSQL migrated to a mid revision and then altered by
// hand: each drift is reported, the revision status is right, and nothing is ever written to the live database.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { snapshotPostgres } from '../../src/schema/postgres-snapshot.ts';
import { check, runCli } from '../support/cli.ts';
import { fixture, repoRoot, venvPython } from '../support/env.ts';

let live: ThrowawayDatabase;
const MID = '0f13d92f1aa4';

async function sql(text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: live.url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

async function state() {
  const c = new pg.Client({ connectionString: live.url });
  await c.connect();
  try {
    const snapshot = await snapshotPostgres(c, { excludeTables: [] });
    const version = (await c.query('SELECT version_num FROM alembic_version')).rows;
    const users = (await c.query('SELECT * FROM users ORDER BY id')).rows;
    return { snapshot, version, users };
  } finally {
    await c.end();
  }
}

before(async () => {
  live = await provisionPostgresLocal({ tcp: true });
  execFileSync(join(repoRoot, '.venv', 'bin', 'alembic'), ['upgrade', MID], {
    cwd: fixture('healthy'),
    env: { ...process.env, DATABASE_URL: live.url.replace('postgresql://', 'postgresql+psycopg2://') },
    stdio: 'pipe',
  });
  await sql("INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada')");
  // Changes made by hand in "production":
  await sql('CREATE INDEX ix_users_name_by_hand ON users (name)');
  await sql('ALTER TABLE users DROP COLUMN bio');
  await sql("ALTER TYPE post_status ADD VALUE 'hidden'");
  // The nightly job connects as a read-only role (as the README advises): its grants are not drift.
  await sql("CREATE ROLE reader LOGIN PASSWORD 'Reader-Pw-1'");
  await sql('GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader');
  await sql('GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO reader');
});

function readerUrl(): string {
  const u = new URL(live.url);
  u.username = 'reader';
  u.password = 'Reader-Pw-1';
  return u.href;
}
after(async () => {
  await live?.dispose();
});

test('drift reports pending migrations and every manual change, exit 1, and writes nothing', async () => {
  const before = await state();
  const r = await runCli(['drift', fixture('healthy'), '--database-url', readerUrl(), '--python', venvPython(), '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const c = check(r.report!, 'live-drift');
  const codes = c.findings.map((f) => `${f.code} ${f.message}`);
  const has = (re: RegExp) => assert.ok(codes.some((x) => re.test(x)), `${re} in\n${codes.join('\n')}`);
  has(new RegExp(`pending-migrations .*revision ${MID}.*2 migrations pending`));
  has(/index-added .*ix_users_name_by_hand/);
  has(/column-removed .*users\.bio/);
  has(/enum-changed .*post_status/);
  assert.equal(c.findings.filter((f) => f.code.startsWith('live-drift/') && !f.code.includes('pending')).length, 3, codes.join('\n'));
  assert.ok(!(r.stdout + r.stderr).includes('Reader-Pw-1'), 'the password is never printed');
  assert.deepEqual(await state(), before, 'the live database is untouched');
});

test('an env.py that would migrate the live database itself is refused, and the live database is untouched', async () => {
  const before = await state();
  const r = await runCli(['drift', fixture('hardcoded-url'), '--database-url', live.url, '--python', venvPython()], {
    env: { FIXTURE_PROD_URL: live.url.replace('postgresql://', 'postgresql+psycopg2://') },
  });
  assert.notEqual(r.code, 0);
  assert.deepEqual(await state(), before);
});

test('a revision the code does not have, and a database without alembic_version, are explained', async () => {
  await sql("UPDATE alembic_version SET version_num = 'deadbeef0000'");
  try {
    const r = await runCli(['drift', fixture('healthy'), '--database-url', live.url, '--python', venvPython(), '--format', 'json']);
    assert.equal(r.code, 1);
    const f = check(r.report!, 'live-drift').findings.find((x) => x.code === 'live-drift/unknown-revision');
    assert.match(f?.message ?? '', /deadbeef0000.*not in this code/);
  } finally {
    await sql(`UPDATE alembic_version SET version_num = '${MID}'`);
  }
  await sql('ALTER TABLE alembic_version RENAME TO alembic_version_saved');
  try {
    const r = await runCli(['drift', fixture('healthy'), '--database-url', live.url, '--python', venvPython(), '--format', 'json']);
    assert.equal(r.code, 1);
    const f = check(r.report!, 'live-drift').findings.find((x) => x.code === 'live-drift/no-version-table');
    assert.match(f?.hint ?? '', /alembic stamp/);
  } finally {
    await sql('ALTER TABLE alembic_version_saved RENAME TO alembic_version');
  }
});

test("env.py's own version_table is read on the live database, and is not drift", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-version-table-'));
  const other = await provisionPostgresLocal({ tcp: true });
  try {
    const project = join(dir, 'healthy');
    cpSync(fixture('healthy'), project, { recursive: true });
    const env = join(project, 'migrations', 'env.py');
    writeFileSync(env, readFileSync(env, 'utf8').replaceAll('target_metadata=target_metadata,', 'target_metadata=target_metadata, version_table="schema_revisions",'));
    execFileSync(join(repoRoot, '.venv', 'bin', 'alembic'), ['upgrade', 'head'], {
      cwd: project,
      env: { ...process.env, DATABASE_URL: other.url.replace('postgresql://', 'postgresql+psycopg2://') },
      stdio: 'pipe',
    });
    const r = await runCli(['drift', project, '--database-url', other.url, '--python', venvPython(), '--format', 'json']);
    assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(r.report?.checks, null, 1)}`);
    assert.deepEqual(check(r.report!, 'live-drift').findings, []);
  } finally {
    await other.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
