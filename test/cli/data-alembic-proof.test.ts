// The data check's verdicts proven with plain Alembic, without alembic-preflight: a row inserted with sqlite3 or
// psql makes `alembic upgrade head` of data-not-null-added fail, while the same upgrade passes on empty tables;
// and data-lost-on-rollback's downgrade leaves the moved email NULL.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { fixture, venvPython } from '../support/env.ts';

function alembic(project: string, url: string, ...args: string[]) {
  const run = spawnSync(join(dirname(venvPython()), 'alembic'), args, {
    cwd: fixture(project), encoding: 'utf8', env: { ...process.env, DATABASE_URL: url },
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

function sqlite3(file: string, sql: string): string {
  const run = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

const USER_ROW = "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada')";

let work: string;
let pgDb: ThrowawayDatabase;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'data-proof-'));
  pgDb = await provisionPostgresLocal({});
});
after(async () => {
  await pgDb?.dispose();
  rmSync(work, { recursive: true, force: true });
});

test('SQLite: data-not-null-added fails under plain Alembic once users has a row, passes on an empty table', () => {
  const seeded = join(work, 'seeded.db');
  assert.equal(alembic('data-not-null-added', `sqlite:///${seeded}`, 'upgrade', '3a1f0c2d9b10').code, 0);
  sqlite3(seeded, USER_ROW);
  const failed = alembic('data-not-null-added', `sqlite:///${seeded}`, 'upgrade', 'head');
  assert.notEqual(failed.code, 0);
  assert.match(failed.out, /Cannot add a NOT NULL column with default value NULL/);
  const empty = join(work, 'empty.db');
  const passed = alembic('data-not-null-added', `sqlite:///${empty}`, 'upgrade', 'head');
  assert.equal(passed.code, 0, passed.out);
});

test('PostgreSQL: data-not-null-added fails under plain Alembic once users has a row (psql), passes on an empty table', () => {
  const url = pgDb.url.replace(/^postgres(ql)?:\/\//, 'postgresql+psycopg2://');
  assert.equal(alembic('data-not-null-added', url, 'upgrade', '3a1f0c2d9b10').code, 0);
  const psql = spawnSync('psql', [pgDb.url, '-v', 'ON_ERROR_STOP=1', '-c', USER_ROW], { encoding: 'utf8' });
  assert.equal(psql.status, 0, psql.stderr);
  const failed = alembic('data-not-null-added', url, 'upgrade', 'head');
  assert.notEqual(failed.code, 0);
  assert.match(failed.out, /column "plan" of relation "users" contains null values/);
  spawnSync('psql', [pgDb.url, '-v', 'ON_ERROR_STOP=1', '-c', 'DELETE FROM users'], { encoding: 'utf8' });
  const passed = alembic('data-not-null-added', url, 'upgrade', 'head');
  assert.equal(passed.code, 0, passed.out);
});

test('SQLite: data-lost-on-rollback under plain Alembic: after upgrade + downgrade the email is gone', () => {
  const file = join(work, 'moved.db');
  const url = `sqlite:///${file}`;
  assert.equal(alembic('data-lost-on-rollback', url, 'upgrade', '3a1f0c2d9b10').code, 0);
  sqlite3(file, USER_ROW);
  assert.equal(alembic('data-lost-on-rollback', url, 'upgrade', 'head').code, 0);
  assert.equal(sqlite3(file, 'SELECT contact_email FROM users'), 'ada@example.com', 'the upgrade moved it');
  assert.equal(alembic('data-lost-on-rollback', url, 'downgrade', '-1').code, 0);
  assert.equal(sqlite3(file, "SELECT coalesce(email, 'NULL') FROM users"), 'NULL', 'the downgrade did not move it back');
});
